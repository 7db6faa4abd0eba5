/*
 * b64.c: strict standard base64, no allocation.
 */
#include "crypto/b64.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encoded_size(size_t len)
{
    return (len + 2) / 3 * 4 + 1;
}

size_t b64_decoded_max(size_t len)
{
    return len / 4 * 3 + (len % 4 ? 3 : 0);
}

bool b64_encode(const void *in, size_t len, char *out, size_t out_size)
{
    if (len > (SIZE_MAX - 3) / 4 * 3 || out_size < b64_encoded_size(len))
        return false;
    const uint8_t *p = in;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        size_t n = len - i < 3 ? len - i : 3;
        uint32_t v = (uint32_t)p[i] << 16;
        if (n > 1)
            v |= (uint32_t)p[i + 1] << 8;
        if (n > 2)
            v |= p[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = n > 1 ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = n > 2 ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return true;
}

/* The 6-bit value of c, or -1 when c is outside the alphabet. */
static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool b64_decode(const char *in, size_t len, uint8_t *out, size_t out_size,
                size_t *out_len)
{
    if (len % 4 != 0)
        return false;
    size_t pad = 0;
    if (len > 0 && in[len - 1] == '=')
        pad = (len > 1 && in[len - 2] == '=') ? 2 : 1;
    size_t need = len / 4 * 3 - pad;
    if (need > out_size)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        bool last = i + 4 == len;
        size_t real = last ? 4 - pad : 4; /* characters carrying data */
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            int d = 0;
            if (k < real) {
                d = b64_value((unsigned char)in[i + k]);
                if (d < 0)
                    return false;
            }
            v = (v << 6) | (uint32_t)d;
        }
        /* unused bits of a padded quantum must be zero */
        if (real == 2 && (v & 0xFFFF) != 0)
            return false;
        if (real == 3 && (v & 0xFF) != 0)
            return false;
        out[o++] = (uint8_t)(v >> 16);
        if (real > 2)
            out[o++] = (uint8_t)(v >> 8);
        if (real > 3)
            out[o++] = (uint8_t)v;
    }
    *out_len = o;
    return true;
}
