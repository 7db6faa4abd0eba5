/*
 * document.h: identity documents (证件) a resident may be registered with,
 * and the shape of their numbers. The resident ID's full check (birth date,
 * check digit) lives in idnumber.h; here every other document is checked
 * for shape only: lengths, letters and digits, no clock, no allocation.
 */
#ifndef DOMAIN_DOCUMENT_H
#define DOMAIN_DOCUMENT_H

typedef enum {
    DOC_RESIDENT_ID, /* 居民身份证 */
    DOC_PASSPORT,    /* 护照 */
    DOC_HK_MACAO_PERMIT, /* 港澳居民来往内地通行证 / 港澳居民居住证 */
    DOC_TAIWAN_PERMIT, /* 台湾居民来往大陆通行证 / 台湾居民居住证 */
    DOC_FOREIGN_PERMANENT, /* 外国人永久居留身份证 */
    DOC_BIRTH_CERTIFICATE, /* 出生医学证明 */
    DOC_UNKNOWN
} doc_type;

/* The type named by its API name: "resident_id", "passport",
 * "hk_macao_permit", "taiwan_permit", "foreign_permanent_residence",
 * "birth_certificate" (exact, case-sensitive). Anything else, NULL
 * included, is DOC_UNKNOWN. */
doc_type doc_type_from_name(const char *name);

/* The API name of t (a static string, never NULL); "unknown" for
 * DOC_UNKNOWN and any value outside the enum. */
const char *doc_type_name(doc_type t);

/* Checks the shape of number (read only, not kept) for a document of type
 * t. Returns NULL when it fits, else a lower-case reason (a static string).
 * No spaces and no lower-case letters are accepted: upper-casing is the
 * caller's choice. For DOC_RESIDENT_ID only the shape (17 digits and a digit
 * or X) is checked here; the caller runs idnumber_check for the rest.
 *   passport: 5-17 upper-case letters and digits, at least one digit;
 *   hk_macao_permit: H or M and 8 or 10 digits, or an 18-character
 *     residence permit number starting 810000 (HK) or 820000 (Macao);
 *   taiwan_permit: 8 or 10 digits, or an 18-character residence permit
 *     number starting 830000;
 *   foreign_permanent_residence: 3 upper-case letters and 12 digits (old),
 *     or 18 characters starting with 9 (2023 format);
 *   birth_certificate: an upper-case letter and 9 digits.
 * The 18-character forms are 17 digits and a final digit or X. */
const char *document_shape_problem(doc_type t, const char *number);

/* A household number is the county's own identifier, stored as given
 * (letters, digits, Chinese, punctuation), except what cannot travel as
 * one URL path segment or be read back: '/' and control characters.
 * NULL when good, else why. */
const char *household_no_problem(const char *no);

#endif
