/*
 * people.c: members in requests and residents in replies.
 */
#include "api/people.h"

#include "common/clock.h"
#include "domain/document.h"
#include "domain/idnumber.h"
#include "domain/region.h"
#include "http/auth.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    char id_number[ID_BYTES];
    char doc_type[32];
    char name[NAME_MAX_BYTES];
    char relation[SHORT_TEXT_BYTES];
    char phone[32];
} member_fields;

static const jspec member_spec[] = {
    {"id_number", JS_STRING, true, offsetof(member_fields, id_number), ID_BYTES,
     1, 40, JSPEC_NO_FLAG},
    {"doc_type", JS_STRING, false, offsetof(member_fields, doc_type), 32, 1, 31,
     JSPEC_NO_FLAG},
    {"name", JS_STRING, true, offsetof(member_fields, name), NAME_MAX_BYTES, 1,
     100, JSPEC_NO_FLAG},
    {"relation", JS_STRING, false, offsetof(member_fields, relation),
     SHORT_TEXT_BYTES, 0, 20, JSPEC_NO_FLAG},
    {"phone", JS_STRING, false, offsetof(member_fields, phone), 32, 0, 20,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

typedef struct {
    char code[40];
    char valid_from[11], valid_to[11];
    char source[SHORT_TEXT_BYTES];
    bool has_from;
} held_fields;

static const jspec held_spec[] = {
    {"code", JS_STRING, true, offsetof(held_fields, code), 40, 1, 32,
     JSPEC_NO_FLAG},
    {"valid_from", JS_DATE, false, offsetof(held_fields, valid_from), 11, 0, 0,
     offsetof(held_fields, has_from)},
    {"valid_to", JS_DATE, false, offsetof(held_fields, valid_to), 11, 0, 0,
     JSPEC_NO_FLAG},
    {"source", JS_STRING, false, offsetof(held_fields, source),
     SHORT_TEXT_BYTES, 0, 50, JSPEC_NO_FLAG},
    JSPEC_END,
};

static bool phone_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return true;
    if (n < 5 || n > 20)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]) && s[i] != '+' && s[i] != '-')
            return false;
    return true;
}

outcome identity_or_reply(request *rq, const char *field, db_resident *r)
{
    doc_type t =
        doc_type_from_name(r->doc_type[0] ? r->doc_type : "resident_id");
    if (t == DOC_UNKNOWN) {
        char doc_field[96];
        size_t n = strlen(field) > 9 ? strlen(field) - 9 : 0; /* "id_number" */
        snprintf(doc_field, sizeof doc_field, "%.*sdoc_type", (int)n, field);
        reply_error(rq, 422, "validation_failed", doc_field,
                    "unknown document type %s", r->doc_type);
        return OUT_REPLIED;
    }
    snprintf(r->doc_type, sizeof r->doc_type, "%s", doc_type_name(t));
    for (char *p = r->id_number; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    r->birth_date[0] = r->sex[0] = '\0';
    if (t != DOC_RESIDENT_ID) {
        const char *why = document_shape_problem(t, r->id_number);
        if (why) {
            reply_error(rq, 422, "validation_failed", field, "%s", why);
            return OUT_REPLIED;
        }
        return OUT_CONTINUE;
    }
    civil_date birth;
    char sex = 0;
    id_status st =
        idnumber_check(r->id_number, clock_today_shanghai(), &birth, &sex);
    if (st != ID_OK) {
        reply_error(rq, 422, "validation_failed", field, "%s",
                    idnumber_status_message(st));
        return OUT_REPLIED;
    }
    date_format(birth, r->birth_date);
    r->sex[0] = sex;
    r->sex[1] = '\0';
    return OUT_CONTINUE;
}

/* One entry of "categories": a code, or an object with dates. */
static outcome held_or_reply(request *rq, json_t *v, const char *field,
                             db_held_category *h)
{
    held_fields f = {0};
    if (json_is_string(v)) {
        snprintf(f.code, sizeof f.code, "%s", json_string_value(v));
    } else if (jspec_parse_or_reply(rq, v, field, held_spec, &f) !=
               OUT_CONTINUE)
        return OUT_REPLIED;
    if (!f.has_from)
        date_format(clock_today_shanghai(), f.valid_from);
    if (f.valid_to[0] && strcmp(f.valid_to, f.valid_from) < 0) {
        reply_error(rq, 422, "validation_failed", field,
                    "valid_to is before valid_from");
        return OUT_REPLIED;
    }
    memset(h, 0, sizeof *h);
    snprintf(h->category, sizeof h->category, "%s", f.code);
    memcpy(h->valid_from, f.valid_from, 11);
    memcpy(h->valid_to, f.valid_to, 11);
    snprintf(h->source, sizeof h->source, "%s",
             f.source[0] ? f.source : "registration");
    return OUT_CONTINUE;
}

static outcome categories_or_reply(request *rq, json_t *arr, const char *prefix,
                                   member_in *out)
{
    char field[96];
    snprintf(field, sizeof field, "%s%scategories", prefix, *prefix ? "." : "");
    if (jspec_array_or_reply(rq, arr, field, 0, MAX_HELD) != OUT_CONTINUE)
        return OUT_REPLIED;
    size_t i;
    json_t *v;
    json_array_foreach (arr, i, v) {
        snprintf(field, sizeof field, "%s%scategories[%zu]", prefix,
                 *prefix ? "." : "", i);
        if (held_or_reply(rq, v, field, &out->held[i]) != OUT_CONTINUE)
            return OUT_REPLIED;
        out->nheld = i + 1;
    }
    out->has_categories = true;
    return OUT_CONTINUE;
}

outcome member_or_reply(request *rq, json_t *obj, const char *prefix,
                        bool partial, member_in *out)
{
    member_fields f = {0};
    jspec spec[6];
    memcpy(spec, member_spec, sizeof spec);
    for (int i = 0; partial && spec[i].name; i++)
        spec[i].required = false;
    if (jspec_parse_or_reply(rq, obj, prefix, spec, &f) != OUT_CONTINUE)
        return OUT_REPLIED;
    char field[96];
    snprintf(field, sizeof field, "%s%sphone", prefix, *prefix ? "." : "");
    if (!phone_valid(f.phone)) {
        reply_error(rq, 422, "validation_failed", field,
                    "a phone number is 5 to 20 digits, '+' or '-'");
        return OUT_REPLIED;
    }
    memset(out, 0, sizeof *out);
    snprintf(out->r.id_number, sizeof out->r.id_number, "%s", f.id_number);
    snprintf(out->r.doc_type, sizeof out->r.doc_type, "%s", f.doc_type);
    snprintf(out->r.name, sizeof out->r.name, "%s", f.name);
    snprintf(out->r.relation, sizeof out->r.relation, "%s", f.relation);
    snprintf(out->r.phone, sizeof out->r.phone, "%s", f.phone);
    snprintf(field, sizeof field, "%s%sid_number", prefix, *prefix ? "." : "");
    if (!partial && identity_or_reply(rq, field, &out->r) != OUT_CONTINUE)
        return OUT_REPLIED;
    json_t *cats = json_object_get(obj, "categories");
    if (cats && !json_is_null(cats))
        return categories_or_reply(rq, cats, prefix, out);
    return OUT_CONTINUE;
}

outcome hold_categories_or_reply(request *rq, const char *prefix,
                                 const member_in *m, bool replace)
{
    db_status st =
        replace ? db_categories_clear(rq->db, m->r.id_number) : DB_OK;
    for (size_t i = 0; st == DB_OK && i < m->nheld; i++) {
        st = db_category_hold(rq->db, m->r.id_number, &m->held[i]);
        if (st == DB_REFERENCE) {
            char field[96];
            snprintf(field, sizeof field, "%s%scategories[%zu]", prefix,
                     *prefix ? "." : "", i);
            reply_error(rq, 422, "validation_failed", field,
                        "unknown category %s", m->held[i].category);
            return OUT_REPLIED;
        }
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

bool reveals_personal_data(const request *rq)
{
    return (rq->who.role & (ROLE_ADMIN | ROLE_COUNTY | ROLE_TOWNSHIP |
                            ROLE_COLLECTOR | ROLE_TAX)) != 0;
}

void mask_id(const char *id, char *out, size_t outsz)
{
    idnumber_mask(id, out, outsz);
}

/* Phones keep their first 3 and last 4 digits. */
void mask_phone(const char *phone, char *out, size_t outsz)
{
    size_t n = strlen(phone);
    snprintf(out, outsz, "%s", phone);
    for (size_t i = 3; n > 7 && i + 4 < n && i < outsz - 1; i++)
        out[i] = '*';
}

json_t *held_json(const db_held_category *h)
{
    return json_pack("{s:s,s:s,s:s?,s:s?}", "code", h->category, "valid_from",
                     h->valid_from, "valid_to",
                     h->valid_to[0] ? h->valid_to : NULL, "source",
                     h->source[0] ? h->source : NULL);
}

json_t *resident_json(const db_resident *r, bool reveal)
{
    char id[ID_BYTES], phone[32];
    if (reveal) {
        snprintf(id, sizeof id, "%s", r->id_number);
        snprintf(phone, sizeof phone, "%s", r->phone);
    } else {
        mask_id(r->id_number, id, sizeof id);
        mask_phone(r->phone, phone, sizeof phone);
    }
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s,s:s}",
                          "id_number", id, "doc_type", r->doc_type,
                          "household_no", r->household_no, "name", r->name,
                          "relation", r->relation[0] ? r->relation : NULL,
                          "phone", phone[0] ? phone : NULL, "birth_date",
                          r->birth_date[0] ? r->birth_date : NULL, "sex",
                          r->sex[0] ? r->sex : NULL, "region_code",
                          r->region.code, "updated_at", r->updated_at);
    if (r->removed_at[0])
        json_object_set_new(j, "removed",
                            json_pack("{s:s,s:s}", "at", r->removed_at,
                                      "reason", r->removed_reason));
    return j;
}

outcome list_region_or_reply(request *rq, db_region *out)
{
    const char *code = request_query(rq, "region");
    if (!code) {
        reply_error(rq, 400, "validation_failed", "region", "is required");
        return OUT_REPLIED;
    }
    db_status st = region_code_valid(code) ? db_region_get(rq->db, code, out)
                                           : DB_NOT_FOUND;
    if (st == DB_NOT_FOUND) {
        reply_error(rq, 422, "validation_failed", "region", "unknown region");
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return auth_check_or_reply(rq, out);
}

outcome people_target_or_reply(request *rq, const char *household_no,
                               id_list *out)
{
    json_t *arr = json_object_get(rq->json, "id_numbers");
    bool has_ids = arr && !json_is_null(arr);
    out->n = 0;
    if (has_ids == (household_no[0] != '\0')) {
        reply_error(rq, 422, "validation_failed", "household_no",
                    "give either household_no or id_numbers");
        return OUT_REPLIED;
    }
    if (!has_ids)
        return OUT_CONTINUE;
    if (jspec_array_or_reply(rq, arr, "id_numbers", 1, MAX_ID_LIST) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    size_t i;
    json_t *v;
    json_array_foreach (arr, i, v) {
        const char *s = json_string_value(v);
        if (!s || !*s || strlen(s) >= ID_BYTES) {
            char field[48];
            snprintf(field, sizeof field, "id_numbers[%zu]", i);
            reply_error(rq, 422, "validation_failed", field,
                        "must be an ID number");
            return OUT_REPLIED;
        }
        snprintf(out->ids[i], ID_BYTES, "%s", s);
        for (char *c = out->ids[i]; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        out->ptrs[i] = out->ids[i];
        out->n = i + 1;
    }
    return OUT_CONTINUE;
}
