/*
 * token.h: bearer-token secrets: generation and hashing.
 */
#ifndef CRYPTO_TOKEN_H
#define CRYPTO_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

enum { TOKEN_SECRET_BYTES = 48 };

/* Writes "mi_" + 43 base64url characters (256 random bits) and a NUL. */
bool token_generate(char out[TOKEN_SECRET_BYTES]);
/* Lower-case hex SHA-256 of data. */
void token_sha256_hex(const void *data, size_t len, char out[65]);
/* Constant-time comparison of two equal-length strings. */
bool token_equal(const char *a, const char *b, size_t len);

#endif
