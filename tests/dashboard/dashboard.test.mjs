// dashboard.test.mjs: the progress dashboard end to end (make check-dashboard).
//
// A throwaway PostgreSQL cluster (scripts/pg.sh) and the real build/medins,
// a small county built through the HTTP API, then the page at /dashboard in
// Debian's headless Chromium driven by playwright-core: the numbers on the
// page are the API's, the bars are ranked and coloured by the thresholds, a
// click drills down, the trend line has a point per day, a wrong token shows
// an error and no data, and nothing is logged to the console.
// Screenshots: build/dashboard.png (desktop) and build/dashboard-mobile.png.
//
// Environment: MEDINS_BIN (default build/medins), CHROMIUM (default
// /usr/bin/chromium), KEEP_TEST_DIR=1 keeps the cluster and service.log.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ADMIN = 'dashboard-test-admin-token-0123456789';
const YEAR = 2027;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BIN = process.env.MEDINS_BIN || 'build/medins';

// ---- the county: four townships whose rates sit on and around the
// thresholds (80 % warn, 70 % alert by default), two villages each with
// one household, targets set on the villages, payments over five days.
const COUNTY = '511724000000';
const TOWNSHIPS = [
  // code, name, [village targets], [paid per village], expected rate, colour
  { code: '511724100000', name: '竹阳街道', targets: [5, 5], paid: [5, 5], rate: '100.00', cls: 'ok' },
  { code: '511724101000', name: '东柳街道', targets: [6, 4], paid: [5, 3], rate: '80.00', cls: 'ok' },
  { code: '511724102000', name: '庙坝镇', targets: [7, 3], paid: [5, 2], rate: '70.00', cls: 'warn' },
  { code: '511724103000', name: '石河镇', targets: [8, 4], paid: [4, 2], rate: '50.00', cls: 'alert' },
];
const DAYS = ['2026-11-02', '2026-11-03', '2026-11-05', '2026-11-06', '2026-11-09'];

const unpaid = {}; // village code -> the one member who has not paid
const results = [];
let failed = 0;
function check(name, ok, detail) {
  results.push({ name, ok, detail });
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name}${!ok && detail ? `\n      ${detail}` : ''}`);
}
function eq(name, got, want) {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  check(name, ok, ok ? '' : `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// ---- the service on a private cluster ----

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startService() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medins-dash.'));
  fs.chmodSync(dir, 0o755);
  execFileSync('scripts/pg.sh', ['start', dir], { stdio: 'inherit' });
  const dbUrl = execFileSync('scripts/pg.sh', ['url', dir]).toString().trim();
  const port = await freePort();
  const log = fs.openSync(path.join(dir, 'service.log'), 'a');
  const child = spawn(BIN, [], {
    stdio: ['ignore', 'ignore', log],
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      PORT: String(port),
      ADMIN_TOKEN: ADMIN,
      DEMO: '0',
      VAR_DIR: dir,
      WORKERS: '4',
      DB_ACQUIRE_TIMEOUT_MS: '2000',
      SHUTDOWN_GRACE_S: '10',
    },
  });
  const base = `http://127.0.0.1:${port}`;
  let exited = null;
  child.on('exit', (code, sig) => { exited = sig || code; });
  for (let i = 0; i < 300 && exited === null; i++) {
    try {
      if ((await fetch(base + '/readyz')).status === 200) return { dir, base, child };
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  throw new Error(`the service did not become ready (exit ${exited}); see ${dir}/service.log`);
}

async function stopService(svc) {
  if (!svc) return;
  if (svc.child.exitCode === null) {
    const gone = new Promise((r) => svc.child.once('exit', r));
    svc.child.kill('SIGTERM');
    await Promise.race([gone, sleep(10000)]);
    if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
  }
  try { execFileSync('scripts/pg.sh', ['stop', svc.dir], { stdio: 'inherit' }); } catch { /* best effort */ }
  if (!process.env.KEEP_TEST_DIR) fs.rmSync(svc.dir, { recursive: true, force: true });
  else console.log(`kept ${svc.dir}`);
}

// ---- the API as a client ----

async function call(base, method, url, token, body, type = 'application/json') {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = type;
  const res = await fetch(base + url, {
    method,
    headers,
    body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}

async function must(base, method, url, body, type) {
  const r = await call(base, method, url, ADMIN, body, type);
  if (r.status < 200 || r.status > 299)
    throw new Error(`${method} ${url}: ${r.status} ${r.text}`);
  return r.json;
}

// GB 11643 check digit
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return first17 + '10X98765432'[sum % 11];
}

const villageCode = (t, v) => t.code.slice(0, 9) + String(v + 1).padStart(3, '0');

async function buildCounty(base) {
  const csv = ['code,name,level,parent_code', `${COUNTY},大竹县,county,`];
  for (const t of TOWNSHIPS) {
    csv.push(`${t.code},${t.name},township,${COUNTY}`);
    t.targets.forEach((_, v) => {
      const vc = villageCode(t, v);
      csv.push(`${vc},${t.name.slice(0, 2)}${'一二三'[v]}村,village,${t.code}`);
    });
  }
  await must(base, 'POST', '/v1/regions/import', csv.join('\n') + '\n', 'text/csv');
  await must(base, 'PUT', `/v1/years/${YEAR}`, {
    collection_start: '2026-09-01',
    collection_end: '2026-12-31',
    tiers: [{ tier: 1, contribution: 38000, fiscal_subsidy: 64000 }],
    subsidies: [],
  });
  const targets = [];
  for (const t of TOWNSHIPS)
    t.targets.forEach((n, v) => targets.push({ region_code: villageCode(t, v), group: 'all', target: n }));
  await must(base, 'PUT', `/v1/targets/${YEAR}`, targets);
  // one household per village: the paid members, and one who has not paid
  let person = 0, payment = 0;
  for (const t of TOWNSHIPS) {
    for (let v = 0; v < t.targets.length; v++) {
      const vc = villageCode(t, v);
      const members = [];
      for (let k = 0; k <= t.paid[v]; k++, person++)
        members.push({
          id_number: idNumber(`511724${1960 + (person % 40)}0101${String(100 + person).padStart(3, '0')}`),
          name: `居民${person}`,
        });
      const no = `DZ-${vc}`;
      await must(base, 'POST', '/v1/households', { household_no: no, region_code: vc, members });
      unpaid[vc] = members[t.paid[v]].id_number;
      for (let k = 0; k < t.paid[v]; k++, payment++) {
        const day = DAYS[payment % DAYS.length];
        await must(base, 'POST', '/v1/payments', {
          id_numbers: [members[k].id_number],
          year: YEAR,
          tier: 1,
          channel: 'bank',
          amount: 38000,
          external_id: `DASH-${payment}`,
          paid_at: `${day}T10:${String(payment % 60).padStart(2, '0')}:00+08:00`,
        });
      }
    }
  }
}

async function makeToken(base, role, region) {
  const r = await must(base, 'POST', '/v1/tokens', { name: `${role} dashboard test`, role, region_code: region });
  return r.token;
}

// ---- the page ----

const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  // Chromium's own network traffic is refused on this closed network;
  // playwright gives each launch a fresh, empty profile directory.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

function watchConsole(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return errors;
}

const colour = (rate, th) => {
  const bp = (s) => Math.round(Number(s) * 100);
  if (rate === null) return 'none';
  if (bp(rate) < bp(th.alert)) return 'alert';
  if (bp(rate) < bp(th.warn)) return 'warn';
  return 'ok';
};

async function barsOnPage(page) {
  return page.$$eval('#bars .bar', (els) => els.map((e) => ({
    code: e.dataset.code,
    rank: e.querySelector('.bar-rank').textContent,
    name: e.querySelector('.bar-name').textContent,
    rate: e.querySelector('.bar-rate').textContent,
    cls: ['ok', 'warn', 'alert', 'none'].find((c) => e.classList.contains(c)),
  })));
}

async function checkRanking(page, progress, label) {
  const bars = await barsOnPage(page);
  eq(`${label}: one bar per child, in rank order`, bars.map((b) => b.code), progress.rows.map((r) => r.code));
  eq(`${label}: ranks and names`, bars.map((b) => [b.rank, b.name]),
    progress.rows.map((r) => [String(r.rank), r.name]));
  eq(`${label}: rates as the API writes them`, bars.map((b) => b.rate),
    progress.rows.map((r) => (r.rate === null ? '—' : r.rate + '%')));
  eq(`${label}: colour by threshold`, bars.map((b) => b.cls),
    progress.rows.map((r) => colour(r.rate, progress.thresholds)));
}

async function checkTotal(page, progress, label) {
  const digits = (s) => s.replace(/[^\d]/g, '');
  const t = progress.total;
  eq(`${label}: total rate`, await page.textContent('#total-rate'), t.rate + '%');
  eq(`${label}: total enrolled`, digits(await page.textContent('#total-enrolled')), String(t.enrolled));
  eq(`${label}: total target`, digits(await page.textContent('#total-target')), String(t.target));
}

async function checkTrend(page, daily, label) {
  const d = await page.getAttribute('#trend path[data-series="enrolled"]', 'd');
  const points = (d || '').match(/[ML]/g) || [];
  check(`${label}: trend has days`, daily.days.length > 0, 'the API returned no days');
  eq(`${label}: one trend point per day`, points.length, daily.days.length);
  eq(`${label}: target line drawn`, await page.$$eval('#trend path[data-series="target"]', (p) => p.length),
    daily.target === null ? 0 : 1);
}

async function dashboardRun(browser, svc, token, viewport, shot) {
  const api = (url) => call(svc.base, 'GET', url, token).then((r) => r.json);
  const context = await browser.newContext(viewport);
  const page = await context.newPage();
  const errors = watchConsole(page);
  const label = viewport.isMobile ? 'phone' : 'desktop';

  await page.goto(`${svc.base}/dashboard?year=${YEAR}#token=${token}`);
  await page.waitForSelector('#bars .bar');
  check(`${label}: the token leaves the address bar`, !page.url().includes(token), page.url());
  eq(`${label}: the token is kept in localStorage`,
    await page.evaluate(() => localStorage.getItem('medins.dashboard.token')), token);

  const county = await api(`/v1/progress?year=${YEAR}&region=${COUNTY}`);
  const countyDaily = await api(`/v1/progress/daily?year=${YEAR}&region=${COUNTY}`);
  eq(`${label}: the fixture's rates`, county.rows.map((r) => [r.name, r.rate]),
    [...TOWNSHIPS].sort((a, b) => Number(b.rate) - Number(a.rate)).map((t) => [t.name, t.rate]));
  eq(`${label}: the fixture's colours`, county.rows.map((r) => colour(r.rate, county.thresholds)),
    [...TOWNSHIPS].sort((a, b) => Number(b.rate) - Number(a.rate)).map((t) => t.cls));
  await checkTotal(page, county, `${label} county`);
  await checkRanking(page, county, `${label} county`);
  await checkTrend(page, countyDaily, `${label} county`);
  eq(`${label}: breadcrumb at the county`, await page.$$eval('#crumbs [data-code]', (e) => e.map((x) => x.textContent)),
    ['大竹县']);
  const updated = await page.textContent('#updated');
  check(`${label}: shows when it was updated`, /更新于 \d\d:\d\d:\d\d/.test(updated), updated);
  await page.screenshot({ path: shot, fullPage: true });

  // drill down: a township's villages, then back up by the breadcrumb
  const town = TOWNSHIPS[1];
  await page.click(`#bars .bar[data-code="${town.code}"]`);
  await page.waitForSelector(`#crumbs .current[data-code="${town.code}"]`);
  await page.waitForFunction((c) => !document.querySelector(`#bars .bar[data-code="${c}"]`), town.code);
  const townProgress = await api(`/v1/progress?year=${YEAR}&region=${town.code}`);
  const townDaily = await api(`/v1/progress/daily?year=${YEAR}&region=${town.code}`);
  eq(`${label}: the township's villages`, townProgress.rows.map((r) => r.code), town.targets.map((_, v) => villageCode(town, v)));
  await checkRanking(page, townProgress, `${label} ${town.name}`);
  await checkTotal(page, townProgress, `${label} ${town.name}`);
  await checkTrend(page, townDaily, `${label} ${town.name}`);
  eq(`${label}: breadcrumb county › township`, await page.$$eval('#crumbs [data-code]', (e) => e.map((x) => x.textContent)),
    ['大竹县', town.name]);
  check(`${label}: the address names the township`, new URL(page.url()).searchParams.get('region') === town.code, page.url());
  await page.click(`#crumbs a[data-code="${COUNTY}"]`);
  await page.waitForSelector(`#bars .bar[data-code="${town.code}"]`);
  await checkRanking(page, county, `${label} back at the county`);

  eq(`${label}: no console errors`, errors, []);
  await context.close();
}

async function wrongTokenRun(browser, svc) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${svc.base}/dashboard?year=${YEAR}#token=not-a-real-token-000000000000`);
  await page.waitForSelector('#error:not([hidden])');
  const msg = await page.textContent('#error');
  check('wrong token: an error message', msg.includes('令牌无效'), msg);
  check('wrong token: no data shown', await page.isHidden('#content') &&
    (await page.$$('#bars .bar')).length === 0 && (await page.textContent('#total-rate')) === '', '');
  check('wrong token: the token form is offered', await page.isVisible('#login'), '');
  eq('wrong token: forgotten', await page.evaluate(() => localStorage.getItem('medins.dashboard.token')), null);
  // the browser logs the 401 itself; nothing else may appear
  eq('wrong token: no console errors but the 401', errors.filter((e) => !/status of 401/.test(e)), []);
  await context.close();
}

// The page refreshes itself every 60 s: a payment made while it is open
// shows after the next tick (the page's clock is driven by the test).
async function refreshRun(browser, svc, token) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.clock.install();
  await page.goto(`${svc.base}/dashboard?year=${YEAR}#token=${token}`);
  await page.waitForSelector('#bars .bar');
  const before = await page.textContent('#total-rate');
  const town = TOWNSHIPS[3], vc = villageCode(town, 0);
  await must(svc.base, 'POST', '/v1/payments', {
    id_numbers: [unpaid[vc]], year: YEAR, tier: 1, channel: 'bank', amount: 38000,
    external_id: 'DASH-LATE', paid_at: '2026-11-10T09:00:00+08:00',
  });
  const county = (await call(svc.base, 'GET', `/v1/progress?year=${YEAR}&region=${COUNTY}`, token)).json;
  check('refresh: the payment changed the report', county.total.rate + '%' !== before, `${before} both times`);
  await page.clock.fastForward(45000); /* the clock also runs on by itself */
  await page.waitForTimeout(500);
  eq('refresh: nothing before 60 s', await page.textContent('#total-rate'), before);
  await page.clock.fastForward(16000);
  try {
    await page.waitForFunction((want) => document.querySelector('#total-rate').textContent === want,
      county.total.rate + '%', { timeout: 10000 });
    check('refresh: the new total after 60 s', true);
  } catch {
    check('refresh: the new total after 60 s', false, await page.textContent('#total-rate'));
  }
  const row = county.rows.find((r) => r.code === town.code);
  eq('refresh: the township\'s new rate', await page.textContent(`#bars .bar[data-code="${town.code}"] .bar-rate`),
    row.rate + '%');
  eq('refresh: no console errors', errors, []);
  await context.close();
}

// A township token typed into the form: the page opens at its own township.
async function typedTokenRun(browser, svc, token) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(`${svc.base}/dashboard?year=${YEAR}`);
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#token-input', token);
  await page.click('#login button[type="submit"]');
  await page.waitForSelector('#bars .bar');
  const town = TOWNSHIPS[3];
  eq('typed township token: its villages', (await barsOnPage(page)).map((b) => b.code).sort(),
    town.targets.map((_, v) => villageCode(town, v)).sort());
  eq('typed township token: breadcrumb starts at its township',
    await page.$$eval('#crumbs [data-code]', (e) => e.map((x) => x.textContent)), [town.name]);
  eq('typed township token: no console errors', errors, []);
  await context.close();
}

async function headerChecks(svc, token) {
  const page = await call(svc.base, 'GET', '/dashboard');
  eq('GET /dashboard: 200 html', [page.status, page.headers.get('content-type')], [200, 'text/html; charset=utf-8']);
  const csp = page.headers.get('content-security-policy') || '';
  check('GET /dashboard: strict CSP', /default-src 'none'/.test(csp) && /script-src 'self'/.test(csp) &&
    !/unsafe/.test(csp), csp);
  eq('GET /dashboard: no-cache', page.headers.get('cache-control'), 'no-cache');
  const etag = page.headers.get('etag');
  const again = await fetch(svc.base + '/dashboard', { headers: { 'If-None-Match': etag } });
  eq('GET /dashboard: 304 for its ETag', again.status, 304);
  const js = await call(svc.base, 'GET', '/dashboard/app.js');
  eq('GET /dashboard/app.js', [js.status, js.headers.get('content-type')], [200, 'text/javascript; charset=utf-8']);
  const css = await call(svc.base, 'GET', '/dashboard/app.css');
  eq('GET /dashboard/app.css', [css.status, css.headers.get('content-type')], [200, 'text/css; charset=utf-8']);
  eq('GET /dashboard/missing.js: 404', (await call(svc.base, 'GET', '/dashboard/missing.js')).status, 404);
  const me = await call(svc.base, 'GET', '/v1/whoami', token);
  eq('GET /v1/whoami (dashboard token)', [me.status, me.json?.role, me.json?.region_code, me.json?.region_name],
    [200, 'dashboard', COUNTY, '大竹县']);
  const adminMe = await call(svc.base, 'GET', '/v1/whoami', ADMIN);
  eq('GET /v1/whoami (admin): home is the only county', [adminMe.json?.region_code, adminMe.json?.home_region], [null, COUNTY]);
  eq('GET /v1/whoami without a token: 401', (await call(svc.base, 'GET', '/v1/whoami')).status, 401);
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (scripts/deps.sh --dashboard)`);
  fs.mkdirSync('build', { recursive: true });
  let svc = null, browser = null;
  try {
    svc = await startService();
    await buildCounty(svc.base);
    const dash = await makeToken(svc.base, 'dashboard', COUNTY);
    const township = await makeToken(svc.base, 'township', TOWNSHIPS[3].code);
    await headerChecks(svc, dash);
    browser = await chromium.launch(LAUNCH);
    await dashboardRun(browser, svc, dash, { viewport: { width: 1280, height: 900 } }, 'build/dashboard.png');
    await dashboardRun(browser, svc, dash,
      { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
      'build/dashboard-mobile.png');
    await wrongTokenRun(browser, svc);
    await typedTokenRun(browser, svc, township);
    await refreshRun(browser, svc, dash); /* last: it pays once more */
  } catch (e) {
    check('the run completes', false, e.stack || String(e));
  } finally {
    if (browser) await browser.close();
    await stopService(svc);
  }
  const passed = results.length - failed;
  console.log(`\ncheck-dashboard: ${failed ? 'FAIL' : 'PASS'} (${passed} passed, ${failed} failed)` +
    (failed ? '' : '; screenshots build/dashboard.png, build/dashboard-mobile.png'));
  process.exit(failed ? 1 : 0);
}

main();
