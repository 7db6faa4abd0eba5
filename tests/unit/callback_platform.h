/*
 * callback_platform.h: test helpers that play WeChat Pay and Alipay for
 * test_callback_crypto.c (export keys, sign as the platform), and two
 * genuine signed samples from the platforms' SDK test suites.
 */
#ifndef UNIT_CALLBACK_PLATFORM_H
#define UNIT_CALLBACK_PLATFORM_H

#include <openssl/types.h>
#include <stddef.h>

/* The SubjectPublicKeyInfo of key as PEM text; the caller frees. */
char *platform_public_pem(EVP_PKEY *key);
/* ... as bare base64 DER in lines of width characters (0: one line). */
char *platform_public_b64(EVP_PKEY *key, size_t width);
/* rsa_public_key_load on a C string; fails the test when it fails. */
EVP_PKEY *platform_load_public(const char *text);
/* base64 SHA256withRSA over ts "\n" nonce "\n" body "\n"; caller frees. */
char *platform_wechat_sign(EVP_PKEY *key, const char *ts, const char *nonce,
                           const char *body);
/* body + "&sign=" + sig, percent-encoded as a form; caller frees. */
char *platform_append_sign(const char *body, const char *sig);

/* WeChat Pay Go SDK sample (core/notify/notify_test.go): the certificate of
 * serial D7CE59D1F522D701, and the request of 1624523846 signed with it. */
#define SDK_WECHAT_SERIAL "D7CE59D1F522D701"
#define SDK_WECHAT_TIMESTAMP "1624523846"
#define SDK_WECHAT_NONCE "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz"
extern const char sdk_wechat_cert[], sdk_wechat_signature[], sdk_wechat_body[];
/* Alipay Node SDK sample (test/alipay.test.ts): the public key as bare
 * base64 DER, and the notification form-encoded as Alipay posts it. */
extern const char sdk_alipay_key[], sdk_alipay_body[];

#endif
