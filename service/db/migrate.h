/*
 * migrate.h: schema migrations and the demo county, applied at start.
 */
#ifndef DB_MIGRATE_H
#define DB_MIGRATE_H

#include <stdbool.h>

/* Highest migration number among dir's NNN_name.sql files; -1 on error. */
int migrations_latest(const char *dir);

/* Connects (waiting up to wait_s for the server), takes an advisory lock
 * so that concurrent starts apply each migration once, applies every file
 * of dir not yet in schema_migrations, each in its own transaction, and,
 * when demo_dir is not NULL and the database holds no region yet, runs
 * demo_dir/demo.sql. Returns false with a logged reason on failure. */
bool db_migrate(const char *conninfo, const char *dir, const char *demo_dir,
                unsigned wait_s);

#endif
