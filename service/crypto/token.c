/*
 * token.c: bearer-token secrets over OpenSSL.
 */
#include "crypto/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

bool token_generate(char out[TOKEN_SECRET_BYTES])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return false;
    memcpy(out, "mi_", 3);
    /* 256 bits → 43 characters of 6 bits (the last one holds 4) */
    unsigned acc = 0, bits = 0;
    size_t o = 3;
    for (size_t i = 0; i < sizeof raw; i++) {
        acc = (acc << 8) | raw[i];
        bits += 8;
        while (bits >= 6) {
            out[o++] = alphabet[(acc >> (bits - 6)) & 63];
            bits -= 6;
        }
    }
    if (bits)
        out[o++] = alphabet[(acc << (6 - bits)) & 63];
    out[o] = '\0';
    return true;
}

void token_sha256_hex(const void *data, size_t len, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

bool token_equal(const char *a, const char *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}
