/*
 * The warn service's public side (alerts_service.c), for the public risk view: the state of
 * verified events only and its version (the public document is rebuilt when it moves, see
 * public_cache.c). Not a public interface (see http_internal.h for the rest of the service).
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
/* The version of the public state now (alertd_public_version), read without the lock: it
 * grows before the alerts of a change are written. 0 when early warning is unavailable. */
uint64_t http_alerts_public_version(struct http_server *srv);

#endif
