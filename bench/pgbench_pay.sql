-- bench/pgbench_pay.sql: what one POST /v1/payments costs the database,
-- for pgbench (bench/all.sh): the statement service/db/payments.c
-- prepares as "pay", with the arguments the service passes for a
-- one-resident bank payment by the admin token (token 0, no scope, no
-- collector), for the next resident of bench_queue. The queue holds
-- residents no other run pays for; the sequence hands each out once.
SELECT p.outcome, p.payment_id, p.id_number, p.personal, p.subsidy,
       p.assistance, p.late_surcharge, p.category, p.coverage_start,
       p.coverage_end, p.detail
  FROM bench_queue q,
       pay('bank', q.external_id, q.request_hash, q.year, 1, q.paid_at,
           q.amount, NULL, ARRAY[q.id_number], 0, NULL, NULL) p
 WHERE q.n = (SELECT nextval('bench_queue_seq'));
