/*
 * test_callback_crypto.c: unit tests for the payment-callback cryptography:
 * crypto/b64, crypto/rsa_verify, crypto/aead, crypto/wechatpay and
 * crypto/alipay. The tests play the platforms with RSA-2048 keys generated
 * here (no files), plus two genuine signed samples from the platforms' own
 * SDK test suites as known answers. Exports callback_crypto_suite().
 */
#include <check.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/aead.h"
#include "crypto/alipay.h"
#include "crypto/b64.h"
#include "crypto/rsa_verify.h"
#include "crypto/wechatpay.h"
#include "domain/form.h"
#include "unit/callback_platform.h"

Suite *callback_crypto_suite(void);

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- the platforms' keys, made once before the tests fork ---- */

static EVP_PKEY *platform_a, *platform_b; /* private: they sign */
static EVP_PKEY *public_a, *public_b;     /* public: we verify */
static wechat_keys keys;

#define SERIAL_A "PUB_KEY_ID_0114232134912410000000000000"
#define SERIAL_B "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
#define NOW INT64_C(1730514896)

static void make_platform_keys(void)
{
    platform_a = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    platform_b = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    char *pem = platform_public_pem(platform_a);
    char *bare = platform_public_b64(platform_b, 0);
    public_a = platform_load_public(pem);
    public_b = platform_load_public(bare);
    free(pem);
    free(bare);
    /* the map owns its entries: every entry holds its own reference */
    wechat_keys_init(&keys);
    EVP_PKEY_up_ref(public_a);
    EVP_PKEY_up_ref(public_b);
    EVP_PKEY_up_ref(public_a);
    EVP_PKEY_up_ref(public_b);
    wechat_keys_add(&keys, SERIAL_A, public_a);
    wechat_keys_add(&keys, SERIAL_B, public_b);
    wechat_keys_add(&keys, "PUB_KEY_ID_0000000000000000000000000003", public_a);
    wechat_keys_add(&keys, "6E4F0A4B2C1D3E5F", public_b);
}

static void free_platform_keys(void)
{
    wechat_keys_free(&keys);
    rsa_public_key_free(public_a);
    rsa_public_key_free(public_b);
    EVP_PKEY_free(platform_a);
    EVP_PKEY_free(platform_b);
}

/* ---- base64 ---- */

static const struct {
    const char *raw, *b64;
} rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

START_TEST(base64_matches_rfc4648_vectors)
{
    char enc[16];
    uint8_t dec[16];
    size_t n = 99;
    const char *raw = rfc4648[_i].raw, *b64 = rfc4648[_i].b64;
    ck_assert(b64_encode(raw, strlen(raw), enc, sizeof enc));
    ck_assert_str_eq(enc, b64);
    ck_assert(b64_decode(b64, strlen(b64), dec, sizeof dec, &n));
    ck_assert_uint_eq(n, strlen(raw));
    ck_assert(memcmp(dec, raw, n) == 0);
}
END_TEST

static const char *const bad_base64[] = {
    "Zg",       /* length not a multiple of 4 */
    "Zg=",      /* ditto */
    "Zg===",    /* ditto */
    "====",     /* padding only */
    "Z===",     /* three '=' */
    "Zg==Zg==", /* padding in the middle */
    "Zm9v=Zg=", /* ditto */
    "Zh==",     /* non-zero bits under the padding */
    "Zm9=",     /* ditto */
    "Zm9v\n",   /* whitespace is not skipped */
    "Zm 9v",    /* ditto */
    "Zm9-",     /* base64url is another alphabet */
    "Zm9_",     /* ditto */
    "Zm9\x80",  /* not ASCII */
};

START_TEST(base64_decoding_is_strict)
{
    uint8_t dec[16];
    size_t n = 99;
    const char *t = bad_base64[_i];
    ck_assert_msg(!b64_decode(t, strlen(t), dec, sizeof dec, &n), "\"%s\"", t);
    ck_assert_uint_eq(n, 99);
}
END_TEST

START_TEST(base64_respects_buffer_sizes)
{
    char enc[9];
    uint8_t dec[6];
    size_t n = 0;
    ck_assert_uint_eq(b64_encoded_size(6), 9);
    ck_assert(b64_encode("foobar", 6, enc, 9));
    ck_assert(!b64_encode("foobar", 6, enc, 8));
    ck_assert(b64_decode("Zm9vYmFy", 8, dec, 6, &n));
    ck_assert(!b64_decode("Zm9vYmFy", 8, dec, 5, &n));
    ck_assert(b64_decode("Zm9vYg==", 8, dec, 4, &n)); /* exactly 4 bytes */
    ck_assert_uint_eq(n, 4);
}
END_TEST

/* ---- keys and RSA signatures ---- */

START_TEST(pem_and_bare_base64_der_keys_load_alike)
{
    char *pem = platform_public_pem(platform_a);
    char *bare = platform_public_b64(platform_a, 64); /* with newlines */
    char *spaced = platform_public_b64(platform_a, 7);
    for (char *p = spaced; *p; p++)
        if (*p == '\n')
            *p = (p - spaced) % 2 ? ' ' : '\t';
    EVP_PKEY *k1 = platform_load_public(pem), *k2 = platform_load_public(bare),
             *k3 = platform_load_public(spaced);
    ck_assert_int_eq(EVP_PKEY_eq(k1, k2), 1);
    ck_assert_int_eq(EVP_PKEY_eq(k1, k3), 1);
    char *sig = rsa_sha256_sign_b64(platform_a, "msg", 3);
    ck_assert(rsa_sha256_verify(k1, "msg", 3, sig));
    ck_assert(rsa_sha256_verify(k2, "msg", 3, sig));
    free(sig);
    rsa_public_key_free(k1);
    rsa_public_key_free(k2);
    rsa_public_key_free(k3);
    rsa_public_key_free(NULL);
    free(pem);
    free(bare);
    free(spaced);
}
END_TEST

START_TEST(unusable_key_text_is_refused)
{
    char *bare = platform_public_b64(platform_a, 0);
    size_t len = strlen(bare);
    EVP_PKEY *small = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    char *small_pem = platform_public_pem(small),
         *ec_pem = platform_public_pem(ec);
    char *trailing = malloc(len + 5); /* 294 bytes of DER: no padding */
    strcpy(trailing, bare);
    strcat(trailing, "AAAA"); /* DER followed by extra bytes */
    const char *const texts[] = {
        "",
        "not a key",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END",
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "QUJD",
        small_pem,
        ec_pem,
    };
    const char *why = NULL;
    for (int i = 0; i < NROWS(texts); i++) {
        why = NULL;
        ck_assert_ptr_null(
            rsa_public_key_load(texts[i], strlen(texts[i]), &why));
        ck_assert_ptr_nonnull(why);
    }
    ck_assert_ptr_null(rsa_public_key_load(bare, len - 4, NULL)); /* cut */
    ck_assert_ptr_null(rsa_public_key_load(trailing, strlen(trailing), NULL));
    free(trailing);
    free(small_pem);
    free(ec_pem);
    EVP_PKEY_free(small);
    EVP_PKEY_free(ec);
    free(bare);
}
END_TEST

START_TEST(malformed_signatures_are_false_not_errors)
{
    char *sig = rsa_sha256_sign_b64(platform_a, "msg", 3);
    size_t len = strlen(sig);
    ck_assert(rsa_sha256_verify(public_a, "msg", 3, sig));
    ck_assert(!rsa_sha256_verify(public_a, "msh", 3, sig));
    ck_assert(!rsa_sha256_verify(public_b, "msg", 3, sig)); /* wrong key */
    ck_assert(!rsa_sha256_verify(NULL, "msg", 3, sig));
    ck_assert(!rsa_sha256_verify(public_a, "msg", 3, NULL));
    ck_assert(!rsa_sha256_verify(public_a, "msg", 3, ""));
    ck_assert(!rsa_sha256_verify(public_a, "msg", 3, "!!!!"));
    sig[len - 4] = '\0'; /* valid base64, shorter than the modulus */
    ck_assert(!rsa_sha256_verify(public_a, "msg", 3, "QUJD"));
    ck_assert(!rsa_sha256_verify(public_a, "msg", 3, sig));
    free(sig);
}
END_TEST

/* ---- AES-256-GCM ---- */

static const uint8_t apiv3_key[32] = "0123456789abcdefghijABCDEFGHIJ01";

START_TEST(gcm_round_trip_and_known_answer)
{
    static const char *const texts[] = {"", "x", "{\"amount\":{\"total\":1}}"};
    for (int i = 0; i < NROWS(texts); i++) {
        uint8_t ct[64], pt[64];
        size_t clen = sizeof ct, plen = sizeof pt, n = strlen(texts[i]);
        ck_assert(aes256gcm_encrypt(apiv3_key, "abcdefghijkl", 12,
                                    "transaction", 11,
                                    (const uint8_t *)texts[i], n, ct, &clen));
        ck_assert_uint_eq(clen, n + AEAD_TAG_BYTES);
        ck_assert(aes256gcm_decrypt(apiv3_key, "abcdefghijkl", 12,
                                    "transaction", 11, ct, clen, pt, &plen));
        ck_assert_uint_eq(plen, n);
        ck_assert(memcmp(pt, texts[i], n) == 0);
    }
    /* GCM specification test case 14: zero key, zero IV, 16 zero bytes */
    static const uint8_t zero[32],
        want[32] = {0xce, 0xa7, 0x40, 0x3d, 0x4d, 0x60, 0x6b, 0x6e,
                    0x07, 0x4e, 0xc5, 0xd3, 0xba, 0xf3, 0x9d, 0x18,
                    0xd0, 0xd1, 0xc8, 0xa7, 0x99, 0x99, 0x6b, 0xf0,
                    0x26, 0x5b, 0x98, 0xb5, 0xd4, 0x8a, 0xb9, 0x19};
    uint8_t ct[32];
    size_t clen = sizeof ct;
    ck_assert(aes256gcm_encrypt(zero, (const char *)zero, 12, NULL, 0, zero, 16,
                                ct, &clen));
    ck_assert(memcmp(ct, want, 32) == 0);
}
END_TEST

START_TEST(gcm_refuses_forgeries_and_bad_sizes)
{
    const char *msg = "{\"out_trade_no\":\"PO1\",\"amount\":{\"total\":35000}}";
    size_t n = strlen(msg);
    uint8_t ct[128], pt[128];
    size_t clen = sizeof ct, plen;
    ck_assert(aes256gcm_encrypt(apiv3_key, "abcdefghijkl", 12, "transaction",
                                11, (const uint8_t *)msg, n, ct, &clen));
#define DECRYPTS(nonce, nlen, aad, alen, len)                                  \
    (plen = sizeof pt,                                                         \
     aes256gcm_decrypt(apiv3_key, nonce, nlen, aad, alen, ct, len, pt, &plen))
    ck_assert(DECRYPTS("abcdefghijkl", 12, "transaction", 11, clen));
    ck_assert(!DECRYPTS("abcdefghijkl", 12, "transactioN", 11, clen));
    ck_assert(!DECRYPTS("abcdefghijkl", 12, "", 0, clen));
    ck_assert(!DECRYPTS("abcdefghijkm", 12, "transaction", 11, clen));
    ck_assert(!DECRYPTS("abcdefghijk", 11, "transaction", 11, clen));
    ck_assert(!DECRYPTS("abcdefghijklm", 13, "transaction", 11, clen));
    ck_assert(!DECRYPTS("abcdefghijkl", 12, "transaction", 11, clen - 1));
    ck_assert(!DECRYPTS("abcdefghijkl", 12, "transaction", 11, 15));
    ct[clen - 1] ^= 1; /* the tag */
    ck_assert(!DECRYPTS("abcdefghijkl", 12, "transaction", 11, clen));
    ct[clen - 1] ^= 1;
    ct[3] ^= 0x80; /* the ciphertext */
    ck_assert(!DECRYPTS("abcdefghijkl", 12, "transaction", 11, clen));
    for (size_t i = 0; i < n; i++) /* no unauthenticated plaintext left */
        ck_assert_uint_eq(pt[i], 0);
    ct[3] ^= 0x80;
    plen = n - 1; /* out too small */
    ck_assert(!aes256gcm_decrypt(apiv3_key, "abcdefghijkl", 12, "transaction",
                                 11, ct, clen, pt, &plen));
    clen = n + 15;
    ck_assert(!aes256gcm_encrypt(apiv3_key, "abcdefghijkl", 12, NULL, 0,
                                 (const uint8_t *)msg, n, ct, &clen));
    clen = sizeof ct;
    ck_assert(!aes256gcm_encrypt(apiv3_key, "abc", 3, NULL, 0,
                                 (const uint8_t *)msg, n, ct, &clen));
#undef DECRYPTS
}
END_TEST

/* ---- WeChat Pay ---- */

static const char wechat_body[] =
    "{\"id\":\"EV-2018022511223320873\",\"create_time\":\"2024-11-02T10:34:"
    "56+08:00\",\"resource_type\":\"encrypt-resource\",\"event_type\":"
    "\"TRANSACTION.SUCCESS\",\"summary\":\"支付成功\",\"resource\":{"
    "\"original_type\":\"transaction\",\"algorithm\":\"AEAD_AES_256_GCM\","
    "\"ciphertext\":\"\",\"associated_data\":\"transaction\",\"nonce\":"
    "\"fdasflkja484\"}}";

static wechat_status wechat_check(const char *ts, const char *nonce,
                                  const char *sig, const char *serial,
                                  const char *body, int64_t now)
{
    const char *why = NULL;
    wechat_status st =
        wechat_verify(&keys, ts, nonce, sig, serial, WECHAT_SIG_TYPE, body,
                      strlen(body), now, &why);
    ck_assert_ptr_nonnull(why);
    return st;
}

START_TEST(wechat_signature_over_raw_request)
{
    char *sig = platform_wechat_sign(platform_a, "1730514896",
                                     "5K8264ILTKCH16CQ", wechat_body);
    char *sig_b = platform_wechat_sign(platform_b, "1730514896",
                                       "5K8264ILTKCH16CQ", wechat_body);
    char tampered[sizeof wechat_body];
    memcpy(tampered, wechat_body, sizeof tampered);
    tampered[strlen(tampered) - 4] = '5'; /* the nonce */
#define CHECK(ts, nonce, s, serial, body)                                      \
    wechat_check(ts, nonce, s, serial, body, NOW)
    ck_assert_int_eq(
        CHECK("1730514896", "5K8264ILTKCH16CQ", sig, SERIAL_A, wechat_body),
        WECHAT_OK);
    ck_assert_int_eq(
        CHECK("1730514896", "5K8264ILTKCH16CQ", sig, SERIAL_A, tampered),
        WECHAT_BAD_SIGNATURE); /* tampered body */
    ck_assert_int_eq(
        CHECK("1730514897", "5K8264ILTKCH16CQ", sig, SERIAL_A, wechat_body),
        WECHAT_BAD_SIGNATURE); /* tampered timestamp */
    ck_assert_int_eq(
        CHECK("1730514896", "5K8264ILTKCH16CR", sig, SERIAL_A, wechat_body),
        WECHAT_BAD_SIGNATURE); /* tampered nonce */
    ck_assert_int_eq(
        CHECK("1730514896", "5K8264ILTKCH16CQ", sig_b, SERIAL_A, wechat_body),
        WECHAT_BAD_SIGNATURE); /* signed by another key */
    ck_assert_int_eq(
        CHECK("1730514896", "5K8264ILTKCH16CQ", sig_b, SERIAL_B, wechat_body),
        WECHAT_OK);
    ck_assert_int_eq(CHECK("1730514896", "5K8264ILTKCH16CQ", sig,
                           "PUB_KEY_ID_0114232134912410000000000001",
                           wechat_body),
                     WECHAT_UNKNOWN_SERIAL);
    ck_assert_int_eq(CHECK("1730514896", "5K8264ILTKCH16CQ",
                           "WECHATPAY/SIGNTEST/5K8264ILTKCH16CQ2502SI8ZNMTM67Vu"
                           "jDjMv/0pt3lqDGbvDdO53mxvCx/cDDvF7sqmi/3lz4Q==",
                           SERIAL_A, wechat_body),
                     WECHAT_BAD_SIGNATURE); /* the platform's probe */
#undef CHECK
    free(sig);
    free(sig_b);
}
END_TEST

static const struct {
    int64_t offset; /* timestamp minus now */
    wechat_status expect;
} skews[] = {
    {0, WECHAT_OK},
    {-300, WECHAT_OK},
    {300, WECHAT_OK},
    {-301, WECHAT_STALE_TIMESTAMP},
    {301, WECHAT_STALE_TIMESTAMP},
    {-86400, WECHAT_STALE_TIMESTAMP},
};

START_TEST(wechat_timestamp_within_five_minutes_either_way)
{
    char ts[24];
    snprintf(ts, sizeof ts, "%lld", (long long)(NOW + skews[_i].offset));
    char *sig = platform_wechat_sign(platform_a, ts, "nonce", wechat_body);
    ck_assert_int_eq(wechat_check(ts, "nonce", sig, SERIAL_A, wechat_body, NOW),
                     skews[_i].expect);
    free(sig);
}
END_TEST

START_TEST(wechat_header_shape_and_signature_type)
{
    char *sig =
        platform_wechat_sign(platform_a, "1730514896", "n", wechat_body);
    size_t len = strlen(wechat_body);
    const char *why = NULL;
#define VERIFY(ts, nonce, s, serial, type)                                     \
    wechat_verify(&keys, ts, nonce, s, serial, type, wechat_body, len, NOW,    \
                  &why)
    ck_assert_int_eq(VERIFY("1730514896", "n", sig, SERIAL_A, NULL),
                     WECHAT_OK); /* absent type: the default */
    ck_assert_int_eq(
        VERIFY("1730514896", "n", sig, SERIAL_A, "WECHATPAY2-SHA256-RSA1024"),
        WECHAT_BAD_SIG_TYPE);
    ck_assert_int_eq(VERIFY("1730514896", "n", sig, SERIAL_A, "SM2"),
                     WECHAT_BAD_SIG_TYPE);
    ck_assert_int_eq(VERIFY(NULL, "n", sig, SERIAL_A, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("1730514896", NULL, sig, SERIAL_A, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("1730514896", "n", NULL, SERIAL_A, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("1730514896", "n", sig, NULL, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("", "n", sig, SERIAL_A, NULL), WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("-1730514896", "n", sig, SERIAL_A, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("1730514896.0", "n", sig, SERIAL_A, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("99999999999999999999", "n", sig, SERIAL_A, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("1730514896", "", sig, SERIAL_A, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("1730514896", "a\nb", sig, SERIAL_A, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("1730514896", "n", "", SERIAL_A, NULL),
                     WECHAT_BAD_HEADERS);
    ck_assert_int_eq(VERIFY("1730514896", "n", sig, "", NULL),
                     WECHAT_UNKNOWN_SERIAL);
#undef VERIFY
    free(sig);
}
END_TEST

START_TEST(wechat_key_map_holds_several_serials)
{
    ck_assert_uint_eq(keys.count, 4);
    ck_assert_ptr_eq(wechat_keys_find(&keys, SERIAL_A), public_a);
    ck_assert_ptr_eq(wechat_keys_find(&keys, SERIAL_B), public_b);
    ck_assert_ptr_eq(wechat_keys_find(&keys, "6E4F0A4B2C1D3E5F"), public_b);
    ck_assert_ptr_null(wechat_keys_find(&keys, "6e4f0a4b2c1d3e5f"));
    wechat_keys k;
    wechat_keys_init(&k);
    for (int i = 0; i < WECHAT_MAX_KEYS; i++) {
        char serial[16];
        snprintf(serial, sizeof serial, "S%d", i);
        EVP_PKEY_up_ref(public_a);
        ck_assert(wechat_keys_add(&k, serial, public_a));
    }
    EVP_PKEY_up_ref(public_a);
    ck_assert(!wechat_keys_add(&k, "one-too-many", public_a)); /* freed */
    wechat_keys_free(&k);
    ck_assert_uint_eq(k.count, 0);
    EVP_PKEY_up_ref(public_a);
    ck_assert(wechat_keys_add(&k, "S", public_a));
    EVP_PKEY_up_ref(public_a);
    ck_assert(!wechat_keys_add(&k, "S", public_a)); /* duplicate */
    EVP_PKEY_up_ref(public_a);
    ck_assert(!wechat_keys_add(&k, "has space", public_a));
    wechat_keys_free(&k);
}
END_TEST

/* Many threads verifying with one shared key. */
static void *verify_many(void *arg)
{
    const char *sig = arg;
    long wrong = 0;
    for (int i = 0; i < 40; i++) {
        wrong += wechat_check("1730514896", "n", sig, SERIAL_A, wechat_body,
                              NOW) != WECHAT_OK;
        wrong += wechat_check("1730514896", "m", sig, SERIAL_A, wechat_body,
                              NOW) != WECHAT_BAD_SIGNATURE;
    }
    return (void *)wrong;
}

START_TEST(wechat_verification_shares_keys_across_threads)
{
    char *sig =
        platform_wechat_sign(platform_a, "1730514896", "n", wechat_body);
    pthread_t t[6];
    for (int i = 0; i < NROWS(t); i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, verify_many, sig), 0);
    for (int i = 0; i < NROWS(t); i++) {
        void *wrong;
        pthread_join(t[i], &wrong);
        ck_assert_ptr_null(wrong);
    }
    free(sig);
}
END_TEST

/* A resource object encrypting plain under apiv3_key. */
static json_t *make_resource(const char *plain, const char *aad,
                             const char *algorithm)
{
    uint8_t ct[512];
    size_t clen = sizeof ct;
    ck_assert(aes256gcm_encrypt(apiv3_key, "fdasflkja484", 12, aad, strlen(aad),
                                (const uint8_t *)plain, strlen(plain), ct,
                                &clen));
    char b64[1024];
    ck_assert(b64_encode(ct, clen, b64, sizeof b64));
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "original_type",
                     "transaction", "algorithm", algorithm, "ciphertext", b64,
                     "associated_data", aad, "nonce", "fdasflkja484");
}

START_TEST(wechat_resource_decrypts_only_when_authentic)
{
    const char *tx =
        "{\"mchid\":\"1900000001\",\"out_trade_no\":\"PO1\","
        "\"trade_state\":\"SUCCESS\",\"amount\":{\"total\":35000}}";
    char *plain = NULL;
    const char *why = NULL;
    json_t *r = make_resource(tx, "transaction", "AEAD_AES_256_GCM");
    ck_assert_int_eq(wechat_decrypt_resource(apiv3_key, r, &plain, &why),
                     WECHAT_OK);
    ck_assert_str_eq(plain, tx);
    free(plain);

    uint8_t other_key[32];
    memcpy(other_key, apiv3_key, 32);
    other_key[0] ^= 1;
    ck_assert_int_eq(wechat_decrypt_resource(other_key, r, &plain, &why),
                     WECHAT_BAD_TAG);
    ck_assert_ptr_null(plain);
    json_object_set_new(r, "associated_data", json_string("certificate"));
    ck_assert_int_eq(wechat_decrypt_resource(apiv3_key, r, &plain, &why),
                     WECHAT_BAD_TAG);
    json_object_set_new(r, "associated_data", json_string("transaction"));
    json_object_set_new(r, "algorithm", json_string("AEAD_AES_128_GCM"));
    ck_assert_int_eq(wechat_decrypt_resource(apiv3_key, r, &plain, &why),
                     WECHAT_BAD_ALGORITHM);
    json_object_set_new(r, "algorithm", json_string("AEAD_AES_256_GCM"));
    json_object_set_new(r, "nonce", json_string("fdasflkja48"));
    ck_assert_int_eq(wechat_decrypt_resource(apiv3_key, r, &plain, &why),
                     WECHAT_BAD_RESOURCE);
    json_object_del(r, "nonce");
    ck_assert_int_eq(wechat_decrypt_resource(apiv3_key, r, &plain, &why),
                     WECHAT_BAD_RESOURCE);
    json_object_set_new(r, "nonce", json_string("fdasflkja484"));
    json_object_set_new(r, "ciphertext", json_string("not base64!"));
    ck_assert_int_eq(wechat_decrypt_resource(apiv3_key, r, &plain, &why),
                     WECHAT_BAD_RESOURCE);
    json_object_set_new(r, "ciphertext", json_string("QUJD"));
    ck_assert_int_eq(wechat_decrypt_resource(apiv3_key, r, &plain, &why),
                     WECHAT_BAD_RESOURCE); /* shorter than a tag */
    ck_assert_int_eq(wechat_decrypt_resource(apiv3_key, NULL, &plain, &why),
                     WECHAT_BAD_RESOURCE);
    json_decref(r);

    r = make_resource(tx, "", "AEAD_AES_256_GCM"); /* no AAD at all */
    json_object_del(r, "associated_data");
    ck_assert_int_eq(wechat_decrypt_resource(apiv3_key, r, &plain, &why),
                     WECHAT_OK);
    free(plain);
    json_decref(r);
}
END_TEST

START_TEST(wechat_known_answer_from_the_go_sdk)
{
    wechat_keys k;
    wechat_keys_init(&k);
    ck_assert(wechat_keys_add(&k, SDK_WECHAT_SERIAL,
                              platform_load_public(sdk_wechat_cert)));
    size_t len = strlen(sdk_wechat_body);
    const char *why = NULL;
#define VERIFY(body, blen, now)                                                \
    wechat_verify(&k, SDK_WECHAT_TIMESTAMP, SDK_WECHAT_NONCE,                  \
                  sdk_wechat_signature, SDK_WECHAT_SERIAL, WECHAT_SIG_TYPE,    \
                  body, blen, now, &why)
    ck_assert_int_eq(VERIFY(sdk_wechat_body, len, 1624523846), WECHAT_OK);
    ck_assert_int_eq(VERIFY(sdk_wechat_body, len, 1624523846 + 300), WECHAT_OK);
    ck_assert_int_eq(VERIFY(sdk_wechat_body, len, 1624523846 + 301),
                     WECHAT_STALE_TIMESTAMP);
    ck_assert_int_eq(VERIFY(sdk_wechat_body, len - 1, 1624523846),
                     WECHAT_BAD_SIGNATURE);
#undef VERIFY
    wechat_keys_free(&k);
}
END_TEST

/* ---- Alipay ---- */

#define ALIPAY_BASE                                                            \
    "notify_time=2024-11-02+10%3A34%3A58&notify_type=trade_status_sync&"       \
    "notify_id=2024110200222103458000001&app_id=2021000000000001&charset="     \
    "utf-8&version=1.0&sign_type=RSA2&trade_no=2024110222001400001&out_"       \
    "trade_no=PO202411020001&trade_status=TRADE_SUCCESS&total_amount=350.00"
#define ALIPAY_BASE_SIGNED                                                     \
    "app_id=2021000000000001&charset=utf-8&notify_id="                         \
    "2024110200222103458000001&notify_time=2024-11-02 10:34:58&notify_type="   \
    "trade_status_sync&out_trade_no=PO202411020001&total_amount=350.00&"       \
    "trade_no=2024110222001400001&trade_status=TRADE_SUCCESS&version=1.0"

static const struct {
    const char *rule, *body, *signed_text;
    alipay_status expect;
} alipay_cases[] = {
    {"a notification signed as Alipay signs verifies", ALIPAY_BASE,
     ALIPAY_BASE_SIGNED, ALIPAY_OK},
    {"sign_type is not part of the signed content", ALIPAY_BASE,
     "app_id=2021000000000001&charset=utf-8&notify_id="
     "2024110200222103458000001&notify_time=2024-11-02 10:34:58&notify_type="
     "trade_status_sync&out_trade_no=PO202411020001&sign_type=RSA2&total_"
     "amount=350.00&trade_no=2024110222001400001&trade_status=TRADE_SUCCESS&"
     "version=1.0",
     ALIPAY_BAD_SIGNATURE},
    {"without sign_type it verifies the same",
     "app_id=2021000000000001&charset=utf-8",
     "app_id=2021000000000001&charset=utf-8", ALIPAY_OK},
    {"unknown parameters are signed and verified",
     ALIPAY_BASE "&zz_new_field=42&fund_bill_list=%5B%7B%22amount%22%3A%22350"
                 ".00%22%2C%22fundChannel%22%3A%22ALIPAYACCOUNT%22%7D%5D",
     "app_id=2021000000000001&charset=utf-8&fund_bill_list=[{\"amount\":"
     "\"350.00\",\"fundChannel\":\"ALIPAYACCOUNT\"}]&notify_id="
     "2024110200222103458000001&notify_time=2024-11-02 10:34:58&notify_type="
     "trade_status_sync&out_trade_no=PO202411020001&total_amount=350.00&"
     "trade_no=2024110222001400001&trade_status=TRADE_SUCCESS&version=1.0&zz_"
     "new_field=42",
     ALIPAY_OK},
    {"empty values are dropped",
     ALIPAY_BASE "&body=&passback_params=", ALIPAY_BASE_SIGNED, ALIPAY_OK},
    {"'a' sorts before 'a1'", "a1=x&a=y&sign_type=RSA2", "a=y&a1=x", ALIPAY_OK},
    {"sorting the pair text ('a1=' before 'a=') is wrong",
     "a1=x&a=y&sign_type=RSA2", "a1=x&a=y", ALIPAY_BAD_SIGNATURE},
    {"a tampered amount fails",
     "notify_time=2024-11-02+10%3A34%3A58&notify_type=trade_status_sync&"
     "notify_id=2024110200222103458000001&app_id=2021000000000001&charset="
     "utf-8&version=1.0&sign_type=RSA2&trade_no=2024110222001400001&out_"
     "trade_no=PO202411020001&trade_status=TRADE_SUCCESS&total_amount=0.01",
     ALIPAY_BASE_SIGNED, ALIPAY_BAD_SIGNATURE},
    {"a percent-encoded Chinese subject is signed decoded",
     "subject=%E5%9F%8E%E4%B9%A1%E5%B1%85%E6%B0%91%E5%8C%BB%E4%BF%9D+2025&"
     "total_amount=350.00",
     "subject=城乡居民医保 2025&total_amount=350.00", ALIPAY_OK},
    {"signing the escapes instead fails",
     "subject=%E5%9F%8E%E4%B9%A1%E5%B1%85%E6%B0%91%E5%8C%BB%E4%BF%9D+2025&"
     "total_amount=350.00",
     "subject=%E5%9F%8E%E4%B9%A1%E5%B1%85%E6%B0%91%E5%8C%BB%E4%BF%9D+2025&"
     "total_amount=350.00",
     ALIPAY_BAD_SIGNATURE},
    {"sign_type RSA (SHA-1) is refused", "a=1&sign_type=RSA", "a=1",
     ALIPAY_BAD_SIGN_TYPE},
};

START_TEST(alipay_signature_over_sorted_decoded_params)
{
    const char *text = alipay_cases[_i].signed_text;
    char *sig = rsa_sha256_sign_b64(platform_a, text, strlen(text));
    char *body = platform_append_sign(alipay_cases[_i].body, sig);
    form f;
    const char *why = NULL;
    ck_assert_int_eq(form_parse(body, strlen(body), &f), FORM_OK);
    alipay_status st = alipay_verify(public_a, &f, &why);
    ck_assert_msg(st == alipay_cases[_i].expect, "%s: %s",
                  alipay_cases[_i].rule, why);
    if (st == ALIPAY_OK) /* and no other key verifies it */
        ck_assert_int_eq(alipay_verify(public_b, &f, NULL),
                         ALIPAY_BAD_SIGNATURE);
    form_free(&f);
    free(body);
    free(sig);
}
END_TEST

START_TEST(alipay_sign_must_be_present)
{
    form f;
    ck_assert_int_eq(form_parse("a=1&sign_type=RSA2", 18, &f), FORM_OK);
    ck_assert_int_eq(alipay_verify(public_a, &f, NULL), ALIPAY_MISSING_SIGN);
    form_free(&f);
    ck_assert_int_eq(form_parse("a=1&sign=", 9, &f), FORM_OK);
    ck_assert_int_eq(alipay_verify(public_a, &f, NULL), ALIPAY_MISSING_SIGN);
    form_free(&f);
}
END_TEST

START_TEST(alipay_known_answer_from_the_node_sdk)
{
    EVP_PKEY *key = platform_load_public(sdk_alipay_key);
    form f;
    const char *why = NULL;
    ck_assert_int_eq(form_parse(sdk_alipay_body, strlen(sdk_alipay_body), &f),
                     FORM_OK);
    ck_assert_int_eq(alipay_verify(key, &f, &why), ALIPAY_OK);
    form_free(&f);

    char *tampered = strdup(sdk_alipay_body);
    char *amount = strstr(tampered, "total_amount=0.10");
    amount[strlen("total_amount=0.1")] = '1';
    ck_assert_int_eq(form_parse(tampered, strlen(tampered), &f), FORM_OK);
    ck_assert_int_eq(alipay_verify(key, &f, &why), ALIPAY_BAD_SIGNATURE);
    form_free(&f);
    free(tampered);
    rsa_public_key_free(key);
}
END_TEST

Suite *callback_crypto_suite(void)
{
    Suite *s = suite_create("callback_crypto");
    TCase *tc = tcase_create("base64");
    tcase_add_loop_test(tc, base64_matches_rfc4648_vectors, 0, NROWS(rfc4648));
    tcase_add_loop_test(tc, base64_decoding_is_strict, 0, NROWS(bad_base64));
    tcase_add_test(tc, base64_respects_buffer_sizes);
    suite_add_tcase(s, tc);

    tc = tcase_create("aes256gcm");
    tcase_add_test(tc, gcm_round_trip_and_known_answer);
    tcase_add_test(tc, gcm_refuses_forgeries_and_bad_sizes);
    suite_add_tcase(s, tc);

    tc = tcase_create("signatures");
    tcase_add_unchecked_fixture(tc, make_platform_keys, free_platform_keys);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pem_and_bare_base64_der_keys_load_alike);
    tcase_add_test(tc, unusable_key_text_is_refused);
    tcase_add_test(tc, malformed_signatures_are_false_not_errors);
    tcase_add_test(tc, wechat_signature_over_raw_request);
    tcase_add_loop_test(tc, wechat_timestamp_within_five_minutes_either_way, 0,
                        NROWS(skews));
    tcase_add_test(tc, wechat_header_shape_and_signature_type);
    tcase_add_test(tc, wechat_key_map_holds_several_serials);
    tcase_add_test(tc, wechat_verification_shares_keys_across_threads);
    tcase_add_test(tc, wechat_resource_decrypts_only_when_authentic);
    tcase_add_test(tc, wechat_known_answer_from_the_go_sdk);
    tcase_add_loop_test(tc, alipay_signature_over_sorted_decoded_params, 0,
                        NROWS(alipay_cases));
    tcase_add_test(tc, alipay_sign_must_be_present);
    tcase_add_test(tc, alipay_known_answer_from_the_node_sdk);
    suite_add_tcase(s, tc);
    return s;
}
