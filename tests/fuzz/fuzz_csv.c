/*
 * fuzz_csv.c: the streaming CSV reader (domain/csv.c).
 *
 * Input: byte 0 picks the limits (max_field_len from bits 0-2, max_fields
 * from bits 3-5), byte 1 seeds the chunk splitter and says after how many
 * records a third reader asks to stop; the rest is the CSV text.
 * The text is parsed three times: in one chunk, in chunks of random sizes
 * (empty ones included), and again in random chunks with a callback that
 * stops early. Invariants: every split delivers the same records, errors,
 * line numbers and final status; the early stop delivers a prefix and
 * CSV_STOPPED stays final; each record respects the limits, and one
 * without error has NUL-terminated, NUL-free, valid UTF-8 fields.
 */
#include "domain/csv.h"
#include "fuzz.h"
#include "utf8_check.h"

#include <string.h>

static const size_t field_lens[8] = {1, 2, 3, 5, 8, 16, 64, 4096};
static const size_t field_counts[8] = {1, 2, 3, 4, 8, 16, 64, 256};

/* Everything one parse delivered, flattened for comparison. */
typedef struct {
    unsigned char *bytes;
    size_t len, cap;
    size_t records;
    size_t last_line;
    size_t stop_after; /* 0: never stop */
    size_t max_field_len, max_fields;
} transcript;

static void put_bytes(transcript *t, const void *p, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n)
            cap *= 2;
        t->bytes = realloc(t->bytes, cap);
        FUZZ_CHECK(t->bytes != NULL);
        t->cap = cap;
    }
    memcpy(t->bytes + t->len, p, n);
    t->len += n;
}

static int on_record(void *cls, const csv_record *rec)
{
    transcript *t = cls;
    FUZZ_CHECK(rec->line > t->last_line);
    FUZZ_CHECK(rec->nfields <= t->max_fields);
    FUZZ_CHECK(rec->error || rec->nfields >= 1);
    t->last_line = rec->line;
    put_bytes(t, &rec->line, sizeof rec->line);
    put_bytes(t, &rec->nfields, sizeof rec->nfields);
    /* the error messages are static strings: their addresses compare */
    put_bytes(t, &rec->error, sizeof rec->error);
    for (size_t i = 0; i < rec->nfields; i++) {
        size_t n = rec->lengths[i];
        const char *f = rec->fields[i];
        FUZZ_CHECK(n <= t->max_field_len);
        FUZZ_CHECK(f[n] == '\0');
        if (!rec->error) {
            FUZZ_CHECK(strlen(f) == n);
            FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)f, n));
        }
        put_bytes(t, &n, sizeof n);
        put_bytes(t, f, n);
    }
    t->records++;
    return t->stop_after && t->records == t->stop_after;
}

/* A small deterministic generator for the chunk sizes. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* Parses text in chunks (one chunk when seed is 0); returns the final
 * status and the reader's line in *line. */
static csv_status parse(transcript *t, const char *text, size_t len,
                        uint32_t seed, size_t *line)
{
    csv_reader *r =
        csv_reader_new(on_record, t, t->max_field_len, t->max_fields);
    FUZZ_CHECK(r != NULL);
    csv_status st = CSV_OK;
    size_t pos = 0;
    uint32_t state = seed * 2654435761u + 1;
    while (st == CSV_OK && pos < len) {
        size_t n = len - pos;
        if (seed) {
            uint32_t x = next_random(&state);
            n = x % 8 == 0 ? 0 : 1 + x / 8 % 24;
            if (n > len - pos)
                n = len - pos;
        }
        st = csv_feed(r, text + pos, n);
        pos += n;
    }
    if (st == CSV_OK)
        st = csv_finish(r);
    if (st != CSV_OK) {
        /* a final status stays final and delivers nothing more */
        size_t before = t->records;
        FUZZ_CHECK(csv_feed(r, "x,y\n", 4) == st);
        FUZZ_CHECK(csv_finish(r) == st);
        FUZZ_CHECK(t->records == before);
    }
    *line = csv_reader_line(r);
    csv_reader_free(r);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *text = (const char *)data + 2;
    size_t len = size - 2;
    transcript whole = {0}, split = {0}, stopped = {0};
    whole.max_field_len = split.max_field_len = stopped.max_field_len =
        field_lens[data[0] & 7];
    whole.max_fields = split.max_fields = stopped.max_fields =
        field_counts[data[0] >> 3 & 7];
    stopped.stop_after = 1 + (data[1] >> 4);
    uint32_t seed = 1u + data[1];

    size_t line_whole, line_split, line_stopped;
    csv_status st_whole = parse(&whole, text, len, 0, &line_whole);
    csv_status st_split = parse(&split, text, len, seed, &line_split);
    csv_status st_stopped = parse(&stopped, text, len, seed + 7, &line_stopped);

    FUZZ_CHECK(st_whole != CSV_ERR_NOMEM);
    FUZZ_CHECK(st_whole == CSV_OK || st_whole == CSV_ERR_UNTERMINATED_QUOTE);
    FUZZ_CHECK(st_split == st_whole);
    FUZZ_CHECK(line_split == line_whole);
    FUZZ_CHECK(split.records == whole.records);
    FUZZ_CHECK(split.len == whole.len);
    FUZZ_CHECK(whole.len == 0 ||
               memcmp(split.bytes, whole.bytes, whole.len) == 0);

    /* stopping early delivers the first records unchanged */
    FUZZ_CHECK(stopped.len <= whole.len);
    FUZZ_CHECK(stopped.len == 0 ||
               memcmp(stopped.bytes, whole.bytes, stopped.len) == 0);
    if (whole.records >= stopped.stop_after) {
        FUZZ_CHECK(st_stopped == CSV_STOPPED);
        FUZZ_CHECK(stopped.records == stopped.stop_after);
    } else {
        FUZZ_CHECK(st_stopped == st_whole);
        FUZZ_CHECK(stopped.records == whole.records);
    }

    free(whole.bytes);
    free(split.bytes);
    free(stopped.bytes);
    return 0;
}
