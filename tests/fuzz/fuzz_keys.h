/*
 * fuzz_keys.h: the RSA key pair the signature targets play the platform
 * with. Made once per process (a fresh pair each run: inputs never hold a
 * signature, they ask the harness to sign, so a crash replays under any
 * key). The public half goes through rsa_public_key_load as the service's
 * configured key does.
 */
#ifndef FUZZ_FUZZ_KEYS_H
#define FUZZ_FUZZ_KEYS_H

#include "crypto/rsa_verify.h"
#include "fuzz.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

typedef struct {
    EVP_PKEY *private_key; /* signs as the platform */
    EVP_PKEY *public_key;  /* loaded from PEM like the service's */
} fuzz_key_pair;

/* The process's key pair, made on the first call; never freed (it lives
 * as long as the fuzzer). */
static inline const fuzz_key_pair *fuzz_keys(void)
{
    static fuzz_key_pair pair;
    if (pair.private_key)
        return &pair;
    pair.private_key = EVP_RSA_gen(2048);
    FUZZ_CHECK(pair.private_key != NULL);
    BIO *bio = BIO_new(BIO_s_mem());
    FUZZ_CHECK(bio && PEM_write_bio_PUBKEY(bio, pair.private_key) == 1);
    char *pem;
    long n = BIO_get_mem_data(bio, &pem);
    pair.public_key = rsa_public_key_load(pem, (size_t)n, NULL);
    FUZZ_CHECK(pair.public_key != NULL);
    BIO_free(bio);
    return &pair;
}

#endif
