/*
 * form.h: application/x-www-form-urlencoded bodies (as Alipay posts its
 * notifications), and the string Alipay signs over such a form.
 *
 * Pure: no I/O. A parsed form owns one block of memory, freed by form_free.
 */
#ifndef DOMAIN_FORM_H
#define DOMAIN_FORM_H

#include <stddef.h>

enum {
    FORM_MAX_PARAMS = 200,    /* parameters in one body */
    FORM_MAX_VALUE = 8 * 1024 /* bytes in one decoded key or value */
};

typedef enum {
    FORM_OK = 0,
    FORM_BAD_ESCAPE,     /* '%' not followed by two hex digits */
    FORM_NUL_BYTE,       /* a NUL byte, raw or as %00 */
    FORM_BAD_UTF8,       /* a decoded key or value is not valid UTF-8 */
    FORM_EMPTY_KEY,      /* "=value" */
    FORM_DUPLICATE_KEY,  /* the same decoded key twice */
    FORM_TOO_MANY,       /* more than FORM_MAX_PARAMS parameters */
    FORM_VALUE_TOO_LONG, /* a decoded key or value over FORM_MAX_VALUE */
    FORM_NO_MEMORY
} form_status;

typedef struct form_param {
    const char *key;   /* decoded, NUL-terminated, non-empty */
    const char *value; /* decoded, NUL-terminated, may be empty */
} form_param;

typedef struct form {
    size_t count;                       /* in body order */
    form_param params[FORM_MAX_PARAMS]; /* point into storage */
    char *storage;
} form;

/* Parses len bytes of body. '+' decodes to a space and %XX (either case) to
 * its byte, in keys and values alike; a pair without '=' has the empty
 * value; empty pairs ("a=1&&b=2", a trailing '&') are skipped, so an empty
 * body is a form with no parameters. Rejects what form_status lists.
 * On FORM_OK the caller frees *out with form_free; on any other status *out
 * holds nothing (form_free on it is harmless). */
form_status form_parse(const char *body, size_t len, form *out);

/* The decoded value of key, or NULL when the form has no such parameter. */
const char *form_get(const form *f, const char *key);

/* Frees what form_parse allocated and empties f; NULL is fine. */
void form_free(form *f);

/* A short lower-case message for status ("duplicate parameter"). */
const char *form_status_message(form_status status);

/* The content Alipay signs (RSA2): every parameter except "sign" and
 * "sign_type" and those with empty values, sorted by key in byte order
 * (strcmp: "a" before "a1" before "a_"), joined as key=value with '&', using
 * the decoded values. Returns a NUL-terminated string the caller frees with
 * free() ("" when nothing remains), or NULL when memory runs out. */
char *alipay_sign_content(const form *f);

#endif
