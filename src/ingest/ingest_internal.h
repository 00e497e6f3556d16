/* ingest internals: the pool of concurrent HTTP transfers (fetch.c) used by ingest.c. Not a
 * public interface. */
#ifndef WSP_INGEST_INTERNAL_H
#define WSP_INGEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "ingest/ingest.h"

#define FETCH_AGENT "waspada" /* the product token robots.txt groups are matched against */

struct fetch_result {
    long status; /* final HTTP status (304 for not modified) */
    char *body;  /* malloc'd, NUL-terminated; NULL when none */
    size_t len;
    char *etag; /* validators of the final response, malloc'd or NULL */
    char *last_modified;
    char *effective_url; /* after redirects */
    char *content_type;
    int attempts;
};

void fetch_result_free(struct fetch_result *r);

/*
 * The fetch pool: GET requests run concurrently on one libcurl multi handle, driven by the
 * thread that calls fetch_pool_run (one thread uses a pool; only fetch_pool_wakeup may be
 * called from others). Politeness, per host (scheme, name and port, as robots.txt is scoped):
 *  - robots.txt is fetched once, before any other request to the host, and honoured for
 *    FETCH_AGENT: a 4xx (a missing file) allows everything; a 5xx, or a host that cannot be
 *    reached, disallows everything for the rest of the run (RFC 9309 2.3.1.4). Its
 *    Crawl-delay, up to INGEST_CRAWL_DELAY_MAX_MS, lengthens the host's delay;
 *  - at most cfg->per_host transfers at once, and cfg->host_delay_ms between the starts of
 *    two of them; at most cfg->fetch_concurrency transfers in all;
 *  - 5xx, 429 and transport failures (timeouts, refused connections) are retried cfg->retries
 *    times, after cfg->backoff_ms doubled each time, or after the Retry-After of a 429 or 503
 *    (a longer one than INGEST_RETRY_AFTER_MAX_S gives the host up for the run); the wait
 *    holds the whole host back, never other hosts;
 *  - a host that could not be reached after all attempts is given up for the run: its other
 *    requests fail at once ("a dead site costs one request's retries, not one per page").
 * Of the waiting requests that may start, the one with the lowest prio goes first.
 */
struct fetch_pool;

/* Called from fetch_pool_run when a request is over. rc is 0 for any final HTTP answer (check
 * res->status), else a WSP_E* code with err saying why (WSP_EIO: unreachable, refused by
 * robots.txt, HTTP failure; WSP_ETOOBIG: over cfg->max_bytes). done may move fields out of res
 * (the pool frees what is left) and may add requests. */
typedef void (*fetch_done_fn)(void *ctx, int rc, struct fetch_result *res, const struct error *err);

/* NULL when libcurl cannot make a multi handle. cfg is borrowed for the pool's life. */
struct fetch_pool *fetch_pool_new(const struct ingest_config *cfg);
/* Requests still waiting are dropped without their done being called. */
void fetch_pool_free(struct fetch_pool *p);
/* Queue GET url (conditional when etag / last_modified are given; strings are copied). done
 * is always called later, from fetch_pool_run, never from here. */
void fetch_pool_add(struct fetch_pool *p, const char *url, const char *etag,
                    const char *last_modified, uint64_t prio, fetch_done_fn done, void *ctx);
/* Only requests with prio <= max_prio start from now on (robots.txt always may); UINT64_MAX
 * lifts the limit. For back-pressure: the caller lets its most urgent request through. */
void fetch_pool_limit(struct fetch_pool *p, uint64_t max_prio);
/* Start what the limits allow, wait up to timeout_ms for progress (or a wakeup), and call
 * done for finished requests. Returns the number of requests not yet done. */
size_t fetch_pool_run(struct fetch_pool *p, long timeout_ms);
/* Make a waiting fetch_pool_run return soon. Safe from any thread. */
void fetch_pool_wakeup(struct fetch_pool *p);

#endif
