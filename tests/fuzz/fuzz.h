/*
 * fuzz.h: what every fuzz target in tests/fuzz/ shares. A target defines
 * LLVMFuzzerTestOneInput; it is linked either with libFuzzer (make fuzz,
 * clang) or with replay_main.c (make check-fuzz-regressions, gcc), which
 * feeds it the committed corpus and regression files.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The entry point libFuzzer calls once per input; always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: the message on stderr, then abort(), which both
 * libFuzzer and the replay runner report as a crash. Only the harness
 * aborts; the service code under test never does. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

#endif
