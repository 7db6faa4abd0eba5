/*
 * platforms.c: payment-platform settings and keys.
 */
#define _POSIX_C_SOURCE 200809L
#include "platforms.h"

#include "crypto/rsa_verify.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/* The whole file as a string (caller frees), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = malloc(65537);
    size_t n = text ? fread(text, 1, 65536, f) : 0;
    fclose(f);
    if (text)
        text[n] = '\0';
    *len = n;
    return text;
}

static EVP_PKEY *load_key(const char *path, const char *what)
{
    size_t len = 0;
    char *text = slurp(path, &len);
    const char *why = "cannot read the file";
    EVP_PKEY *key = text ? rsa_public_key_load(text, len, &why) : NULL;
    free(text);
    if (!key)
        log_msg(LOG_WARN, "%s: %s (%s); its callbacks will answer 503", what,
                why, path);
    return key;
}

static void load_wechat(platforms *p, const char *var_dir)
{
    char dflt[512];
    snprintf(p->wechat_mchid, sizeof p->wechat_mchid, "%s",
             env_or("WECHATPAY_MCHID", "1900000001"));
    snprintf(p->wechat_appid, sizeof p->wechat_appid, "%s",
             env_or("WECHATPAY_APPID", "wxd678efh567hg6787"));
    const char *key = getenv("WECHATPAY_APIV3_KEY");
    char file_key[64] = "";
    if (!key || !*key) {
        snprintf(dflt, sizeof dflt, "%s/keys/wechatpay_apiv3.key", var_dir);
        size_t len = 0;
        char *text = slurp(dflt, &len);
        if (text)
            snprintf(file_key, sizeof file_key, "%.32s", text);
        free(text);
        key = file_key;
    }
    if (strlen(key) != 32) {
        log_msg(LOG_WARN, "WECHATPAY_APIV3_KEY must be 32 characters; "
                          "WeChat Pay callbacks will answer 503");
        return;
    }
    memcpy(p->wechat_apiv3_key, key, 32);
    snprintf(dflt, sizeof dflt, "%s/keys/wechatpay_platform_pub.pem", var_dir);
    EVP_PKEY *pub = load_key(env_or("WECHATPAY_PUBLIC_KEY_FILE", dflt),
                             "WeChat Pay platform key");
    wechat_keys_init(&p->wechat_keys);
    p->wechat_ready =
        pub &&
        wechat_keys_add(&p->wechat_keys,
                        env_or("WECHATPAY_PUBLIC_KEY_ID",
                               "PUB_KEY_ID_0119000000000000000000000001"),
                        pub);
}

static void load_alipay(platforms *p, const char *var_dir)
{
    char dflt[512];
    snprintf(p->alipay_app_id, sizeof p->alipay_app_id, "%s",
             env_or("ALIPAY_APP_ID", "2021000000000001"));
    snprintf(p->alipay_seller_id, sizeof p->alipay_seller_id, "%s",
             env_or("ALIPAY_SELLER_ID", ""));
    snprintf(dflt, sizeof dflt, "%s/keys/alipay_public.txt", var_dir);
    p->alipay_key =
        load_key(env_or("ALIPAY_PUBLIC_KEY_FILE", dflt), "Alipay public key");
    p->alipay_ready = p->alipay_key != NULL;
}

void platforms_load(platforms *p, const char *var_dir)
{
    memset(p, 0, sizeof *p);
    load_wechat(p, var_dir);
    load_alipay(p, var_dir);
}

void platforms_free(platforms *p)
{
    wechat_keys_free(&p->wechat_keys);
    rsa_public_key_free(p->alipay_key);
    memset(p, 0, sizeof *p);
}
