/*
 * form.c: x-www-form-urlencoded parsing and Alipay's signed content.
 */
#include "domain/form.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* True when the n bytes at s are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t extra;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i - 1 < extra)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

/* Decodes the n bytes at in into out (room for n + 1) with a NUL, and
 * checks the result. */
static form_status decode(const char *in, size_t n, char *out, size_t *len)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (n - i < 3)
                return FORM_BAD_ESCAPE;
            int hi = hex_value((unsigned char)in[i + 1]);
            int lo = hex_value((unsigned char)in[i + 2]);
            if (hi < 0 || lo < 0)
                return FORM_BAD_ESCAPE;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        if (c == '\0')
            return FORM_NUL_BYTE;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    if (o > FORM_MAX_VALUE)
        return FORM_VALUE_TOO_LONG;
    if (!utf8_valid((const unsigned char *)out, o))
        return FORM_BAD_UTF8;
    *len = o;
    return FORM_OK;
}

form_status form_parse(const char *body, size_t len, form *out)
{
    memset(out, 0, sizeof *out);
    if (!body && len)
        return FORM_NUL_BYTE;
    /* Decoding never lengthens text; each pair needs two NULs where the
     * body has at most one '=' and one '&'. */
    size_t cap = len + 2 * (FORM_MAX_PARAMS + 1) + 1;
    char *store = malloc(cap);
    if (!store)
        return FORM_NO_MEMORY;
    form_status st = FORM_OK;
    size_t used = 0, pos = 0;
    while (pos < len) {
        const char *amp = memchr(body + pos, '&', len - pos);
        size_t end = amp ? (size_t)(amp - body) : len;
        size_t pair_len = end - pos;
        const char *pair = body + pos;
        pos = end + 1;
        if (pair_len == 0)
            continue;
        if (out->count == FORM_MAX_PARAMS) {
            st = FORM_TOO_MANY;
            goto fail;
        }
        const char *eq = memchr(pair, '=', pair_len);
        size_t klen = eq ? (size_t)(eq - pair) : pair_len;
        size_t kdec = 0, vdec = 0;
        char *key = store + used;
        st = decode(pair, klen, key, &kdec);
        if (st != FORM_OK)
            goto fail;
        if (kdec == 0) {
            st = FORM_EMPTY_KEY;
            goto fail;
        }
        used += kdec + 1;
        char *value = store + used;
        st = eq ? decode(eq + 1, pair_len - klen - 1, value, &vdec)
                : decode("", 0, value, &vdec);
        if (st != FORM_OK)
            goto fail;
        used += vdec + 1;
        if (form_get(out, key)) {
            st = FORM_DUPLICATE_KEY;
            goto fail;
        }
        out->params[out->count].key = key;
        out->params[out->count].value = value;
        out->count++;
    }
    out->storage = store;
    return FORM_OK;
fail:
    free(store);
    memset(out, 0, sizeof *out);
    return st;
}

const char *form_get(const form *f, const char *key)
{
    if (!f || !key)
        return NULL;
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->params[i].key, key) == 0)
            return f->params[i].value;
    return NULL;
}

void form_free(form *f)
{
    if (!f)
        return;
    free(f->storage);
    memset(f, 0, sizeof *f);
}

const char *form_status_message(form_status status)
{
    switch (status) {
    case FORM_OK:
        return "ok";
    case FORM_BAD_ESCAPE:
        return "bad percent escape";
    case FORM_NUL_BYTE:
        return "NUL byte in form";
    case FORM_BAD_UTF8:
        return "form text is not valid UTF-8";
    case FORM_EMPTY_KEY:
        return "parameter without a name";
    case FORM_DUPLICATE_KEY:
        return "duplicate parameter";
    case FORM_TOO_MANY:
        return "too many parameters";
    case FORM_VALUE_TOO_LONG:
        return "parameter too long";
    case FORM_NO_MEMORY:
        return "out of memory";
    }
    return "unknown form status";
}

static int compare_keys(const void *a, const void *b)
{
    const form_param *const *pa = a;
    const form_param *const *pb = b;
    return strcmp((*pa)->key, (*pb)->key);
}

char *alipay_sign_content(const form *f)
{
    const form_param *keep[FORM_MAX_PARAMS];
    size_t n = 0, total = 1;
    for (size_t i = 0; i < f->count; i++) {
        const form_param *p = &f->params[i];
        if (strcmp(p->key, "sign") == 0 || strcmp(p->key, "sign_type") == 0 ||
            p->value[0] == '\0')
            continue;
        keep[n++] = p;
        total += strlen(p->key) + 1 + strlen(p->value) + 1;
    }
    if (n > 1)
        qsort(keep, n, sizeof keep[0], compare_keys);
    char *out = malloc(total);
    if (!out)
        return NULL;
    char *w = out;
    for (size_t i = 0; i < n; i++) {
        size_t kl = strlen(keep[i]->key), vl = strlen(keep[i]->value);
        if (i > 0)
            *w++ = '&';
        memcpy(w, keep[i]->key, kl);
        w += kl;
        *w++ = '=';
        memcpy(w, keep[i]->value, vl);
        w += vl;
    }
    *w = '\0';
    return out;
}
