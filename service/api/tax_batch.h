/*
 * tax_batch.h: a run of the tax bureau's payment lines (its daily detail as
 * CSV, or a JSON batch). Each line is checked on its own here, then the
 * database records the good ones in batches of a few thousand, each batch
 * one round trip and one transaction (tax_record_batch(): pay()'s rules),
 * two batches at a time on two connections. The answer counts accepted and
 * duplicate lines and lists the rejected ones by their number.
 *
 * Lines are applied as if one by one in order: a batch that shares a
 * person or a voucher with a batch still being recorded waits for it.
 */
#ifndef API_TAX_BATCH_H
#define API_TAX_BATCH_H

#include "http/request.h"

#include <stdbool.h>

/* The fields of a line, in this order. */
enum { TAX_FIELDS = 7 };
extern const char *const tax_field_names[TAX_FIELDS];

typedef struct tax_run tax_run;

/* A run for rq, answering with ref_name ("line" or "index") for each
 * rejected line. NULL when out of memory. Free with tax_run_free(). */
tax_run *tax_run_new(request *rq, const char *ref_name);

/* Checks line ref's text fields (v in tax_field_names order): a good line
 * joins the batch being filled, which goes to the database when full; a
 * bad one is rejected. False once the database has failed: stop reading
 * (tax_run_finish_reply() says why). */
bool tax_run_line(tax_run *t, int ref, const char *const v[TAX_FIELDS]);

/* Rejects line ref as unreadable; msg is copied. */
void tax_run_reject(tax_run *t, int ref, const char *field, const char *msg);

/* Records what is left, waits for every batch and replies: 200 with
 * {"accepted","duplicates","rejected":[…],"rejected_count"}, or 503/500
 * when the database failed (the batches recorded before stay recorded;
 * sending the same lines again makes them duplicates). */
void tax_run_finish_reply(tax_run *t);

/* Stops the workers (waiting for a batch in flight) and frees everything.
 * NULL is fine. */
void tax_run_free(tax_run *t);

#endif
