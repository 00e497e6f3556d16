/*
 * ingest: from sources to the store. Reads articles from files (JSON Lines as for `waspada
 * extract`, .txt, .html), standard input ("-", JSON Lines), URLs (libcurl) and RSS/Atom feeds,
 * runs the pure text -> detect pipeline on each, and writes the article (deduplicated) and, for
 * a conflict event, a new event or one more source of a near-duplicate event.
 *
 * Pipeline: the calling thread reads files, and fetches feeds and pages through a pool of
 * concurrent transfers (fetch.c: libcurl multi, driven by this same thread; at most
 * fetch_concurrency at once, per_host to one host, host_delay_ms between the starts of two
 * requests to a host, robots.txt honoured, Retry-After and backoff per host), into a bounded
 * ring of documents; `threads` workers, each with its own detect_worker, run detection; one
 * writer thread stores results in input order on its own store connection, one transaction
 * per article (a failure rolls back that article only and is reported with its file and line,
 * or URL, and skipped). Fetches complete in any order, but documents enter the ring in input
 * order (the feeds as store_feed_list lists them, each feed's items in the feed's order), so
 * what is stored does not depend on which site answered first. Memory is bounded by the ring
 * and by the fetched pages waiting for their turn (INGEST_FETCH_BUFFER bytes; beyond it no new
 * transfer starts until the ring takes them), whatever the input size.
 *
 * Near duplicates (the same event told by several outlets): an event joins an existing one
 * when both are in the same province (or both unplaced), their dates are within `merge_days`
 * (or both unknown), their categories agree, their regencies do not contradict each other, and
 * either their SimHashes are at most `near_bits` apart (copies, light rewrites) or both name
 * the same regency with event dates at most one day apart (the same clash told in different
 * words). How the merged event combines its sources is store_event_merge().
 *
 * Follow-ups (later news of an event: arrests, funerals, trials, peace): an article the
 * detector gives role "followup" never creates or changes an event; it is stored as an article
 * and, when ingest_followup_best() finds the event it follows, linked to that event's timeline
 * (store_followup_add). A reconciliation follow-up also proposes moving the event's case to
 * phase pemulihan (plan_case_reconciliation_proposal), for an officer to accept or dismiss.
 * Every article keeps its role (store_article_set_role).
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
#include "geo/geo.h"
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
    unsigned fetch_concurrency;      /* transfers at once, all hosts together (default 16) */
    unsigned per_host;               /* transfers at once to one host (default 2) */
    long host_delay_ms;              /* between the starts of two requests to one host
                                      * (default 250; a longer robots.txt Crawl-delay wins) */
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
    size_t followups;       /* of those, follow-ups linked to the event they follow */
    size_t proposals;       /* phase proposals made by reconciliation follow-ups */
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

/* ---- politeness (robots.c): pure, tested on values --------------------------------------- */

#define INGEST_FETCH_BUFFER ((size_t)64 << 20) /* fetched pages waiting for the ring */
#define INGEST_ROBOTS_MAX ((size_t)512 << 10)  /* robots.txt read (RFC 9309: at least 500 KiB) */
#define INGEST_CRAWL_DELAY_MAX_MS 10000        /* a longer Crawl-delay counts as this */
#define INGEST_RETRY_AFTER_MAX_S 120           /* a longer Retry-After gives the host up */

struct ingest_robots_rule {
    bool allow;
    char *pattern; /* as written: '*' any octets, a final '$' the end of the path */
    size_t len;
};

/* The rules of robots.txt that apply to one user agent. Owns its strings. */
struct ingest_robots {
    struct ingest_robots_rule *rules;
    size_t nrules;
    long crawl_delay_ms; /* -1 when none is given */
};

/* Parse robots.txt (RFC 9309) for the product token agent ("waspada"): the groups whose
 * User-agent names that token (case-insensitive; several such groups are combined), else the
 * groups of "*", else nothing (everything allowed). Comments, unknown lines and rules before
 * the first User-agent are ignored; an empty Disallow allows everything. Crawl-delay (not in
 * the RFC, but common) of the chosen groups is kept in milliseconds. Never fails; release with
 * ingest_robots_release. */
void ingest_robots_parse(const char *txt, size_t len, const char *agent, struct ingest_robots *out);
/* Whether path (with its query, "/a/b?c=d") may be fetched: the matching rule with the longest
 * pattern decides, Allow on a tie; no matching rule allows; /robots.txt is always allowed.
 * Percent-escapes compare decoded, except that %2F is not "/". */
bool ingest_robots_allows(const struct ingest_robots *r, const char *path);
void ingest_robots_release(struct ingest_robots *r);
/* Seconds to wait by a Retry-After value: delay-seconds ("120") or an HTTP date (RFC 9110,
 * against now; a past date is 0). -1 when it is neither. */
long ingest_retry_after_s(const char *value, int64_t now);

/* ---- follow-ups: which event an article follows (pure, tested on values) ---------------- */

#define INGEST_FOLLOWUP_DAYS 60  /* the event happened at most this many days before */
#define INGEST_FOLLOWUP_NEAR 24  /* SimHash distance that counts as similar text */
#define INGEST_FOLLOWUP_ACTORS 8 /* actors compared per side */

/* A follow-up article as the detector read it. Strings are borrowed. */
struct ingest_followup {
    const char *province_code, *regency_code; /* NULL = unknown */
    const char *category; /* detect category name; "none" or NULL when it gave none */
    const char *form;     /* the violence cue ("bentrok", "ditembak"), or NULL */
    const char *date;     /* "YYYY-MM-DD": published, else the article's own event date */
    uint64_t simhash;     /* 0 = none */
    const char *const *actors;
    size_t nactors;
};

/* A stored event that the article may follow. Strings are borrowed. */
struct ingest_followed {
    int64_t id;
    const char *province_code, *regency_code;
    const char *category; /* detect category name */
    const char *event_date;
    uint64_t simhash;
    bool has_simhash;
    const char *const *actors;
    size_t nactors;
};

struct ingest_followup_match {
    double score;  /* higher is better */
    int precision; /* 2 the same regency, 1 the same province (a regency unknown) */
    int days;      /* article date - event date */
    int distance;  /* SimHash distance; 64 when either has none */
    size_t shared; /* actors named by both (generic ones such as "warga" or "TNI" not counted) */
    char why[200]; /* "same regency, 5 days after, text distance 18, shared actors 1" */
};

/* Does follow-up f fit event e? Rules:
 *  - place: both have a regency and it is the same; or one has none and the provinces agree
 *    (the article must name at least a province); such a province-level match also needs
 *    corroboration: similar text (distance <= INGEST_FOLLOWUP_NEAR) or a shared actor;
 *  - time: the event's date lies 0..INGEST_FOLLOWUP_DAYS days before the article's date (both
 *    known);
 *  - category: compatible. The article's own category, or when it has none the hint of its
 *    cues (ingest_followup_hint), contradicts the event's only across families: collective
 *    violence (land, clashes, riots, identity, elections) | separatist_armed | vigilante;
 *    other_violence and none go with all.
 * Score: precision (regency 2, province 1) + recency (1 - days/60) + similarity (1.5 at
 * distance 0, falling to 0 at 32) + 0.5 per shared actor (at most 3). When it fits, m (may be
 * NULL) is filled. */
bool ingest_followup_fits(const struct ingest_followup *f, const struct ingest_followed *e,
                          struct ingest_followup_match *m);
/* The index of the best-fitting event of events[0..n) (highest score; ties: the later event
 * date, then the higher id), or -1 when none fits. m may be NULL. */
long ingest_followup_best(const struct ingest_followup *f, const struct ingest_followed *events,
                          size_t n, struct ingest_followup_match *m);
/* The category a follow-up's cues point at when the detector gave it none: "separatist_armed"
 * for an armed separatist group among the actors (KKB, OPM, TPNPB, KST), "vigilante" for mob
 * justice cues (amuk massa, dihakimi, main hakim), else NULL. */
const char *ingest_followup_hint(const char *form, const char *const *actors, size_t nactors);
/*
 * Community (FKDM) reports (report.c): the rules of intake, pure. A report's fields as typed
 * (strings as given; what required; killed/injured -1 when not typed); given is the region of
 * a region code in "where", already checked by the caller to exist and lie in the scope;
 * scope is the reporter's region scope ("" or NULL: national); today is YYYY-MM-DD.
 */
struct ingest_report {
    const char *what, *where, *when, *who, *text;
    long killed, injured;
    bool women_children;
    const struct geo_region *given;
    const char *scope;
    const char *today;
};
/* "NNNN-NN-NN": meant as a date (free text such as "kemarin" is not). */
bool ingest_report_date_shaped(const char *s);
/* A date a person may give for an event: 1945-01-01 .. the day after today. */
bool ingest_report_date_plausible(const char *s, const char *today);
/* The one text the detector reads: the reporter's words ("what.", "Lokasi: <the given
 * region's chain or the typed place>.", "Waktu: ...", "Pihak yang terlibat: ...", the free
 * text), not the typed victim numbers. From arena; NULL when over max bytes. */
char *ingest_report_text(const struct ingest_report *r, size_t max, struct arena *a, size_t *len);
/* Place the detector's lead: the given region wins ("reporter"); else the detector's place
 * when inside the scope ("text"); else the reporter's own region own ("reporter_scope"); else
 * none ("unknown"). Returns that word, for detail_json place_from. */
const char *ingest_report_place(const struct ingest_report *r, const struct geo_region *own,
                                struct store_event *lead);
/* The lead as stored: the typed victims replace the detector's (which detail_json keeps as
 * detector_killed/detector_injured, for warn_record_victims), women and children typed, the
 * date given in "when" (checked by the caller), else the detector's when plausible, else
 * today; status menunggu; detail_json gains source, place_from and detector_is_event. */
void ingest_report_lead(const struct ingest_report *r, const char *place_from, bool detector_event,
                        struct arena *a, struct store_event *lead);
/* The article officers read: the text the detector read, then the typed numbers ("Korban
 * meninggal dunia N orang."). From arena; NULL when over max bytes. */
char *ingest_report_article(const struct ingest_report *r, const char *read_text, size_t max,
                            struct arena *a);

/*
 * The near-duplicate rule (dedup.c): whether event e (new) is one more report of candidate
 * cand, found by the store in the same province (or both unplaced) with dates within
 * merge_days; dist is the SimHash distance of their texts. Their regencies must not
 * contradict (one unknown is fine) and their categories must agree ("none" agrees with any);
 * then either the texts are near copies (dist <= near_bits, when e has a SimHash), or both
 * name the same regency and category with event dates at most one day apart: outlets often
 * tell one clash in entirely different words, which SimHash alone does not see, and two
 * distinct events of the same kind in the same regency on the same day are rare enough, and
 * for warning purposes one episode anyway.
 */
bool ingest_same_event(const struct store_event *cand, int dist, const struct store_event *e,
                       int near_bits);
/* Whether follow-up category a (a name, "none" or NULL) is compatible with event category b. */
bool ingest_followup_categories_agree(const char *a, const char *b);
/* The Indonesian note of a reconciliation proposal, for the officer: which article (title,
 * date, cue) reports the peace. Any of the strings may be NULL. */
void ingest_proposal_note(char *out, size_t outsz, const char *title, const char *date,
                          const char *cue);

#endif
