/*
 * migrate.c: numbered SQL files applied in order, each in a transaction and
 * recorded in schema_migrations; applying twice is a no-op.
 *
 * Migration files are part of the program, not input, so they are run as
 * simple-query scripts rather than prepared statements.
 */
#define _POSIX_C_SOURCE 200809L
#include "db/migrate.h"

#include "log.h"

#include <ctype.h>
#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_MIGRATIONS = 1000, MIGRATION_LOCK = 727001 };

/* "NNN_name.sql" → NNN, or -1 when the name is not a migration. */
static int migration_number(const char *name)
{
    size_t len = strlen(name);
    if (len < 9 || !isdigit((unsigned char)name[0]) ||
        !isdigit((unsigned char)name[1]) || !isdigit((unsigned char)name[2]) ||
        name[3] != '_' || strcmp(name + len - 4, ".sql") != 0)
        return -1;
    return (name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0');
}

/* Fills names[version] (caller frees each) for the files of dir. */
static bool list_migrations(const char *dir, char **names)
{
    DIR *d = opendir(dir);
    if (!d) {
        log_msg(LOG_ERROR, "cannot open migrations directory %s", dir);
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d))) {
        int n = migration_number(e->d_name);
        if (n < 0)
            continue;
        if (names[n]) {
            log_msg(LOG_ERROR, "two migrations numbered %03d", n);
            ok = false;
        }
        free(names[n]);
        names[n] = strdup(e->d_name);
    }
    closedir(d);
    return ok;
}

int migrations_latest(const char *dir)
{
    char *names[MAX_MIGRATIONS] = {0};
    int latest = -1;
    if (list_migrations(dir, names))
        for (int i = 0; i < MAX_MIGRATIONS; i++)
            if (names[i])
                latest = i;
    for (int i = 0; i < MAX_MIGRATIONS; i++)
        free(names[i]);
    return latest;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        rewind(f);
        text = n >= 0 ? malloc((size_t)n + 1) : NULL;
        if (text && fread(text, 1, (size_t)n, f) == (size_t)n)
            text[n] = '\0';
        else {
            free(text);
            text = NULL;
        }
    }
    fclose(f);
    return text;
}

/* Runs a script (or a parameterised command when nparams > 0). */
static bool run(PGconn *pg, const char *what, const char *sql, int nparams,
                const char *const *params)
{
    PGresult *r =
        nparams ? PQexecParams(pg, sql, nparams, NULL, params, NULL, NULL, 0)
                : PQexec(pg, sql);
    ExecStatusType s = PQresultStatus(r);
    bool ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (!ok)
        log_msg(LOG_ERROR, "%s failed: %s", what, PQerrorMessage(pg));
    PQclear(r);
    return ok;
}

static bool applied(PGconn *pg, int version, bool *yes)
{
    char v[16];
    snprintf(v, sizeof v, "%d", version);
    const char *p[] = {v};
    PGresult *r =
        PQexecParams(pg, "SELECT 1 FROM schema_migrations WHERE version = $1",
                     1, NULL, p, NULL, NULL, 0);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    *yes = ok && PQntuples(r) > 0;
    PQclear(r);
    return ok;
}

/* Applies one file in its own transaction, recording it. */
static bool apply_file(PGconn *pg, const char *dir, const char *name,
                       int version)
{
    char path[4096], v[16];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(v, sizeof v, "%d", version);
    char *sql = read_file(path);
    if (!sql) {
        log_msg(LOG_ERROR, "cannot read %s", path);
        return false;
    }
    const char *p[] = {v, name};
    bool ok = run(pg, "begin", "BEGIN", 0, NULL) &&
              run(pg, name, sql, 0, NULL) &&
              run(pg, "record migration",
                  "INSERT INTO schema_migrations (version, name) "
                  "VALUES ($1, $2)",
                  2, p) &&
              run(pg, "commit", "COMMIT", 0, NULL);
    free(sql);
    if (!ok)
        run(pg, "rollback", "ROLLBACK", 0, NULL);
    else
        log_msg(LOG_INFO, "applied migration %s", name);
    return ok;
}

static bool apply_all(PGconn *pg, const char *dir)
{
    char *names[MAX_MIGRATIONS] = {0};
    bool ok = list_migrations(dir, names) &&
              run(pg, "schema_migrations",
                  "CREATE TABLE IF NOT EXISTS schema_migrations ("
                  "version integer PRIMARY KEY, name text NOT NULL, "
                  "applied_at timestamptz NOT NULL DEFAULT now())",
                  0, NULL);
    for (int i = 0; ok && i < MAX_MIGRATIONS; i++) {
        bool done = false;
        if (names[i])
            ok = applied(pg, i, &done) &&
                 (done || apply_file(pg, dir, names[i], i));
    }
    for (int i = 0; i < MAX_MIGRATIONS; i++)
        free(names[i]);
    return ok;
}

/* Loads demo.sql in one transaction when no region exists yet. */
static bool load_demo(PGconn *pg, const char *demo_dir)
{
    PGresult *r = PQexec(pg, "SELECT count(*) FROM regions");
    bool empty = PQresultStatus(r) == PGRES_TUPLES_OK &&
                 strcmp(PQgetvalue(r, 0, 0), "0") == 0;
    PQclear(r);
    if (!empty)
        return true;
    char path[4096];
    snprintf(path, sizeof path, "%s/demo.sql", demo_dir);
    char *sql = read_file(path);
    if (!sql) {
        log_msg(LOG_ERROR, "cannot read %s", path);
        return false;
    }
    bool ok = run(pg, "begin", "BEGIN", 0, NULL) &&
              run(pg, "demo.sql", sql, 0, NULL) &&
              run(pg, "commit", "COMMIT", 0, NULL);
    free(sql);
    if (!ok)
        run(pg, "rollback", "ROLLBACK", 0, NULL);
    else
        log_msg(LOG_INFO, "loaded the demo county from %s", path);
    return ok;
}

static PGconn *connect_waiting(const char *conninfo, unsigned wait_s)
{
    time_t until = time(NULL) + wait_s;
    for (;;) {
        PGconn *pg = PQconnectdb(conninfo);
        if (PQstatus(pg) == CONNECTION_OK)
            return pg;
        if (time(NULL) >= until) {
            log_msg(LOG_ERROR, "cannot connect to the database: %s",
                    PQerrorMessage(pg));
            PQfinish(pg);
            return NULL;
        }
        PQfinish(pg);
        struct timespec ts = {0, 250000000L};
        nanosleep(&ts, NULL);
    }
}

bool db_migrate(const char *conninfo, const char *dir, const char *demo_dir,
                unsigned wait_s)
{
    PGconn *pg = connect_waiting(conninfo, wait_s);
    if (!pg)
        return false;
    char lock[16];
    snprintf(lock, sizeof lock, "%d", MIGRATION_LOCK);
    const char *p[] = {lock};
    bool ok = run(pg, "SET client_min_messages",
                  "SET client_min_messages = warning", 0, NULL) &&
              run(pg, "advisory lock", "SELECT pg_advisory_lock($1)", 1, p);
    if (ok) {
        ok = apply_all(pg, dir) && (!demo_dir || load_demo(pg, demo_dir));
        run(pg, "advisory unlock", "SELECT pg_advisory_unlock($1)", 1, p);
    }
    PQfinish(pg);
    return ok;
}
