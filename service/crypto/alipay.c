/*
 * alipay.c: Alipay notification signature check.
 */
#include "crypto/alipay.h"

#include "crypto/rsa_verify.h"

#include <stdlib.h>
#include <string.h>

static void set_why(const char **why, const char *text)
{
    if (why)
        *why = text;
}

alipay_status alipay_verify(const EVP_PKEY *key, const form *f,
                            const char **why)
{
    const char *sign = form_get(f, "sign");
    const char *sign_type = form_get(f, "sign_type");
    if (!sign || sign[0] == '\0') {
        set_why(why, "missing sign");
        return ALIPAY_MISSING_SIGN;
    }
    if (sign_type && strcmp(sign_type, "RSA2") != 0) {
        set_why(why, "sign_type is not RSA2");
        return ALIPAY_BAD_SIGN_TYPE;
    }
    char *content = alipay_sign_content(f);
    if (!content) {
        set_why(why, "out of memory");
        return ALIPAY_NO_MEMORY;
    }
    bool ok = rsa_sha256_verify(key, content, strlen(content), sign);
    free(content);
    if (!ok) {
        set_why(why, "sign does not verify");
        return ALIPAY_BAD_SIGNATURE;
    }
    set_why(why, "ok");
    return ALIPAY_OK;
}

const char *alipay_status_name(alipay_status status)
{
    switch (status) {
    case ALIPAY_OK:
        return "ok";
    case ALIPAY_MISSING_SIGN:
        return "missing sign";
    case ALIPAY_BAD_SIGN_TYPE:
        return "bad sign_type";
    case ALIPAY_BAD_SIGNATURE:
        return "bad signature";
    case ALIPAY_NO_MEMORY:
        return "out of memory";
    }
    return "unknown status";
}
