/*
 * fingerprint.c: canonical payment requests, hashed.
 */
#include "domain/fingerprint.h"

#include "common/buf.h"
#include "crypto/token.h"

#include <stdlib.h>
#include <string.h>

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends s with its length first, so that no two field lists collide. */
static void field(buf *b, const char *s)
{
    buf_printf(b, "%zu:%s|", strlen(s ? s : ""), s ? s : "");
}

void payment_fingerprint(const payment_request_fields *f, char out[65])
{
    buf b = {0};
    field(&b, f->channel);
    field(&b, f->external_id);
    buf_printf(&b, "%lld|%lld|%lld|", (long long)f->year, (long long)f->tier,
               (long long)f->amount);
    field(&b, f->paid_at);
    field(&b, f->household_no);
    const char **ids = calloc(f->nids + 1, sizeof *ids);
    for (size_t i = 0; ids && i < f->nids; i++)
        ids[i] = f->ids[i];
    if (ids && f->nids)
        qsort(ids, f->nids, sizeof *ids, by_text);
    for (size_t i = 0; ids && i < f->nids; i++)
        if (i == 0 || strcmp(ids[i], ids[i - 1]) != 0) /* as pay() dedupes */
            field(&b, ids[i]);
    free(ids);
    field(&b, f->collector);
    token_sha256_hex(b.data ? b.data : "", b.len, out);
    buf_free(&b);
}
