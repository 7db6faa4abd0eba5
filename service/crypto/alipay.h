/*
 * alipay.h: Alipay asynchronous notification (notify_url) signatures:
 * RSA2 (SHA256withRSA) over alipay_sign_content of the posted form.
 */
#ifndef CRYPTO_ALIPAY_H
#define CRYPTO_ALIPAY_H

#include "domain/form.h"

#include <openssl/types.h>

typedef enum {
    ALIPAY_OK = 0,
    ALIPAY_MISSING_SIGN,  /* no "sign" parameter, or it is empty */
    ALIPAY_BAD_SIGN_TYPE, /* "sign_type" present and not "RSA2" */
    ALIPAY_BAD_SIGNATURE, /* "sign" does not verify */
    ALIPAY_NO_MEMORY      /* ours, not the sender's */
} alipay_status;

/* Verifies a parsed notification form against Alipay's public key (from
 * rsa_public_key_load). A missing sign_type is taken as RSA2. Returns
 * ALIPAY_OK or the failure with *why (if why is not NULL) a static message.
 * Safe to call from many threads with one shared key. */
alipay_status alipay_verify(const EVP_PKEY *key, const form *f,
                            const char **why);

/* A short lower-case name for status ("bad signature"). */
const char *alipay_status_name(alipay_status status);

#endif
