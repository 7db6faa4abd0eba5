/*
 * app.js: the progress dashboard. Plain browser JavaScript, no libraries.
 *
 * The page holds no data of its own: it calls GET /v1/whoami,
 * GET /v1/progress and GET /v1/progress/daily with the caller's bearer
 * token, which comes from the URL fragment (#token=...) once, is kept in
 * localStorage and never appears in a query string.
 */
'use strict';

(function () {
  const TOKEN_KEY = 'medins.dashboard.token';
  const REFRESH_MS = 60 * 1000;
  const LEVEL_CHILD = { county: '乡镇（街道）', township: '村（社区）', village: '组', group: '' };
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const $ = (id) => document.getElementById(id);
  const state = {
    token: null,
    me: null,      /* GET /v1/whoami */
    year: null,
    region: null,  /* the region shown */
    names: {},     /* code -> name, for the breadcrumb */
    crumbs: [],    /* [{code, name}] from the token's region down */
    timer: null,
    daily: null,   /* the trend shown, redrawn when the width changes */
    loading: 0,    /* sequence number: a late answer for an old view is dropped */
  };

  /* ---- token ---- */

  function takeTokenFromFragment() {
    const hash = window.location.hash.replace(/^#/, '');
    if (!hash) return;
    const params = new URLSearchParams(hash);
    const token = params.get('token');
    if (token) {
      try { window.localStorage.setItem(TOKEN_KEY, token); } catch (e) { /* private mode */ }
      state.token = token;
    }
    /* the token leaves the address bar (and the history) at once */
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '',
      window.location.pathname + window.location.search + (rest ? '#' + rest : ''));
  }

  function storedToken() {
    try { return window.localStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  }

  function forgetToken() {
    state.token = null;
    try { window.localStorage.removeItem(TOKEN_KEY); } catch (e) { /* ignore */ }
  }

  /* ---- API ---- */

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path) {
    let res;
    try {
      res = await fetch(path, {
        headers: { Authorization: 'Bearer ' + state.token, Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      throw new ApiError(0, '无法连接服务，请检查网络');
    }
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const msg = body && body.error && body.error.message ? body.error.message : res.statusText;
      throw new ApiError(res.status, msg);
    }
    return body;
  }

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
    return q.toString();
  }

  /* ---- numbers ---- */

  /* "89.07" -> 8907 (hundredths of a percent), exactly; null stays null */
  function rateBp(rate) {
    if (rate === null || rate === undefined) return null;
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(rate));
    if (!m) return null;
    return Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0'));
  }

  function level(rate, thresholds) {
    const bp = rateBp(rate);
    if (bp === null) return 'none';
    if (bp < rateBp(thresholds.alert)) return 'alert';
    if (bp < rateBp(thresholds.warn)) return 'warn';
    return 'ok';
  }

  function count(n) {
    return n === null || n === undefined ? '—' : Number(n).toLocaleString('zh-CN');
  }

  function rateText(rate) {
    return rate === null || rate === undefined ? '—' : rate + '%';
  }

  function barWidth(rate) {
    const bp = rateBp(rate);
    return bp === null ? '0%' : Math.min(bp, 10000) / 100 + '%';
  }

  function defaultYear(now) {
    return now.getMonth() >= 8 ? now.getFullYear() + 1 : now.getFullYear();
  }

  function clock(d) {
    const p = (n) => String(n).padStart(2, '0');
    return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
  }

  /* "2026-12-02T08:00:00+08:00" -> "12月2日 08:00" (as written: Beijing time) */
  function asOfText(asOf) {
    const m = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(asOf || '');
    return m ? Number(m[1]) + '月' + Number(m[2]) + '日 ' + m[3] + ':' + m[4] : '';
  }

  /* ---- page state ---- */

  function showError(message) {
    const el = $('error');
    el.textContent = message;
    el.hidden = !message;
  }

  function showLogin(message) {
    stopTimer();
    $('content').hidden = true;
    $('crumbs').replaceChildren();
    $('bars').replaceChildren();
    $('trend').replaceChildren();
    $('logout').hidden = true;
    $('login').hidden = false;
    showError(message || '');
    $('token-input').focus();
  }

  function stopTimer() {
    if (state.timer) window.clearInterval(state.timer);
    state.timer = null;
  }

  function startTimer() {
    stopTimer();
    state.timer = window.setInterval(() => load(false), REFRESH_MS);
  }

  /* ---- rendering ---- */

  function renderTotal(p) {
    const t = p.total || {};
    const cls = level(t.rate, p.thresholds);
    $('total-name').textContent = (t.name || p.region_name) + ' 合计';
    const rate = $('total-rate');
    rate.textContent = rateText(t.rate);
    rate.className = 'total-rate ' + cls;
    const bar = $('total-bar');
    bar.className = 'meter-fill ' + cls;
    bar.style.width = barWidth(t.rate);
    $('total-enrolled').textContent = count(t.enrolled);
    $('total-target').textContent = count(t.target);
    const gap = t.target === null || t.target === undefined ? null : Math.max(t.target - t.enrolled, 0);
    $('total-gap').textContent = count(gap);
    $('legend-ok').textContent = '≥' + p.thresholds.warn + '%';
    $('legend-warn').textContent = '<' + p.thresholds.warn + '%';
    $('legend-alert').textContent = '<' + p.thresholds.alert + '%';
    const childLabel = LEVEL_CHILD[p.region_level] || '下级区划';
    $('rows-title').textContent = childLabel ? childLabel + '完成率排名' : '完成率排名';
  }

  function renderBars(p) {
    const list = $('bars');
    const rows = p.rows || [];
    const items = rows.map((row) => {
      const cls = level(row.rate, p.thresholds);
      const canDrill = row.level !== 'group';
      const li = document.createElement('li');
      li.className = 'bar-row';
      const el = document.createElement(canDrill ? 'button' : 'div');
      el.className = 'bar ' + cls;
      el.dataset.code = row.code;
      el.dataset.rate = row.rate === null ? '' : row.rate;
      if (canDrill) {
        el.type = 'button';
        el.title = '查看' + row.name + '的下级';
        el.addEventListener('click', () => drill(row.code, row.name));
      }
      const head = document.createElement('span');
      head.className = 'bar-head';
      const rank = document.createElement('span');
      rank.className = 'bar-rank';
      rank.textContent = row.rank;
      const name = document.createElement('span');
      name.className = 'bar-name';
      name.textContent = row.name;
      const rate = document.createElement('span');
      rate.className = 'bar-rate';
      rate.textContent = rateText(row.rate);
      head.append(rank, name);
      if ((row.flags || []).includes('bottom_three')) {
        const flag = document.createElement('span');
        flag.className = 'flag';
        flag.textContent = '后三位';
        head.append(flag);
      }
      head.append(rate);
      const track = document.createElement('span');
      track.className = 'bar-track';
      const fill = document.createElement('span');
      fill.className = 'bar-fill';
      fill.style.width = barWidth(row.rate);
      track.append(fill);
      const figures = document.createElement('span');
      figures.className = 'bar-figures';
      figures.textContent = count(row.enrolled) + ' / ' + count(row.target);
      el.append(head, track, figures);
      li.append(el);
      return li;
    });
    list.replaceChildren(...items);
    $('no-rows').hidden = rows.length > 0;
  }

  function svg(tag, attrs, text) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* The cumulative enrolled per day as a line, the target as a dashed
   * horizontal line; one path point per day. */
  function renderTrend(d) {
    const box = $('trend');
    const days = d.days || [];
    if (days.length === 0) {
      const p = document.createElement('p');
      p.className = 'empty';
      p.textContent = '暂无每日数据';
      box.replaceChildren(p);
      return;
    }
    /* drawn at the box's own width, so the labels keep their size */
    const W = Math.max(280, Math.round(box.clientWidth || 640));
    const H = Math.round(Math.min(260, Math.max(180, W * 0.5)));
    const L = 56, R = 12, T = 12, B = 28;
    const target = d.target === null || d.target === undefined ? null : Number(d.target);
    const top = Math.max(1, target || 0, ...days.map((x) => Number(x.enrolled)));
    /* x by calendar date, so days without payments show as gaps */
    const dayNo = (s) => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10)) / 86400000;
    const first = dayNo(days[0].date), span = dayNo(days[days.length - 1].date) - first;
    const x = (i) => L + (span <= 0 ? (W - L - R) / 2 : ((dayNo(days[i].date) - first) * (W - L - R)) / span);
    const y = (v) => T + (H - T - B) * (1 - v / top);
    const chart = svg('svg', {
      viewBox: `0 0 ${W} ${H}`, class: 'trend-chart', role: 'img',
      'aria-label': '每日累计参保人数',
    });
    for (const f of [0, 0.5, 1]) {
      const gy = y(top * f);
      chart.append(svg('line', { x1: L, x2: W - R, y1: gy, y2: gy, class: 'grid' }));
      chart.append(svg('text', { x: L - 6, y: gy + 4, class: 'axis', 'text-anchor': 'end' },
        count(Math.round(top * f))));
    }
    if (target !== null) {
      chart.append(svg('path', {
        d: `M${L} ${y(target).toFixed(1)} L${W - R} ${y(target).toFixed(1)}`,
        class: 'line-target', 'data-series': 'target',
      }));
    }
    const d0 = days.map((day, i) => (i ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(Number(day.enrolled)).toFixed(1)).join(' ');
    chart.append(svg('path', {
      d: d0, class: 'line-enrolled', 'data-series': 'enrolled', 'data-points': days.length,
    }));
    const last = days[days.length - 1];
    days.forEach((day, i) => {
      if (days.length <= 31 || i === days.length - 1)
        chart.append(svg('circle', {
          cx: x(i), cy: y(Number(day.enrolled)), r: i === days.length - 1 ? 4 : 2.5, class: 'dot-enrolled',
        }));
    });
    const label = (i, anchor) => chart.append(svg('text', {
      x: x(i), y: H - 10, class: 'axis', 'text-anchor': anchor,
    }, days[i].date.slice(5)));
    label(0, span <= 0 ? 'middle' : 'start');
    if (days.length > 1) label(days.length - 1, 'end');
    const caption = document.createElement('p');
    caption.className = 'trend-caption';
    caption.textContent = `${last.date} 累计 ${count(last.enrolled)} 人` +
      (last.added !== undefined ? `，当日新增 ${count(last.added)} 人` : '');
    box.replaceChildren(chart, caption);
  }

  function renderCrumbs() {
    const nav = $('crumbs');
    const parts = [];
    state.crumbs.forEach((c, i) => {
      if (i) {
        const sep = document.createElement('span');
        sep.className = 'sep';
        sep.textContent = '›';
        parts.push(sep);
      }
      const last = i === state.crumbs.length - 1;
      const el = document.createElement(last ? 'span' : 'a');
      el.textContent = c.name || c.code;
      el.dataset.code = c.code;
      if (last) {
        el.className = 'current';
        el.setAttribute('aria-current', 'page');
      } else {
        el.href = '?' + query({ year: state.year, region: c.code });
        el.addEventListener('click', (ev) => {
          ev.preventDefault();
          go(c.code, state.crumbs.slice(0, i + 1));
        });
      }
      parts.push(el);
    });
    nav.replaceChildren(...parts);
  }

  /* ---- navigation ---- */

  function drill(code, name) {
    state.names[code] = name;
    go(code, state.crumbs.concat([{ code, name }]));
  }

  function go(code, crumbs) {
    state.region = code;
    state.crumbs = crumbs;
    history.pushState({ region: code }, '', '?' + query({ year: state.year, region: code }));
    load(true);
  }

  /* The breadcrumb of a region reached by its address: its ancestry from
   * the token's own region down (names looked up once each). */
  async function buildCrumbs(code) {
    const home = state.me && state.me.region_code;
    if (code === home) return [{ code, name: state.me.region_name }];
    let path = [code];
    try {
      const r = await api('/v1/regions/' + encodeURIComponent(code));
      state.names[code] = r.name;
      path = r.path && r.path.length ? r.path : [code];
    } catch (e) {
      if (e.status === 401) throw e;
    }
    const start = home ? Math.max(path.indexOf(home), 0) : 0;
    const codes = path.slice(start);
    if (codes[codes.length - 1] !== code) codes.push(code);
    await Promise.all(codes.filter((c) => !state.names[c]).map(async (c) => {
      try {
        state.names[c] = (await api('/v1/regions/' + encodeURIComponent(c))).name;
      } catch (e) { /* the code stands in for the name */ }
    }));
    return codes.map((c) => ({ code: c, name: state.names[c] || c }));
  }

  /* ---- loading ---- */

  async function load(full) {
    const seq = ++state.loading;
    const year = state.year, region = state.region;
    $('content').setAttribute('aria-busy', 'true');
    try {
      const [p, d] = await Promise.all([
        api('/v1/progress?' + query({ year, region })),
        api('/v1/progress/daily?' + query({ year, region })),
      ]);
      if (seq !== state.loading) return;
      if (state.crumbs.length === 0 || state.crumbs[state.crumbs.length - 1].code !== p.region) {
        state.crumbs = await buildCrumbs(p.region);
        if (seq !== state.loading) return;
      }
      const lastCrumb = state.crumbs[state.crumbs.length - 1];
      lastCrumb.name = p.region_name;
      state.names[p.region] = p.region_name;
      $('content').hidden = false; /* first: the chart takes its width */
      renderCrumbs();
      renderTotal(p);
      renderBars(p);
      state.daily = d;
      renderTrend(d);
      document.title = p.region_name + ' ' + p.year + '年度参保进度';
      $('year-label').textContent = p.year + '年度';
      $('as-of').textContent = p.as_of ? '数据截至 ' + asOfText(p.as_of) : '';
      $('updated').textContent = '更新于 ' + clock(new Date());
      showError('');
      if (full) window.scrollTo(0, 0);
    } catch (e) {
      if (seq !== state.loading) return;
      if (e.status === 401) {
        forgetToken();
        showLogin('令牌无效或已撤销，请重新输入（' + e.message + '）');
        return;
      }
      const why = e.status === 403 ? '无权查看该区域：' + e.message
        : e.status === 404 ? '没有该年度或区划的数据：' + e.message
          : e.status === 0 ? e.message : '加载失败：' + e.message;
      if (full) $('content').hidden = true;
      showError(why + (full ? '' : '（显示的是上次的数据）'));
    } finally {
      if (seq === state.loading) $('content').removeAttribute('aria-busy');
    }
  }

  async function start() {
    $('login').hidden = true;
    $('logout').hidden = false;
    showError('');
    try {
      state.me = await api('/v1/whoami');
    } catch (e) {
      if (e.status === 401) {
        forgetToken();
        showLogin('令牌无效或已撤销，请重新输入（' + e.message + '）');
      } else {
        showError(e.status === 0 ? e.message : '加载失败：' + e.message);
      }
      return;
    }
    const params = new URLSearchParams(window.location.search);
    const y = Number(params.get('year'));
    state.year = Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : defaultYear(new Date());
    state.region = params.get('region') || state.me.home_region || state.me.region_code;
    if (!state.region) {
      showError('请在地址中指定区划，例如 ?region=511724（本令牌不限区划）');
      return;
    }
    state.crumbs = [];
    await load(true);
    startTimer();
  }

  function init() {
    takeTokenFromFragment();
    state.token = state.token || storedToken();
    $('login').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const token = $('token-input').value.trim();
      if (!token) return;
      state.token = token;
      try { window.localStorage.setItem(TOKEN_KEY, token); } catch (e) { /* ignore */ }
      $('token-input').value = '';
      start();
    });
    $('logout').addEventListener('click', () => {
      forgetToken();
      showLogin('');
    });
    window.addEventListener('popstate', () => {
      if (!state.token || !state.me) return;
      const params = new URLSearchParams(window.location.search);
      const region = params.get('region') || state.me.home_region || state.me.region_code;
      const i = state.crumbs.findIndex((c) => c.code === region);
      state.crumbs = i >= 0 ? state.crumbs.slice(0, i + 1) : [];
      state.region = region;
      load(true);
    });
    let resizing = null;
    window.addEventListener('resize', () => {
      window.clearTimeout(resizing);
      resizing = window.setTimeout(() => {
        if (state.daily && !$('content').hidden) renderTrend(state.daily);
      }, 150);
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && state.timer) load(false);
    });
    if (state.token) start();
    else showLogin('');
  }

  init();
})();
