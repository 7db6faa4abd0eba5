/*
 * app.h: the process-wide state handed to every request.
 */
#ifndef APP_H
#define APP_H

#include "config.h"
#include "db/db.h"
#include "platforms.h"

typedef struct app app;

struct app {
    config cfg;
    db_pool *pool;         /* owned */
    char admin_sha256[65]; /* hex SHA-256 of ADMIN_TOKEN */
    int schema_expected;   /* latest migration number on disk */
    platforms platforms;   /* WeChat Pay and Alipay keys and ids */
};

#endif
