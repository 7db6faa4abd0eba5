/*
 * incentives.h: what the incentive rules (api/incentives.c) and the
 * incentive report (api/incentive_report.c) share.
 */
#ifndef API_INCENTIVES_H
#define API_INCENTIVES_H

#include "db/sql.h"
#include "http/request.h"

/* The scheme of the year in the path; replies 400/404/503 otherwise. */
outcome incentive_scheme_or_reply(request *rq, db_incentives *out);

/* {"deadline","min_rate","fen_per_person"} of one rule; the list of them. */
json_t *incentive_rule_json(const char *deadline, int64_t bp, int64_t fen);
json_t *incentive_rules_json(const db_incentives *in);

#endif
