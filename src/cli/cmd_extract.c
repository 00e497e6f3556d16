/*
 * waspada extract: articles in, conflict-event candidates out (JSON Lines), in input order.
 *
 * Streaming with bounded memory: the main thread reads one record at a time into a window of
 * WINDOW_PER_THREAD * threads slots; worker threads take the next unread slot, run the pure
 * pipeline (text -> geo -> detect) with a document arena of their own, and leave the JSON in
 * the slot; the main thread prints slots in order as they complete and reuses them. So memory
 * is bounded by the window (and the largest article), whatever the input size.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "detect/detect.h"
#include "geo/geo.h"
#include "text/text.h"

static const char usage_text[] =
    "usage: waspada extract [--threads N] [--pretty] [FILE...]\n"
    "\n"
    "Reads articles and prints one JSON object per article, in input order, with the keys\n"
    "id, is_conflict_event, role, category, province_code, province, regency_code, regency,\n"
    "event_date, killed, injured, women_children_victims, confidence, evidence, then richer\n"
    "ones (snpk_issue, form, actors, place, geo_precision, time_precision, abroad,\n"
    "reconciliation, simhash).\n"
    "\n"
    "role is what kind of news the article is: event (a social-conflict event in Indonesia,\n"
    "the only role with is_conflict_event true), followup (peace, trials, funerals of an\n"
    "earlier event), prevention (drills, violence prevented, forums, peaceful demonstrations),\n"
    "crime (personal violence), abroad (outside Indonesia), not_article (home, index, tag and\n"
    "search pages) or other; the evidence names the cue (see docs/detection.md).\n"
    "\n"
    "FILE is JSON Lines (*.jsonl, *.json, or '-' for standard input; one article per line:\n"
    "{\"id\", \"text\" or \"html\", optional \"title\", \"url\", \"published\": \"YYYY-MM-DD\"}),\n"
    "or a plain article: *.txt or *.html / *.htm (id = file name). Without FILE, JSON Lines are\n"
    "read from standard input. A bad line prints {\"id\", \"line\", \"error\"} and a message on\n"
    "stderr; the others go on, and the exit status is 1 at the end.\n"
    "\n"
    "  --threads N  worker threads (default: all cores)\n"
    "  --pretty     indented JSON (one object per block instead of one per line)\n";

#define WINDOW_PER_THREAD 8
#define LINE_MAX_BYTES (64u << 20)
#define ARENA_LIMIT ((size_t)1 << 30)

enum item_kind { ITEM_JSONL, ITEM_TEXT, ITEM_HTML, ITEM_ERROR };
enum slot_state { SLOT_EMPTY, SLOT_READY, SLOT_BUSY, SLOT_DONE };

struct slot {
    enum slot_state state;
    enum item_kind kind;
    char *data;
    size_t len;
    char *name;   /* source file name (for messages and plain-file ids) */
    long lineno;  /* 1-based line in a JSON Lines source, 0 for whole files */
    char *out;    /* JSON to print (malloc'd) */
    char *errmsg; /* message for stderr, or NULL */
};

struct pipeline {
    struct text_resources *res;
    struct geo_gazetteer *geo;
    struct detect_model *model;
};

struct queue {
    pthread_mutex_t mu;
    pthread_cond_t cv_work; /* workers wait for READY slots */
    pthread_cond_t cv_done; /* the reader waits for DONE slots */
    struct slot *slots;
    size_t nslots;
    size_t next_fill, next_take, next_out;
    bool eof;
    const struct pipeline *p;
    bool pretty;
};

static int pipeline_load(struct pipeline *p, struct error *err)
{
    memset(p, 0, sizeof(*p));
    int rc = text_resources_load(&p->res, err);
    if (!rc)
        rc = geo_load(&p->geo, err);
    if (!rc)
        rc = detect_model_load(&p->model, p->res, p->geo, err);
    return rc;
}

static void pipeline_free(struct pipeline *p)
{
    detect_model_free(p->model);
    geo_free(p->geo);
    text_resources_free(p->res);
}

static char *error_json(const char *id, long lineno, const char *msg)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", id ? json_string(id) : json_null());
    if (lineno > 0)
        json_object_set_new(o, "line", json_integer(lineno));
    json_object_set_new(o, "error", json_string(msg));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

/* Best-effort id of a line that failed, for the error object. */
static char *line_id(const char *data, size_t len)
{
    json_t *o = json_loadb(data, len, 0, NULL);
    char *id = NULL;
    if (o && json_is_string(json_object_get(o, "id")))
        id = xstrdup(json_string_value(json_object_get(o, "id")));
    json_decref(o);
    return id;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void process(struct slot *s, struct detect_worker *w, struct arena *a, bool pretty)
{
    struct error err = {0};
    struct detect_article in = {0};
    char *id_for_error = NULL;
    int rc = 0;
    if (s->kind == ITEM_ERROR) {
        s->out = error_json(NULL, s->lineno, s->data);
        s->errmsg = xasprintf("%s:%ld: %s", s->name, s->lineno, s->data);
        return;
    }
    if (s->kind == ITEM_JSONL) {
        rc = detect_article_from_json(s->data, s->len, a, &in, &err);
        if (rc)
            id_for_error = line_id(s->data, s->len);
    } else {
        in.id = base_name(s->name);
        if (s->kind == ITEM_HTML) {
            in.html = s->data;
            in.html_len = s->len;
        } else {
            in.text = s->data;
            in.text_len = s->len;
        }
    }
    struct detect_event ev;
    if (!rc) {
        rc = detect_article(w, &in, a, &ev, &err);
        if (rc)
            id_for_error = in.id ? xstrdup(in.id) : NULL;
    }
    if (rc) {
        s->out = error_json(id_for_error, s->lineno, err.msg);
        if (s->lineno > 0)
            s->errmsg = xasprintf("%s:%ld: %s", s->name, s->lineno, err.msg);
        else
            s->errmsg = xasprintf("%s: %s", s->name, err.msg);
        free(id_for_error);
        return;
    }
    s->out = detect_event_to_json(&ev, pretty);
}

static void *worker_main(void *arg)
{
    struct queue *q = arg;
    struct detect_worker *w = detect_worker_new(q->p->model);
    struct arena a;
    arena_init(&a, ARENA_LIMIT);
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->next_take == q->next_fill && !q->eof)
            pthread_cond_wait(&q->cv_work, &q->mu);
        if (q->next_take == q->next_fill && q->eof)
            break;
        struct slot *s = &q->slots[q->next_take % q->nslots];
        q->next_take++;
        s->state = SLOT_BUSY;
        pthread_mutex_unlock(&q->mu);
        process(s, w, &a, q->pretty);
        arena_release(&a);
        free(s->data);
        s->data = NULL;
        pthread_mutex_lock(&q->mu);
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&q->cv_done);
    }
    pthread_mutex_unlock(&q->mu);
    arena_release(&a);
    detect_worker_free(w);
    return NULL;
}

/* Print completed slots in order; with `wait`, block until slot next_out is done. Called with
 * the lock held. Returns the number of failed records printed. */
static size_t flush(struct queue *q, bool wait)
{
    size_t failed = 0;
    for (;;) {
        if (q->next_out == q->next_fill)
            return failed;
        struct slot *s = &q->slots[q->next_out % q->nslots];
        if (s->state != SLOT_DONE) {
            if (!wait)
                return failed;
            pthread_cond_wait(&q->cv_done, &q->mu);
            continue;
        }
        if (s->out) {
            fputs(s->out, stdout);
            fputc('\n', stdout);
        }
        if (s->errmsg) {
            fprintf(stderr, "waspada extract: %s\n", s->errmsg);
            failed++;
        }
        free(s->out);
        free(s->errmsg);
        free(s->name);
        memset(s, 0, sizeof(*s));
        q->next_out++;
        wait = false; /* one slot freed is enough for the caller */
    }
}

/* Put one record into the window (takes ownership of data and name). */
static size_t enqueue(struct queue *q, enum item_kind kind, char *data, size_t len,
                      const char *name, long lineno)
{
    size_t failed = 0;
    pthread_mutex_lock(&q->mu);
    while (q->next_fill - q->next_out >= q->nslots)
        failed += flush(q, true);
    struct slot *s = &q->slots[q->next_fill % q->nslots];
    s->kind = kind;
    s->data = data;
    s->len = len;
    s->name = xstrdup(name);
    s->lineno = lineno;
    s->state = SLOT_READY;
    q->next_fill++;
    pthread_cond_signal(&q->cv_work);
    failed += flush(q, false);
    pthread_mutex_unlock(&q->mu);
    return failed;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static size_t read_jsonl(struct queue *q, FILE *f, const char *name, bool *io_error)
{
    size_t failed = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == len)
            continue; /* blank line */
        if (len > LINE_MAX_BYTES) {
            failed += enqueue(q, ITEM_ERROR, xasprintf("line longer than %u bytes", LINE_MAX_BYTES),
                              0, name, lineno);
        } else {
            failed += enqueue(q, ITEM_JSONL, xstrndup(line, len), len, name, lineno);
        }
        /* do not keep a huge buffer around after one huge line */
        if (cap > (1u << 20)) {
            free(line);
            line = NULL;
            cap = 0;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "waspada extract: cannot read '%s': %s\n", name, strerror(errno));
        *io_error = true;
    }
    free(line);
    return failed;
}

static int read_whole(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct buf b;
    buf_init(&b, LINE_MAX_BYTES);
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
        buf_append(&b, tmp, n);
    bool bad = ferror(f) || b.oom;
    fclose(f);
    if (bad) {
        buf_release(&b);
        return -1;
    }
    *out = buf_detach(&b, len);
    if (!*out)
        *out = xstrdup("");
    return 0;
}

int cmd_extract(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"threads", required_argument, NULL, 't'},
        {"pretty", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long threads = 0;
    bool pretty = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ht:", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (str_to_long(optarg, 1, 1024, &threads))
                return cli_usage_error("extract", "--threads needs a number from 1 to 1024");
            break;
        case 'p':
            pretty = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("extract", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (!threads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? cores : 1;
        if (ctx->cfg.threads > 0 && ctx->cfg.threads < threads)
            threads = ctx->cfg.threads;
    }

    struct error err = {0};
    struct pipeline p;
    int rc = pipeline_load(&p, &err);
    if (rc) {
        pipeline_free(&p);
        return cli_error(rc, "%s", err.msg);
    }

    struct queue q = {.p = &p, .pretty = pretty};
    pthread_mutex_init(&q.mu, NULL);
    pthread_cond_init(&q.cv_work, NULL);
    pthread_cond_init(&q.cv_done, NULL);
    q.nslots = (size_t)threads * WINDOW_PER_THREAD;
    q.slots = xcalloc(q.nslots, sizeof(*q.slots));
    pthread_t *tids = xcalloc((size_t)threads, sizeof(*tids));
    long started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tids[started], NULL, worker_main, &q) != 0)
            break;
    if (started == 0) {
        free(tids);
        free(q.slots);
        pipeline_free(&p);
        return cli_error(WSP_EINTERNAL, "cannot start worker threads");
    }

    size_t failed = 0;
    bool io_error = false;
    if (optind >= argc) {
        failed += read_jsonl(&q, stdin, "<stdin>", &io_error);
    }
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        if (strcmp(path, "-") == 0) {
            failed += read_jsonl(&q, stdin, "<stdin>", &io_error);
            continue;
        }
        if (ends_with(path, ".txt") || ends_with(path, ".html") || ends_with(path, ".htm")) {
            char *data;
            size_t len;
            if (read_whole(path, &data, &len)) {
                fprintf(stderr, "waspada extract: cannot read '%s'\n", path);
                io_error = true;
                continue;
            }
            failed +=
                enqueue(&q, ends_with(path, ".txt") ? ITEM_TEXT : ITEM_HTML, data, len, path, 0);
            continue;
        }
        FILE *f = fopen(path, "r");
        if (!f) {
            fprintf(stderr, "waspada extract: cannot open '%s': %s\n", path, strerror(errno));
            io_error = true;
            continue;
        }
        failed += read_jsonl(&q, f, path, &io_error);
        fclose(f);
    }

    pthread_mutex_lock(&q.mu);
    q.eof = true;
    pthread_cond_broadcast(&q.cv_work);
    while (q.next_out < q.next_fill)
        failed += flush(&q, true);
    pthread_mutex_unlock(&q.mu);
    for (long i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    free(q.slots);
    pthread_cond_destroy(&q.cv_work);
    pthread_cond_destroy(&q.cv_done);
    pthread_mutex_destroy(&q.mu);
    pipeline_free(&p);
    if (fflush(stdout) != 0)
        return cli_error(WSP_EIO, "cannot write output");
    if (failed)
        fprintf(stderr, "waspada extract: %zu record(s) failed\n", failed);
    return failed || io_error ? CLI_FAIL : CLI_OK;
}
