/*
 * progress_build.h: the progress report of a request's query (year,
 * region, groups, as_of, warn, alert), read from the database with every
 * check, for the JSON, CSV and XLSX routes alike.
 */
#ifndef API_PROGRESS_BUILD_H
#define API_PROGRESS_BUILD_H

#include "db/sql.h"
#include "http/request.h"
#include "report/progress.h"

/* Fills out (the caller frees it with progress_report_free() after
 * OUT_CONTINUE; nothing to free after OUT_REPLIED). Replies 400/403/404/
 * 422/503 itself. */
outcome progress_report_or_reply(request *rq, progress_report *out);

/* The region named code (NULL or "": the caller's own; none: 400),
 * existing (404) and inside the caller's scope (403). */
outcome region_in_scope_or_reply(request *rq, const char *code, db_region *out);

/* The year and region of a progress query (region defaults to the
 * caller's own), checked and inside the caller's scope. */
outcome progress_scope_or_reply(request *rq, int *year, db_region *region);

/* The target shown for region itself (own, else its children's sum) in
 * out->has_target / out->target. Replies 500/503 itself. */
outcome progress_region_target_or_reply(request *rq, int year,
                                        const db_region *region,
                                        progress_cell *out);

/* "2026-12-10T18:30:00+08:00" and "2026年12月10日18时30分" for a Unix
 * time, in Beijing time. */
void progress_format_time(int64_t unix_s, char iso[40], char label[40]);

#endif
