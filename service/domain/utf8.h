/*
 * utf8.h: strict UTF-8 validation of text that reaches the database from
 * outside a parser that checks it already (path segments, query strings).
 */
#ifndef DOMAIN_UTF8_H
#define DOMAIN_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when the len bytes of s are well-formed UTF-8 (RFC 3629): no
 * overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF,
 * no truncated sequence, and no NUL byte. */
bool utf8_valid(const char *s, size_t len);

#endif
