/*
 * unpaid.c: the lists for door-to-door work: GET /v1/unpaid (JSON, a page
 * of households) and GET /v1/unpaid.csv (every household, for Excel). An
 * unpaid household has a member, not removed and not exempted for the
 * year, whose enrolment is not paid; households where someone paid last
 * year come first (the likeliest to pay), then by household number.
 */
#include "api/api.h"

#include "api/people.h"
#include "http/query.h"
#include "http/reply.h"
#include "report/csv_out.h"

#include <stdio.h>
#include <string.h>

enum { CSV_PAGE = 500 };

/* ?year= (required) and ?region= (required, in the caller's scope). */
static outcome unpaid_query_or_reply(request *rq, int *year, db_region *region)
{
    if (query_year_or_reply(rq, year) != OUT_CONTINUE ||
        list_region_or_reply(rq, region) != OUT_CONTINUE)
        return OUT_REPLIED;
    return OUT_CONTINUE;
}

/* A cursor is "<phase>:<household_no>" (phase 0 or 1). */
static outcome cursor_or_reply(request *rq, int *phase, char *no, size_t nosz)
{
    const char *c = request_query(rq, "cursor");
    *phase = 0;
    no[0] = '\0';
    if (!c)
        return OUT_CONTINUE;
    if ((c[0] != '0' && c[0] != '1') || c[1] != ':' || !c[2] ||
        strlen(c + 2) >= nosz) {
        reply_error(rq, 400, "validation_failed", "cursor",
                    "is not a cursor this list returned");
        return OUT_REPLIED;
    }
    *phase = c[0] - '0';
    snprintf(no, nosz, "%s", c + 2);
    return OUT_CONTINUE;
}

static void personal(const db_unpaid_row *u, bool reveal, char id[ID_BYTES],
                     char phone[32])
{
    if (reveal) {
        snprintf(id, ID_BYTES, "%s", u->id_number);
        snprintf(phone, 32, "%s", u->phone);
    } else {
        mask_id(u->id_number, id, ID_BYTES);
        mask_phone(u->phone, phone, 32);
    }
}

typedef struct {
    bool reveal;
    json_t *items;
    json_t *members; /* of the last household: borrowed from items */
    char last[HOUSEHOLD_NO_BYTES];
    int last_phase;
} list_ctx;

static void add_json_row(void *cls, const db_unpaid_row *u)
{
    list_ctx *x = cls;
    char id[ID_BYTES], phone[32];
    personal(u, x->reveal, id, phone);
    if (!x->members || strcmp(x->last, u->household_no) != 0) {
        x->members = json_array();
        json_array_append_new(
            x->items,
            json_pack("{s:s,s:s,s:s,s:s,s:s?,s:b,s:o}", "household_no",
                      u->household_no, "region_code", u->region_code,
                      "region_name", u->region_name, "head_name", u->head_name,
                      "phone", phone[0] ? phone : NULL, "paid_last_year",
                      u->phase == 0, "members", x->members));
        snprintf(x->last, sizeof x->last, "%s", u->household_no);
        x->last_phase = u->phase;
    }
    json_array_append_new(x->members,
                          json_pack("{s:s,s:s,s:s?,s:b}", "id_number", id,
                                    "name", u->name, "relation",
                                    u->relation[0] ? u->relation : NULL,
                                    "paid_last_year", u->paid_last_year));
}

void handle_unpaid_list(request *rq)
{
    int year, phase, n = 0;
    db_region region;
    int64_t limit;
    char after[HOUSEHOLD_NO_BYTES];
    if (unpaid_query_or_reply(rq, &year, &region) != OUT_CONTINUE ||
        query_int_or_reply(rq, "limit", 100, 1, 1000, &limit) != OUT_CONTINUE ||
        cursor_or_reply(rq, &phase, after, sizeof after) != OUT_CONTINUE)
        return;
    list_ctx x = {.reveal = reveals_personal_data(rq), .items = json_array()};
    db_status st = db_unpaid_page(rq->db, region.code, year, phase, after,
                                  (int)limit, add_json_row, &x, &n);
    if (st != DB_OK) {
        json_decref(x.items);
        reply_db_error(rq, st);
        return;
    }
    char next[HOUSEHOLD_NO_BYTES + 4];
    snprintf(next, sizeof next, "%d:%s", x.last_phase, x.last);
    reply_json(rq, 200,
               json_pack("{s:i,s:s,s:o,s:s?}", "year", year, "region",
                         region.code, "items", x.items, "next_cursor",
                         n == limit ? next : NULL));
}

typedef struct {
    bool reveal, ok;
    buf out;
    char last[HOUSEHOLD_NO_BYTES];
    int last_phase;
} csv_ctx;

static void add_csv_row(void *cls, const db_unpaid_row *u)
{
    csv_ctx *x = cls;
    char id[ID_BYTES], phone[32];
    personal(u, x->reveal, id, phone);
    const char *f[] = {u->household_no,
                       u->region_code,
                       u->region_name,
                       u->head_name,
                       phone,
                       u->phase == 0 ? "是" : "否",
                       id,
                       u->name,
                       u->relation,
                       u->paid_last_year ? "是" : "否"};
    x->ok = x->ok && csv_out_row(&x->out, f, sizeof f / sizeof *f);
    snprintf(x->last, sizeof x->last, "%s", u->household_no);
    x->last_phase = u->phase;
}

static const char *const csv_header[] = {
    "户号",       "村（组）代码",     "村（组）", "户主",
    "联系电话",   "户内有人去年已缴", "身份证号", "姓名",
    "与户主关系", "去年已缴",
};

void handle_unpaid_csv(request *rq)
{
    int year;
    db_region region;
    if (unpaid_query_or_reply(rq, &year, &region) != OUT_CONTINUE)
        return;
    csv_ctx x = {.reveal = reveals_personal_data(rq), .ok = true};
    x.ok =
        csv_out_bom(&x.out) &&
        csv_out_row(&x.out, csv_header, sizeof csv_header / sizeof *csv_header);
    /* page by page, so no single result holds the whole county */
    int n = CSV_PAGE;
    db_status st = DB_OK;
    while (st == DB_OK && x.ok && n == CSV_PAGE)
        st = db_unpaid_page(rq->db, region.code, year, x.last_phase, x.last,
                            CSV_PAGE, add_csv_row, &x, &n);
    if (st != DB_OK)
        reply_db_error(rq, st);
    else if (!x.ok)
        reply_error(rq, 500, "internal", NULL, "out of memory");
    else {
        char disposition[96];
        snprintf(disposition, sizeof disposition,
                 "attachment; filename=\"unpaid-%d-%s.csv\"", year,
                 region.code);
        reply_text(rq, 200, "text/csv; charset=utf-8", x.out.data, x.out.len);
        reply_add_header(rq, "Content-Disposition", disposition);
    }
    buf_free(&x.out);
}
