/*
 * aead.c: AES-256-GCM over OpenSSL EVP, one cipher context per call.
 */
#include "crypto/aead.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

/* OpenSSL counts lengths in int. */
static bool fits_int(size_t n)
{
    return n <= (size_t)INT_MAX;
}

bool aes256gcm_decrypt(const uint8_t key[32], const char *nonce,
                       size_t nonce_len, const char *aad, size_t aad_len,
                       const uint8_t *cipher_with_tag, size_t len, uint8_t *out,
                       size_t *out_len)
{
    if (!key || !nonce || nonce_len != AEAD_NONCE_BYTES || (aad_len && !aad) ||
        !cipher_with_tag || len < AEAD_TAG_BYTES || !fits_int(len) ||
        !fits_int(aad_len) || !out || !out_len)
        return false;
    size_t clen = len - AEAD_TAG_BYTES;
    if (*out_len < clen)
        return false;

    bool ok = false;
    int n = 0, fin = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx ||
        EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, AEAD_NONCE_BYTES,
                            NULL) != 1 ||
        EVP_DecryptInit_ex(ctx, NULL, NULL, key,
                           (const unsigned char *)nonce) != 1)
        goto out;
    if (aad_len && EVP_DecryptUpdate(ctx, NULL, &n, (const uint8_t *)aad,
                                     (int)aad_len) != 1)
        goto out;
    n = 0;
    if (clen &&
        EVP_DecryptUpdate(ctx, out, &n, cipher_with_tag, (int)clen) != 1)
        goto out;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, AEAD_TAG_BYTES,
                            (void *)(cipher_with_tag + clen)) != 1)
        goto out;
    ok = EVP_DecryptFinal_ex(ctx, out + n, &fin) == 1;
out:
    EVP_CIPHER_CTX_free(ctx);
    if (ok)
        *out_len = clen;
    else if (clen)
        OPENSSL_cleanse(out, clen);
    return ok;
}

bool aes256gcm_encrypt(const uint8_t key[32], const char *nonce,
                       size_t nonce_len, const char *aad, size_t aad_len,
                       const uint8_t *plain, size_t len, uint8_t *out,
                       size_t *out_len)
{
    if (!key || !nonce || nonce_len != AEAD_NONCE_BYTES || (aad_len && !aad) ||
        (len && !plain) || !out || !out_len ||
        len > (size_t)INT_MAX - AEAD_TAG_BYTES || !fits_int(aad_len) ||
        *out_len < len + AEAD_TAG_BYTES)
        return false;

    bool ok = false;
    int n = 0, fin = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx ||
        EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, AEAD_NONCE_BYTES,
                            NULL) != 1 ||
        EVP_EncryptInit_ex(ctx, NULL, NULL, key,
                           (const unsigned char *)nonce) != 1)
        goto out;
    if (aad_len && EVP_EncryptUpdate(ctx, NULL, &n, (const uint8_t *)aad,
                                     (int)aad_len) != 1)
        goto out;
    n = 0;
    if (len && EVP_EncryptUpdate(ctx, out, &n, plain, (int)len) != 1)
        goto out;
    if (EVP_EncryptFinal_ex(ctx, out + n, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, AEAD_TAG_BYTES,
                            out + len) != 1)
        goto out;
    ok = true;
    *out_len = len + AEAD_TAG_BYTES;
out:
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}
