/*
 * aead.h: AES-256-GCM as WeChat Pay API v3 uses it to encrypt notification
 * resources: a 12-byte nonce, optional associated data, and the 16-byte
 * authentication tag appended to the ciphertext.
 *
 * Stateless: safe to call from any number of threads.
 */
#ifndef CRYPTO_AEAD_H
#define CRYPTO_AEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    AEAD_KEY_BYTES = 32,
    AEAD_NONCE_BYTES = 12,
    AEAD_TAG_BYTES = 16,
};

/* Decrypts and authenticates cipher_with_tag (len bytes: ciphertext, then
 * the 16-byte tag) under key, the nonce (exactly AEAD_NONCE_BYTES bytes) and
 * aad (aad_len bytes; NULL when aad_len is 0).
 * *out_len: on entry the capacity of out, which must be at least
 * len - AEAD_TAG_BYTES; on success the plaintext length (len - 16).
 * Returns false on a tag mismatch (forged or corrupted), a wrong nonce
 * length, len below the tag size, a too small out, or an OpenSSL failure;
 * out is then wiped (no unauthenticated plaintext escapes) and *out_len is
 * untouched. */
bool aes256gcm_decrypt(const uint8_t key[32], const char *nonce,
                       size_t nonce_len, const char *aad, size_t aad_len,
                       const uint8_t *cipher_with_tag, size_t len, uint8_t *out,
                       size_t *out_len);

/* The inverse: encrypts len bytes of plain and appends the tag.
 * *out_len: on entry the capacity of out (at least len + AEAD_TAG_BYTES), on
 * success the bytes written (len + 16). Returns false on a wrong nonce
 * length, a too small out or an OpenSSL failure. Used by the tests and the
 * platform simulator. */
bool aes256gcm_encrypt(const uint8_t key[32], const char *nonce,
                       size_t nonce_len, const char *aad, size_t aad_len,
                       const uint8_t *plain, size_t len, uint8_t *out,
                       size_t *out_len);

#endif
