/*
 * fingerprint.h: the idempotency fingerprint of a payment request. The same
 * channel + external_id may come again: with the same meaning it is a
 * replay (200, the first answer), with another a conflict (409). Meaning,
 * not bytes: key order, spacing and the order of the IDs do not count.
 */
#ifndef DOMAIN_FINGERPRINT_H
#define DOMAIN_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *channel, *external_id;
    int64_t year, tier, amount;
    const char *paid_at;      /* as given: another spelling is another body */
    const char *household_no; /* "" when IDs are given */
    const char *const *ids;   /* any order */
    size_t nids;
    const char *collector; /* "" when absent */
} payment_request_fields;

/* Lower-case hex SHA-256 of the canonical form of f. */
void payment_fingerprint(const payment_request_fields *f, char out[65]);

#endif
