/*
 * wechatpay.c: WeChat Pay API v3 notification signature and resource.
 */
#include "crypto/wechatpay.h"

#include "crypto/aead.h"
#include "crypto/b64.h"
#include "crypto/rsa_verify.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* Digits in the largest timestamp accepted (far beyond any real clock, far
 * below overflow). */
enum { WECHAT_TIMESTAMP_DIGITS_MAX = 12 };
/* Largest base64 ciphertext accepted: a transaction is well under 8 KB. */
enum { WECHAT_CIPHERTEXT_B64_MAX = 256 * 1024 };

static void set_why(const char **why, const char *text)
{
    if (why)
        *why = text;
}

/* True when s is 1..max printable ASCII characters (no space for serials:
 * spaces_ok false). */
static bool printable(const char *s, size_t max, bool spaces_ok)
{
    size_t n = 0;
    for (; s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        if (n == max || c > 0x7E || c < (spaces_ok ? 0x20 : 0x21))
            return false;
    }
    return n > 0;
}

void wechat_keys_init(wechat_keys *keys)
{
    memset(keys, 0, sizeof *keys);
}

bool wechat_keys_add(wechat_keys *keys, const char *serial, EVP_PKEY *key)
{
    if (!key || !serial || !printable(serial, WECHAT_SERIAL_MAX, false) ||
        keys->count == WECHAT_MAX_KEYS || wechat_keys_find(keys, serial)) {
        EVP_PKEY_free(key);
        return false;
    }
    strcpy(keys->entries[keys->count].serial, serial);
    keys->entries[keys->count].key = key;
    keys->count++;
    return true;
}

const EVP_PKEY *wechat_keys_find(const wechat_keys *keys, const char *serial)
{
    if (!keys || !serial)
        return NULL;
    for (size_t i = 0; i < keys->count; i++)
        if (strcmp(keys->entries[i].serial, serial) == 0)
            return keys->entries[i].key;
    return NULL;
}

void wechat_keys_free(wechat_keys *keys)
{
    for (size_t i = 0; i < keys->count; i++)
        EVP_PKEY_free(keys->entries[i].key);
    wechat_keys_init(keys);
}

/* Parses 1..12 decimal digits into *out. */
static bool parse_timestamp(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t n = 0;
    for (; s[n]; n++) {
        if (n == WECHAT_TIMESTAMP_DIGITS_MAX || s[n] < '0' || s[n] > '9')
            return false;
        v = v * 10 + (s[n] - '0');
    }
    *out = v;
    return n > 0;
}

/* True when ts is at most WECHAT_MAX_SKEW_SECONDS from now, either way.
 * ts has at most 12 digits; a clock beyond 10^13 s is nonsense, not fresh. */
static bool fresh(int64_t ts, int64_t now)
{
    const int64_t limit = INT64_C(10000000000000);
    if (now < -limit || now > limit)
        return false;
    int64_t d = ts - now;
    return d >= -WECHAT_MAX_SKEW_SECONDS && d <= WECHAT_MAX_SKEW_SECONDS;
}

wechat_status wechat_verify(const wechat_keys *keys, const char *timestamp,
                            const char *nonce, const char *signature,
                            const char *serial, const char *sig_type,
                            const char *body, size_t body_len, int64_t now_unix,
                            const char **why)
{
    int64_t ts = 0;
    if (!timestamp || !nonce || !signature || !serial || (!body && body_len)) {
        set_why(why, "missing Wechatpay-* header");
        return WECHAT_BAD_HEADERS;
    }
    if (!parse_timestamp(timestamp, &ts)) {
        set_why(why, "Wechatpay-Timestamp is not Unix seconds");
        return WECHAT_BAD_HEADERS;
    }
    if (!printable(nonce, WECHAT_NONCE_MAX, false)) {
        set_why(why, "Wechatpay-Nonce is empty or malformed");
        return WECHAT_BAD_HEADERS;
    }
    if (signature[0] == '\0') {
        set_why(why, "Wechatpay-Signature is empty");
        return WECHAT_BAD_HEADERS;
    }
    if (sig_type && strcmp(sig_type, WECHAT_SIG_TYPE) != 0) {
        set_why(why, "unsupported Wechatpay-Signature-Type");
        return WECHAT_BAD_SIG_TYPE;
    }
    const EVP_PKEY *key = wechat_keys_find(keys, serial);
    if (!key) {
        set_why(why, "unknown Wechatpay-Serial");
        return WECHAT_UNKNOWN_SERIAL;
    }
    if (!fresh(ts, now_unix)) {
        set_why(why, "Wechatpay-Timestamp more than 5 minutes from now");
        return WECHAT_STALE_TIMESTAMP;
    }

    size_t tlen = strlen(timestamp), nlen = strlen(nonce);
    if (body_len > SIZE_MAX - tlen - nlen - 3) {
        set_why(why, "body too large");
        return WECHAT_BAD_HEADERS;
    }
    size_t mlen = tlen + 1 + nlen + 1 + body_len + 1;
    char *msg = malloc(mlen);
    if (!msg) {
        set_why(why, "out of memory");
        return WECHAT_NO_MEMORY;
    }
    char *p = msg;
    memcpy(p, timestamp, tlen);
    p += tlen;
    *p++ = '\n';
    memcpy(p, nonce, nlen);
    p += nlen;
    *p++ = '\n';
    if (body_len)
        memcpy(p, body, body_len);
    p += body_len;
    *p = '\n';
    bool ok = rsa_sha256_verify(key, msg, mlen, signature);
    free(msg);
    if (!ok) {
        set_why(why, "signature does not verify");
        return WECHAT_BAD_SIGNATURE;
    }
    set_why(why, "ok");
    return WECHAT_OK;
}

/* The string member name of obj, or NULL when absent or not a string. */
static const char *member_string(json_t *obj, const char *name)
{
    return json_string_value(json_object_get(obj, name));
}

wechat_status wechat_decrypt_resource(const uint8_t apiv3_key[32],
                                      json_t *resource, char **plaintext_out,
                                      const char **why)
{
    wechat_status st = WECHAT_BAD_RESOURCE;
    uint8_t *cipher = NULL;
    char *plain = NULL;
    *plaintext_out = NULL;

    if (!json_is_object(resource)) {
        set_why(why, "resource is not an object");
        goto out;
    }
    const char *algorithm = member_string(resource, "algorithm");
    const char *ciphertext = member_string(resource, "ciphertext");
    const char *nonce = member_string(resource, "nonce");
    json_t *aad_json = json_object_get(resource, "associated_data");
    if (!algorithm || !ciphertext || !nonce) {
        set_why(why, "resource lacks algorithm, ciphertext or nonce");
        goto out;
    }
    if (strcmp(algorithm, WECHAT_RESOURCE_ALGORITHM) != 0) {
        set_why(why, "resource algorithm is not AEAD_AES_256_GCM");
        st = WECHAT_BAD_ALGORITHM;
        goto out;
    }
    if (aad_json && !json_is_null(aad_json) && !json_is_string(aad_json)) {
        set_why(why, "resource associated_data is not a string");
        goto out;
    }
    const char *aad =
        json_is_string(aad_json) ? json_string_value(aad_json) : "";
    size_t aad_len =
        json_is_string(aad_json) ? json_string_length(aad_json) : 0;
    size_t nonce_len = json_string_length(json_object_get(resource, "nonce"));
    if (nonce_len != AEAD_NONCE_BYTES) {
        set_why(why, "resource nonce is not 12 bytes");
        goto out;
    }

    size_t b64_len =
        json_string_length(json_object_get(resource, "ciphertext"));
    if (b64_len > WECHAT_CIPHERTEXT_B64_MAX) {
        set_why(why, "resource ciphertext too long");
        goto out;
    }
    size_t cap = b64_decoded_max(b64_len), clen = 0;
    cipher = malloc(cap + 1);
    plain = malloc(cap + 1);
    if (!cipher || !plain) {
        set_why(why, "out of memory");
        st = WECHAT_NO_MEMORY;
        goto out;
    }
    if (!b64_decode(ciphertext, b64_len, cipher, cap, &clen) ||
        clen < AEAD_TAG_BYTES) {
        set_why(why, "resource ciphertext is not base64 of at least 16 bytes");
        goto out;
    }
    size_t plen = cap;
    if (!aes256gcm_decrypt(apiv3_key, nonce, nonce_len, aad, aad_len, cipher,
                           clen, (uint8_t *)plain, &plen)) {
        set_why(why, "resource tag mismatch");
        st = WECHAT_BAD_TAG;
        goto out;
    }
    plain[plen] = '\0';
    if (strlen(plain) != plen) {
        set_why(why, "resource plaintext contains a NUL byte");
        goto out;
    }
    *plaintext_out = plain;
    plain = NULL;
    set_why(why, "ok");
    st = WECHAT_OK;
out:
    free(cipher);
    free(plain);
    return st;
}

const char *wechat_status_name(wechat_status status)
{
    switch (status) {
    case WECHAT_OK:
        return "ok";
    case WECHAT_BAD_HEADERS:
        return "bad headers";
    case WECHAT_UNKNOWN_SERIAL:
        return "unknown serial";
    case WECHAT_BAD_SIG_TYPE:
        return "bad signature type";
    case WECHAT_STALE_TIMESTAMP:
        return "stale timestamp";
    case WECHAT_BAD_SIGNATURE:
        return "bad signature";
    case WECHAT_BAD_RESOURCE:
        return "bad resource";
    case WECHAT_BAD_ALGORITHM:
        return "bad resource algorithm";
    case WECHAT_BAD_TAG:
        return "resource tag mismatch";
    case WECHAT_NO_MEMORY:
        return "out of memory";
    }
    return "unknown status";
}
