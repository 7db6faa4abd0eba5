/*
 * test_imports.c: the household roster import and category member lists:
 * every kind of bad line named by line and field, re-imports that change
 * nothing, people and households already registered elsewhere, region
 * scope, extend and replace, and a streamed upload of a few megabytes.
 */
#include "integration/harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 英德市: two townships, a village under each, a group under the first. */
#define COUNTY "441881000000"
#define TOWN_A "441881101000"
#define VILLAGE_A "441881101001"
#define GROUP_A "441881101001001"
#define TOWN_B "441881102000"
#define VILLAGE_B "441881102001"
#define VILLAGE_BULK "441881102002"
/* 连州市, another county */
#define COUNTY_2 "441882000000"
#define VILLAGE_2 "441882101001"

#define HEADER                                                                 \
    "household_no,region_code,attribute,relation,name,id_number,phone,"        \
    "categories"

/* A valid resident ID from its first 17 digits, from a ring of buffers so
 * that several can be arguments of one call. */
static const char *rid(const char *first17)
{
    static char ring[32][19];
    static int next;
    char *out = ring[next++ % 32];
    make_id(first17, out);
    return out;
}

static http_reply roster(const char *token, const char *csv)
{
    return http("POST", "/v1/households/import", token, "text/csv", csv);
}

static json_t *rejection(const http_reply *r, size_t i)
{
    return json_array_get(json_object_get(r->json, "rejected"), i);
}

static void expect_rejection(const http_reply *r, size_t i, long line,
                             const char *field, const char *message_part)
{
    json_t *rej = rejection(r, i);
    ck_assert_msg(rej, "no rejection %zu in %.500s", i, r->body);
    json_t *err = json_object_get(rej, "error");
    const char *f = json_string_value(json_object_get(err, "field"));
    const char *m = json_string_value(json_object_get(err, "message"));
    ck_assert_msg(jint(rej, "line") == line &&
                      (!field || (f && !strcmp(f, field))) &&
                      (!message_part || (m && strstr(m, message_part))),
                  "rejection %zu: expected line %ld %s \"%s\", got %s", i, line,
                  field ? field : "-", message_part ? message_part : "",
                  json_dumps(rej, JSON_COMPACT));
}

/* One value from the database, as text (caller frees). */
static char *sql_value(const char *sql)
{
    char *out = harness_sql(sql);
    ck_assert_ptr_nonnull(out);
    out[strcspn(out, "\n")] = '\0';
    return out;
}

static void setup_once(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    http_reply r = http(
        "POST", "/v1/regions/import", ADMIN, "text/csv",
        "code,name,level,parent_code\n" COUNTY ",英德市,county,\n" TOWN_A
        ",英城街道,township," COUNTY "\n" VILLAGE_A ",城南社区,village," TOWN_A
        "\n" GROUP_A ",一组,group," VILLAGE_A "\n" TOWN_B
        ",大站镇,township," COUNTY "\n" VILLAGE_B ",大站村,village," TOWN_B
        "\n" VILLAGE_BULK ",新联村,village," TOWN_B "\n" COUNTY_2
        ",连州市,county,\n441882101000,连州镇,township," COUNTY_2 "\n" VILLAGE_2
        ",龙口村,village,441882101000\n");
    expect(&r, 200);
    http_reply_free(&r);
    r = http_json("PUT", "/v1/categories/imp_dibao", ADMIN,
                  "{\"name\":\"低保对象\",\"department\":\"民政局\"}");
    ck_assert(r.status == 200 || r.status == 201);
    http_reply_free(&r);
    r = http_json("PUT", "/v1/categories/imp_orphan", ADMIN,
                  "{\"name\":\"孤儿\"}");
    ck_assert(r.status == 200 || r.status == 201);
    http_reply_free(&r);
    /* only the member-list tests use this one */
    r = http_json("PUT", "/v1/categories/imp_special", ADMIN,
                  "{\"name\":\"特困人员\",\"department\":\"民政局\"}");
    ck_assert(r.status == 200 || r.status == 201);
    http_reply_free(&r);
}

/* A valid ID whose check character is X, given in lower case. */
static void id_with_lower_x(char out[19])
{
    char first17[18];
    for (int seq = 100; seq < 1000; seq++) {
        snprintf(first17, sizeof first17, "44188119900215%03d", seq);
        strcpy(out, rid(first17));
        if (out[17] == 'X') {
            out[17] = 'x';
            return;
        }
    }
    ck_abort_msg("no ID ending in X");
}

START_TEST(bad_lines_of_every_kind_are_named_by_line_and_field)
{
    setup_once();
    char x_id[19], csv[4096];
    id_with_lower_x(x_id);
    char p1[19];
    strcpy(p1, rid("44188119800101001"));
    snprintf(csv, sizeof csv,
             HEADER
             ",doc_type\n"
             "IMP-A1," VILLAGE_A
             ",一般户,户主,刘建国,%s,13800001111,imp_dibao,\n"
             "IMP-A1," VILLAGE_A ",一般户,配偶,陈秀英,%s,,,\n"
             "," VILLAGE_A ",一般户,子,刘小明,%s,,,\n"
             "IMP-A2,441881101099,一般户,户主,王五,%s,,,\n"
             "IMP-A3," TOWN_A ",一般户,户主,王六,%s,,,\n"
             "IMP-A5," VILLAGE_A ",一般户,户主,,%s,,,\n"
             "IMP-A5," VILLAGE_A
             ",一般户,这是一个超过二十个字的与户主关系说明文字的,"
             "赵一,%s,,,\n"
             "IMP-A5," VILLAGE_A ",一般户,户主,赵二,44188119800101002%c,,,\n"
             "IMP-A5," VILLAGE_A ",一般户,户主,赵三,%s,,,\n"
             "IMP-A5," VILLAGE_A ",一般户,户主,赵四,%s,12ab,,\n"
             "IMP-A5," VILLAGE_A ",一般户,户主,赵五,%s,,imp_dibao;nosuch,\n"
             "IMP-A5," VILLAGE_A ",一般户,户主,赵六,X1234567,,,alien_card\n"
             "IMP-A5," VILLAGE_A ",一般户,户主,赵七,P-1,,,passport\n"
             "IMP-A4," GROUP_A ",,户主,John Smith,e88120001,+86-138,,passport\n"
             "IMP-A1," VILLAGE_B ",一般户,子,刘小华,%s,,,\n"
             "IMP-A1," VILLAGE_A ",低保户,子,刘小华,%s,,,\n"
             "IMP-A1," VILLAGE_A ",一般户,子,刘重复,%s,,,\n"
             "IMP-A6," VILLAGE_A ",一般户,户主,张\"三,%s,,,\n"
             "IMP-A6," VILLAGE_A ",一般户,户主,张四,441881800101003,,,\n"
             "IMP-A6," VILLAGE_A
             ",一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
             "一二三四五六七八九十一二三四五六七八九十一,户主,张五,%s,,,\n",
             p1, x_id, rid("44188120100101004"), rid("44188119700101005"),
             rid("44188119700101006"), rid("44188119700101007"),
             rid("44188119700101008"),
             rid("44188119800101002")[17] == '0' ? '1' : '0',
             rid("44188120990101009"), rid("44188119700101010"),
             rid("44188119700101011"), rid("44188120100101012"),
             rid("44188120100101013"), p1, rid("44188119700101014"),
             rid("44188119700101015"));
    http_reply r = roster(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "households"), 2);
    ck_assert_int_eq(jint(r.json, "residents"), 3);
    ck_assert_int_eq(jint(r.json, "updated"), 0);
    ck_assert_int_eq(jint(r.json, "unchanged"), 0);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 17);
    size_t i = 0;
    expect_rejection(&r, i++, 4, "household_no", "1 to 40");
    expect_rejection(&r, i++, 5, "region_code", "unknown region_code");
    expect_rejection(&r, i++, 6, "region_code", "village or a group");
    expect_rejection(&r, i++, 7, "name", NULL);
    expect_rejection(&r, i++, 8, "relation", NULL);
    expect_rejection(&r, i++, 9, "id_number", "wrong check digit");
    expect_rejection(&r, i++, 10, "id_number", "future");
    expect_rejection(&r, i++, 11, "phone", NULL);
    expect_rejection(&r, i++, 12, "categories", "unknown category nosuch");
    expect_rejection(&r, i++, 13, "doc_type", NULL);
    expect_rejection(&r, i++, 14, "id_number", NULL);
    expect_rejection(&r, i++, 16, "region_code", "line 2");
    expect_rejection(&r, i++, 17, "attribute", "line 2");
    expect_rejection(&r, i++, 18, "id_number", "first on line 2");
    expect_rejection(&r, i++, 19, NULL, "quote");
    expect_rejection(&r, i++, 20, "id_number", "15-digit");
    expect_rejection(&r, i++, 21, "attribute", NULL);
    http_reply_free(&r);

    /* what was kept: birth date and sex from the ID, X upper-cased, the
     * category from today, the passport holder in a group */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT birth_date || ' ' || sex FROM residents WHERE "
             "id_number = '%s'",
             p1);
    char *v = sql_value(sql);
    ck_assert_str_eq(v, "1980-01-01 M");
    free(v);
    x_id[17] = 'X';
    snprintf(sql, sizeof sql,
             "SELECT household_no FROM residents WHERE id_number = '%s'", x_id);
    v = sql_value(sql);
    ck_assert_str_eq(v, "IMP-A1");
    free(v);
    snprintf(sql, sizeof sql,
             "SELECT source || ' ' || (valid_from = (now() AT TIME ZONE "
             "'Asia/Shanghai')::date) FROM resident_categories "
             "WHERE id_number = '%s' AND category = 'imp_dibao'",
             p1);
    v = sql_value(sql);
    ck_assert_str_eq(v, "roster true");
    free(v);
    v = sql_value("SELECT doc_type || ' ' || h.region_code FROM residents r "
                  "JOIN households h USING (household_no) "
                  "WHERE id_number = 'E88120001'");
    ck_assert_str_eq(v, "passport " GROUP_A);
    free(v);
}
END_TEST

/* A small roster of two households in VILLAGE_B (ids 44188119600101xxx). */
static void roster_b(char *csv, size_t size, const char *phone,
                     const char *attribute)
{
    snprintf(csv, size,
             HEADER "\n"
                    "IMP-B1," VILLAGE_B ",一般户,户主,黄大,%s,%s,imp_dibao\n"
                    "IMP-B1," VILLAGE_B
                    ",一般户,配偶,李二,%s,,imp_orphan;imp_dibao\n"
                    "IMP-B2," VILLAGE_B ",%s,户主,周三,%s,,\n",
             rid("44188119600101101"), phone, rid("44188119600101102"),
             attribute, rid("44188119600101103"));
}

START_TEST(a_reimport_of_the_same_file_changes_nothing)
{
    setup_once();
    char csv[1024];
    roster_b(csv, sizeof csv, "13900001111", "五保户");
    http_reply r = roster(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "households"), 2);
    ck_assert_int_eq(jint(r.json, "residents"), 3);
    http_reply_free(&r);
    for (int round = 0; round < 2; round++) {
        r = roster(ADMIN, csv);
        expect(&r, 200);
        ck_assert_int_eq(jint(r.json, "households"), 0);
        ck_assert_int_eq(jint(r.json, "residents"), 0);
        ck_assert_int_eq(jint(r.json, "updated"), 0);
        ck_assert_int_eq(jint(r.json, "unchanged"), 3);
        ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")),
                         0);
        http_reply_free(&r);
    }
    /* no category twice, no household twice */
    ck_assert_int_eq(harness_count("SELECT count(*) FROM resident_categories "
                                   "rc JOIN residents p USING (id_number) "
                                   "WHERE p.household_no IN "
                                   "('IMP-B1', 'IMP-B2')"),
                     3);
    ck_assert_int_eq(harness_count("SELECT count(*) FROM households WHERE "
                                   "household_no IN ('IMP-B1', 'IMP-B2')"),
                     2);
}
END_TEST

START_TEST(changed_phone_or_attribute_counts_as_updated)
{
    setup_once();
    char csv[1024];
    roster_b(csv, sizeof csv, "13900001111", "五保户");
    http_reply r = roster(ADMIN, csv); /* whatever state: now as the file */
    expect(&r, 200);
    http_reply_free(&r);
    roster_b(csv, sizeof csv, "13900002222", "低保户");
    r = roster(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "updated"), 2);
    ck_assert_int_eq(jint(r.json, "unchanged"), 1);
    http_reply_free(&r);
    char *v = sql_value("SELECT attribute FROM households "
                        "WHERE household_no = 'IMP-B2'");
    ck_assert_str_eq(v, "低保户");
    free(v);
    roster_b(csv, sizeof csv, "13900001111", "五保户"); /* as before */
    r = roster(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "updated"), 2);
    http_reply_free(&r);
}
END_TEST

START_TEST(an_id_registered_in_another_household_is_rejected_naming_it)
{
    setup_once();
    char csv[1024];
    roster_b(csv, sizeof csv, "13900001111", "五保户");
    http_reply r = roster(ADMIN, csv);
    expect(&r, 200);
    http_reply_free(&r);
    snprintf(csv, sizeof csv,
             HEADER "\n"
                    "IMP-E1," VILLAGE_B ",一般户,户主,黄大,%s,,\n"
                    "IMP-E1," VILLAGE_B ",一般户,子,黄小,%s,,\n"
                    "IMP-B1," VILLAGE_A ",一般户,子,黄二,%s,,\n",
             rid("44188119600101101"), rid("44188120150101104"),
             rid("44188120150101105"));
    r = roster(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "households"), 1);
    ck_assert_int_eq(jint(r.json, "residents"), 1);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 2);
    expect_rejection(&r, 0, 2, "id_number",
                     "already registered in household IMP-B1");
    expect_rejection(&r, 1, 4, "household_no",
                     "household IMP-B1 is registered in another region");
    http_reply_free(&r);
    /* nobody moved, nobody twice */
    ck_assert_int_eq(harness_count("SELECT count(*) FROM residents "
                                   "WHERE household_no = 'IMP-B1'"),
                     2);

    /* someone removed from the household is not brought back by a roster */
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE residents SET removed_at = now(), removed_reason = "
             "'deceased' WHERE id_number = '%s'",
             rid("44188120150101104"));
    free(harness_sql(sql));
    snprintf(csv, sizeof csv,
             HEADER "\nIMP-E1," VILLAGE_B ",一般户,子,黄小,%s,,\n",
             rid("44188120150101104"));
    r = roster(ADMIN, csv);
    expect(&r, 200);
    expect_rejection(&r, 0, 2, "id_number",
                     "removed from this household (deceased)");
    http_reply_free(&r);
}
END_TEST

START_TEST(rows_of_one_household_must_agree_with_its_first_line)
{
    setup_once();
    char csv[1024];
    snprintf(csv, sizeof csv,
             HEADER "\n"
                    "IMP-C1," VILLAGE_B ",一般户,户主,孙大,%s,,\n"
                    "IMP-C1," VILLAGE_A ",一般户,配偶,孙二,%s,,\n"
                    "IMP-C1," VILLAGE_B ",五保户,子,孙三,%s,,\n"
                    "IMP-C1," VILLAGE_B ",一般户,女,孙四,%s,,\n",
             rid("44188119500101201"), rid("44188119500101202"),
             rid("44188119500101203"), rid("44188119500101204"));
    http_reply r = roster(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "households"), 1);
    ck_assert_int_eq(jint(r.json, "residents"), 2);
    expect_rejection(&r, 0, 3, "region_code", "on line 2");
    expect_rejection(&r, 1, 4, "attribute", "on line 2");
    http_reply_free(&r);
}
END_TEST

START_TEST(a_township_token_imports_only_into_its_own_villages)
{
    setup_once();
    char *town_b = make_token("township", TOWN_B, NULL);
    char *collector = make_token("collector", TOWN_B, NULL);
    char csv[1024];
    snprintf(csv, sizeof csv,
             HEADER "\n"
                    "IMP-S1," VILLAGE_A ",一般户,户主,钱大,%s,,\n"
                    "IMP-S2," VILLAGE_B ",一般户,户主,钱二,%s,,\n",
             rid("44188119550101301"), rid("44188119550101302"));
    http_reply r = roster(town_b, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "residents"), 1);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 1);
    expect_rejection(&r, 0, 2, "region_code", "outside this token's region");
    http_reply_free(&r);
    r = roster(collector, csv);
    expect(&r, 403);
    http_reply_free(&r);
    r = http("POST", "/v1/households/import", town_b, "application/json", "{}");
    expect(&r, 415);
    http_reply_free(&r);
    r = roster(town_b, "household_no,region_code\nX," VILLAGE_B "\n");
    expect(&r, 400);
    http_reply_free(&r);
    free(town_b);
    free(collector);
}
END_TEST

static http_reply members(const char *token, const char *query, const char *csv)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/categories/imp_special/members/import%s",
             query);
    return http("POST", path, token, "text/csv", csv);
}

static char *valid_to_of(const char *id, const char *valid_from)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT coalesce(valid_to::text, 'open') FROM "
             "resident_categories WHERE id_number = '%s' AND category = "
             "'imp_special' AND valid_from = '%s'",
             id, valid_from);
    return sql_value(sql);
}

static char p1[19], p2[19], p3[19], far[19];

/* Three orphans in county 1, one in county 2. */
static void member_roster(void)
{
    char csv[1024];
    strcpy(p1, rid("44188120120101401"));
    strcpy(p2, rid("44188120120101402"));
    strcpy(p3, rid("44188120120101403"));
    strcpy(far, rid("44188220120101404"));
    snprintf(csv, sizeof csv,
             HEADER "\n"
                    "IMP-M1," VILLAGE_A ",孤儿户,户主,吴一,%s,,\n"
                    "IMP-M1," VILLAGE_A ",孤儿户,兄弟,吴二,%s,,\n"
                    "IMP-M1," VILLAGE_A ",孤儿户,兄弟,吴三,%s,,\n"
                    "IMP-M2," VILLAGE_2 ",孤儿户,户主,郑四,%s,,\n",
             p1, p2, p3, far);
    http_reply r = roster(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 0);
    http_reply_free(&r);
}

START_TEST(a_member_list_extends_then_replaces_the_category)
{
    setup_once();
    member_roster();
    char csv[2048];
    http_reply r;

    snprintf(csv, sizeof csv,
             "id_number,valid_from,valid_to,source\n"
             "%s,2024-01-01,,\n"
             "%s,2024-03-01,2030-12-31,民政局\n"
             "%s,2024-01-01,,\n"
             "%s,2024-01-01,,\n"           /* 5: nobody */
             "%s,2024-02-30,,\n"           /* 6: no such date */
             "%s,2024-05-01,2024-04-30,\n" /* 7: ends before it starts */
             "%s,2024-01-01,,\n",          /* 8: twice */
             p1, p2, p3, rid("44188119990101499"), p1, p1, p1);
    r = members(ADMIN, "", csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "inserted"), 3);
    ck_assert_int_eq(jint(r.json, "ended"), 0);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 4);
    expect_rejection(&r, 0, 5, "id_number", "no such resident");
    expect_rejection(&r, 1, 6, "valid_from", NULL);
    expect_rejection(&r, 2, 7, "valid_to", "before valid_from");
    expect_rejection(&r, 3, 8, "id_number", "first on line 2");
    http_reply_free(&r);

    r = members(ADMIN, "?mode=extend", csv); /* the same list again */
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "inserted"), 0);
    ck_assert_int_eq(jint(r.json, "updated"), 0);
    ck_assert_int_eq(jint(r.json, "unchanged"), 3);
    http_reply_free(&r);

    /* only p1 is on the new list: the others end yesterday */
    snprintf(csv, sizeof csv, "id_number,valid_from,valid_to\n%s,2024-01-01,\n",
             p1);
    r = members(ADMIN, "?mode=replace", csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "unchanged"), 1);
    ck_assert_int_eq(jint(r.json, "ended"), 2);
    http_reply_free(&r);
    char *yesterday = sql_value(
        "SELECT ((now() AT TIME ZONE 'Asia/Shanghai')::date - 1)::text");
    char *v = valid_to_of(p2, "2024-03-01");
    ck_assert_str_eq(v, yesterday);
    free(v);
    v = valid_to_of(p3, "2024-01-01");
    ck_assert_str_eq(v, yesterday);
    free(v);
    v = valid_to_of(p1, "2024-01-01");
    ck_assert_str_eq(v, "open");
    free(v);
    free(yesterday);
    r = members(ADMIN, "?mode=replace", csv); /* nothing left to end */
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "ended"), 0);
    http_reply_free(&r);
}
END_TEST

START_TEST(a_member_list_respects_category_mode_role_and_scope)
{
    setup_once();
    member_roster();
    char *county = make_token("county", COUNTY, NULL);
    char *town = make_token("township", TOWN_A, NULL);
    char csv[512];
    snprintf(csv, sizeof csv,
             "id_number,valid_from,valid_to\n%s,2024-01-01,\n%s,2024-01-01,\n",
             p1, far);
    http_reply r = members(county, "?mode=extend", csv);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 1);
    expect_rejection(&r, 0, 3, "id_number", "outside this token's region");
    http_reply_free(&r);
    r = members(town, "", csv);
    expect(&r, 403);
    http_reply_free(&r);
    r = members(ADMIN, "?mode=merge", csv);
    expect(&r, 400);
    ck_assert_str_eq(error_field(&r), "mode");
    http_reply_free(&r);
    r = http("POST", "/v1/categories/imp_nosuch/members/import", ADMIN,
             "text/csv", csv);
    expect(&r, 404);
    http_reply_free(&r);
    free(county);
    free(town);
}
END_TEST

/* A roster of n people in households of three, about 85 bytes a line. */
static char *bulk_roster(size_t n)
{
    size_t cap = 128 + n * 100, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv, cap, HEADER "\n");
    for (size_t i = 0; i < n; i++) {
        char first17[18];
        snprintf(first17, sizeof first17, "441899%04zu%02zu%02zu%03zu",
                 1950 + i % 50, 1 + i / 50 % 12, 1 + i / 600 % 28, i / 16800);
        len += (size_t)snprintf(
            csv + len, cap - len,
            "IMP-BULK-%06zu," VILLAGE_BULK ",一般户,%s,林%zu,%s,%s,%s\n", i / 3,
            i % 3 ? "子" : "户主", i, rid(first17), i % 3 ? "" : "13700000000",
            i % 10 == 0 ? "imp_dibao" : "");
    }
    return csv;
}

START_TEST(a_streamed_roster_of_several_megabytes_imports_and_reimports)
{
    setup_once();
    enum { N = 66000 };
    char *csv = bulk_roster(N);
    ck_assert_uint_gt(strlen(csv), 5000000);
    http_reply r =
        http_chunked("POST", "/v1/households/import", ADMIN, "text/csv", csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "households"), N / 3);
    ck_assert_int_eq(jint(r.json, "residents"), N);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 0);
    http_reply_free(&r);
    r = http_chunked("POST", "/v1/households/import", ADMIN, "text/csv", csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "households"), 0);
    ck_assert_int_eq(jint(r.json, "residents"), 0);
    ck_assert_int_eq(jint(r.json, "updated"), 0);
    ck_assert_int_eq(jint(r.json, "unchanged"), N);
    http_reply_free(&r);
    ck_assert_int_eq(harness_count("SELECT count(*) FROM residents p JOIN "
                                   "resident_categories rc USING (id_number) "
                                   "WHERE p.household_no LIKE 'IMP-BULK-%'"),
                     N / 10);
    free(csv);
}
END_TEST

START_TEST(an_import_writes_one_audit_entry_and_no_row_entries)
{
    setup_once();
    const char *count = "SELECT count(*) FROM audit_log "
                        "WHERE action = 'households_import'";
    long before = harness_count(count);
    char csv[512], sql[256];
    const char *id = rid("44188119450101501");
    snprintf(csv, sizeof csv,
             HEADER "\nIMP-AU1," VILLAGE_A ",,户主,冯一,%s,,\n", id);
    http_reply r = roster(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "residents"), 1);
    http_reply_free(&r);
    ck_assert_int_eq(harness_count(count), before + 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE entity_key = '%s'", id);
    ck_assert_int_eq(harness_count(sql), 0);
    char *summary = sql_value("SELECT after->>'residents' FROM audit_log "
                              "WHERE action = 'households_import' "
                              "ORDER BY id DESC LIMIT 1");
    ck_assert_str_eq(summary, "1");
    free(summary);
}
END_TEST

Suite *imports_suite(void)
{
    Suite *s = suite_create("imports");
    TCase *t = tcase_create("roster and member lists");
    tcase_set_timeout(t, 180);
    tcase_add_test(t, bad_lines_of_every_kind_are_named_by_line_and_field);
    tcase_add_test(t, a_reimport_of_the_same_file_changes_nothing);
    tcase_add_test(t, changed_phone_or_attribute_counts_as_updated);
    tcase_add_test(t,
                   an_id_registered_in_another_household_is_rejected_naming_it);
    tcase_add_test(t, rows_of_one_household_must_agree_with_its_first_line);
    tcase_add_test(t, a_township_token_imports_only_into_its_own_villages);
    tcase_add_test(t, a_member_list_extends_then_replaces_the_category);
    tcase_add_test(t, a_member_list_respects_category_mode_role_and_scope);
    tcase_add_test(
        t, a_streamed_roster_of_several_megabytes_imports_and_reimports);
    tcase_add_test(t, an_import_writes_one_audit_entry_and_no_row_entries);
    suite_add_tcase(s, t);
    return s;
}
