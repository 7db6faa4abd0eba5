/*
 * fuzz_wechat.c: WeChat Pay notification verification and resource
 * decryption (crypto/wechatpay.c), as POST /v1/callbacks/wechatpay runs
 * them.
 *
 * Input: five header lines, then the body (the rest, any bytes):
 *   Wechatpay-Timestamp \n Wechatpay-Nonce \n Wechatpay-Signature \n
 *   Wechatpay-Serial \n Wechatpay-Signature-Type \n body
 * A line "-" is an absent header. A signature line SIGN is replaced by the
 * harness's real signature over timestamp, nonce and body; the clock reads
 * FUZZ_NOW. The body, when it is JSON with a "resource" object, is
 * decrypted with a fixed APIv3 key; a ciphertext "ENCRYPT:text" is first
 * replaced by text encrypted under that key with the resource's nonce and
 * associated_data.
 * Invariants: wechat_verify returns exactly the first failure the header
 * rules give, a real signature verifies and nothing else does; a resource
 * the harness encrypted decrypts to its text; a failed decryption hands
 * out no plaintext.
 */
#include "crypto/aead.h"
#include "crypto/b64.h"
#include "crypto/wechatpay.h"
#include "fuzz.h"
#include "fuzz_keys.h"

#include <string.h>

#define FUZZ_NOW INT64_C(1700000000)
#define FUZZ_SERIAL "PUB_KEY_ID_0119000000000000000000000001"

static const uint8_t apiv3_key[32] = "medins-fuzz-apiv3-key-32-bytes!!";

static const wechat_keys *platform_keys(void)
{
    static wechat_keys keys;
    static bool ready;
    if (!ready) {
        const fuzz_key_pair *pair = fuzz_keys();
        wechat_keys_init(&keys);
        FUZZ_CHECK(EVP_PKEY_up_ref(pair->public_key) == 1);
        FUZZ_CHECK(wechat_keys_add(&keys, FUZZ_SERIAL, pair->public_key));
        ready = true;
    }
    return &keys;
}

/* The next line of the input as a NUL-terminated copy (NULL for "-"). */
static char *next_line(const uint8_t **p, const uint8_t *end, bool *present)
{
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    char *s = malloc(n + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, *p, n);
    s[n] = '\0';
    *p = nl ? nl + 1 : end;
    *present = !(n == 1 && s[0] == '-');
    return s;
}

/* 1..max characters, all in [lo, 0x7E]. */
static bool chars_in(const char *s, size_t max, unsigned char lo)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < lo || (unsigned char)s[i] > 0x7E)
            return false;
    return n >= 1 && n <= max;
}

/* What wechat_verify must answer, by the rules in wechatpay.h. */
static wechat_status expected(const char *ts, const char *nonce,
                              const char *sig, const char *serial,
                              const char *type, bool signed_here)
{
    if (!ts || !nonce || !sig || !serial)
        return WECHAT_BAD_HEADERS;
    size_t tl = strlen(ts);
    if (tl < 1 || tl > 12 || strspn(ts, "0123456789") != tl)
        return WECHAT_BAD_HEADERS;
    if (!chars_in(nonce, WECHAT_NONCE_MAX, 0x21) || !*sig)
        return WECHAT_BAD_HEADERS;
    if (type && strcmp(type, WECHAT_SIG_TYPE) != 0)
        return WECHAT_BAD_SIG_TYPE;
    if (strcmp(serial, FUZZ_SERIAL) != 0)
        return WECHAT_UNKNOWN_SERIAL;
    int64_t t = strtoll(ts, NULL, 10);
    if (t < FUZZ_NOW - WECHAT_MAX_SKEW_SECONDS ||
        t > FUZZ_NOW + WECHAT_MAX_SKEW_SECONDS)
        return WECHAT_STALE_TIMESTAMP;
    return signed_here ? WECHAT_OK : WECHAT_BAD_SIGNATURE;
}

/* Signs timestamp \n nonce \n body \n; the caller frees. */
static char *sign(const char *ts, const char *nonce, const uint8_t *body,
                  size_t len)
{
    size_t tl = strlen(ts), nl = strlen(nonce), n = tl + nl + len + 3;
    char *msg = malloc(n);
    FUZZ_CHECK(msg != NULL);
    memcpy(msg, ts, tl);
    msg[tl] = '\n';
    memcpy(msg + tl + 1, nonce, nl);
    msg[tl + 1 + nl] = '\n';
    if (len)
        memcpy(msg + tl + nl + 2, body, len);
    msg[n - 1] = '\n';
    char *sig = rsa_sha256_sign_b64(fuzz_keys()->private_key, msg, n);
    FUZZ_CHECK(sig != NULL);
    free(msg);
    return sig;
}

/* Replaces resource.ciphertext "ENCRYPT:text" by text encrypted under
 * apiv3_key; returns the text (caller frees) or NULL when not asked or
 * the resource's nonce is not 12 bytes. */
static char *encrypt_in_place(json_t *resource)
{
    json_t *c = json_object_get(resource, "ciphertext");
    json_t *nonce = json_object_get(resource, "nonce");
    json_t *aad = json_object_get(resource, "associated_data");
    const char *text = json_string_value(c);
    if (!text || strncmp(text, "ENCRYPT:", 8) != 0 ||
        json_string_length(nonce) != AEAD_NONCE_BYTES)
        return NULL;
    size_t len = json_string_length(c) - 8;
    char *plain = malloc(len + 1);
    FUZZ_CHECK(plain != NULL);
    memcpy(plain, text + 8, len);
    plain[len] = '\0';
    size_t cap = len + AEAD_TAG_BYTES, clen = cap;
    uint8_t *cipher = malloc(cap);
    FUZZ_CHECK(cipher != NULL);
    FUZZ_CHECK(
        aes256gcm_encrypt(apiv3_key, json_string_value(nonce), AEAD_NONCE_BYTES,
                          json_is_string(aad) ? json_string_value(aad) : NULL,
                          json_is_string(aad) ? json_string_length(aad) : 0,
                          (const uint8_t *)plain, len, cipher, &clen));
    size_t bsize = b64_encoded_size(clen);
    char *b64 = malloc(bsize);
    FUZZ_CHECK(b64 && b64_encode(cipher, clen, b64, bsize));
    FUZZ_CHECK(json_object_set_new(resource, "ciphertext", json_string(b64)) ==
               0);
    free(b64);
    free(cipher);
    /* a plaintext with a NUL byte inside can only be refused */
    return strlen(plain) == len ? plain : (free(plain), NULL);
}

static void check_resource(const uint8_t *body, size_t len)
{
    json_t *n = json_loadb((const char *)body, len, 0, NULL);
    json_t *resource = json_object_get(n, "resource");
    if (!json_is_object(resource)) {
        json_decref(n);
        return;
    }
    char *text = encrypt_in_place(resource);
    const char *algorithm =
        json_string_value(json_object_get(resource, "algorithm"));
    json_t *aad = json_object_get(resource, "associated_data");
    bool decryptable = text && algorithm &&
                       strcmp(algorithm, WECHAT_RESOURCE_ALGORITHM) == 0 &&
                       (!aad || json_is_null(aad) || json_is_string(aad));
    char *plain = (char *)"untouched";
    const char *why = NULL;
    wechat_status st =
        wechat_decrypt_resource(apiv3_key, resource, &plain, &why);
    FUZZ_CHECK(why != NULL && wechat_status_name(st) != NULL);
    if (st == WECHAT_OK)
        FUZZ_CHECK(plain != NULL);
    else
        FUZZ_CHECK(plain == NULL);
    if (decryptable) {
        FUZZ_CHECK(st == WECHAT_OK);
        FUZZ_CHECK(strcmp(plain, text) == 0);
    }
    free(plain);
    free(text);
    json_decref(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const wechat_keys *keys = platform_keys();
    const uint8_t *p = data, *end = data + size;
    bool has[5];
    char *line[5];
    for (int i = 0; i < 5; i++)
        line[i] = next_line(&p, end, &has[i]);
    const uint8_t *body = p;
    size_t body_len = (size_t)(end - p);

    bool signed_here = has[0] && has[1] && strcmp(line[2], "SIGN") == 0;
    if (signed_here) {
        free(line[2]);
        line[2] = sign(line[0], line[1], body, body_len);
    }
    const char *h[5];
    for (int i = 0; i < 5; i++)
        h[i] = has[i] ? line[i] : NULL;
    const char *why = NULL;
    wechat_status st =
        wechat_verify(keys, h[0], h[1], h[2], h[3], h[4], (const char *)body,
                      body_len, FUZZ_NOW, &why);
    FUZZ_CHECK(st == expected(h[0], h[1], h[2], h[3], h[4], signed_here));
    FUZZ_CHECK(why != NULL);
    if (st == WECHAT_OK && body_len > 0) /* one byte less: no longer */
        FUZZ_CHECK(wechat_verify(keys, h[0], h[1], h[2], h[3], h[4],
                                 (const char *)body, body_len - 1, FUZZ_NOW,
                                 NULL) == WECHAT_BAD_SIGNATURE);
    check_resource(body, body_len);
    for (int i = 0; i < 5; i++)
        free(line[i]);
    return 0;
}
