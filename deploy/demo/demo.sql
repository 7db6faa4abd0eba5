-- demo.sql: the demo county loaded by `make run` (DEMO=1) into an empty
-- database: 大竹县 and its 31 townships (seed 001), villages named after
-- 隘口镇's (seed 004), the 2023 rates and category subsidies of seed 004
-- (附件2, in fen), and a few hundred households. Deterministic: no random().

-- one audit entry for the whole load, not one per row
SELECT set_config('medins.bulk', 'on', true);
INSERT INTO audit_log (action, entity, entity_key, after)
VALUES ('demo_load', 'database', 'demo', '{"county": "511724000000"}');

CREATE FUNCTION pg_temp.id_check_digit(first17 text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT substr('10X98765432',
                  (sum(substr(first17, i, 1)::int *
                       (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i]) % 11)::int + 1, 1)
    FROM generate_series(1, 17) AS i
$$;

INSERT INTO regions (code, name, level, parent_code, path)
VALUES ('511724000000', '大竹县', 1, NULL, ARRAY['511724000000']);

INSERT INTO regions (code, name, level, parent_code, path)
SELECT '511724' || lpad(n::text, 3, '0') || '000', name, 2, '511724000000',
       ARRAY['511724000000', '511724' || lpad(n::text, 3, '0') || '000']
FROM unnest(ARRAY['竹阳街道','东柳街道','白塔街道','中华镇','乌木镇','团坝镇',
                  '朝阳乡','杨家镇','清河镇','柏林镇','石河镇','月华镇','石桥铺镇',
                  '永胜镇','安吉乡','观音镇','周家镇','高明镇','八渡乡','石子镇',
                  '天城镇','杨通乡','四合镇','文星镇','童家镇','高穴镇','妈妈镇',
                  '庙坝镇','欧家镇','清水镇','川主乡'])
     WITH ORDINALITY AS t(name, n);

-- three villages per township, named after seed 004's villages
INSERT INTO regions (code, name, level, parent_code, path)
SELECT left(t.code, 9) || lpad(v::text, 3, '0'),
       (ARRAY['隘口居委','平所村','新院村','屯堡村','凉桥村','坝芒村','百岁村',
              '岑龙村','东坪村','富裕村','太阳山村'])[((tn * 3 + v) % 11) + 1],
       3, t.code, t.path || (left(t.code, 9) || lpad(v::text, 3, '0'))
FROM (SELECT code, path, row_number() OVER (ORDER BY code) AS tn
      FROM regions WHERE level = 2) AS t,
     generate_series(1, 3) AS v;

INSERT INTO categories (code, name, department) VALUES
    ('tekun', '特困人员', '民政'),
    ('orphan', '城乡孤儿', '民政'),
    ('unsupported_child', '事实无人抚养儿童', '民政'),
    ('dibao', '低保对象', '民政'),
    ('dibao_edge', '低保边缘户', '民政'),
    ('civil_other', '民政部门建档其他人员', '民政'),
    ('illness_poverty', '因病致贫家庭重病患者', '民政'),
    ('relapse_poverty', '返贫致贫人口', '乡村振兴'),
    ('unstable_poverty', '脱贫不稳定户', '乡村振兴'),
    ('edge_poverty', '边缘易致贫户', '乡村振兴'),
    ('sudden_hardship', '突发严重困难户', '乡村振兴'),
    ('stable_poverty', '稳定脱贫人口', '乡村振兴'),
    ('veteran_demobilized', '在乡老复员军人', '退役军人'),
    ('veteran_60', '满60岁农村籍退役士兵享受补助', '退役军人'),
    ('key_care', '重点优抚对象（不含1-6级残疾）', '退役军人'),
    ('severe_disability', '民政城乡重度（一、二级）残疾', '残联'),
    ('fp_award', '计生优抚（奖抚）对象', '卫健'),
    ('fp_special', '计生残抚（特扶）对象', '卫健'),
    ('fp_complication', '计划生育手术并发症对象', '卫健');

INSERT INTO years (year, collection_start, collection_end, full_year_until,
                   next_month_until, waiting_days, no_fiscal_subsidy_from,
                   coverage_end)
VALUES (2023, '2022-09-01', '2022-12-15', '2022-12-31', '2023-02-28', 90,
        '2023-07-01', '2023-12-31');

INSERT INTO year_tiers (year, tier, contribution, fiscal_subsidy) VALUES
    (2023, 1, 35000, 61000),
    (2023, 2, 72500, 61000);

INSERT INTO year_subsidies (year, category, tier, subsidy)
SELECT 2023, category, tier, subsidy
FROM (VALUES
    ('tekun', 35000, 35000), ('orphan', 35000, 35000),
    ('unsupported_child', 35000, 35000), ('dibao', 31500, 35000),
    ('dibao_edge', 24500, 35000), ('civil_other', 24500, 35000),
    ('illness_poverty', 24500, 35000), ('relapse_poverty', 24500, 35000),
    ('unstable_poverty', 24500, 35000), ('edge_poverty', 24500, 35000),
    ('sudden_hardship', 24500, 35000), ('stable_poverty', 5000, 5000),
    ('veteran_demobilized', NULL, 72500), ('veteran_60', 35000, 35000),
    ('key_care', 35000, 35000), ('severe_disability', 24500, 35000),
    ('fp_award', 28000, 28000), ('fp_special', 35000, 35000),
    ('fp_complication', 35000, 35000)) AS s(category, tier1, tier2),
LATERAL (VALUES (1, tier1), (2, tier2)) AS t(tier, subsidy)
WHERE subsidy IS NOT NULL;

-- the campaign running now (autumn 2026 for insurance year 2027), with
-- seed 004's rates, so that orders and payments can be tried today
INSERT INTO years (year, collection_start, collection_end, full_year_until,
                   next_month_until, waiting_days, no_fiscal_subsidy_from,
                   coverage_end)
VALUES (2027, '2026-09-01', '2026-12-31', '2026-12-31', '2027-02-28', 90,
        '2027-07-01', '2027-12-31');
INSERT INTO year_tiers (year, tier, contribution, fiscal_subsidy)
SELECT 2027, tier, contribution, fiscal_subsidy FROM year_tiers WHERE year = 2023;
INSERT INTO year_subsidies (year, category, tier, subsidy)
SELECT 2027, category, tier, subsidy FROM year_subsidies WHERE year = 2023;

-- 372 households, four per village, one to five members each
INSERT INTO households (household_no, region_code, attribute)
SELECT v.code || lpad(h::text, 4, '0'), v.code,
       (ARRAY['一般户','一般户','一般户','低保户','脱贫户','五保户'])[(v.n + h) % 6 + 1]
FROM (SELECT code, row_number() OVER (ORDER BY code) AS n
      FROM regions WHERE level = 3) AS v,
     generate_series(1, 4) AS h;

WITH members AS (
    SELECT hh.household_no, hh.attribute, m,
           row_number() OVER (ORDER BY hh.household_no, m) AS k
    FROM (SELECT household_no, attribute,
                 row_number() OVER (ORDER BY household_no) AS n
          FROM households) AS hh,
         generate_series(1, (hh.n % 5)::int + 1) AS m
), people AS (
    SELECT household_no, attribute, m, k,
           '511724' ||
           to_char(date '1940-01-01' + ((k * 7919) % 29000)::int, 'YYYYMMDD') ||
           lpad(((k * 37) % 1000)::text, 3, '0') AS first17
    FROM members
)
INSERT INTO residents (id_number, household_no, name, relation, phone,
                       birth_date, sex)
SELECT first17 || pg_temp.id_check_digit(first17), household_no,
       (ARRAY['王','李','张','刘','陈','杨','黄','赵','吴','周'])[k % 10 + 1] ||
       (ARRAY['建国','秀英','志强','桂兰','海燕','明','芳','伟','丽','军','静','磊'])[k % 12 + 1],
       (ARRAY['户主','配偶','子','女','母亲'])[m],
       '138' || lpad(((k * 104729) % 100000000)::text, 8, '0'),
       to_date(substr(first17, 7, 8), 'YYYYMMDD'),
       CASE WHEN substr(first17, 17, 1)::int % 2 = 1 THEN 'M' ELSE 'F' END
FROM people;

-- categories follow the household attribute
INSERT INTO resident_categories (id_number, category, valid_from, valid_to, source)
SELECT r.id_number,
       CASE h.attribute WHEN '低保户' THEN 'dibao' WHEN '五保户' THEN 'tekun'
                        ELSE 'stable_poverty' END,
       date '2022-01-01', NULL,
       CASE h.attribute WHEN '脱贫户' THEN '乡村振兴' ELSE '民政' END
FROM residents AS r JOIN households AS h USING (household_no)
WHERE h.attribute IN ('低保户', '五保户', '脱贫户');

-- The campaign under way, so that reports and the dashboard have something
-- to show: targets per village (98 % of the registered, rounded up), and
-- most households (from 60 % to 95 % per township) paid for 2027 on days spread over November
-- 2026, through pay() like any payment (fully subsidised households with
-- the subsidy channel).
INSERT INTO targets (year, region_code, grp, target)
SELECT 2027, h.region_code, 'all', ceil(count(*) * 0.98)::bigint
FROM residents AS r JOIN households AS h USING (household_no)
GROUP BY h.region_code;

INSERT INTO targets (year, region_code, grp, target)
SELECT 2027, rg.path[2], rc.category, count(*)
FROM resident_categories AS rc
JOIN residents AS r USING (id_number)
JOIN households AS h USING (household_no)
JOIN regions AS rg ON rg.code = h.region_code
WHERE rc.category IN ('dibao', 'tekun')
GROUP BY rg.path[2], rc.category;

SELECT count(*) AS demo_payments
FROM (SELECT h.household_no, row_number() OVER (ORDER BY h.household_no) AS n
      FROM households AS h) AS hh,
     LATERAL (SELECT (timestamp '2026-11-01 09:00'
                      + ((hh.n * 7) % 30) * interval '1 day'
                      + (hh.n % 9) * interval '1 hour')
                     AT TIME ZONE 'Asia/Shanghai' AS at) AS t,
     LATERAL (SELECT coalesce(sum(l.due - l.subsidy), 0)::bigint AS amount
              FROM unnest(due_lines(2027, 1, (t.at AT TIME ZONE 'Asia/Shanghai')::date,
                                    payable_people(2027, hh.household_no, NULL))) AS l) AS a,
     LATERAL pay(CASE WHEN a.amount = 0 THEN 'subsidy' ELSE 'wechat' END,
                 'DEMO-' || hh.household_no, 'demo'::text, 2027, 1, t.at, a.amount,
                 hh.household_no, NULL::text[], NULL::bigint, NULL::text, NULL::text) AS p
-- each township its own pace: from about 60 % to 95 % of its households
WHERE (hh.n * 7919) % 100 < 60 + substr(hh.household_no, 7, 3)::int % 36;
