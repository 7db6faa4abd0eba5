/*
 * b64.h: standard base64 (RFC 4648 section 4, alphabet A-Z a-z 0-9 + /,
 * '=' padding) into caller-owned buffers of explicit size.
 */
#ifndef CRYPTO_B64_H
#define CRYPTO_B64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Characters b64_encode writes for len bytes, plus 1 for the NUL. */
size_t b64_encoded_size(size_t len);

/* Most bytes text of len characters can decode to (exact for valid text
 * without padding, at most 2 more than needed otherwise). */
size_t b64_decoded_max(size_t len);

/* Encodes len bytes of in as padded base64 followed by a NUL into out,
 * which holds out_size bytes. Returns false, writing nothing, when out_size
 * is below b64_encoded_size(len). */
bool b64_encode(const void *in, size_t len, char *out, size_t out_size);

/* Decodes exactly len characters of in into out (out_size bytes) and sets
 * *out_len. Strict: the length must be a multiple of 4, every character in
 * the alphabet, '=' only as the last one or two characters, and the unused
 * low bits before padding zero (one canonical text per byte string).
 * Nothing is skipped, whitespace included. The empty text decodes to zero
 * bytes. Returns false on any violation or when out is too small; out may
 * then hold partial output, *out_len is untouched. */
bool b64_decode(const char *in, size_t len, uint8_t *out, size_t out_size,
                size_t *out_len);

#endif
