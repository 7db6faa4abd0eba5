/*
 * fuzz_form.c: the x-www-form-urlencoded parser and Alipay's signed content
 * (domain/form.c).
 *
 * Input: the body as posted. Invariants: a rejected body leaves an empty
 * form; an accepted one has at most FORM_MAX_PARAMS distinct, non-empty,
 * NUL-free, valid UTF-8 keys and values within FORM_MAX_VALUE, each found
 * by form_get; encoding the form again and parsing that gives the same
 * parameters; alipay_sign_content has exactly the length its rule implies.
 */
#include "domain/form.h"
#include "fuzz.h"
#include "utf8_check.h"

#include <string.h>

/* Percent-encodes every byte but letters and digits; appends to *w. */
static void encode(const char *s, char **w)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= 'a' && *p <= 'z')) {
            *(*w)++ = (char)*p;
        } else {
            *(*w)++ = '%';
            *(*w)++ = hex[*p >> 4];
            *(*w)++ = hex[*p & 15];
        }
    }
}

/* The form encoded again, parsed, and compared with f. */
static void check_round_trip(const form *f)
{
    size_t cap = 1;
    for (size_t i = 0; i < f->count; i++)
        cap += 3 * (strlen(f->params[i].key) + strlen(f->params[i].value)) + 2;
    char *body = malloc(cap), *w = body;
    FUZZ_CHECK(body != NULL);
    for (size_t i = 0; i < f->count; i++) {
        if (i > 0)
            *w++ = '&';
        encode(f->params[i].key, &w);
        *w++ = '=';
        encode(f->params[i].value, &w);
    }
    form again;
    form_status st = form_parse(body, (size_t)(w - body), &again);
    /* escapes triple a value's length: a long one may now be too long
     * only if it was over FORM_MAX_VALUE already, which it is not */
    FUZZ_CHECK(st == FORM_OK);
    FUZZ_CHECK(again.count == f->count);
    for (size_t i = 0; i < f->count; i++) {
        FUZZ_CHECK(strcmp(again.params[i].key, f->params[i].key) == 0);
        FUZZ_CHECK(strcmp(again.params[i].value, f->params[i].value) == 0);
    }
    form_free(&again);
    free(body);
}

static void check_sign_content(const form *f)
{
    char *content = alipay_sign_content(f);
    FUZZ_CHECK(content != NULL);
    size_t expect = 0, kept = 0;
    for (size_t i = 0; i < f->count; i++) {
        const form_param *p = &f->params[i];
        if (strcmp(p->key, "sign") == 0 || strcmp(p->key, "sign_type") == 0 ||
            p->value[0] == '\0')
            continue;
        expect += strlen(p->key) + 1 + strlen(p->value);
        kept++;
    }
    if (kept > 1)
        expect += kept - 1;
    FUZZ_CHECK(strlen(content) == expect);
    free(content);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    form f;
    form_status st = form_parse((const char *)data, size, &f);
    FUZZ_CHECK(st != FORM_NO_MEMORY);
    FUZZ_CHECK(form_status_message(st) != NULL);
    if (st != FORM_OK) {
        FUZZ_CHECK(f.count == 0 && f.storage == NULL);
        form_free(&f);
        return 0;
    }
    FUZZ_CHECK(f.count <= FORM_MAX_PARAMS);
    for (size_t i = 0; i < f.count; i++) {
        const char *k = f.params[i].key, *v = f.params[i].value;
        size_t kl = strlen(k), vl = strlen(v);
        FUZZ_CHECK(kl > 0 && kl <= FORM_MAX_VALUE && vl <= FORM_MAX_VALUE);
        FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)k, kl));
        FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)v, vl));
        FUZZ_CHECK(form_get(&f, k) == v); /* keys are distinct */
    }
    check_round_trip(&f);
    check_sign_content(&f);
    form_free(&f);
    FUZZ_CHECK(f.count == 0 && f.storage == NULL);
    return 0;
}
