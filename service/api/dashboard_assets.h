/*
 * dashboard_assets.h: the dashboard's files (service/dashboard/), compiled
 * into the binary by scripts/embed.sh as build/dashboard_assets.c.
 */
#ifndef API_DASHBOARD_ASSETS_H
#define API_DASHBOARD_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *name;         /* "app.js": the file's base name */
    const char *content_type; /* from the extension */
    const unsigned char *data;
    size_t len;
    const char *etag; /* "\"<crc>-<len>\"", quotes included */
} dashboard_asset;

/* Ended by an entry whose name is NULL. Static data: never freed. */
extern const dashboard_asset dashboard_assets[];

#endif
