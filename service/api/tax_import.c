/*
 * tax_import.c: the tax bureau's payment detail: POST /v1/payments/import
 * (its daily file, text/csv, streamed) and POST /v1/tax/payments (the same
 * lines as a JSON batch). Each line is one payment for one person under
 * pay()'s rules, external_id = voucher_no; see tax_batch.h.
 */
#include "api/api.h"

#include "api/tax_batch.h"
#include "http/csvbody.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { MAX_BATCH_ITEMS = 10000 };

static int on_csv_row(void *cls, size_t line, const char *const *v,
                      const char *error)
{
    tax_run *t = cls;
    if (!v) {
        tax_run_reject(t, (int)line, NULL, error);
        return 0;
    }
    return tax_run_line(t, (int)line, v) ? 0 : 1;
}

void handle_tax_import(request *rq)
{
    tax_run *t = tax_run_new(rq, "line");
    if (!t) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return;
    }
    if (csvbody_rows_or_reply(rq, tax_field_names, TAX_FIELDS, TAX_FIELDS,
                              on_csv_row, t) == OUT_CONTINUE)
        tax_run_finish_reply(t);
    tax_run_free(t);
}

/* The fields of one JSON item as text, in tax_field_names order. NULL
 * when they can be read, else why (*field names the field). */
static const char *item_fields(json_t *item, const char *v[TAX_FIELDS],
                               char numbers[TAX_FIELDS][24], const char **field)
{
    *field = NULL;
    if (!json_is_object(item))
        return "must be a JSON object";
    for (int i = 0; i < TAX_FIELDS; i++) {
        *field = tax_field_names[i];
        json_t *f = json_object_get(item, tax_field_names[i]);
        bool integer = i >= 2 && i <= 4; /* year, tier, amount */
        if (!f || json_is_null(f))
            return "is required";
        if (integer && !json_is_integer(f))
            return "must be an integer";
        if (!integer && !json_is_string(f))
            return "must be a string";
        if (!integer && strlen(json_string_value(f)) != json_string_length(f))
            return "must not contain NUL characters";
        if (integer)
            snprintf(numbers[i], sizeof numbers[i], "%" PRId64,
                     (int64_t)json_integer_value(f));
        v[i] = integer ? numbers[i] : json_string_value(f);
    }
    return NULL;
}

void handle_tax_batch(request *rq)
{
    json_t *items = json_object_get(rq->json, "payments");
    if (jspec_array_or_reply(rq, items, "payments", 1, MAX_BATCH_ITEMS) !=
        OUT_CONTINUE)
        return;
    tax_run *t = tax_run_new(rq, "index");
    if (!t) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach (items, i, item) {
        const char *v[TAX_FIELDS], *field;
        char numbers[TAX_FIELDS][24];
        const char *why = item_fields(item, v, numbers, &field);
        if (why)
            tax_run_reject(t, (int)i, field, why);
        else if (!tax_run_line(t, (int)i, v))
            break;
    }
    tax_run_finish_reply(t);
    tax_run_free(t);
}
