/* ingest internals: the HTTP fetcher (fetch.c) used by ingest.c. Not a public interface. */
#ifndef WSP_INGEST_INTERNAL_H
#define WSP_INGEST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"
#include "ingest/ingest.h"

struct fetcher; /* one libcurl handle, used by one thread */

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

struct fetcher *fetcher_new(const struct ingest_config *cfg);
void fetcher_free(struct fetcher *f);
/* GET url, conditionally when etag / last_modified are given. Retries 5xx, 429 and timeouts
 * with exponential backoff. 0 for any final HTTP answer (check out->status); WSP_EIO when the
 * request failed, WSP_ETOOBIG when the body is over the cap. */
int fetcher_get(struct fetcher *f, const char *url, const char *etag, const char *last_modified,
                struct fetch_result *out, struct error *err);
void fetch_result_free(struct fetch_result *r);

#endif
