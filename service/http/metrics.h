/*
 * metrics.h: Prometheus counters and histograms for requests.
 */
#ifndef HTTP_METRICS_H
#define HTTP_METRICS_H

#include "db/db.h"

/* Sized for the route table; call once before serving. */
bool metrics_init(int nroutes);
void metrics_free(void);
/* Records one finished request; route_index -1 for unmatched paths. */
void metrics_observe(int route_index, unsigned status, double seconds);
/* The exposition text; the caller frees it. */
char *metrics_render(db_pool *pool);

#endif
