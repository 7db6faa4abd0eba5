/*
 * rsa_verify.c: public-key loading and SHA256withRSA over OpenSSL 3.
 */
#include "crypto/rsa_verify.h"

#include "crypto/b64.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Largest key text considered (a 16384-bit key's certificate fits easily) */
enum { RSA_MAX_KEY_TEXT = 64 * 1024 };
/* Largest signature: 8192-bit modulus */
enum { RSA_MAX_SIG_BYTES = 1024 };

static const char signtest_prefix[] = "WECHATPAY/SIGNTEST/";

/* Where needle starts in the len bytes at hay, or NULL. */
static const char *find_text(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

static EVP_PKEY *load_pem(const char *text, size_t len, const char **why)
{
    BIO *bio = BIO_new_mem_buf(text, (int)len);
    EVP_PKEY *key = NULL;
    if (!bio) {
        *why = "out of memory";
        return NULL;
    }
    if (find_text(text, len, "-----BEGIN PUBLIC KEY-----")) {
        key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        if (!key)
            *why = "unreadable PEM public key";
    } else if (find_text(text, len, "-----BEGIN CERTIFICATE-----")) {
        X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (cert)
            key = X509_get_pubkey(cert);
        X509_free(cert);
        if (!key)
            *why = "unreadable PEM certificate";
    } else {
        *why = "PEM is neither a PUBLIC KEY nor a CERTIFICATE";
    }
    BIO_free(bio);
    return key;
}

static EVP_PKEY *load_bare_der(const char *text, size_t len, const char **why)
{
    char *clean = malloc(len + 1);
    size_t clen = 0;
    uint8_t *der = NULL;
    size_t der_len = 0;
    EVP_PKEY *key = NULL;
    if (!clean) {
        *why = "out of memory";
        goto out;
    }
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        clean[clen++] = c;
    }
    der = malloc(b64_decoded_max(clen) + 1);
    if (!der) {
        *why = "out of memory";
        goto out;
    }
    if (clen == 0 ||
        !b64_decode(clean, clen, der, b64_decoded_max(clen), &der_len)) {
        *why = "key is neither PEM nor base64";
        goto out;
    }
    const unsigned char *p = der;
    key = d2i_PUBKEY(NULL, &p, (long)der_len);
    if (key && p != der + der_len) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    if (!key)
        *why = "base64 is not a DER SubjectPublicKeyInfo";
out:
    free(clean);
    free(der);
    return key;
}

EVP_PKEY *rsa_public_key_load(const char *text, size_t len, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (!text || len == 0 || len > RSA_MAX_KEY_TEXT) {
        *why = "no key text, or too long";
        return NULL;
    }
    if (memchr(text, '\0', len)) {
        *why = "key text contains a NUL byte";
        return NULL;
    }
    EVP_PKEY *key = find_text(text, len, "-----BEGIN")
                        ? load_pem(text, len, why)
                        : load_bare_der(text, len, why);
    if (!key)
        return NULL;
    if (!EVP_PKEY_is_a(key, "RSA")) {
        *why = "key is not RSA";
        EVP_PKEY_free(key);
        return NULL;
    }
    if (EVP_PKEY_get_bits(key) < RSA_VERIFY_MIN_BITS) {
        *why = "RSA key shorter than 2048 bits";
        EVP_PKEY_free(key);
        return NULL;
    }
    /* Set up a verification once, here: whatever OpenSSL caches inside the
     * key on first use (a provider export) is then done before threads
     * share it. */
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    bool usable = ctx && EVP_PKEY_verify_init(ctx) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!usable) {
        *why = "key cannot verify";
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

void rsa_public_key_free(EVP_PKEY *key)
{
    EVP_PKEY_free(key);
}

bool rsa_sha256_verify(const EVP_PKEY *key, const void *msg, size_t len,
                       const char *sig_b64)
{
    if (!key || (!msg && len) || !sig_b64)
        return false;
    if (strncmp(sig_b64, signtest_prefix, sizeof signtest_prefix - 1) == 0)
        return false;
    /* OpenSSL's prototypes take a non-const key; a verification context only
     * takes a reference to it and never modifies it. */
    EVP_PKEY *k = (EVP_PKEY *)key;
    if (!EVP_PKEY_is_a(k, "RSA"))
        return false;
    size_t b64_len = strnlen(sig_b64, 2 * RSA_MAX_SIG_BYTES);
    uint8_t sig[RSA_MAX_SIG_BYTES];
    size_t sig_len = 0;
    if (b64_len >= 2 * RSA_MAX_SIG_BYTES ||
        !b64_decode(sig_b64, b64_len, sig, sizeof sig, &sig_len))
        return false;
    if (sig_len == 0 || sig_len != (size_t)EVP_PKEY_get_size(k))
        return false;

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(msg, len, md, &md_len, EVP_sha256(), NULL) != 1)
        return false;
    bool ok = false;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
    if (ctx && EVP_PKEY_verify_init(ctx) == 1 &&
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
        EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1)
        ok = EVP_PKEY_verify(ctx, sig, sig_len, md, md_len) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

char *rsa_sha256_sign_b64(EVP_PKEY *private_key, const void *msg, size_t len)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *sig = NULL;
    char *out = NULL;
    size_t sig_len = 0;
    if (!mctx || !private_key ||
        EVP_DigestSignInit(mctx, &pctx, EVP_sha256(), NULL, private_key) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
        EVP_DigestSign(mctx, NULL, &sig_len, msg, len) != 1)
        goto out;
    sig = malloc(sig_len);
    if (!sig || EVP_DigestSign(mctx, sig, &sig_len, msg, len) != 1)
        goto out;
    out = malloc(b64_encoded_size(sig_len));
    if (out && !b64_encode(sig, sig_len, out, b64_encoded_size(sig_len))) {
        free(out);
        out = NULL;
    }
out:
    free(sig);
    EVP_MD_CTX_free(mctx);
    return out;
}
