/*
 * ingest: from sources to the store. Reads articles from files (JSON Lines as for `waspada
 * extract`, .txt, .html), standard input ("-", JSON Lines), URLs (libcurl) and RSS/Atom feeds,
 * runs the pure text -> detect pipeline on each, and writes the article (deduplicated) and, for
 * a conflict event, a new event or one more source of a near-duplicate event.
 *
 * Pipeline: the calling thread reads and fetches (one request at a time, so never two at once
 * to a host) into a bounded ring of documents; `threads` workers, each with its own
 * detect_worker, run detection; one writer thread stores results in input order on its own
 * store connection, one transaction per article (a failure rolls back that article only and is
 * reported with its file and line, or URL, and skipped). Memory is bounded by the ring, whatever
 * the input size.
 *
 * Near duplicates (the same event told by several outlets): an event joins an existing one
 * when both are in the same province (or both unplaced), their dates are within `merge_days`
 * (or both unknown), their categories agree, their regencies do not contradict each other, and
 * either their SimHashes are at most `near_bits` apart (copies, light rewrites) or both name
 * the same regency with event dates at most one day apart (the same clash told in different
 * words). How the merged event combines its sources is store_event_merge().
 *
 * Ownership: the model and text resources are borrowed and must outlive the call. Results are
 * counted in struct ingest_stats. Errors of single articles are written to cfg.messages
 * (stderr by default) and counted; only failures that stop everything (database cannot be
 * opened, out of memory) make ingest_run return non-zero.
 */
#ifndef WSP_INGEST_H
#define WSP_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/base.h"
#include "detect/detect.h"
#include "store/store.h"
#include "text/text.h"

struct ingest_config {
    const char *db_path;
    unsigned threads;        /* detection workers; 0 = all cores */
    const char *source_type; /* force "news", "feed", "report" or "file"; NULL = by input */
    int near_bits;           /* SimHash distance for near duplicates (default 12) */
    int merge_days;          /* date window for near duplicates (default 3) */
    bool progress;           /* a "\r" progress line on stderr (the caller checks isatty) */
    FILE *messages;          /* per-article errors; NULL = stderr */
    /* fetching (URLs and feeds) */
    long timeout_s;                  /* whole request (default 20) */
    long connect_timeout_s;          /* (default 10) */
    size_t max_bytes;                /* largest response body (default 8 MiB) */
    long max_redirects;              /* (default 5) */
    int retries;                     /* extra attempts on 5xx, 429 and timeouts (default 2) */
    long backoff_ms;                 /* first retry delay, doubled each time (default 500) */
    long feed_interval_s;            /* next poll after a good one (default 900) */
    const struct store_actor *actor; /* audit actor; NULL = {"ingest"} */
};

void ingest_config_defaults(struct ingest_config *cfg);

struct ingest_stats {
    size_t read;            /* articles read from all inputs (including broken ones) */
    size_t stored;          /* new articles */
    size_t duplicates;      /* articles already stored (by canonical URL or content hash) */
    size_t events_new;      /* new events */
    size_t events_merged;   /* articles that became one more source of an existing event */
    size_t non_events;      /* new articles that are not conflict events */
    size_t errors;          /* broken or unreadable articles, failed fetches */
    size_t feeds_polled;    /* feeds fetched with new content */
    size_t feeds_unchanged; /* 304 Not Modified */
    size_t feeds_failed;
    int64_t elapsed_ms;
};

/* Ingest every input ("-" = JSON Lines on stdin, "http://..." or "https://..." = a page, else a
 * file path) and, when feeds is true, every feed in the store. 0 when the run completed (check
 * stats->errors for articles that failed); a negative WSP_E* code when it could not run. */
int ingest_run(const struct ingest_config *cfg, const struct detect_model *model,
               const struct text_resources *res, const char *const *inputs, size_t ninputs,
               bool feeds, struct ingest_stats *stats, struct error *err);

/* Canonical form of a URL for deduplication: scheme and host lower-cased, default port,
 * fragment and tracking parameters (utm_*, fbclid, gclid) dropped. Returns false (out = "")
 * when url is not http(s). */
bool ingest_canonical_url(const char *url, char *out, size_t outsz);

/* A detected event as a store event: categories and region codes as strings, evidence as a
 * JSON array and the richer fields (snpk_issue, form, actors, geo/time precision) as detail
 * JSON. Strings are allocated from a. */
void ingest_event_from_detect(const struct detect_event *d, struct arena *a,
                              struct store_event *out);

#endif
