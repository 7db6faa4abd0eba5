/*
 * clock.h: today's date on the campaign's calendar (Asia/Shanghai, UTC+8
 * all year: China keeps no daylight-saving time).
 */
#ifndef COMMON_CLOCK_H
#define COMMON_CLOCK_H

#include "domain/date.h"

civil_date clock_today_shanghai(void);

#endif
