-- bench/tax_detail.sql: the tax bureau's daily detail for the benchmark
-- (bench/tax_import.sh), as CSV on stdout: one tier-1 payment of year
-- :year for each of the first :lines residents (in ID order) who owe
-- something, the amount each owes at its payment time (person_due(), the
-- rule the service checks), over the last two hours, channels and both
-- time formats in turn. The same roster gives the same lines; only the
-- times move with the clock.
\set ON_ERROR_STOP 1
COPY (
    SELECT '3351' || lpad(g.n::text, 14, '0') AS voucher_no, g.id_number,
           y.year, yt.tier, l.due - l.subsidy AS amount,
           CASE WHEN g.n % 2 = 0
                THEN to_char(g.t, 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"')
                ELSE to_char(g.t, 'YYYY-MM-DD HH24:MI:SS') END AS paid_at,
           (ARRAY['tax_online', 'tax_hall', 'bank', 'pos', 'wechat', 'alipay',
                  'cash'])[g.n % 7 + 1] AS channel
      FROM (SELECT r.id_number, row_number() OVER (ORDER BY r.id_number) AS n,
                   -- Beijing time, a payment every 5 ms back from a minute ago
                   date_trunc('second', (now() - interval '1 minute'
                       - row_number() OVER (ORDER BY r.id_number) * interval '5 ms')
                       AT TIME ZONE 'Asia/Shanghai') AS t
              FROM residents r WHERE r.removed_at IS NULL) g
      JOIN years y ON y.year = :year
      JOIN year_tiers yt ON yt.year = y.year AND yt.tier = 1
     CROSS JOIN LATERAL person_due(y, yt, g.t::date, g.id_number) l
     WHERE l.due > l.subsidy
     ORDER BY g.n
     LIMIT :lines
) TO STDOUT WITH (FORMAT csv, HEADER);
