/*
 * detect: from the clean text of one article (text stage) to a conflict-event candidate: is it
 * a concrete conflict event, which category, where (province and regency from the official
 * gazetteer), when, how many killed and injured, women and children among the victims, actors,
 * the evidence behind each decision and a calibrated confidence. Plus near-duplicate
 * fingerprints so the same event told by several outlets can be merged.
 *
 * Pure: detect_article() is a function of (article, model, gazetteer) only; no SQL, no HTTP,
 * no global mutable state. Same article in, same event out, on any thread.
 *
 * Knowledge lives in data files under data/detect/ (lexicons, patterns, weights), loaded once by
 * detect_model_load() through data_read() and shared read-only by all threads, so analysts can
 * tune them without recompiling (waspada --data-dir).
 *
 * Memory: a struct detect_event and every string in it are allocated from the caller's
 * document arena and live until that arena is released.
 *
 * Machine-read news is a lead, not a fact (DOMAIN.md): the output is a candidate for human
 * verification, and the evidence says why.
 */
#ifndef WSP_DETECT_H
#define WSP_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "geo/geo.h"
#include "text/text.h"

/* Categories, after SNPK's issues (see DOMAIN.md). */
enum detect_category {
    CAT_NONE = 0,
    CAT_LAND_RESOURCE,             /* land, mining, plantation, water disputes (Sumber Daya) */
    CAT_INTER_GROUP_CLASH,         /* brawls between villages, groups, gangs, students (tawuran) */
    CAT_RIOT_PROTEST,              /* violent demonstrations, riots, governance grievances */
    CAT_IDENTITY_RELIGIOUS_ETHNIC, /* religion, ethnicity, places of worship */
    CAT_POLITICAL_ELECTION,        /* pilkada, elections, appointments */
    CAT_SEPARATIST_ARMED,          /* armed separatist groups (KKB/OPM), armed attacks */
    CAT_VIGILANTE,                 /* main hakim sendiri, mob justice */
    CAT_OTHER_VIOLENCE,            /* other collective violence */
    CAT_COUNT
};

/* "land_resource", ... "none"; detect_category_parse returns -1 when unknown. */
const char *detect_category_name(enum detect_category c);
int detect_category_parse(const char *s);

/* What kind of news an article is (docs/detection.md). Only ROLE_EVENT creates or updates an
 * event; is_conflict_event is true exactly when role is ROLE_EVENT. */
enum detect_role {
    ROLE_OTHER = 0,   /* anything else, accidents and disasters (fires, floods, explosions
                         without an attacker) included */
    ROLE_EVENT,       /* a report of a social-conflict event in Indonesia */
    ROLE_FOLLOWUP,    /* later news of a specific earlier event: arrests, victims identified,
                         funerals, court, peace and reconciliation (ikrar damai, patah panah) */
    ROLE_PREVENTION,  /* meetings, forums (FKDM, FKUB, Forkopimda), drills and simulations,
                         security preparations, peaceful demonstrations, a brawl prevented */
    ROLE_CRIME,       /* violence between individuals with a personal motive, domestic
                         violence, robbery, drug cases */
    ROLE_ABROAD,      /* the place is outside Indonesia */
    ROLE_NOT_ARTICLE, /* home, index, tag and search pages */
    ROLE_COUNT
};

/* "other", "event", "followup", "prevention", "crime", "abroad", "not_article";
 * detect_role_parse returns -1 when unknown. */
const char *detect_role_name(enum detect_role r);
int detect_role_parse(const char *s);

/* The input: one article as read by a source (file, feed, form). Strings are borrowed. */
struct detect_article {
    const char *id;
    const char *title; /* may be NULL */
    const char *text;  /* plain text, or NULL when html is given */
    const char *html;  /* raw HTML page, or NULL */
    size_t text_len, html_len;
    const char *url;       /* may be NULL */
    const char *published; /* "YYYY-MM-DD" or NULL: anchor for relative dates ("kemarin") */
};

struct detect_evidence {
    const char *span; /* a short quote from the article (at most ~200 bytes, whole words) */
    const char *why;  /* "conflict verb 'bentrok' with group actors", "place: Kabupaten Poso" */
};

struct detect_event {
    const char *id;
    bool is_conflict_event;
    enum detect_role role;             /* is_conflict_event == (role == ROLE_EVENT) */
    const char *role_cue;              /* the cue that set the role ("hendak tawuran"), or NULL */
    bool reconciliation;               /* a followup reporting peace or reconciliation (the
                                          event's case may move to pemulihan) */
    const char *abroad;                /* the foreign place when role is ROLE_ABROAD, or NULL */
    enum detect_category category;     /* CAT_NONE exactly when !is_conflict_event */
    const struct geo_region *province; /* NULL when unknown */
    const struct geo_region *regency;  /* NULL when unknown */
    const struct geo_region *place;    /* most precise place found (district/village), or NULL */
    const char *event_date;            /* "YYYY-MM-DD" or NULL */
    long killed;                       /* -1 = not stated (JSON null) */
    long injured;                      /* -1 = not stated */
    bool women_children_victims;
    /* confidence: 0..1, the probability that the article reports a real conflict event, for
     * events and non-events alike: the map of data/detect/calibration.tsv for its decision
     * (event or not) applied to raw_confidence (calibrate.c). raw_confidence: the classifier's
     * logistic output as classify.c and role.c left it, before calibration (what the
     * calibration is fitted on, `waspada eval --fit-calibration`). */
    double confidence;
    double raw_confidence;
    struct detect_evidence *evidence;
    size_t nevidence;
    /* richer fields */
    const char *snpk_issue; /* SNPK issue name (Sumber Daya, Identitas, ...) or NULL */
    const char *form;       /* form of violence: bentrok, penyerangan, pembakaran ... */
    const char **actors;    /* named actors/groups, up to 8 */
    size_t nactors;
    int geo_precision;  /* ACLED style: 1 exact (village/district), 2 regency,
                           3 province only, 0 unknown */
    int time_precision; /* 1 exact day, 2 approximate (week; also an event date taken from
                           the published date when the text gives none), 3 month, 0 none */
    /* cleaned text, for storage and full-text search */
    const char *title;
    const char *body;
    uint64_t simhash; /* 64-bit SimHash of the body's word shingles */
    /* classifier inputs, in detect_model_features() order (for tuning), NULL when absent */
    const double *features;
    size_t nfeatures;
};

struct detect_model; /* opaque, read-only after load */

/* Load data/detect/ TSV files. res and g are borrowed and must outlive the model. g may be NULL
 * (no place resolution: tests and fuzzers of the date parser). */
int detect_model_load(struct detect_model **out, const struct text_resources *res,
                      const struct geo_gazetteer *g, struct error *err);
void detect_model_free(struct detect_model *m);

/* Per-thread scratch state (owns a stemmer). */
struct detect_worker;
struct detect_worker *detect_worker_new(const struct detect_model *m);
void detect_worker_free(struct detect_worker *w);

/* Run the pipeline on one article. The event is allocated from arena a. */
int detect_article(struct detect_worker *w, const struct detect_article *in, struct arena *a,
                   struct detect_event *out, struct error *err);

/* Indonesian dates (exposed for tests and fuzzing). A date expression found in text:
 * "Selasa, 23 Februari 2021", "23/2/2021", "Senin (1/3)", "Minggu malam", "kemarin",
 * "dua hari lalu", "pekan lalu", "23 Agt 2021". Expressions without a year or relative ones are
 * resolved against published; without published they are skipped (unless a year is given). */
struct detect_date {
    int y, m, d;     /* resolved calendar date */
    int precision;   /* 1 exact day, 2 approximate (a week) */
    size_t off, len; /* byte span in the input */
    bool weekday;    /* a day name is part of the expression ("Senin (1/3/2021)") */
    bool relative;   /* resolved from published (kemarin, Minggu malam, 1/3 without year) */
    bool stamp;      /* looks like a publication stamp ("19/06/2022, 17:58 WIB") */
};

/* Find up to max date expressions in s (any bytes, not necessarily NUL-terminated) in text
 * order, resolving against published ("YYYY-MM-DD" or NULL). Returns how many were stored.
 * Every stored date is a valid calendar date between 1900 and 2100. */
size_t detect_find_dates(const struct detect_model *m, const char *s, size_t len,
                         const char *published, struct detect_date *out, size_t max);

/* One line of `waspada extract` JSON Lines input: an object with a string "id" and a string
 * "text" or "html"; optional "title", "url", "published" (ISO date or date-time; only the date
 * is kept when valid). Strings are copied into arena a. 0 ok, WSP_EINVAL (message in err)
 * when the line is not such an object. */
int detect_article_from_json(const char *line, size_t len, struct arena *a,
                             struct detect_article *out, struct error *err);

/* Names of the classifier features (the order of detect_event.features), for
 * `waspada eval --features` and for fitting the logistic weights in data/detect/model.tsv; up to
 * max are stored, returns the number of features. */
size_t detect_model_features(const struct detect_model *m, const char **names, size_t max);

/* Confidence calibration (calibrate.c): a monotone map from the raw classifier probability to
 * the share of real events, piecewise linear through points with strictly increasing raw and
 * non-decreasing p, flat outside the first and last point. */
struct detect_calibration_point {
    double raw; /* raw_confidence */
    double p;   /* calibrated probability */
};

/* Isotonic regression (pool adjacent violators) of real[i] on raw[i] over n labelled articles,
 * then adjacent blocks with fewer than min_block articles merged, each block's share of real
 * events shrunk toward the classifier as (real + prior * mean raw) / (articles + prior) (never
 * exactly 0 or 1 for prior > 0: a block of 10 all-real articles at raw 0.6 is 0.8 with prior
 * 10, not 1; the labelled sets are small and the rules were tuned on them), blocks merged again
 * until those values strictly increase and at most max remain. Stores one point per block
 * (mean raw, shrunk share) in out, returns how many (0 when n is 0). Pure; allocates scratch. */
size_t detect_calibration_fit(const double *raw, const bool *real, size_t n, size_t min_block,
                              double prior, struct detect_calibration_point *out, size_t max);

/* The map at x (NaN counts as 0): linear between points, flat outside; the identity (clamped to
 * 0..1) when n is 0. */
double detect_calibration_apply(const struct detect_calibration_point *pt, size_t n, double x);

/* Hamming distance of two SimHashes (near duplicates are <= 3 of 64 bits apart). */
int detect_simhash_distance(uint64_t a, uint64_t b);

/* The event as the JSON object of `waspada extract` (required keys first, then the richer
 * ones), as a malloc'ed string the caller frees. */
char *detect_event_to_json(const struct detect_event *e, bool pretty);

#endif
