/* export: events out to analysts as CSV, XLSX or GeoJSON, in ACLED's columns (docs/export.md).
 *
 * One writer behind `waspada export events` and GET /api/v1/events/export (and its public,
 * redacted twin), so the file from the web is the file the CLI writes. Streamed in constant
 * memory: the store is walked in keyset pages of EXPORT_PAGE events (the events list's own
 * query, store_event_page, in date order), each page formatted into a buffer that the caller
 * drains with export_events_read before the next page is read. XLSX is written in
 * libxlsxwriter's constant_memory mode to a temporary file (unlinked at once, kept open), then
 * read back the same way.
 *
 * Between two reads the export holds no statement open, so the caller may use the same store
 * connection for other work in between (the HTTP server's worker thread does).
 *
 * Ownership: the export copies what it needs of its options; strings handed out never outlive
 * the next call. Rules (the ACLED crosswalk) are events/events.h's; the store only loads.
 */
#ifndef WSP_EXPORT_H
#define WSP_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/base.h"
#include "geo/geo.h"
#include "store/store.h"

#define EXPORT_PAGE 500 /* events per store page */

enum export_format { EXPORT_CSV = 0, EXPORT_XLSX, EXPORT_GEOJSON };

/* "csv", "xlsx", "geojson" (NULL or "" = csv): 0, else -1. */
int export_format_parse(const char *s, enum export_format *out);
const char *export_format_name(enum export_format f); /* "csv", ... */
/* "text/csv; charset=utf-8", the XLSX type, "application/geo+json". */
const char *export_content_type(enum export_format f);

struct export_events_opts {
    /* Filters and scope as the events list takes them (store.h); copied. sort, after, offset,
     * limit and no_total are the export's own. */
    struct store_event_query q;
    enum export_format format;
    /* The public export: verified events only (q.verified_only is forced), regency level at
     * most (no admin3, no location finer than the regency), no actors, source or notes, no
     * confidence and no women_children_victims; the columns are left out, not emptied. */
    bool public_view;
};

struct export_events; /* opaque */

/* Start an export of the events matching o on store s (kept until export_events_free; the
 * caller keeps s and g open that long). The first page is read here, so a bad filter or a
 * failing store is an error now, before anything is sent; XLSX is written whole here.
 * 0, or a negative WSP_* code with err set. */
int export_events_open(struct store *s, const struct geo_gazetteer *g,
                       const struct export_events_opts *o, struct export_events **out,
                       struct error *err);
/* The next bytes of the file, at most max, into dst: > 0 bytes, 0 at the end, or a negative
 * WSP_* code with err set (the file is then cut short). */
ssize_t export_events_read(struct export_events *x, char *dst, size_t max, struct error *err);
/* Events written so far (all of them once read returned 0). */
size_t export_events_rows(const struct export_events *x);
/* NULL is a no-op. */
void export_events_free(struct export_events *x);

#endif
