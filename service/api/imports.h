/*
 * imports.h: what the bulk CSV imports share: rejected-line lists, identity
 * document checks, and the batch size.
 */
#ifndef API_IMPORTS_H
#define API_IMPORTS_H

#include "domain/date.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Lines per database batch (one statement, one transaction). */
enum { IMPORT_BATCH_LINES = 5000 };

/* Sorts a list of csvbody_rejection() objects by line, in place. */
void import_sort_rejections(json_t *rejected);

/* Copies an identity number into out (outsz bytes), upper-casing ASCII
 * letters; false when it does not fit. */
bool import_upper_id(const char *in, char *out, size_t outsz);

/* Why id (upper-cased) is no good number for the document named doc_name
 * ("resident_id", "passport" …, see domain/document.h), or NULL. Resident
 * ID numbers get the full GB 11643 check against today and, when good,
 * give *birth and *sex ('M'/'F'); other documents a shape check and
 * *sex = '\0'. birth and sex may be NULL. */
const char *import_id_problem(const char *doc_name, const char *id,
                              civil_date today, civil_date *birth, char *sex);
/* The same for a number whose document is not named: a resident ID when it
 * looks like one, else any document whose shape it fits. */
const char *import_any_id_problem(const char *id, civil_date today);

#endif
