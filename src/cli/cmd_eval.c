/*
 * waspada eval: run the extractor on labelled articles (the format of
 * ../shared/data/news/news-dev.jsonl: the article plus a "label" object with the output keys)
 * and report precision/recall/F1 of is_conflict_event, the accuracy of category, province,
 * regency, event_date, killed and injured over the true events, a confusion table of
 * categories and the misses by id.
 */
#include <getopt.h>
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
    "usage: waspada eval [--json] [--threads N] [--prefix P] [--features] FILE.jsonl\n"
    "\n"
    "Runs the extractor on labelled articles (one JSON object per line with the article keys\n"
    "of `waspada extract` plus \"label\": {is_conflict_event, category, province, regency,\n"
    "event_date, killed, injured, women_children_victims}) and prints precision, recall and F1\n"
    "of is_conflict_event; accuracy over the true events of category, province, regency,\n"
    "event_date, killed, injured; a confusion table of categories; the misses with their ids.\n"
    "\n"
    "  --json        machine-readable report\n"
    "  --threads N   worker threads (default: all cores)\n"
    "  --prefix P    only articles whose id starts with P (e.g. a held-out split)\n"
    "  --features    print the classifier features per article (TSV) instead, for fitting\n"
    "                data/detect/model.tsv\n";

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
    /* predicted */
    bool ok;
    char *error;
    bool pred_event;
    double confidence;
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

static void item_free(struct item *it)
{
    free(it->line);
    free(it->id);
    free(it->error);
    free(it->features);
    for (int f = 0; f < F_COUNT; f++) {
        free(it->gold[f]);
        free(it->pred[f]);
    }
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

int cmd_eval(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},         {"threads", required_argument, NULL, 't'},
        {"prefix", required_argument, NULL, 'P'}, {"features", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    bool as_json = false, features = false;
    long threads = 0;
    const char *prefix = NULL;
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
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("eval", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("eval", "expected one FILE.jsonl");
    if (!threads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? cores : 1;
        if (ctx->cfg.threads > 0 && ctx->cfg.threads < threads)
            threads = ctx->cfg.threads;
    }
    const char *path = argv[optind];
    FILE *fp = fopen(path, "r");
    if (!fp)
        return cli_error(WSP_EIO, "cannot open '%s'", path);

    struct item *items = NULL;
    size_t n = 0, cap = 0;
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
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            items = xrealloc(items, cap * sizeof(*items));
        }
        memset(&items[n], 0, sizeof(items[n]));
        items[n].line = xstrndup(line, (size_t)len);
        items[n].len = (size_t)len;
        items[n].lineno = lineno;
        n++;
    }
    free(line);
    fclose(fp);

    struct error err = {0};
    struct text_resources *res = NULL;
    struct geo_gazetteer *geo = NULL;
    struct detect_model *model = NULL;
    int rc = text_resources_load(&res, &err);
    if (!rc)
        rc = geo_load(&geo, &err);
    if (!rc)
        rc = detect_model_load(&model, res, geo, &err);
    if (rc) {
        detect_model_free(model);
        geo_free(geo);
        text_resources_free(res);
        for (size_t i = 0; i < n; i++)
            item_free(&items[i]);
        free(items);
        return cli_error(rc, "%s", err.msg);
    }

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

    if (features) {
        const char *names[64];
        size_t nf = detect_model_features(model, names, 64);
        printf("id\tlabel");
        for (size_t k = 0; k < nf; k++)
            printf("\t%s", names[k]);
        printf("\n");
        for (size_t i = 0; i < n; i++) {
            struct item *it = &items[i];
            if (!it->ok)
                continue;
            printf("%s\t%d", it->id ? it->id : "?", it->gold_event ? 1 : 0);
            for (size_t k = 0; k < it->nfeatures; k++)
                printf("\t%.4f", it->features[k]);
            printf("\n");
        }
    }

    /* metrics */
    size_t tp = 0, fp_ = 0, fn = 0, tn = 0, errors = 0, ntrue = 0;
    size_t correct[F_COUNT] = {0};
    size_t conf[CAT_COUNT][CAT_COUNT] = {{0}};
    json_t *misses = json_array();
    struct buf text_misses;
    buf_init(&text_misses, 0);
    for (size_t i = 0; i < n; i++) {
        struct item *it = &items[i];
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
            json_array_append_new(misses, json_pack("{s:s, s:s, s:f}", "id", id, "miss", what,
                                                    "confidence", it->confidence));
            buf_printf(&text_misses, "  %-14s %s (confidence %.2f)\n", id, what, it->confidence);
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
        json_t *o = json_pack("{s:i, s:i, s:i, s:{s:i, s:i, s:i, s:i, s:f, s:f, s:f}, s:o, "
                              "s:o, s:o}",
                              "articles", (json_int_t)n, "true_events", (json_int_t)ntrue, "errors",
                              (json_int_t)errors, "is_conflict_event", "tp", (json_int_t)tp, "fp",
                              (json_int_t)fp_, "fn", (json_int_t)fn, "tn", (json_int_t)tn,
                              "precision", precision, "recall", recall, "f1", f1, "accuracy", acc,
                              "confusion", cm, "misses", misses);
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
        json_decref(o);
    } else if (!features) {
        printf("articles %zu, true events %zu, errors %zu\n", n, ntrue, errors);
        printf("is_conflict_event  precision %.3f  recall %.3f  F1 %.3f  (tp %zu fp %zu fn %zu "
               "tn %zu)\n",
               precision, recall, f1, tp, fp_, fn, tn);
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
        printf("misses:\n%s", buf_cstr(&text_misses));
        json_decref(misses);
    } else {
        json_decref(misses);
    }
    buf_release(&text_misses);
    for (size_t i = 0; i < n; i++)
        item_free(&items[i]);
    free(items);
    detect_model_free(model);
    geo_free(geo);
    text_resources_free(res);
    return errors ? CLI_FAIL : CLI_OK;
}
