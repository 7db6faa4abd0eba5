/*
 * test_csv.c: unit tests for domain/csv, the streaming RFC 4180 reader.
 * Every table case is parsed whole, split at every byte offset, split at
 * every pair of offsets (short inputs) and byte by byte; all runs must
 * give the same records. Exports csv_suite().
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/csv.h"

Suite *csv_suite(void);

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Records rendered as text, one per line: "line:[f1][f2] !error". */
typedef struct {
    char text[2048];
    size_t len;
    int records;
    int stop_after; /* ask to stop after this many records; 0 = never */
} collector;

static void put_text(collector *c, const char *s, size_t n)
{
    ck_assert_uint_lt(c->len + n, sizeof c->text);
    memcpy(c->text + c->len, s, n);
    c->len += n;
    c->text[c->len] = '\0';
}

static int collect(void *cls, const csv_record *rec)
{
    collector *c = cls;
    char head[32];
    int n = snprintf(head, sizeof head, "%zu:", rec->line);
    put_text(c, head, (size_t)n);
    for (size_t i = 0; i < rec->nfields; i++) {
        ck_assert_uint_eq(strlen(rec->fields[i]), rec->lengths[i]);
        put_text(c, "[", 1);
        put_text(c, rec->fields[i], rec->lengths[i]);
        put_text(c, "]", 1);
    }
    if (rec->error) {
        put_text(c, " !", 2);
        put_text(c, rec->error, strlen(rec->error));
    }
    put_text(c, "\n", 1);
    c->records++;
    return c->stop_after && c->records >= c->stop_after;
}

typedef struct {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    size_t max_field_len, max_fields;
    int stop_after;
    const char *want;
    csv_status status;
} csv_case;

/* Feeds in[0..len) cut at the ncuts offsets, then finishes. Returns the
 * first status that is not CSV_OK (checking it stays sticky) or finish's. */
static csv_status parse_cut(const csv_case *tc, size_t len, const size_t *cuts,
                            size_t ncuts, collector *c)
{
    memset(c, 0, sizeof *c);
    c->stop_after = tc->stop_after;
    csv_reader *r =
        csv_reader_new(collect, c, tc->max_field_len, tc->max_fields);
    ck_assert_ptr_nonnull(r);
    csv_status st = CSV_OK;
    size_t from = 0;
    for (size_t k = 0; k <= ncuts && st == CSV_OK; k++) {
        size_t to = k < ncuts ? cuts[k] : len;
        st = csv_feed(r, tc->in + from, to - from);
        from = to;
    }
    if (st == CSV_OK)
        st = csv_finish(r);
    if (st != CSV_OK) { /* final statuses stay */
        ck_assert_int_eq(csv_feed(r, "x\n", 2), st);
        ck_assert_int_eq(csv_finish(r), st);
    }
    csv_reader_free(r);
    return st;
}

static void expect_same(const csv_case *tc, csv_status st, const collector *c,
                        const char *how)
{
    ck_assert_msg(st == tc->status, "%s (%s): status %d, want %d", tc->name,
                  how, (int)st, (int)tc->status);
    ck_assert_msg(strcmp(c->text, tc->want) == 0,
                  "%s (%s):\n got: %s\nwant: %s", tc->name, how, c->text,
                  tc->want);
}

static const csv_case cases[] = {
    {"header_and_rows", "name,id\nalice,1\nbob,2\n", 0, 64, 8, 0,
     "1:[name][id]\n2:[alice][1]\n3:[bob][2]\n", CSV_OK},
    {"last_record_needs_no_newline", "a,b\nc,d", 0, 64, 8, 0,
     "1:[a][b]\n2:[c][d]\n", CSV_OK},
    {"empty_fields_and_trailing_comma", ",\na,,b,\n\"\"\n \n", 0, 64, 8, 0,
     "1:[][]\n2:[a][][b][]\n3:[]\n4:[ ]\n", CSV_OK},
    {"bom_at_start_is_stripped",
     "\xEF\xBB\xBF"
     "a,b\nc\n",
     0, 64, 8, 0, "1:[a][b]\n2:[c]\n", CSV_OK},
    {"bom_alone_is_no_record", "\xEF\xBB\xBF", 0, 64, 8, 0, "", CSV_OK},
    {"bom_later_is_data",
     "a\n\xEF\xBB\xBF"
     "b\n",
     0, 64, 8, 0,
     "1:[a]\n2:[\xEF\xBB\xBF"
     "b]\n",
     CSV_OK},
    {"bom_lookalike_at_start_is_data", "\xEF\xBC\x8C,x\n", 0, 64, 8, 0,
     "1:[\xEF\xBC\x8C][x]\n", CSV_OK},
    {"broken_bom_at_start_is_invalid_utf8", "\xEF\xBBx\nok\n", 0, 64, 8, 0,
     "1: !invalid utf-8\n2:[ok]\n", CSV_OK},
    {"crlf_line_ends", "a,b\r\nc,d\r\n", 0, 64, 8, 0, "1:[a][b]\n2:[c][d]\n",
     CSV_OK},
    {"lone_cr_ends_a_line_outside_quotes", "a\rb\r\n\r\nc\n", 0, 64, 8, 0,
     "1:[a]\n2:[b]\n4:[c]\n", CSV_OK},
    {"quotes_hold_commas_and_escaped_quotes",
     "\"a,b\",\"say \"\"hi\"\"\",\"\"\n\"\"\"\"\n", 0, 64, 8, 0,
     "1:[a,b][say \"hi\"][]\n2:[\"]\n", CSV_OK},
    {"quoted_field_then_crlf", "\"a\"\r\n\"b\"", 0, 64, 8, 0, "1:[a]\n2:[b]\n",
     CSV_OK},
    {"line_numbers_continue_after_multiline_records",
     "id,note\n1,\"line one\nline two\r\nline three\"\n2,after\n\n"
     "3,\"x\ry\"\n4,z",
     0, 64, 8, 0,
     "1:[id][note]\n2:[1][line one\nline two\r\nline three]\n5:[2][after]\n"
     "7:[3][x\ry]\n9:[4][z]\n",
     CSV_OK},
    {"empty_lines_are_skipped", "\n\na\n\n\nb\r\n\r\n\n", 0, 64, 8, 0,
     "3:[a]\n6:[b]\n", CSV_OK},
    {"utf8_text_is_kept", "\xE5\xBC\xA0\xE4\xB8\x89,\xF0\x9F\x98\x80\n", 0, 64,
     8, 0, "1:[\xE5\xBC\xA0\xE4\xB8\x89][\xF0\x9F\x98\x80]\n", CSV_OK},
    {"bad_utf8_record_then_good_ones", "a,\xC3\x28\nb,ok\nc,\xE4\xB8\xAD\n", 0,
     64, 8, 0, "1:[a] !invalid utf-8\n2:[b][ok]\n3:[c][\xE4\xB8\xAD]\n",
     CSV_OK},
    {"utf8_overlong_surrogate_too_big_stray_rejected",
     "\xC0\x80\n\xED\xA0\x80\n\xF4\x90\x80\x80\n\x80\n\xE4\xB8\nok\n", 0, 64, 8,
     0,
     "1: !invalid utf-8\n2: !invalid utf-8\n3: !invalid utf-8\n"
     "4: !invalid utf-8\n5: !invalid utf-8\n6:[ok]\n",
     CSV_OK},
    {"utf8_cut_off_at_eof_is_invalid", "ok\nx\xE4\xB8", 0, 64, 8, 0,
     "1:[ok]\n2: !invalid utf-8\n", CSV_OK},
    {"bad_utf8_inside_multiline_quote_keeps_structure", "\"\xFF\nx,y\",z\nok\n",
     0, 64, 8, 0, "1: !invalid utf-8\n3:[ok]\n", CSV_OK},
    {"nul_byte_marks_record", "a,b\0c\nd\n", 8, 64, 8, 0,
     "1:[a] !nul byte\n2:[d]\n", CSV_OK},
    {"field_too_long_marks_record", "12345,123456\n\"abcdef\"\nabc\n", 0, 5, 8,
     0, "1:[12345] !field too long\n2: !field too long\n3:[abc]\n", CSV_OK},
    {"too_many_fields_marks_record", "a,b,c\na,b,c,d\na,b,c,\nx\n", 0, 64, 3, 0,
     "1:[a][b][c]\n2:[a][b][c] !too many fields\n"
     "3:[a][b][c] !too many fields\n4:[x]\n",
     CSV_OK},
    {"bare_quote_skips_to_line_end", "ab\"c,\"d\nok\n", 0, 64, 8, 0,
     "1: !bare quote in unquoted field\n2:[ok]\n", CSV_OK},
    {"text_after_closing_quote_skips_to_line_end", "x,\"ab\"c,\"d\r\nok\n", 0,
     64, 8, 0, "1:[x] !text after closing quote\n2:[ok]\n", CSV_OK},
    {"first_error_wins", "\xFF,\"a\"b\nok\n", 0, 64, 8, 0,
     "1: !invalid utf-8\n2:[ok]\n", CSV_OK},
    {"unterminated_quote_at_eof", "a\n\"open,\nmore", 0, 64, 8, 0, "1:[a]\n",
     CSV_ERR_UNTERMINATED_QUOTE},
    {"stop_from_callback", "a\nb\nc\n", 0, 64, 8, 2, "1:[a]\n2:[b]\n",
     CSV_STOPPED},
    {"stop_on_last_record_at_finish", "a\nb", 0, 64, 8, 2, "1:[a]\n2:[b]\n",
     CSV_STOPPED},
};

START_TEST(whole_input_parses_to_expected_records)
{
    const csv_case *tc = &cases[_i];
    size_t len = tc->len ? tc->len : strlen(tc->in);
    collector c;
    expect_same(tc, parse_cut(tc, len, NULL, 0, &c), &c, "whole");
}
END_TEST

START_TEST(every_single_split_gives_identical_records)
{
    const csv_case *tc = &cases[_i];
    size_t len = tc->len ? tc->len : strlen(tc->in);
    collector c;
    for (size_t cut = 0; cut <= len; cut++) {
        char how[32];
        snprintf(how, sizeof how, "split at %zu", cut);
        expect_same(tc, parse_cut(tc, len, &cut, 1, &c), &c, how);
    }
}
END_TEST

START_TEST(every_double_split_gives_identical_records)
{
    const csv_case *tc = &cases[_i];
    size_t len = tc->len ? tc->len : strlen(tc->in);
    collector c;
    for (size_t a = 0; a <= len; a++)
        for (size_t b = a; b <= len; b++) {
            size_t cuts[2] = {a, b};
            char how[48];
            snprintf(how, sizeof how, "split at %zu and %zu", a, b);
            expect_same(tc, parse_cut(tc, len, cuts, 2, &c), &c, how);
        }
}
END_TEST

START_TEST(byte_by_byte_gives_identical_records)
{
    const csv_case *tc = &cases[_i];
    size_t len = tc->len ? tc->len : strlen(tc->in);
    size_t cuts[128];
    ck_assert_uint_le(len, NROWS(cuts));
    for (size_t k = 0; k < len; k++)
        cuts[k] = k;
    collector c;
    expect_same(tc, parse_cut(tc, len, cuts, len, &c), &c, "byte by byte");
}
END_TEST

static int count_records(void *cls, const csv_record *rec)
{
    collector *c = cls;
    if (rec->error)
        put_text(c, rec->error, strlen(rec->error));
    c->records++;
    return 0;
}

START_TEST(huge_field_is_cut_off_without_buffering_it)
{
    collector c;
    memset(&c, 0, sizeof c);
    csv_reader *r = csv_reader_new(count_records, &c, 16, 4);
    ck_assert_ptr_nonnull(r);
    char chunk[4096];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 1024; i++) /* one 4 MB field */
        ck_assert_int_eq(csv_feed(r, chunk, sizeof chunk), CSV_OK);
    ck_assert_int_eq(csv_feed(r, "\nok,1\n", 6), CSV_OK);
    ck_assert_int_eq(csv_finish(r), CSV_OK);
    ck_assert_int_eq(c.records, 2);
    ck_assert_str_eq(c.text, "field too long");
    csv_reader_free(r);
}
END_TEST

START_TEST(many_records_stream_through_a_small_reader)
{
    collector c;
    memset(&c, 0, sizeof c);
    csv_reader *r = csv_reader_new(count_records, &c, 32, 4);
    ck_assert_ptr_nonnull(r);
    static const char row[] = "130102199003071233,\"a, b\",350.00\r\n";
    for (int i = 0; i < 100000; i++)
        ck_assert_int_eq(csv_feed(r, row, sizeof row - 1), CSV_OK);
    ck_assert_uint_eq(csv_reader_line(r), 100001);
    ck_assert_int_eq(csv_finish(r), CSV_OK);
    ck_assert_int_eq(c.records, 100000);
    ck_assert_uint_eq(c.len, 0);
    csv_reader_free(r);
}
END_TEST

START_TEST(reader_line_points_at_the_open_record)
{
    collector c;
    memset(&c, 0, sizeof c);
    csv_reader *r = csv_reader_new(collect, &c, 64, 8);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(csv_reader_line(r), 1);
    ck_assert_int_eq(csv_feed(r, "a\nb\n", 4), CSV_OK);
    ck_assert_uint_eq(csv_reader_line(r), 3);
    ck_assert_int_eq(csv_feed(r, "\"open\n\n", 7), CSV_OK);
    ck_assert_uint_eq(csv_reader_line(r), 3);
    ck_assert_int_eq(csv_finish(r), CSV_ERR_UNTERMINATED_QUOTE);
    ck_assert_uint_eq(csv_reader_line(r), 3);
    csv_reader_free(r);
}
END_TEST

START_TEST(reader_refuses_unusable_limits)
{
    collector c;
    ck_assert_ptr_null(csv_reader_new(NULL, &c, 64, 8));
    ck_assert_ptr_null(csv_reader_new(collect, &c, 0, 8));
    ck_assert_ptr_null(csv_reader_new(collect, &c, 64, 0));
    ck_assert_ptr_null(csv_reader_new(collect, &c, SIZE_MAX / 2, 4));
    csv_reader_free(NULL);
}
END_TEST

Suite *csv_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("csv");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, whole_input_parses_to_expected_records, 0,
                        NROWS(cases));
    tcase_add_loop_test(tc, every_single_split_gives_identical_records, 0,
                        NROWS(cases));
    tcase_add_loop_test(tc, every_double_split_gives_identical_records, 0,
                        NROWS(cases));
    tcase_add_loop_test(tc, byte_by_byte_gives_identical_records, 0,
                        NROWS(cases));
    tcase_add_test(tc, huge_field_is_cut_off_without_buffering_it);
    tcase_add_test(tc, many_records_stream_through_a_small_reader);
    tcase_add_test(tc, reader_line_points_at_the_open_record);
    tcase_add_test(tc, reader_refuses_unusable_limits);
    suite_add_tcase(s, tc);
    return s;
}
