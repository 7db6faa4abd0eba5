/*
 * callback_platform.c: see callback_platform.h.
 */
#include "unit/callback_platform.h"

#include <check.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/b64.h"
#include "crypto/rsa_verify.h"

/* The SubjectPublicKeyInfo of key as PEM text; the caller frees. */
char *platform_public_pem(EVP_PKEY *key)
{
    BIO *bio = BIO_new(BIO_s_mem());
    ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, key), 1);
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    char *out = strndup(data, (size_t)n);
    BIO_free(bio);
    return out;
}

/* The SubjectPublicKeyInfo of key as bare base64 DER, broken into lines of
 * width characters (0: one line); the caller frees. */
char *platform_public_b64(EVP_PKEY *key, size_t width)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);
    ck_assert_int_gt(n, 0);
    size_t cap = b64_encoded_size((size_t)n);
    char *flat = malloc(cap);
    ck_assert(b64_encode(der, (size_t)n, flat, cap));
    OPENSSL_free(der);
    if (width == 0)
        return flat;
    size_t len = strlen(flat);
    char *out = malloc(len + len / width + 2);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (i && i % width == 0)
            out[o++] = '\n';
        out[o++] = flat[i];
    }
    out[o++] = '\n';
    out[o] = '\0';
    free(flat);
    return out;
}

EVP_PKEY *platform_load_public(const char *text)
{
    const char *why = NULL;
    EVP_PKEY *key = rsa_public_key_load(text, strlen(text), &why);
    ck_assert_msg(key != NULL, "%s", why);
    return key;
}

/* Signs timestamp "\n" nonce "\n" body "\n" as the platform; caller frees. */
char *platform_wechat_sign(EVP_PKEY *key, const char *ts, const char *nonce,
                           const char *body)
{
    size_t n = strlen(ts) + strlen(nonce) + strlen(body) + 4;
    char *msg = malloc(n);
    snprintf(msg, n, "%s\n%s\n%s\n", ts, nonce, body);
    char *sig = rsa_sha256_sign_b64(key, msg, strlen(msg));
    free(msg);
    ck_assert_ptr_nonnull(sig);
    return sig;
}

/* Appends "&sign=" and the signature, '+' '/' '=' percent-encoded. */
char *platform_append_sign(const char *body, const char *sig)
{
    char *out = malloc(strlen(body) + 3 * strlen(sig) + 8);
    size_t o = (size_t)sprintf(out, "%s&sign=", body);
    for (const char *p = sig; *p; p++)
        o += (size_t)(*p == '+' || *p == '/' || *p == '='
                          ? sprintf(out + o, "%%%02X", (unsigned char)*p)
                          : sprintf(out + o, "%c", *p));
    return out;
}

/* Known answer: the WeChat Pay Go SDK's core/notify/notify_test.go
 * (TestHandler_ParseNotifyRequest, github.com/wechatpay-apiv3/wechatpay-go):
 * a genuine platform certificate, headers and body from 2021. Its APIv3 key
 * is 16 bytes (AES-128), so only the signature half applies here. */
const char sdk_wechat_cert[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDVzCCAj+gAwIBAgIJANfOWdH1ItcBMA0GCSqGSIb3DQEBCwUAMEIxCzAJBgNV\n"
    "BAYTAlhYMRUwEwYDVQQHDAxEZWZhdWx0IENpdHkxHDAaBgNVBAoME0RlZmF1bHQg\n"
    "Q29tcGFueSBMdGQwHhcNMjEwNDI3MDg1NTIzWhcNMzEwNDI1MDg1NTIzWjBCMQsw\n"
    "CQYDVQQGEwJYWDEVMBMGA1UEBwwMRGVmYXVsdCBDaXR5MRwwGgYDVQQKDBNEZWZh\n"
    "dWx0IENvbXBhbnkgTHRkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
    "2VCTd91fnUn73Xy9DLvt/V62TVxRTEEstVdeRaZ3B3leO0pldE806mXO4RwdHXag\n"
    "HQ4vGeZN0yqm++rDsGK+U3AH7kejyD2pXshNP9Cq5YwbptiLGtjcquw4HNxJQUOm\n"
    "DeJf2vg6byms9RUipiq4SzbJKqJFlUpbuIPDpSpWz10PYmyCNeDGUUK65E5h2B83\n"
    "4uxl1zNLYQCrkdBzb8oUxwYeP5a2DNxmjL5lsJML7DGr5znsevnoqGRwTm9fxCGf\n"
    "y8wus7hwKz6clt3Whmmda7UAdb1c08hEQFVRbF14AR73xbnd8N0obCWJPCbzMCtk\n"
    "aSef4FdEEgEXJiw0VAJT8wIDAQABo1AwTjAdBgNVHQ4EFgQUT1c7nd/SUO76HSoZ\n"
    "umNUJv1R5PwwHwYDVR0jBBgwFoAUT1c7nd/SUO76HSoZumNUJv1R5PwwDAYDVR0T\n"
    "BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAfTjxKRQMzNB/U6ZoCUS+BSNfa2Oh\n"
    "0plMN6ZuzwiVVZwg1jywvv5yv04koS7Pd4i9E4gt9ZBUQXlpq+A3oOCEEHNRR6b2\n"
    "kyazGRM7s0OP5X21WrbpSmKmU6K7hkfx30yYs08LVs/Q8DIhvaj1FCFeJzUCzYn/\n"
    "fHMq4tsbKO0dKAeydPM/nrUZBmaYQVKMVOORGLFjFKVO7JV6Kq/R86ouhjEPgJOe\n"
    "2xulNBUcjicqtZlBdEh/PWCYP2SpGVDclKm8jeo175T3EVAkdKzzmfpxtMmnMlmq\n"
    "cTJOU9TxuGvNASMtjj7pYIerTx+xgZDXEVBWFW9PjJ0TV06tCRsgSHItgg==\n"
    "-----END CERTIFICATE-----\n";
const char sdk_wechat_signature[] =
    "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvk"
    "qDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQak"
    "zbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yN"
    "JTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e"
    "8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==";
const char sdk_wechat_body[] =
    "{\"id\":\"3119dfba-e649-5eec-ab1e-3412bc4d2e17\",\"create_time\":\"2021-"
    "06-24T16:37:26+08:00\",\"resource_type\":\"encrypt-resource\",\"event_"
    "type\":\"PAYSCORE.USER_OPEN_SERVICE\",\"summary\":\"签约成功\",\"resource"
    "\":{\"original_type\":\"payscore\",\"algorithm\":\"AEAD_AES_256_GCM\","
    "\"ciphertext\":\"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHI"
    "Dy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttevRMOoPKMifozg6XPWjIZumks/GpT48lI4Ni"
    "zyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR7d"
    "EBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==\",\"associated_data\":"
    "\"payscore\",\"nonce\":\"Kj7QIyUiYx1q\"}}";

/* Known answer: the Alipay Node SDK's test/alipay.test.ts ("verify sign
 * should delete sign_type", github.com/alipay/alipay-sdk-nodejs-all): a
 * genuine 2019 notification and the public key (bare base64 DER) that
 * verifies it only with sign_type left out of the signed content. The
 * parameters are form-encoded here as Alipay posts them. */
const char sdk_alipay_key[] =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGG"
    "KT4lBsQjHiGjeYZjOPIPHR5knm2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2"
    "ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrzY+aGX2xcOrxFYRlFilvVLTXg4LWjR1td"
    "PkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbTqHWkQcNCUNrA8"
    "C6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8"
    "T4mX+GbXfZHraG5NCF1+XioL5JwIDAQAB";
const char sdk_alipay_body[] =
    "gmt_create=2019-08-15+15%3A56%3A22&charset=utf-8&seller_email=z97-yuqu"
    "erevenue%40service.aliyun.com&subject=%E8%AF%AD%E9%9B%80%E7%A9%BA%E9%9"
    "7%B4+500%E4%BA%BA%E8%A7%84%E6%A8%A1&sign=QfTb8tqE1BMhS5qAnXtvsF3%2FjBk"
    "Evu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb%2FnLWZpXyyh0LEWdK"
    "2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8%2FwZts1Fr2gZ7pShnVX3d1B50hbsXnO"
    "bT1r%2FU8ONNQjWXd0HIul4TG%2BQ3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniG"
    "JFNcc7kopHYtI%2FXD9YCKCH6Ct02rzUs9i11C9CsadtZn%2BWhxF26Dqt9sGEFajkJ8cx"
    "UTLi8%2BVCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov%2BlrmOQ%3D%3D&buyer_id=208"
    "8102534368455&invoice_amount=0.10&notify_id=20190815002221556240684505"
    "59358070&fund_bill_list=%5B%7B%22amount%22%3A%220.10%22%2C%22fundChann"
    "el%22%3A%22ALIPAYACCOUNT%22%7D%5D&notify_type=trade_status_sync&trade_"
    "status=TRADE_SUCCESS&receipt_amount=0.10&buyer_pay_amount=0.10&sign_ty"
    "pe=RSA2&app_id=2019073166072302&seller_id=2088531891668739&gmt_payment"
    "=2019-08-15+15%3A56%3A24&notify_time=2019-08-15+15%3A56%3A25&version=1"
    ".0&out_trade_no=20190815155618536-564-57&total_amount=0.10&trade_no=20"
    "19081522001468450512505578&auth_app_id=2019073166072302&buyer_logon_id"
    "=xud%2A%2A%2A%40126.com&point_amount=0.00";
