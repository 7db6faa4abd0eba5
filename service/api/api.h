/*
 * api.h: the handlers, one file per resource. Each handler leaves exactly
 * one reply on the request; it never writes SQL (db/) and never reads the
 * socket (http/).
 */
#ifndef API_API_H
#define API_API_H

#include "http/request.h"

void handle_healthz(request *rq);
void handle_readyz(request *rq);
void handle_metrics(request *rq);

void handle_token_create(request *rq);
void handle_token_list(request *rq);
void handle_token_get(request *rq);
void handle_token_delete(request *rq);

void handle_regions_import(request *rq);
void handle_region_get(request *rq);

void handle_category_put(request *rq);
void handle_category_get(request *rq);
void handle_category_list(request *rq);

void handle_year_put(request *rq);
void handle_year_get(request *rq);

#endif
