/*
 * csv_out.h: writing CSV files people open in Excel: UTF-8 with a BOM,
 * CRLF line ends, RFC 4180 quoting. Appends to a buf the caller owns.
 */
#ifndef REPORT_CSV_OUT_H
#define REPORT_CSV_OUT_H

#include "common/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* The UTF-8 byte order mark that makes Excel read UTF-8. */
bool csv_out_bom(buf *out);

/* One record of n fields and its CRLF. A field holding a comma, a quote,
 * CR or LF is quoted (quotes doubled). A field of 12 or more digits (an
 * ID number or a region code; a trailing X counts as a digit) or a
 * number with a leading zero gets a leading tab, so that Excel keeps it
 * as text instead of rounding it to a float. false when memory runs out. */
bool csv_out_row(buf *out, const char *const *fields, size_t n);

#endif
