/*
 * region.h: rules for administrative regions (行政区划).
 */
#ifndef DOMAIN_REGION_H
#define DOMAIN_REGION_H

#include <stdbool.h>

enum { LEVEL_COUNTY = 1, LEVEL_TOWNSHIP, LEVEL_VILLAGE, LEVEL_GROUP };

/* "county" → 1 … "group" → 4; 0 when unknown. */
int region_level_from_name(const char *name);
const char *region_level_name(int level);
/* A statistical division code: 1 to 20 ASCII digits. */
bool region_code_valid(const char *code);

#endif
