/*
 * wechatpay.h: WeChat Pay API v3 payment notifications: the signature over
 * the raw request (timestamp "\n" nonce "\n" body "\n", SHA256withRSA) with
 * replay protection, and the AES-256-GCM resource inside the body.
 *
 * Pure apart from OpenSSL: the clock is a parameter, nothing is logged.
 * A wechat_keys map is read-only once filled, so threads may share it.
 */
#ifndef CRYPTO_WECHATPAY_H
#define CRYPTO_WECHATPAY_H

#include <jansson.h>
#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    WECHAT_MAX_KEYS = 8,          /* platform keys configured at once */
    WECHAT_SERIAL_MAX = 64,       /* characters in a Wechatpay-Serial */
    WECHAT_NONCE_MAX = 128,       /* characters in a Wechatpay-Nonce */
    WECHAT_MAX_SKEW_SECONDS = 300 /* allowed distance of the timestamp */
};

/* The only Wechatpay-Signature-Type accepted. */
#define WECHAT_SIG_TYPE "WECHATPAY2-SHA256-RSA2048"
/* The only resource algorithm accepted. */
#define WECHAT_RESOURCE_ALGORITHM "AEAD_AES_256_GCM"

typedef enum {
    WECHAT_OK = 0,
    WECHAT_BAD_HEADERS,     /* a header missing, empty or malformed */
    WECHAT_UNKNOWN_SERIAL,  /* Wechatpay-Serial names no configured key */
    WECHAT_BAD_SIG_TYPE,    /* Wechatpay-Signature-Type not accepted */
    WECHAT_STALE_TIMESTAMP, /* more than 300 s before or after now */
    WECHAT_BAD_SIGNATURE,   /* does not verify (includes SIGNTEST probes) */
    WECHAT_BAD_RESOURCE,    /* resource missing a field, or not decodable */
    WECHAT_BAD_ALGORITHM,   /* resource.algorithm not AEAD_AES_256_GCM */
    WECHAT_BAD_TAG,         /* AEAD tag mismatch: forged or corrupted */
    WECHAT_NO_MEMORY        /* ours, not the sender's: answer 5xx */
} wechat_status;

/* Platform public keys by Wechatpay-Serial: a certificate serial and a
 * "PUB_KEY_ID_..." may both be present while a merchant migrates. Serials
 * are compared exactly (case-sensitive). */
typedef struct wechat_keys {
    size_t count;
    struct {
        char serial[WECHAT_SERIAL_MAX + 1];
        EVP_PKEY *key;
    } entries[WECHAT_MAX_KEYS];
} wechat_keys;

/* Makes keys empty. */
void wechat_keys_init(wechat_keys *keys);

/* Adds key under serial (1..64 printable ASCII characters). Takes ownership
 * of key, also when it fails (key is then freed): on a bad or duplicate
 * serial, a full map, or a NULL key. */
bool wechat_keys_add(wechat_keys *keys, const char *serial, EVP_PKEY *key);

/* The key stored under serial, or NULL. */
const EVP_PKEY *wechat_keys_find(const wechat_keys *keys, const char *serial);

/* Frees every key held and empties the map. */
void wechat_keys_free(wechat_keys *keys);

/* Verifies a notification as received, before anything in it is parsed.
 * The header values are NUL-terminated strings, NULL when the header was
 * absent; sig_type may be absent (then WECHAT_SIG_TYPE is assumed) but when
 * present must equal WECHAT_SIG_TYPE. body is the raw body, body_len bytes.
 * now_unix is the current time in Unix seconds (injected for tests).
 * Checks, in order: headers well-formed (timestamp all digits, nonce
 * printable ASCII), signature type, serial known, timestamp within
 * WECHAT_MAX_SKEW_SECONDS of now (inclusive), signature.
 * Returns WECHAT_OK or the first failure, with *why (if why is not NULL) a
 * static message; never WECHAT_BAD_RESOURCE, _BAD_ALGORITHM or _BAD_TAG. */
wechat_status wechat_verify(const wechat_keys *keys, const char *timestamp,
                            const char *nonce, const char *signature,
                            const char *serial, const char *sig_type,
                            const char *body, size_t body_len, int64_t now_unix,
                            const char **why);

/* Decrypts the body's "resource" object: algorithm must be
 * AEAD_AES_256_GCM; ciphertext is base64 of the ciphertext and 16-byte tag;
 * nonce (12 bytes) and associated_data (may be empty, absent or null) are
 * used as the IV and AAD. apiv3_key is the 32-byte APIv3 key (its ASCII
 * bytes). On WECHAT_OK *plaintext_out is a NUL-terminated string the caller
 * frees with free(); a plaintext holding a NUL byte is WECHAT_BAD_RESOURCE.
 * Otherwise *plaintext_out is NULL and *why (if why is not NULL) a static
 * message. resource is only read. */
wechat_status wechat_decrypt_resource(const uint8_t apiv3_key[32],
                                      json_t *resource, char **plaintext_out,
                                      const char **why);

/* A short lower-case name for status ("bad signature"). */
const char *wechat_status_name(wechat_status status);

#endif
