/*
 * rsa_verify.h: RSA public keys from the forms payment platforms hand out,
 * and RSA PKCS#1 v1.5 / SHA-256 signatures ("SHA256withRSA", Alipay's
 * "RSA2", WeChat Pay's "WECHATPAY2-SHA256-RSA2048") over OpenSSL 3.
 *
 * A loaded key is immutable: any number of threads may verify with one
 * shared key at once (each call uses its own EVP_PKEY_CTX).
 */
#ifndef CRYPTO_RSA_VERIFY_H
#define CRYPTO_RSA_VERIFY_H

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>

/* Smallest modulus accepted, in bits. */
enum { RSA_VERIFY_MIN_BITS = 2048 };

/* Loads an RSA public key of at least RSA_VERIFY_MIN_BITS from len bytes of
 * text (need not be NUL-terminated), in any of these forms:
 *   - PEM "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo);
 *   - PEM "-----BEGIN CERTIFICATE-----" (X.509; its public key is taken,
 *     the certificate itself is not checked: no chain, no dates);
 *   - bare base64 of the DER SubjectPublicKeyInfo, as Alipay hands it out,
 *     with any whitespace (spaces, tabs, newlines) anywhere.
 * Returns a key the caller frees with rsa_public_key_free, or NULL with
 * *why set to a static message (why may be NULL). */
EVP_PKEY *rsa_public_key_load(const char *text, size_t len, const char **why);

/* Frees a key from rsa_public_key_load (or any EVP_PKEY); NULL is fine. */
void rsa_public_key_free(EVP_PKEY *key);

/* True only when sig_b64 (strict base64, NUL-terminated) is a valid RSA
 * PKCS#1 v1.5 signature over SHA-256 of the len bytes at msg under key.
 * False for anything malformed: NULL arguments, a non-RSA key, bad base64, a
 * signature whose length differs from the modulus, and WeChat Pay's probe
 * signatures starting "WECHATPAY/SIGNTEST/". */
bool rsa_sha256_verify(const EVP_PKEY *key, const void *msg, size_t len,
                       const char *sig_b64);

/* Signs the len bytes at msg with the RSA private key (PKCS#1 v1.5 over
 * SHA-256) and returns the signature as NUL-terminated base64, which the
 * caller frees with free(); NULL on failure. For tests and the platform
 * simulator: the service itself never signs callbacks. */
char *rsa_sha256_sign_b64(EVP_PKEY *private_key, const void *msg, size_t len);

#endif
