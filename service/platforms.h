/*
 * platforms.h: what the service knows of WeChat Pay and Alipay: our ids and
 * their public keys, read once at start from the environment and files.
 */
#ifndef PLATFORMS_H
#define PLATFORMS_H

#include "crypto/wechatpay.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool wechat_ready; /* false: callbacks answer 503 */
    char wechat_mchid[40];
    char wechat_appid[40];
    uint8_t wechat_apiv3_key[32];
    wechat_keys wechat_keys; /* serial → platform public key */
    bool alipay_ready;
    char alipay_app_id[40];
    char alipay_seller_id[40]; /* "" when not checked */
    EVP_PKEY *alipay_key;      /* owned */
} platforms;

/* Loads from WECHATPAY_* and ALIPAY_* (defaults: development files under
 * var_dir/keys, see make run). A platform whose key cannot be read is left
 * not ready, with a warning; the service still starts. */
void platforms_load(platforms *p, const char *var_dir);
void platforms_free(platforms *p);

#endif
