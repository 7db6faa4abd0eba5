/*
 * progress.c: what the report's renderers share: its title and its release.
 */
#include "report/progress.h"

#include <stdlib.h>

void progress_report_free(progress_report *r)
{
    free(r->rows);
    r->rows = NULL;
    r->nrows = 0;
}

bool progress_title(const progress_report *r, buf *out)
{
    return buf_printf(out, "%s%d年度城乡居民医保筹资完成情况通报表（截止%s）",
                      r->region_name, r->year, r->as_of_label);
}
