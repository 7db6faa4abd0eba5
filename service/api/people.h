/*
 * people.h: what the household and resident handlers share: reading a
 * member from JSON with every identity rule, and showing a resident with
 * personal data masked unless the caller may see it whole.
 */
#ifndef API_PEOPLE_H
#define API_PEOPLE_H

#include "db/sql.h"
#include "http/request.h"

enum { MAX_HELD = 16 };

/* A member as given in a request. */
typedef struct {
    db_resident r;
    size_t nheld;
    db_held_category held[MAX_HELD];
    bool has_categories; /* the request named categories (maybe none) */
} member_in;

/* Reads and checks a member object (id_number, doc_type, name, relation,
 * phone, categories); prefix names it in errors ("members[2]"). When
 * partial, every field is optional (PATCH). Replies 400/422. */
outcome member_or_reply(request *rq, json_t *obj, const char *prefix,
                        bool partial, member_in *out);

/* Checks an identity document and fills birth date and sex from a
 * resident ID. field names it in errors. Replies 422. */
outcome identity_or_reply(request *rq, const char *field, db_resident *r);

/* Stores a member's categories (after clearing them when replace). Replies
 * 422 naming an unknown category; other failures reply too. */
outcome hold_categories_or_reply(request *rq, const char *prefix,
                                 const member_in *m, bool replace);

/* May the caller see ID numbers and phones whole? (Its scope already
 * covers the resident.) */
bool reveals_personal_data(const request *rq);

/* The resident as JSON; masked unless reveal. */
json_t *resident_json(const db_resident *r, bool reveal);
json_t *held_json(const db_held_category *h);
/* "511724********1234" from an ID number. */
void mask_id(const char *id, char *out, size_t outsz);
/* "138****5678": a phone with its first 3 and last 4 digits. */
void mask_phone(const char *phone, char *out, size_t outsz);

/* Exemptions as JSON, and a proposal read from a request body for
 * resident id (prefix names the object in errors). */
json_t *exemption_json(const db_exemption *e, bool reveal);
outcome exemption_in_or_reply(request *rq, json_t *obj, const char *prefix,
                              const char *id, db_exemption *out);

enum { MAX_ID_LIST = 50 };

/* The people a payment, order or enrolment is for. */
typedef struct {
    char ids[MAX_ID_LIST][ID_BYTES]; /* upper-cased */
    const char *ptrs[MAX_ID_LIST];
    size_t n;
} id_list;

/* A body names either "household_no" (given here, "" when absent) or
 * "id_numbers": checks that exactly one is there and reads the list into
 * out (n = 0 for a household). Replies 400/422. */
outcome people_target_or_reply(request *rq, const char *household_no,
                               id_list *out);

/* The ?region= of a list: required, existing, inside the caller's scope.
 * Replies 400/422/403. */
outcome list_region_or_reply(request *rq, db_region *out);

#endif
