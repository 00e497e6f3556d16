/*
 * waspada eval: run the extractor on labelled articles (the format of
 * ../shared/data/news/news-dev.jsonl: the article plus a "label" object with the output keys)
 * and report, per file: precision/recall/F1 of is_conflict_event and the false events per
 * 1,000 non-event articles, the accuracy of category, province, regency, event_date, killed
 * and injured over the true events, a confusion table of categories, how well the confidence
 * is calibrated (reliability table, Brier score), a table of sections against predicted roles
 * when the lines carry "section", and the misses by id.
 *
 * --fit-calibration fits data/detect/calibration.tsv (see detect/calibrate.c) on the labelled
 * files and reports it honestly by 2-fold cross-validation.
 */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "detect/detect.h"
#include "geo/geo.h"
#include "text/text.h"

static const char usage_text[] =
    "usage: waspada eval [--json] [--threads N] [--prefix P] [--features] FILE.jsonl...\n"
    "       waspada eval --fit-calibration OUT.tsv [--json] [--threads N] [--prefix P]\n"
    "                    FILE.jsonl...\n"
    "\n"
    "Runs the extractor on labelled articles (one JSON object per line with the article keys\n"
    "of `waspada extract` plus \"label\": {is_conflict_event, category, province, regency,\n"
    "event_date, killed, injured, women_children_victims}, and optionally \"section\", the kind\n"
    "of news: conflict, crime_law, ...) and prints, for each file: precision, recall and F1 of\n"
    "is_conflict_event and the false events per 1,000 non-event articles; accuracy over the\n"
    "true events of category, province, regency, event_date, killed, injured; a confusion table\n"
    "of categories; a reliability table of the confidence (the articles predicted as events in\n"
    "each confidence bin, the share of them that are real events, their mean confidence) and\n"
    "the Brier score over all articles (the confidence of every article, event or not, is its\n"
    "probability of being a real event; \"raw\" is the classifier's before calibration); when\n"
    "lines carry \"section\", a table of sections against predicted roles; the misses with ids.\n"
    "\n"
    "  --json        machine-readable report: one object per file (an array of them when\n"
    "                several files are given)\n"
    "  --threads N   worker threads (default: all cores)\n"
    "  --prefix P    only articles whose id starts with P (e.g. a held-out split)\n"
    "  --features    print the classifier features per article (TSV) instead, for fitting\n"
    "                data/detect/model.tsv\n"
    "  --fit-calibration OUT.tsv\n"
    "                fit the confidence calibration on all the files (isotonic regression of\n"
    "                the true label on the raw probability, one map for articles decided as\n"
    "                events and one for the others), print reliability tables before and after\n"
    "                it by 2-fold cross-validation (fit on alternate articles, measure on the\n"
    "                others) and write the map fitted on all articles to OUT.tsv (the format of\n"
    "                data/detect/calibration.tsv)\n";

enum field { F_CATEGORY, F_PROVINCE, F_REGENCY, F_DATE, F_KILLED, F_INJURED, F_COUNT };
static const char *const field_names[F_COUNT] = {"category",   "province", "regency",
                                                 "event_date", "killed",   "injured"};

struct item {
    char *line;
    size_t len;
    long lineno;
    /* gold */
    char *id;
    bool gold_event;
    char *gold[F_COUNT]; /* string form, NULL = null */
    char *section;       /* "section" of the line, or NULL */
    /* predicted */
    bool ok;
    char *error;
    bool pred_event;
    double confidence;
    double raw_confidence;
    enum detect_role role;
    char *pred[F_COUNT];
    double *features;
    size_t nfeatures;
};

static char *dup_json_field(json_t *v)
{
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return xstrdup(json_string_value(v));
    if (json_is_integer(v))
        return xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_boolean(v))
        return xstrdup(json_is_true(v) ? "true" : "false");
    return NULL;
}

static bool same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

struct shared {
    struct item *items;
    size_t n;
    size_t next;
    pthread_mutex_t mu;
    const struct detect_model *model;
};

static void run_one(struct item *it, struct detect_worker *w, struct arena *a)
{
    struct error err = {0};
    struct detect_article in;
    json_t *o = json_loadb(it->line, it->len, 0, NULL);
    if (!o || !json_is_object(o)) {
        it->error = xstrdup("invalid JSON");
        json_decref(o);
        return;
    }
    json_t *label = json_object_get(o, "label");
    it->id = dup_json_field(json_object_get(o, "id"));
    it->section = dup_json_field(json_object_get(o, "section"));
    if (!json_is_object(label)) {
        it->error = xstrdup("no \"label\" object");
        json_decref(o);
        return;
    }
    it->gold_event = json_is_true(json_object_get(label, "is_conflict_event"));
    for (int f = 0; f < F_COUNT; f++)
        it->gold[f] = dup_json_field(json_object_get(label, field_names[f]));
    if (!it->gold[F_CATEGORY])
        it->gold[F_CATEGORY] = xstrdup("none");
    json_decref(o);

    if (detect_article_from_json(it->line, it->len, a, &in, &err)) {
        it->error = xstrdup(err.msg);
        return;
    }
    struct detect_event ev;
    if (detect_article(w, &in, a, &ev, &err)) {
        it->error = xstrdup(err.msg);
        return;
    }
    it->ok = true;
    it->pred_event = ev.is_conflict_event;
    it->confidence = ev.confidence;
    it->raw_confidence = ev.raw_confidence;
    it->role = ev.role;
    it->pred[F_CATEGORY] = xstrdup(detect_category_name(ev.category));
    it->pred[F_PROVINCE] = ev.province ? xstrdup(ev.province->name) : NULL;
    it->pred[F_REGENCY] = ev.regency ? xstrdup(ev.regency->name) : NULL;
    it->pred[F_DATE] = ev.event_date ? xstrdup(ev.event_date) : NULL;
    it->pred[F_KILLED] = ev.killed >= 0 ? xasprintf("%ld", ev.killed) : NULL;
    it->pred[F_INJURED] = ev.injured >= 0 ? xasprintf("%ld", ev.injured) : NULL;
    if (ev.features && ev.nfeatures) {
        it->features = xcalloc(ev.nfeatures, sizeof(double));
        memcpy(it->features, ev.features, ev.nfeatures * sizeof(double));
        it->nfeatures = ev.nfeatures;
    }
}

static void *eval_worker(void *arg)
{
    struct shared *sh = arg;
    struct detect_worker *w = detect_worker_new(sh->model);
    struct arena a;
    arena_init(&a, (size_t)1 << 30);
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        size_t i = sh->next++;
        pthread_mutex_unlock(&sh->mu);
        if (i >= sh->n)
            break;
        run_one(&sh->items[i], w, &a);
        arena_release(&a);
    }
    arena_release(&a);
    detect_worker_free(w);
    return NULL;
}

/* Run the detector on every item with up to threads workers. */
static void run_items(const struct detect_model *model, struct item *items, size_t n, long threads)
{
    struct shared sh = {.items = items, .n = n, .model = model};
    pthread_mutex_init(&sh.mu, NULL);
    if ((size_t)threads > n)
        threads = n ? (long)n : 1;
    pthread_t *tids = xcalloc((size_t)threads, sizeof(*tids));
    long started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tids[started], NULL, eval_worker, &sh) != 0)
            break;
    if (started == 0)
        eval_worker(&sh);
    for (long i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    pthread_mutex_destroy(&sh.mu);
}

static void item_free(struct item *it)
{
    free(it->line);
    free(it->id);
    free(it->section);
    free(it->error);
    free(it->features);
    for (int f = 0; f < F_COUNT; f++) {
        free(it->gold[f]);
        free(it->pred[f]);
    }
}

/* One labelled file: its lines, then what the detector made of them. */
struct eval_file {
    const char *path;
    struct item *items;
    size_t n;
};

static void eval_file_release(struct eval_file *f)
{
    for (size_t i = 0; i < f->n; i++)
        item_free(&f->items[i]);
    free(f->items);
    f->items = NULL;
    f->n = 0;
}

/* Read the non-empty lines of path (those whose id starts with prefix, when given). */
static int read_items(struct eval_file *f, const char *prefix)
{
    FILE *fp = fopen(f->path, "r");
    if (!fp)
        return cli_error(WSP_EIO, "cannot open '%s'", f->path);
    size_t cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    long lineno = 0;
    while ((len = getline(&line, &lcap, fp)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        if (prefix) {
            /* cheap pre-filter on the id; exact check after parsing */
            json_t *o = json_loadb(line, (size_t)len, 0, NULL);
            const char *id = o ? json_string_value(json_object_get(o, "id")) : NULL;
            bool keep = id && str_starts_with(id, prefix);
            json_decref(o);
            if (!keep)
                continue;
        }
        if (f->n == cap) {
            cap = cap ? cap * 2 : 256;
            f->items = xrealloc(f->items, cap * sizeof(*f->items));
        }
        struct item *it = &f->items[f->n++];
        memset(it, 0, sizeof(*it));
        it->line = xstrndup(line, (size_t)len);
        it->len = (size_t)len;
        it->lineno = lineno;
    }
    free(line);
    fclose(fp);
    return CLI_OK;
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

/* ---- calibration statistics ------------------------------------------------------------ */

/* Confidence bins of the reliability table; the last one includes 1. */
#define NBINS 7
static const double bin_lo[NBINS] = {0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95};
static const double bin_hi[NBINS] = {0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1};

/* How well a confidence means what it says. The reliability table and the ECE are over the
 * articles predicted as events (what users see as stored events); the Brier score is over all
 * articles, each scored with its probability of being a real event. */
struct calib_stats {
    size_t events[NBINS]; /* predicted events with their confidence in the bin */
    size_t real[NBINS];   /* of which real events */
    double sum_conf[NBINS];
    size_t nevents;
    size_t articles;
    double brier; /* mean (confidence - gold)^2 over all articles */
    double ece;   /* expected calibration error: events-weighted mean |share real - mean conf| */
};

static int bin_of(double c)
{
    for (int b = NBINS - 1; b > 0; b--)
        if (c >= bin_lo[b])
            return b;
    return 0;
}

static void calib_stats_compute(struct calib_stats *s, const double *conf, const bool *gold,
                                const bool *pred, size_t n)
{
    memset(s, 0, sizeof(*s));
    double sq = 0;
    for (size_t i = 0; i < n; i++) {
        double c = conf[i];
        double d = c - (gold[i] ? 1.0 : 0.0);
        sq += d * d;
        s->articles++;
        if (!pred[i])
            continue;
        int b = bin_of(c);
        s->events[b]++;
        s->real[b] += gold[i];
        s->sum_conf[b] += c;
        s->nevents++;
    }
    s->brier = ratio(sq, (double)s->articles);
    for (int b = 0; b < NBINS; b++)
        if (s->events[b])
            s->ece += (double)s->events[b] / (double)s->nevents *
                      fabs((double)s->real[b] / (double)s->events[b] -
                           s->sum_conf[b] / (double)s->events[b]);
}

static json_t *calib_stats_json(const struct calib_stats *s)
{
    json_t *rows = json_array();
    for (int b = 0; b < NBINS; b++) {
        double k = (double)s->events[b];
        json_array_append_new(
            rows, json_pack("{s:f, s:f, s:i, s:i, s:o, s:o}", "from", bin_lo[b], "to", bin_hi[b],
                            "events", (json_int_t)s->events[b], "real", (json_int_t)s->real[b],
                            "real_share", k ? json_real((double)s->real[b] / k) : json_null(),
                            "mean_confidence", k ? json_real(s->sum_conf[b] / k) : json_null()));
    }
    return json_pack("{s:i, s:f, s:i, s:f, s:o}", "articles", (json_int_t)s->articles, "brier",
                     s->brier, "events", (json_int_t)s->nevents, "ece", s->ece, "reliability",
                     rows);
}

static void print_bin_cells(const struct calib_stats *s, int b)
{
    if (s->events[b])
        printf("  %6zu %5zu  %5.2f  %5.2f", s->events[b], s->real[b],
               (double)s->real[b] / (double)s->events[b], s->sum_conf[b] / (double)s->events[b]);
    else
        printf("  %6d %5d  %5s  %5s", 0, 0, "-", "-");
}

/* The reliability table of a, with b's columns beside it when b is not NULL. */
static void print_reliability(const struct calib_stats *a, const struct calib_stats *b)
{
    printf("  %-12s", "confidence");
    for (int t = 0; t < (b ? 2 : 1); t++)
        printf("  %6s %5s  %5s  %5s", "events", "real", "share", "mean");
    printf("\n");
    for (int k = 0; k < NBINS; k++) {
        printf("  [%.2f, %.2f%c", bin_lo[k], bin_hi[k], k == NBINS - 1 ? ']' : ')');
        print_bin_cells(a, k);
        if (b)
            print_bin_cells(b, k);
        printf("\n");
    }
    printf("  %-12s%28.3f", "ECE (events)", a->ece);
    if (b)
        printf("%28.3f", b->ece);
    printf("\n  %-12s%28.4f", "Brier (all)", a->brier);
    if (b)
        printf("%28.4f", b->brier);
    printf("\n");
}

/* ---- sections against roles ------------------------------------------------------------ */

/* Columns in the order of the usual sections below. */
static const enum detect_role role_cols[ROLE_COUNT] = {
    ROLE_EVENT,  ROLE_FOLLOWUP,    ROLE_PREVENTION, ROLE_CRIME,
    ROLE_ABROAD, ROLE_NOT_ARTICLE, ROLE_OTHER,
};
static const char *const known_sections[] = {
    "conflict", "followup_prevention", "crime_law", "international", "accident_disaster", "other",
};
#define NO_SECTION "(none)"

struct role_table {
    const char **section; /* row names: borrowed from the items, or static */
    size_t (*count)[ROLE_COUNT];
    size_t nrows;
};

static size_t role_table_row(struct role_table *t, const char *section, size_t cap)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(t->section[r], section) == 0)
            return r;
    if (t->nrows == cap)
        return cap; /* cannot happen: cap counts all items and known sections */
    t->section[t->nrows] = section;
    memset(t->count[t->nrows], 0, sizeof(t->count[0]));
    return t->nrows++;
}

/* Rows: the known sections present, then others in order of appearance. nrows 0 when no line
 * carries a section. The caller frees section and count. */
static void role_table_build(struct role_table *t, const struct item *items, size_t n)
{
    size_t cap = n + WSP_ARRAY_LEN(known_sections) + 1;
    t->section = xcalloc(cap, sizeof(*t->section));
    t->count = xcalloc(cap, sizeof(*t->count));
    t->nrows = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any |= items[i].ok && items[i].section;
    if (!any)
        return;
    for (size_t k = 0; k < WSP_ARRAY_LEN(known_sections); k++)
        for (size_t i = 0; i < n; i++)
            if (items[i].ok && items[i].section &&
                strcmp(items[i].section, known_sections[k]) == 0) {
                role_table_row(t, known_sections[k], cap);
                break;
            }
    for (size_t i = 0; i < n; i++) {
        if (!items[i].ok)
            continue;
        size_t r = role_table_row(t, items[i].section ? items[i].section : NO_SECTION, cap);
        int role = (int)items[i].role;
        if (r < cap && role >= 0 && role < ROLE_COUNT)
            t->count[r][role]++;
    }
}

static void role_table_free(struct role_table *t)
{
    free(t->section);
    free(t->count);
}

static json_t *role_table_json(const struct role_table *t)
{
    json_t *o = json_object();
    for (size_t r = 0; r < t->nrows; r++) {
        json_t *row = json_object();
        for (int c = 0; c < ROLE_COUNT; c++)
            json_object_set_new(row, detect_role_name(role_cols[c]),
                                json_integer((json_int_t)t->count[r][role_cols[c]]));
        json_object_set_new(o, t->section[r], row);
    }
    return o;
}

static void role_table_print(const struct role_table *t)
{
    printf("roles (rows section, columns predicted role):\n%22s", "");
    for (int c = 0; c < ROLE_COUNT; c++)
        printf(" %s", detect_role_name(role_cols[c]));
    printf("\n");
    for (size_t r = 0; r < t->nrows; r++) {
        printf("  %-20s", t->section[r]);
        for (int c = 0; c < ROLE_COUNT; c++)
            printf(" %*zu", (int)strlen(detect_role_name(role_cols[c])), t->count[r][role_cols[c]]);
        printf("\n");
    }
}

/* ---- the per-file report --------------------------------------------------------------- */

/* The confidences, gold labels and decisions of the items that ran, in parallel malloc'd
 * arrays of n; scored_add appends a file's. */
struct scored {
    double *conf, *raw;
    bool *gold, *pred;
    int *fold; /* alternate articles of each file: 0, 1, 0, ... */
    size_t n;
};

static void scored_add(struct scored *s, const struct eval_file *f)
{
    s->conf = xrealloc(s->conf, (s->n + f->n + 1) * sizeof(double));
    s->raw = xrealloc(s->raw, (s->n + f->n + 1) * sizeof(double));
    s->gold = xrealloc(s->gold, (s->n + f->n + 1) * sizeof(bool));
    s->pred = xrealloc(s->pred, (s->n + f->n + 1) * sizeof(bool));
    s->fold = xrealloc(s->fold, (s->n + f->n + 1) * sizeof(int));
    int fold = 0;
    for (size_t i = 0; i < f->n; i++) {
        const struct item *it = &f->items[i];
        if (!it->ok)
            continue;
        s->conf[s->n] = it->confidence;
        s->raw[s->n] = it->raw_confidence;
        s->gold[s->n] = it->gold_event;
        s->pred[s->n] = it->pred_event;
        s->fold[s->n] = fold;
        fold ^= 1;
        s->n++;
    }
}

static void scored_release(struct scored *s)
{
    free(s->conf);
    free(s->raw);
    free(s->gold);
    free(s->pred);
    free(s->fold);
    memset(s, 0, sizeof(*s));
}

/* Print (or, when out is not NULL, append to out as JSON) the report of one file. Returns the
 * number of articles that failed. */
static size_t report_file(const struct eval_file *ef, bool as_json, json_t *out, bool heading)
{
    const struct item *items = ef->items;
    size_t n = ef->n;
    size_t tp = 0, fp_ = 0, fn = 0, tn = 0, errors = 0, ntrue = 0;
    size_t correct[F_COUNT] = {0};
    size_t conf[CAT_COUNT][CAT_COUNT] = {{0}};
    json_t *misses = json_array();
    struct buf text_misses;
    buf_init(&text_misses, 0);
    for (size_t i = 0; i < n; i++) {
        const struct item *it = &items[i];
        const char *id = it->id ? it->id : "?";
        if (!it->ok) {
            errors++;
            json_array_append_new(misses, json_pack("{s:s, s:s}", "id", id, "error",
                                                    it->error ? it->error : "failed"));
            buf_printf(&text_misses, "  %-14s error: %s\n", id, it->error ? it->error : "?");
            continue;
        }
        int gc = detect_category_parse(it->gold[F_CATEGORY]);
        int pc = detect_category_parse(it->pred[F_CATEGORY]);
        if (gc >= 0 && pc >= 0)
            conf[gc][pc]++;
        if (it->gold_event && it->pred_event)
            tp++;
        else if (!it->gold_event && it->pred_event)
            fp_++;
        else if (it->gold_event)
            fn++;
        else
            tn++;
        if (it->gold_event != it->pred_event) {
            const char *what = it->gold_event ? "missed event" : "false alarm";
            json_array_append_new(misses, json_pack("{s:s, s:s, s:f, s:f, s:s}", "id", id, "miss",
                                                    what, "confidence", it->confidence,
                                                    "raw_confidence", it->raw_confidence, "role",
                                                    detect_role_name(it->role)));
            buf_printf(&text_misses, "  %-14s %s (confidence %.2f, raw %.2f, role %s)\n", id, what,
                       it->confidence, it->raw_confidence, detect_role_name(it->role));
        }
        if (!it->gold_event)
            continue;
        ntrue++;
        for (int f = 0; f < F_COUNT; f++) {
            if (same(it->gold[f], it->pred[f])) {
                correct[f]++;
                continue;
            }
            json_array_append_new(misses, json_pack("{s:s, s:s, s:s?, s:s?}", "id", id, "field",
                                                    field_names[f], "want", it->gold[f], "got",
                                                    it->pred[f]));
            buf_printf(&text_misses, "  %-14s %-10s want %s, got %s\n", id, field_names[f],
                       it->gold[f] ? it->gold[f] : "null", it->pred[f] ? it->pred[f] : "null");
        }
    }
    double precision = ratio((double)tp, (double)(tp + fp_));
    double recall = ratio((double)tp, (double)(tp + fn));
    double f1 = ratio(2 * precision * recall, precision + recall);
    double fp_per_1000 = 1000.0 * ratio((double)fp_, (double)(fp_ + tn));

    struct scored sc = {0};
    scored_add(&sc, ef);
    struct calib_stats cal, cal_raw;
    calib_stats_compute(&cal, sc.conf, sc.gold, sc.pred, sc.n);
    calib_stats_compute(&cal_raw, sc.raw, sc.gold, sc.pred, sc.n);
    scored_release(&sc);
    struct role_table roles;
    role_table_build(&roles, items, n);

    if (as_json) {
        json_t *acc = json_object();
        for (int f = 0; f < F_COUNT; f++)
            json_object_set_new(acc, field_names[f],
                                json_real(ratio((double)correct[f], (double)ntrue)));
        json_t *cm = json_object();
        for (int g = 0; g < CAT_COUNT; g++) {
            json_t *row = json_object();
            for (int p = 0; p < CAT_COUNT; p++)
                if (conf[g][p])
                    json_object_set_new(row, detect_category_name((enum detect_category)p),
                                        json_integer((json_int_t)conf[g][p]));
            json_object_set_new(cm, detect_category_name((enum detect_category)g), row);
        }
        json_t *calib = calib_stats_json(&cal);
        json_object_set_new(calib, "brier_raw", json_real(cal_raw.brier));
        json_object_set_new(calib, "ece_raw", json_real(cal_raw.ece));
        json_t *o = json_pack(
            "{s:s, s:i, s:i, s:i, s:{s:i, s:i, s:i, s:i, s:f, s:f, s:f, s:f}, s:o, s:o, s:o}",
            "file", ef->path, "articles", (json_int_t)n, "true_events", (json_int_t)ntrue, "errors",
            (json_int_t)errors, "is_conflict_event", "tp", (json_int_t)tp, "fp", (json_int_t)fp_,
            "fn", (json_int_t)fn, "tn", (json_int_t)tn, "precision", precision, "recall", recall,
            "f1", f1, "false_events_per_1000", fp_per_1000, "accuracy", acc, "confusion", cm,
            "calibration", calib);
        if (roles.nrows)
            json_object_set_new(o, "roles", role_table_json(&roles));
        json_object_set_new(o, "misses", misses);
        json_array_append_new(out, o);
    } else {
        if (heading)
            printf("== %s\n", ef->path);
        printf("articles %zu, true events %zu, errors %zu\n", n, ntrue, errors);
        printf("is_conflict_event  precision %.3f  recall %.3f  F1 %.3f  (tp %zu fp %zu fn %zu "
               "tn %zu)\n",
               precision, recall, f1, tp, fp_, fn, tn);
        printf("false events per 1,000 non-event articles  %.1f\n", fp_per_1000);
        printf("accuracy over true events:\n");
        for (int f = 0; f < F_COUNT; f++)
            printf("  %-10s %.3f  (%zu/%zu)\n", field_names[f],
                   ratio((double)correct[f], (double)ntrue), correct[f], ntrue);
        printf("confusion (rows gold, columns predicted):\n%27s", "");
        static const char *const abbr[CAT_COUNT] = {"none",  "land",  "clash", "riot", "ident",
                                                    "elect", "separ", "vigil", "other"};
        for (int p = 0; p < CAT_COUNT; p++)
            printf(" %5s", abbr[p]);
        printf("\n");
        for (int g = 0; g < CAT_COUNT; g++) {
            printf("  %-25s", detect_category_name((enum detect_category)g));
            for (int p = 0; p < CAT_COUNT; p++)
                printf(" %5zu", conf[g][p]);
            printf("\n");
        }
        printf("reliability of the confidence over predicted events (share = real events):\n");
        print_reliability(&cal, NULL);
        printf("  %-12s%28.4f  (the raw classifier probability)\n", "Brier (raw)", cal_raw.brier);
        if (roles.nrows)
            role_table_print(&roles);
        printf("misses:\n%s", buf_cstr(&text_misses));
        json_decref(misses);
    }
    role_table_free(&roles);
    buf_release(&text_misses);
    return errors;
}

/* ---- fitting the calibration ----------------------------------------------------------- */

#define FIT_MIN_BLOCK 10 /* articles per calibration point at least */
#define FIT_MAX_POINTS 64
#define FIT_PRIOR 10 /* weight of the classifier's own probability, in articles per block */

struct calib_fit {
    struct detect_calibration_point pt[2][FIT_MAX_POINTS]; /* [0] nonevent, [1] event */
    size_t n[2];
};

/* Fit both maps on the scored articles not in fold skip (-1: all). */
static void fit_maps(const struct scored *s, int skip, struct calib_fit *out)
{
    double *raw = xcalloc(s->n + 1, sizeof(double));
    bool *gold = xcalloc(s->n + 1, sizeof(bool));
    for (int k = 0; k < 2; k++) {
        size_t m = 0;
        for (size_t i = 0; i < s->n; i++)
            if (s->fold[i] != skip && (int)s->pred[i] == k) {
                raw[m] = s->raw[i];
                gold[m] = s->gold[i];
                m++;
            }
        out->n[k] = detect_calibration_fit(raw, gold, m, FIT_MIN_BLOCK, FIT_PRIOR, out->pt[k],
                                           FIT_MAX_POINTS);
    }
    free(raw);
    free(gold);
}

static double fit_apply(const struct calib_fit *c, bool pred, double raw)
{
    int k = pred ? 1 : 0;
    return detect_calibration_apply(c->pt[k], c->n[k], raw);
}

/* Cross-validated calibrated confidence of every scored article: each fold by the maps fitted
 * on the other. */
static double *cross_validate(const struct scored *s)
{
    double *cv = xcalloc(s->n + 1, sizeof(double));
    for (int fold = 0; fold < 2; fold++) {
        struct calib_fit c = {0};
        fit_maps(s, fold, &c);
        for (size_t i = 0; i < s->n; i++)
            if (s->fold[i] == fold)
                cv[i] = fit_apply(&c, s->pred[i], s->raw[i]);
    }
    return cv;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Write the maps with a header that says what they are and how they were made; stats[i] are
 * the raw and cross-validated statistics of file i, stats[nfiles] those of all articles. */
static int write_calibration(const char *out_path, const struct calib_fit *c,
                             const struct eval_file *files, size_t nfiles,
                             const struct calib_stats (*stats)[2])
{
    static const char head[] =
        "# Confidence calibration (detect/calibrate.c): kind <TAB> raw <TAB> calibrated\n"
        "# raw is the classifier's probability (detect_event.raw_confidence); calibrated is the\n"
        "# share of real conflict events among labelled articles with that raw probability, the\n"
        "# confidence the detector reports. Linear between points (raw strictly increasing,\n"
        "# calibrated not decreasing), flat outside, at most 128 points per kind. kind: event is\n"
        "# the map for articles decided to be events, nonevent the map for the others (the role\n"
        "# rules take articles with a high raw probability off the events: followups, crime,\n"
        "# abroad ...). No rows of a kind, or no file: the raw probability is kept. The\n"
        "# event/non-event decision never depends on this file.\n"
        "#\n"
        "# Written by `waspada eval --fit-calibration`: isotonic regression (pool adjacent\n"
        "# violators) of the gold is_conflict_event on raw, separately for predicted events and\n"
        "# non-events; adjacent blocks of fewer than %d articles merged; each block's share of\n"
        "# real events shrunk toward the classifier, (real + 10 x mean raw) / (articles + 10),\n"
        "# since the labelled sets are small and the role rules were tuned on them; one point\n"
        "# per block at its mean raw probability. Fitted on all the articles of these files;\n"
        "# the Brier scores (over all articles) and calibration errors (ECE, over predicted\n"
        "# events) are the honest check, 2-fold cross-validation: fit on alternate articles\n"
        "# of each file, measured on the others.\n";
    char *tmp = xasprintf("%s.tmp", out_path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        int rc = cli_error(WSP_EIO, "cannot write '%s'", tmp);
        free(tmp);
        return rc;
    }
    fprintf(f, head, FIT_MIN_BLOCK);
    for (size_t i = 0; i <= nfiles; i++) {
        const struct calib_stats *r = &stats[i][0], *cv = &stats[i][1];
        if (i < nfiles) {
            size_t ntrue = 0;
            for (size_t k = 0; k < files[i].n; k++)
                ntrue += files[i].items[k].ok && files[i].items[k].gold_event;
            fprintf(f, "#   %s: %zu articles, %zu real events, %zu predicted events\n",
                    base_name(files[i].path), r->articles, ntrue, r->nevents);
        } else {
            fprintf(f, "#   all: %zu articles, %zu predicted events\n", r->articles, r->nevents);
        }
        fprintf(f, "#     Brier %.4f raw -> %.4f calibrated; ECE %.3f -> %.3f\n", r->brier,
                cv->brier, r->ece, cv->ece);
    }
    fprintf(f, "#\n"
               "# Refit after changing the classifier (model.tsv, signals.tsv) or the role rules,\n"
               "# from the repository root with a binary built from the same tree (the fit reads\n"
               "# raw_confidence, so the calibration in use does not matter):\n"
               "#   waspada eval --fit-calibration data/detect/calibration.tsv");
    for (size_t i = 0; i < nfiles; i++)
        fprintf(f, " \\\n#       %s", files[i].path);
    fprintf(f, "\n");
    static const char *const kind[2] = {"nonevent", "event"};
    for (int k = 1; k >= 0; k--)
        for (size_t i = 0; i < c->n[k]; i++)
            fprintf(f, "%s\t%.6f\t%.4f\n", kind[k], c->pt[k][i].raw, c->pt[k][i].p);
    int failed = ferror(f);
    failed |= fclose(f) != 0;
    if (failed || rename(tmp, out_path) != 0) {
        unlink(tmp);
        int rc = cli_error(WSP_EIO, "cannot write '%s'", out_path);
        free(tmp);
        return rc;
    }
    free(tmp);
    return CLI_OK;
}

static json_t *points_json(const struct detect_calibration_point *pt, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("[f, f]", pt[i].raw, pt[i].p));
    return a;
}

/* --fit-calibration: the cross-validated report per file and over all, then the map fitted on
 * everything written to out_path. */
static int fit_calibration(const char *out_path, struct eval_file *files, size_t nfiles,
                           bool as_json)
{
    struct scored all = {0};
    size_t *first = xcalloc(nfiles + 1, sizeof(size_t));
    size_t errors = 0;
    for (size_t i = 0; i < nfiles; i++) {
        first[i] = all.n;
        scored_add(&all, &files[i]);
        for (size_t k = 0; k < files[i].n; k++)
            if (!files[i].items[k].ok) {
                errors++;
                fprintf(stderr, "waspada: %s:%ld: %s\n", files[i].path, files[i].items[k].lineno,
                        files[i].items[k].error ? files[i].items[k].error : "failed");
            }
    }
    first[nfiles] = all.n;
    if (errors) {
        scored_release(&all);
        free(first);
        return cli_error(WSP_EINVAL, "%zu articles failed; no calibration written", errors);
    }
    double *cv = cross_validate(&all);
    struct calib_stats(*stats)[2] = xcalloc(nfiles + 1, sizeof(*stats));
    json_t *report = json_array();
    for (size_t i = 0; i <= nfiles; i++) {
        size_t b = i < nfiles ? first[i] : 0, e = i < nfiles ? first[i + 1] : all.n;
        const char *name = i < nfiles ? files[i].path : "all";
        struct calib_stats *r = &stats[i][0], *c = &stats[i][1];
        calib_stats_compute(r, all.raw + b, all.gold + b, all.pred + b, e - b);
        calib_stats_compute(c, cv + b, all.gold + b, all.pred + b, e - b);
        if (as_json) {
            json_array_append_new(report, json_pack("{s:s, s:o, s:o}", "file", name, "raw",
                                                    calib_stats_json(r), "calibrated",
                                                    calib_stats_json(c)));
        } else {
            printf("== %s: %zu articles, %zu predicted events\n", name, e - b, r->nevents);
            printf("  %-12s%28s%28s\n", "", "raw", "calibrated (2-fold CV)");
            print_reliability(r, c);
        }
    }
    free(cv);
    struct calib_fit fit = {0};
    fit_maps(&all, -1, &fit);
    scored_release(&all);
    free(first);
    int rc =
        write_calibration(out_path, &fit, files, nfiles, (const struct calib_stats(*)[2])stats);
    free(stats);
    if (rc) {
        json_decref(report);
        return rc;
    }
    if (as_json) {
        json_t *o = json_pack("{s:s, s:i, s:{s:o, s:o}, s:o}", "written", out_path, "min_block",
                              (json_int_t)FIT_MIN_BLOCK, "points", "event",
                              points_json(fit.pt[1], fit.n[1]), "nonevent",
                              points_json(fit.pt[0], fit.n[0]), "cross_validated", report);
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
        json_decref(o);
    } else {
        json_decref(report);
        printf("wrote %s: %zu event points, %zu nonevent points (fitted on all articles)\n",
               out_path, fit.n[1], fit.n[0]);
    }
    return CLI_OK;
}

/* ---- the command ----------------------------------------------------------------------- */

static void print_features(const struct detect_model *model, const struct eval_file *files,
                           size_t nfiles)
{
    const char *names[64];
    size_t nf = detect_model_features(model, names, 64);
    printf("id\tlabel");
    for (size_t k = 0; k < nf; k++)
        printf("\t%s", names[k]);
    printf("\n");
    for (size_t j = 0; j < nfiles; j++)
        for (size_t i = 0; i < files[j].n; i++) {
            const struct item *it = &files[j].items[i];
            if (!it->ok)
                continue;
            printf("%s\t%d", it->id ? it->id : "?", it->gold_event ? 1 : 0);
            for (size_t k = 0; k < it->nfeatures; k++)
                printf("\t%.4f", it->features[k]);
            printf("\n");
        }
}

int cmd_eval(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"threads", required_argument, NULL, 't'},
        {"prefix", required_argument, NULL, 'P'},
        {"features", no_argument, NULL, 'F'},
        {"fit-calibration", required_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool as_json = false, features = false;
    long threads = 0;
    const char *prefix = NULL, *fit_out = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            as_json = true;
            break;
        case 't':
            if (str_to_long(optarg, 1, 1024, &threads))
                return cli_usage_error("eval", "--threads needs a number from 1 to 1024");
            break;
        case 'P':
            prefix = optarg;
            break;
        case 'F':
            features = true;
            break;
        case 'C':
            fit_out = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("eval", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("eval", "expected one or more FILE.jsonl");
    if (fit_out && features)
        return cli_usage_error("eval", "--fit-calibration and --features do not go together");
    if (!threads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? cores : 1;
        if (ctx->cfg.threads > 0 && ctx->cfg.threads < threads)
            threads = ctx->cfg.threads;
    }
    size_t nfiles = (size_t)(argc - optind);
    struct eval_file *files = xcalloc(nfiles, sizeof(*files));
    int rc = CLI_OK;
    for (size_t i = 0; i < nfiles && rc == CLI_OK; i++) {
        files[i].path = argv[optind + (int)i];
        rc = read_items(&files[i], prefix);
    }

    struct error err = {0};
    struct text_resources *res = NULL;
    struct geo_gazetteer *geo = NULL;
    struct detect_model *model = NULL;
    if (rc == CLI_OK) {
        int st = text_resources_load(&res, &err);
        if (!st)
            st = geo_load(&geo, &err);
        if (!st)
            st = detect_model_load(&model, res, geo, &err);
        if (st)
            rc = cli_error(st, "%s", err.msg);
    }
    size_t errors = 0;
    if (rc == CLI_OK) {
        for (size_t i = 0; i < nfiles; i++)
            run_items(model, files[i].items, files[i].n, threads);
        if (fit_out) {
            rc = fit_calibration(fit_out, files, nfiles, as_json);
        } else {
            if (features)
                print_features(model, files, nfiles);
            json_t *reports = as_json ? json_array() : NULL;
            for (size_t i = 0; i < nfiles; i++) {
                if (features && !as_json) {
                    for (size_t k = 0; k < files[i].n; k++)
                        errors += !files[i].items[k].ok;
                    continue;
                }
                if (!as_json && i)
                    printf("\n");
                errors += report_file(&files[i], as_json, reports, nfiles > 1);
            }
            if (reports) {
                /* one file: its report object, as before several files were allowed */
                json_t *o = nfiles == 1 ? json_array_get(reports, 0) : reports;
                char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                puts(s);
                free(s);
                json_decref(reports);
            }
            rc = errors ? CLI_FAIL : CLI_OK;
        }
    }
    for (size_t i = 0; i < nfiles; i++)
        eval_file_release(&files[i]);
    free(files);
    detect_model_free(model);
    geo_free(geo);
    text_resources_free(res);
    return rc;
}
