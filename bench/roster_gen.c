/*
 * roster_gen.c: writes a deterministic county roster for the import
 * benchmark: regions.csv (1 county, 43 townships, 130 villages) and
 * roster.csv (households of 1 to 5 members, about 3 on average, with valid
 * resident ID numbers, some in special categories).
 *
 *   roster_gen DIR [RESIDENTS]     (default 1,280,000 residents)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TOWNSHIPS = 43, VILLAGES = 130 };

static const char *const surnames[] = {"张", "王", "李", "赵", "刘",
                                       "陈", "杨", "黄", "周", "吴"};
static const char *const given[] = {"建国", "秀英", "小明", "桂兰", "志强",
                                    "玉梅", "德华", "春燕", "国平", "丽"};
static const char *const relations[] = {"户主", "配偶", "子", "女", "母亲"};
static const char *const attributes[] = {"一般户", "低保户", "五保户",
                                         "脱贫户", "一般户", "一般户"};

/* GB 11643 check character of 17 digits. */
static char check_digit(const char *s)
{
    static const int w[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                              3, 7, 9,  10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (s[i] - '0') * w[i];
    return "10X98765432"[sum % 11];
}

/* A date `days` after 1940-01-01 as YYYYMMDD. */
static void birth(long days, char out[24])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1940, m = 0;
    for (;;) {
        int len = (y % 4 == 0 && (y % 100 || y % 400 == 0)) ? 366 : 365;
        if (days < len)
            break;
        days -= len, y++;
    }
    for (;; m++) {
        int len =
            mdays[m] + (m == 1 && y % 4 == 0 && (y % 100 || y % 400 == 0));
        if (days < len)
            break;
        days -= len;
    }
    snprintf(out, 24, "%04d%02d%02ld", y, m + 1, days + 1);
}

static void village_code(int v, char out[13])
{
    /* villages spread over townships: 3 each, one township gets 4 */
    int t = v % TOWNSHIPS, k = v / TOWNSHIPS;
    snprintf(out, 13, "511724%03d%03d", t + 1, k + 1);
}

static int write_regions(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/regions.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 1;
    fprintf(f, "code,name,level,parent_code\n511724000000,大竹县,county,\n");
    for (int t = 1; t <= TOWNSHIPS; t++)
        fprintf(f, "511724%03d000,乡镇%d,township,511724000000\n", t, t);
    for (int v = 0; v < VILLAGES; v++) {
        char code[13];
        village_code(v, code);
        fprintf(f, "%s,村%d,village,%.9s000\n", code, v + 1, code);
    }
    return fclose(f) != 0;
}

static int write_roster(const char *dir, long residents)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/roster.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 1;
    fprintf(f, "household_no,region_code,attribute,relation,name,id_number,"
               "phone,categories\n");
    unsigned long rnd = 42;
    long person = 0;
    for (long h = 0; person < residents; h++) {
        rnd = rnd * 6364136223846793005UL + 1442695040888963407UL;
        int size = 1 + (int)((rnd >> 33) % 5); /* 1..5, about 3 */
        char village[13];
        village_code((int)(h % VILLAGES), village);
        const char *attr = attributes[(rnd >> 40) % 6];
        for (int m = 0; m < size && person < residents; m++, person++) {
            char id[40], date[24];
            birth(person % 29200, date);
            snprintf(id, sizeof id, "511724%.8s%03d", date,
                     (int)(person / 29200 % 1000));
            id[17] = check_digit(id); /* the 18th character */
            id[18] = '\0';
            const char *cats = person % 10 == 3   ? "dibao"
                               : person % 33 == 7 ? "tekun;dibao"
                                                  : "";
            fprintf(f, "%s-%07ld,%s,%s,%s,%s%s,%s,%s,%s\n", village, h, village,
                    attr, relations[m], surnames[person % 10],
                    given[(person / 10) % 10], id, m == 0 ? "13800138000" : "",
                    cats);
        }
    }
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: roster_gen DIR [RESIDENTS]\n");
        return 2;
    }
    long residents = argc > 2 ? atol(argv[2]) : 1280000;
    if (write_regions(argv[1]) || write_roster(argv[1], residents)) {
        perror("roster_gen");
        return 1;
    }
    return 0;
}
