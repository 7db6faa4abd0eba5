/*
 * imports.c: helpers shared by the bulk CSV imports.
 */
#include "api/imports.h"

#include "domain/document.h"
#include "domain/idnumber.h"

#include <stdlib.h>
#include <string.h>

static long line_of(json_t *j)
{
    return (long)json_integer_value(json_object_get(j, "line"));
}

static int by_line(const void *a, const void *b)
{
    long x = line_of(*(json_t *const *)a), y = line_of(*(json_t *const *)b);
    return x < y ? -1 : x > y;
}

void import_sort_rejections(json_t *rejected)
{
    size_t n = json_array_size(rejected);
    json_t **all = n ? malloc(n * sizeof *all) : NULL;
    if (!all)
        return;
    for (size_t i = 0; i < n; i++)
        all[i] = json_incref(json_array_get(rejected, i));
    qsort(all, n, sizeof *all, by_line);
    json_array_clear(rejected);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rejected, all[i]);
    free(all);
}

bool import_upper_id(const char *in, char *out, size_t outsz)
{
    size_t n = strlen(in);
    if (n >= outsz)
        return false;
    for (size_t i = 0; i <= n; i++)
        out[i] = in[i] >= 'a' && in[i] <= 'z' ? (char)(in[i] - 32) : in[i];
    return true;
}

const char *import_id_problem(const char *doc_name, const char *id,
                              civil_date today, civil_date *birth, char *sex)
{
    if (sex)
        *sex = '\0';
    doc_type t = doc_type_from_name(doc_name);
    if (t == DOC_UNKNOWN)
        return "unknown document type";
    if (t == DOC_RESIDENT_ID) {
        id_status st = idnumber_check(id, today, birth, sex);
        return st == ID_OK ? NULL : idnumber_status_message(st);
    }
    return document_shape_problem(t, id);
}

const char *import_any_id_problem(const char *id, civil_date today)
{
    /* what looks like a resident ID is checked as one, in full */
    if (strlen(id) == 18 && strspn(id, "0123456789") >= 17)
        return import_id_problem("resident_id", id, today, NULL, NULL);
    for (doc_type t = DOC_PASSPORT; t < DOC_UNKNOWN; t++)
        if (!document_shape_problem(t, id))
            return NULL;
    return "not the number of any identity document";
}
