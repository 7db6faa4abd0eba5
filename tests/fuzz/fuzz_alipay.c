/*
 * fuzz_alipay.c: Alipay notification verification (crypto/alipay.c) over
 * form_parse output, as POST /v1/callbacks/alipay runs it.
 *
 * Input: the posted form. A "sign" whose value is exactly SIGN is replaced
 * by the harness's real signature over alipay_sign_content, so the
 * accepting path is reachable; any other sign was made without the key.
 * Invariants: the status is the one the rules give (missing sign, then
 * sign_type, then the signature), a real signature verifies and nothing
 * else does.
 */
#include "crypto/alipay.h"
#include "domain/form.h"
#include "fuzz.h"
#include "fuzz_keys.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzz_key_pair *keys = fuzz_keys();
    form f;
    if (form_parse((const char *)data, size, &f) != FORM_OK)
        return 0;
    char *real_sign = NULL;
    for (size_t i = 0; i < f.count; i++) {
        if (strcmp(f.params[i].key, "sign") != 0 ||
            strcmp(f.params[i].value, "SIGN") != 0)
            continue;
        char *content = alipay_sign_content(&f);
        FUZZ_CHECK(content != NULL);
        real_sign =
            rsa_sha256_sign_b64(keys->private_key, content, strlen(content));
        FUZZ_CHECK(real_sign != NULL);
        free(content);
        f.params[i].value = real_sign; /* form_free frees only storage */
    }
    const char *sign = form_get(&f, "sign");
    const char *sign_type = form_get(&f, "sign_type");
    alipay_status expect;
    if (!sign || !*sign)
        expect = ALIPAY_MISSING_SIGN;
    else if (sign_type && strcmp(sign_type, "RSA2") != 0)
        expect = ALIPAY_BAD_SIGN_TYPE;
    else
        expect = real_sign ? ALIPAY_OK : ALIPAY_BAD_SIGNATURE;

    const char *why = NULL;
    alipay_status st = alipay_verify(keys->public_key, &f, &why);
    FUZZ_CHECK(st == expect);
    FUZZ_CHECK(why != NULL && alipay_status_name(st) != NULL);
    free(real_sign);
    form_free(&f);
    return 0;
}
