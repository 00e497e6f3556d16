/*
 * The warn service's public side (alerts_service.c), for the public risk view: the state of
 * verified events only and a cache of the public document that stays fresh only while that
 * state is unchanged. Not a public interface (see http_internal.h for the rest of the service).
 */
#ifndef WSP_HTTP_ALERTS_HTTP_H
#define WSP_HTTP_ALERTS_HTTP_H

#include <stdint.h>

#include "http/http_internal.h"
#include "warn/warn.h"

/* The state of verified events only (alertd_public_state), under the same lock as
 * http_alerts_lock: release it with http_alerts_unlock. *version (when not NULL) is the
 * state's alertd_public_version. NULL when early warning is unavailable (nothing locked). */
const struct warn_state *http_alerts_lock_public(struct http_server *srv, uint64_t *version);
/* Cache text as the public document computed from the public state at version: http_alerts_
 * cache_get returns it while it is younger than its max age and the state is still at that
 * version. */
void http_alerts_public_cache_put(struct http_server *srv, const char *text, uint64_t version);

#endif
