/* ingest: readers (files, stdin, URLs, feeds) -> detection workers -> one in-order writer.
 * See ingest.h for the contract. */
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/base.h"
#include "ingest/ingest.h"
#include "ingest/ingest_internal.h"
#include "plan/plan.h"

#define DOC_ARENA_MAX ((size_t)256 << 20) /* one document through text -> detect */
#define LINE_MAX_BYTES (TEXT_MAX_INPUT + ((size_t)1 << 20))
#define CANDIDATES_MAX 32
#define FOLLOWUP_CANDIDATES_MAX 256 /* events of a province in the follow-up window */
#define FEED_BACKOFF_MAX_S 86400

void ingest_config_defaults(struct ingest_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->db_path = "waspada.db";
    cfg->near_bits = 12;
    cfg->merge_days = 3;
    cfg->timeout_s = 20;
    cfg->connect_timeout_s = 10;
    cfg->max_bytes = (size_t)8 << 20;
    cfg->max_redirects = 5;
    cfg->retries = 2;
    cfg->backoff_ms = 500;
    cfg->feed_interval_s = 900;
    cfg->fetch_concurrency = 16;
    cfg->per_host = 2;
    cfg->host_delay_ms = 250;
}

/* ---- conversions ---------------------------------------------------------------------------- */

static bool tracking_param(const char *p, size_t n)
{
    return (n >= 4 && strncmp(p, "utm_", 4) == 0) ||
           (n >= 6 && strncmp(p, "fbclid", 6) == 0 && (n == 6 || p[6] == '=')) ||
           (n >= 5 && strncmp(p, "gclid", 5) == 0 && (n == 5 || p[5] == '='));
}

bool ingest_canonical_url(const char *url, char *out, size_t outsz)
{
    if (outsz)
        out[0] = '\0';
    if (!url || outsz < 16)
        return false;
    size_t skip;
    bool https;
    if (strncasecmp(url, "http://", 7) == 0) {
        skip = 7;
        https = false;
    } else if (strncasecmp(url, "https://", 8) == 0) {
        skip = 8;
        https = true;
    } else {
        return false;
    }
    struct buf b;
    buf_init(&b, outsz - 1);
    buf_puts(&b, https ? "https://" : "http://");
    const char *host = url + skip;
    size_t hlen = strcspn(host, "/?#");
    if (hlen == 0) {
        buf_release(&b);
        return false;
    }
    /* Host lower-cased, without a default port. */
    size_t hl = hlen;
    if (hl > 3 && !https && strncmp(host + hl - 3, ":80", 3) == 0)
        hl -= 3;
    else if (hl > 4 && https && strncmp(host + hl - 4, ":443", 4) == 0)
        hl -= 4;
    for (size_t i = 0; i < hl; i++) {
        char c = host[i];
        buf_putc(&b, (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c);
    }
    const char *rest = host + hlen;
    size_t plen = strcspn(rest, "?#");
    if (plen == 0)
        buf_putc(&b, '/');
    else
        buf_append(&b, rest, plen);
    rest += plen;
    if (*rest == '?') {
        rest++;
        size_t qlen = strcspn(rest, "#");
        bool first = true;
        const char *q = rest, *qend = rest + qlen;
        while (q < qend) {
            const char *amp = memchr(q, '&', (size_t)(qend - q));
            size_t n = amp ? (size_t)(amp - q) : (size_t)(qend - q);
            if (n && !tracking_param(q, n)) {
                buf_putc(&b, first ? '?' : '&');
                buf_append(&b, q, n);
                first = false;
            }
            q += n + (amp ? 1 : 0);
        }
    }
    bool ok = !b.oom;
    if (ok)
        str_copy(out, buf_cstr(&b), outsz);
    buf_release(&b);
    return ok;
}

static json_t *jstr_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static char *arena_json(struct arena *a, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    if (!s)
        return NULL;
    char *r = arena_strdup(a, s);
    free(s);
    return r;
}

void ingest_event_from_detect(const struct detect_event *d, struct arena *a,
                              struct store_event *out)
{
    memset(out, 0, sizeof(*out));
    out->category = detect_category_name(d->category);
    out->province_code = d->province ? d->province->code : NULL;
    out->regency_code = d->regency ? d->regency->code : NULL;
    /* The most precise place, when it lies below the regency/province we have. */
    if (d->place && d->place->level > GEO_REGENCY)
        out->place_code = d->place->code;
    out->event_date = d->event_date;
    out->killed = d->killed;
    out->injured = d->injured;
    out->women_children_victims = d->women_children_victims;
    out->confidence = d->confidence < 0 ? 0 : d->confidence > 1 ? 1 : d->confidence;
    out->simhash = d->simhash;
    out->has_simhash = d->simhash != 0;
    json_t *ev = json_array();
    for (size_t i = 0; i < d->nevidence; i++)
        json_array_append_new(ev, json_pack("{s:o,s:o}", "span", jstr_or_null(d->evidence[i].span),
                                            "why", jstr_or_null(d->evidence[i].why)));
    out->evidence_json = arena_json(a, ev);
    json_t *det = json_object();
    json_object_set_new(det, "snpk_issue", jstr_or_null(d->snpk_issue));
    json_object_set_new(det, "form", jstr_or_null(d->form));
    json_t *actors = json_array();
    for (size_t i = 0; i < d->nactors; i++)
        if (d->actors[i])
            json_array_append_new(actors, json_string(d->actors[i]));
    json_object_set_new(det, "actors", actors);
    json_object_set_new(det, "geo_precision", json_integer(d->geo_precision));
    json_object_set_new(det, "time_precision", json_integer(d->time_precision));
    out->detail_json = arena_json(a, det);
}

/* ---- the ring of documents ------------------------------------------------------------------ */

enum slot_state { SLOT_EMPTY, SLOT_READY, SLOT_DONE };

struct slot {
    enum slot_state state;
    uint64_t seq;
    struct arena arena; /* the document arena: input copies and the detected event */
    char *label;        /* "file.jsonl:12", a path or a URL, for messages */
    const char *source_type;
    char canonical[2048];
    struct detect_article in;
    bool failed; /* reading or detection failed: err says why */
    struct error err;
    struct detect_event ev;
};

struct run {
    const struct ingest_config *cfg;
    const struct detect_model *model;
    const struct text_resources *res;
    FILE *msg;

    pthread_mutex_t mu;
    pthread_cond_t cv_fill, cv_work, cv_write;
    struct slot *slots;
    size_t nslots;
    uint64_t next_fill, next_work, next_write;
    bool closed;      /* no more input */
    bool writer_dead; /* the writer could not open the store */

    struct fetch_pool *pool; /* woken by the writer when it frees a slot; NULL without URLs */

    struct ingest_stats st; /* writer-owned except `read`/feed counts (reader-owned) */
    pthread_mutex_t st_mu;  /* guards st, the progress line and messages */
    struct progress_line line;
    struct error fatal;
};

static void message(struct run *r, const char *fmt, ...) WSP_PRINTF(2, 3);

static void message(struct run *r, const char *fmt, ...)
{
    pthread_mutex_lock(&r->st_mu);
    progress_line_clear(&r->line);
    fputs("waspada: ", r->msg);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->msg, fmt, ap);
    va_end(ap);
    fputc('\n', r->msg);
    fflush(r->msg);
    pthread_mutex_unlock(&r->st_mu);
}

static void progress(struct run *r, bool force)
{
    if (!r->line.on)
        return;
    pthread_mutex_lock(&r->st_mu);
    const struct ingest_stats *s = &r->st;
    progress_line_show(&r->line, force,
                       "ingest: %zu read, %zu new, %zu duplicates, %zu events (+%zu merged), "
                       "%zu errors",
                       s->read, s->stored, s->duplicates, s->events_new, s->events_merged,
                       s->errors);
    pthread_mutex_unlock(&r->st_mu);
}

static void count(struct run *r, size_t *field)
{
    pthread_mutex_lock(&r->st_mu);
    (*field)++;
    pthread_mutex_unlock(&r->st_mu);
}

/* Reader side: wait for the next free slot; NULL when the writer has died. */
static struct slot *slot_take(struct run *r)
{
    pthread_mutex_lock(&r->mu);
    struct slot *s = &r->slots[r->next_fill % r->nslots];
    while (s->state != SLOT_EMPTY && !r->writer_dead)
        pthread_cond_wait(&r->cv_fill, &r->mu);
    bool dead = r->writer_dead;
    pthread_mutex_unlock(&r->mu);
    if (dead)
        return NULL;
    arena_release(&s->arena);
    arena_init(&s->arena, DOC_ARENA_MAX);
    free(s->label);
    s->label = NULL;
    s->failed = false;
    error_clear(&s->err);
    memset(&s->in, 0, sizeof(s->in));
    memset(&s->ev, 0, sizeof(s->ev));
    s->canonical[0] = '\0';
    s->source_type = NULL;
    return s;
}

/* Reader side: hand a filled slot to the workers. */
static void slot_put(struct run *r, struct slot *s)
{
    count(r, &r->st.read);
    pthread_mutex_lock(&r->mu);
    s->seq = r->next_fill++;
    s->state = SLOT_READY;
    pthread_cond_broadcast(&r->cv_work);
    pthread_mutex_unlock(&r->mu);
}

static void *worker_main(void *arg)
{
    struct run *r = arg;
    struct detect_worker *w = detect_worker_new(r->model);
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (r->next_work >= r->next_fill && !r->closed)
            pthread_cond_wait(&r->cv_work, &r->mu);
        if (r->next_work >= r->next_fill) {
            pthread_mutex_unlock(&r->mu);
            break;
        }
        struct slot *s = &r->slots[r->next_work % r->nslots];
        r->next_work++;
        pthread_mutex_unlock(&r->mu);

        if (!s->failed) {
            if (!w) {
                s->failed = true;
                error_set(&s->err, WSP_ENOMEM, "cannot create a detection worker");
            } else if (detect_article(w, &s->in, &s->arena, &s->ev, &s->err) != 0) {
                s->failed = true;
            }
        }
        pthread_mutex_lock(&r->mu);
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&r->cv_write);
        pthread_mutex_unlock(&r->mu);
    }
    detect_worker_free(w);
    return NULL;
}

/* ---- the writer ----------------------------------------------------------------------------- */

/* The date a follow-up is matched on: its published date, else its own event date. */
static const char *article_date(const struct slot *s)
{
    int64_t t;
    const char *p = s->in.published;
    if (p && strlen(p) == 10 && time_parse_iso(p, &t) == 0)
        return p;
    return s->ev.event_date;
}

/* The actors of a stored event (detail JSON "actors"), copied into arena a. */
static size_t stored_actors(const char *detail_json, struct arena *a, const char ***out)
{
    *out = NULL;
    json_t *d = detail_json ? json_loads(detail_json, 0, NULL) : NULL;
    json_t *arr = json_object_get(d, "actors");
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    if (n > INGEST_FOLLOWUP_ACTORS)
        n = INGEST_FOLLOWUP_ACTORS;
    const char **list = n ? arena_alloc(a, n * sizeof(*list)) : NULL;
    size_t k = 0;
    for (size_t i = 0; list && i < n; i++) {
        const char *v = json_string_value(json_array_get(arr, i));
        if (v && (list[k] = arena_strdup(a, v)) != NULL)
            k++;
    }
    json_decref(d);
    *out = list;
    return k;
}

/* A follow-up article (already stored as article_id, inside the caller's transaction): link
 * it to the event it follows, if any, and let a reconciliation propose the pemulihan phase for
 * the event's case. Sets *linked and *proposed. */
static int attach_followup(struct run *r, struct store *db, struct slot *s, int64_t article_id,
                           const char *title, bool *linked, bool *proposed, struct error *err)
{
    const struct detect_event *ev = &s->ev;
    const struct store_actor *actor = r->cfg->actor;
    struct ingest_followup f = {
        .province_code = ev->province ? ev->province->code : NULL,
        .regency_code = ev->regency ? ev->regency->code : NULL,
        .category = detect_category_name(ev->category),
        .form = ev->form,
        .date = article_date(s),
        .simhash = ev->simhash,
        .actors = ev->actors,
        .nactors = ev->nactors,
    };
    *linked = *proposed = false;
    if (!f.province_code || !f.date)
        return 0; /* nowhere or never: an article only */
    struct store_event *cand = NULL;
    int *dist = NULL;
    size_t n = 0;
    int rc = store_event_candidates(db, f.province_code, f.date, INGEST_FOLLOWUP_DAYS, f.simhash,
                                    64, FOLLOWUP_CANDIDATES_MAX, &s->arena, &cand, &dist, &n, err);
    if (rc != 0 || n == 0)
        return rc;
    struct ingest_followed *fe = arena_alloc(&s->arena, n * sizeof(*fe));
    if (!fe)
        return error_set(err, WSP_ENOMEM, "follow-up candidates do not fit in the arena");
    for (size_t i = 0; i < n; i++) {
        const char **actors;
        size_t na = stored_actors(cand[i].detail_json, &s->arena, &actors);
        fe[i] = (struct ingest_followed){
            .id = cand[i].id,
            .province_code = cand[i].province_code,
            .regency_code = cand[i].regency_code,
            .category = cand[i].category,
            .event_date = cand[i].event_date,
            .simhash = cand[i].simhash,
            .has_simhash = cand[i].has_simhash,
            .actors = actors,
            .nactors = na,
        };
    }
    struct ingest_followup_match m;
    long best = ingest_followup_best(&f, fe, n, &m);
    if (best < 0)
        return 0;
    int64_t event_id = fe[best].id;
    struct store_followup fu = {
        .event_id = event_id,
        .article_id = article_id,
        .article_date = f.date,
        .reconciliation = ev->reconciliation,
        .cue = ev->role_cue,
        .why = m.why,
        .score = m.score,
    };
    rc = store_followup_add(db, &fu, actor, err);
    if (rc != 0)
        return rc;
    *linked = true;
    if (!ev->reconciliation)
        return 0;
    struct store_case c;
    struct error ce = {0};
    const char *status = NULL;
    rc = store_case_of_event(db, event_id, &s->arena, &c, &ce);
    if (rc == 0) {
        status = c.status;
    } else if (rc != WSP_ENOTFOUND) {
        if (err)
            *err = ce;
        return rc;
    }
    struct store_proposal p = {
        .event_id = event_id,
        .article_id = article_id,
        .phase = plan_case_reconciliation_proposal(status),
    };
    if (!p.phase)
        return 0;
    char note[800];
    ingest_proposal_note(note, sizeof(note), title, f.date, ev->role_cue);
    p.note = note;
    bool existed = false;
    rc = store_proposal_add(db, &p, actor, NULL, &existed, err);
    *proposed = rc == 0 && !existed;
    return rc;
}

static bool is_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

/* Store one detected article in one transaction. */
static int store_one(struct run *r, struct store *db, struct slot *s, struct error *err)
{
    const struct detect_event *ev = &s->ev;
    const struct store_actor *actor = r->cfg->actor;
    /* The web app puts an article's URL into href: keep http(s) URLs only, never a
     * javascript:, data: or other scheme given by an input file (stored as NULL). */
    const char *url = s->in.url && is_url(s->in.url) ? s->in.url : NULL;
    const char *body = ev->body && *ev->body ? ev->body : s->in.text;
    const char *title = ev->title && *ev->title ? ev->title : s->in.title;
    /* A home or index page has no article text; it is still kept (by its title, else its URL)
     * with its role, so that it is known and not fetched again. */
    if ((!body || !*body) && ev->role == ROLE_NOT_ARTICLE)
        body = title && *title ? title : url;
    if (!body || !*body)
        return error_set(err, WSP_EINVAL, "no text left after extraction");
    struct store_article a = {
        .source_type = s->source_type,
        .url = url,
        .canonical_url = s->canonical[0] ? s->canonical : NULL,
        .title = title,
        .body = body,
        .published = s->in.published,
    };
    int rc = store_begin(db, err);
    if (rc != 0)
        return rc;
    int64_t article_id = 0, target = 0;
    bool existed = false, linked = false, proposed = false;
    rc = store_article_put(db, &a, actor, &article_id, &existed, err);
    if (rc != 0 || existed)
        goto out;
    rc = store_article_set_role(db, article_id, detect_role_name(ev->role), ev->role_cue, err);
    if (rc == 0 && ev->role == ROLE_FOLLOWUP)
        rc = attach_followup(r, db, s, article_id, a.title, &linked, &proposed, err);
    if (rc != 0 || !ev->is_conflict_event)
        goto out;

    struct store_event e;
    ingest_event_from_detect(ev, &s->arena, &e);
    struct store_event *cand = NULL;
    int *dist = NULL;
    size_t n = 0;
    /* All events of the province in the date window (distance up to 64 bits), nearest text
     * first; ingest_same_event() decides. */
    rc = store_event_candidates(db, e.province_code, e.event_date, r->cfg->merge_days, e.simhash,
                                64, CANDIDATES_MAX, &s->arena, &cand, &dist, &n, err);
    if (rc != 0)
        goto out;
    for (size_t i = 0; i < n && !target; i++)
        if (ingest_same_event(&cand[i], dist[i], &e, r->cfg->near_bits))
            target = cand[i].id;
    if (target) {
        rc = store_event_merge(db, target, &e, article_id, actor, err);
    } else {
        int64_t id;
        rc = store_event_create(db, &e, article_id, actor, &id, err);
    }
out:
    if (rc != 0) {
        store_rollback(db);
        return rc;
    }
    rc = store_commit(db, err);
    if (rc != 0)
        return rc;
    pthread_mutex_lock(&r->st_mu);
    if (existed) {
        r->st.duplicates++;
    } else {
        r->st.stored++;
        r->st.followups += linked;
        r->st.proposals += proposed;
        if (!ev->is_conflict_event)
            r->st.non_events++;
        else if (target)
            r->st.events_merged++;
        else
            r->st.events_new++;
    }
    pthread_mutex_unlock(&r->st_mu);
    return 0;
}

static void *writer_main(void *arg)
{
    struct run *r = arg;
    struct store *db = NULL;
    struct error err = {0};
    if (store_open(&db, r->cfg->db_path, &err) != 0) {
        pthread_mutex_lock(&r->mu);
        r->fatal = err;
        r->writer_dead = true;
        pthread_cond_broadcast(&r->cv_fill);
        pthread_mutex_unlock(&r->mu);
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&r->mu);
        struct slot *s = &r->slots[r->next_write % r->nslots];
        while (!(r->next_write < r->next_fill && s->state == SLOT_DONE) &&
               !(r->closed && r->next_write >= r->next_fill))
            pthread_cond_wait(&r->cv_write, &r->mu);
        if (r->next_write >= r->next_fill) {
            pthread_mutex_unlock(&r->mu);
            break;
        }
        pthread_mutex_unlock(&r->mu);

        if (s->failed) {
            message(r, "%s: %s", s->label ? s->label : "?", s->err.msg);
            count(r, &r->st.errors);
        } else {
            error_clear(&err);
            if (store_one(r, db, s, &err) != 0) {
                message(r, "%s: %s", s->label ? s->label : "?", err.msg);
                count(r, &r->st.errors);
            }
        }
        progress(r, false);
        pthread_mutex_lock(&r->mu);
        arena_release(&s->arena);
        s->state = SLOT_EMPTY;
        r->next_write++;
        pthread_cond_broadcast(&r->cv_fill);
        pthread_mutex_unlock(&r->mu);
        if (r->pool) /* the reader may be waiting in the pool for a free slot */
            fetch_pool_wakeup(r->pool);
    }
    store_close(db);
    return NULL;
}

/* ---- readers -------------------------------------------------------------------------------- */

static const char *source_type_for(const struct run *r, const char *dflt)
{
    return r->cfg->source_type ? r->cfg->source_type : dflt;
}

static void set_canonical(struct slot *s)
{
    if (s->in.url)
        ingest_canonical_url(s->in.url, s->canonical, sizeof(s->canonical));
}

/* Queue a slot that failed before detection (it is still reported in input order). */
static void put_failed(struct run *r, struct slot *s, int code, const char *fmt, ...)
    WSP_PRINTF(4, 5);

static void put_failed(struct run *r, struct slot *s, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s->failed = true;
    s->err.code = code;
    vsnprintf(s->err.msg, sizeof(s->err.msg), fmt, ap);
    va_end(ap);
    slot_put(r, s);
}

/* JSON Lines from f; one slot per non-blank line. */
static int read_jsonl(struct run *r, FILE *f, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    size_t lineno = 0;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)len;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        size_t i = 0;
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == n)
            continue;
        struct slot *s = slot_take(r);
        if (!s) {
            rc = WSP_EDB;
            break;
        }
        s->source_type = source_type_for(r, "file");
        if (n > LINE_MAX_BYTES) {
            s->label = xasprintf("%s:%zu", name, lineno);
            put_failed(r, s, WSP_ETOOBIG, "line of %zu bytes is over the limit", n);
            continue;
        }
        struct error e = {0};
        if (detect_article_from_json(line, n, &s->arena, &s->in, &e) != 0) {
            s->label = xasprintf("%s:%zu", name, lineno);
            put_failed(r, s, e.code, "%s", e.msg);
            continue;
        }
        s->label = s->in.id ? xasprintf("%s:%zu (id %.64s)", name, lineno, s->in.id)
                            : xasprintf("%s:%zu", name, lineno);
        set_canonical(s);
        slot_put(r, s);
    }
    if (ferror(f) && rc == 0) {
        struct slot *s = slot_take(r);
        if (s) {
            s->label = xasprintf("%s:%zu", name, lineno + 1);
            put_failed(r, s, WSP_EIO, "read error: %s", strerror(errno));
        }
    }
    free(line);
    return rc;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* A whole file as one article (.txt or .html) into slot s. */
static void read_whole(struct run *r, struct slot *s, const char *path, FILE *f, bool html)
{
    struct buf b;
    buf_init(&b, TEXT_MAX_INPUT);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !b.oom)
        buf_append(&b, chunk, n);
    s->label = xstrdup(path);
    if (ferror(f)) {
        buf_release(&b);
        put_failed(r, s, WSP_EIO, "read error: %s", strerror(errno));
        return;
    }
    if (b.oom) {
        buf_release(&b);
        put_failed(r, s, WSP_ETOOBIG, "file is over %zu bytes", TEXT_MAX_INPUT);
        return;
    }
    char *data = arena_strndup(&s->arena, buf_cstr(&b), b.len);
    size_t len = b.len;
    buf_release(&b);
    if (!data) {
        put_failed(r, s, WSP_ENOMEM, "file does not fit in the document arena");
        return;
    }
    s->in.id = arena_strdup(&s->arena, base_name(path));
    if (html) {
        s->in.html = data;
        s->in.html_len = len;
    } else {
        s->in.text = data;
        s->in.text_len = len;
    }
    slot_put(r, s);
}

static int read_path(struct run *r, const char *path)
{
    if (str_eq(path, "-"))
        return read_jsonl(r, stdin, "stdin");
    struct stat sb;
    FILE *f = NULL;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        errno = EISDIR;
    } else {
        f = fopen(path, "rb");
    }
    if (!f) {
        struct slot *s = slot_take(r);
        if (!s)
            return WSP_EDB;
        s->label = xstrdup(path);
        put_failed(r, s, WSP_EIO, "cannot read: %s", strerror(errno));
        return 0;
    }
    int rc = 0;
    bool jsonl =
        has_suffix(path, ".jsonl") || has_suffix(path, ".ndjson") || has_suffix(path, ".json");
    bool html = has_suffix(path, ".html") || has_suffix(path, ".htm");
    bool txt = has_suffix(path, ".txt");
    if (!jsonl && !html && !txt) {
        /* Sniff the first non-blank byte. */
        int c;
        while ((c = fgetc(f)) == ' ' || c == '\t' || c == '\n' || c == '\r')
            ;
        jsonl = c == '{';
        html = c == '<';
        rewind(f);
    }
    if (jsonl) {
        rc = read_jsonl(r, f, path);
    } else {
        struct slot *s = slot_take(r);
        if (s) {
            s->source_type = source_type_for(r, "file");
            read_whole(r, s, path, f, html);
        } else {
            rc = WSP_EDB;
        }
    }
    fclose(f);
    return rc;
}

/* ---- pages and feeds: fetched concurrently, handed to the ring in input order ------------- */

/* One page or feed to fetch, or one feed item with only a summary, in the order the ring takes
 * them: URL inputs in the order given; feeds in store order, each followed by its items in
 * the feed's order once it has answered. prio is that order, as the fetch pool's priority
 * (feed k: (k+1) << 32, its item i: that + i + 1), so that under back-pressure the pool lets
 * the head through. */
enum entry_kind { ENTRY_PAGE, ENTRY_FEED };

struct entry {
    struct entry *next;
    struct fetch_run *fr;
    enum entry_kind kind;
    bool resolved; /* its fetch is over (or it needs none) */
    uint64_t prio;
    /* a page (url NULL for a summary-only feed item) */
    char *url, *label, *id, *title, *published, *fallback;
    const char *source_type;
    char canonical[2048];
    char *body; /* the fetched page, or NULL: then fallback, else err */
    size_t len;
    struct error err;
    /* a feed */
    const struct store_feed *feed;
};

struct fetch_run {
    struct run *r;
    struct store *db; /* this thread's connection: feed state and already-known URLs */
    struct fetch_pool *pool;
    struct entry *head, *tail;
    size_t buffered; /* bytes of fetched pages waiting in entries */
};

static void entry_free(struct entry *e)
{
    free(e->url);
    free(e->label);
    free(e->id);
    free(e->title);
    free(e->published);
    free(e->fallback);
    free(e->body);
    free(e);
}

/* Insert e after `after` (NULL: at the tail). */
static void entry_insert(struct fetch_run *fr, struct entry *after, struct entry *e)
{
    e->fr = fr;
    if (!after)
        after = fr->tail;
    if (!after) {
        e->next = NULL;
        fr->head = fr->tail = e;
        return;
    }
    e->next = after->next;
    after->next = e;
    if (fr->tail == after)
        fr->tail = e;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void page_done(void *ctx, int rc, struct fetch_result *res, const struct error *err)
{
    struct entry *e = ctx;
    e->resolved = true;
    if (rc != 0) {
        e->err = *err;
        return;
    }
    if (res->status < 200 || res->status >= 300) {
        error_set(&e->err, WSP_EIO, "'%s': HTTP %ld", e->url, res->status);
        return;
    }
    if (res->len == 0) {
        error_set(&e->err, WSP_EIO, "'%s': empty page", e->url);
        return;
    }
    e->body = res->body;
    e->len = res->len;
    res->body = NULL;
    e->fr->buffered += e->len;
}

/* A page to fetch (or, without url, a feed item's summary), queued after `after`. Already
 * stored URLs are counted as duplicates and not fetched. Returns the new entry or NULL. */
static struct entry *add_page(struct fetch_run *fr, struct entry *after, uint64_t prio,
                              const char *url, const char *label, const char *id,
                              const char *source_type, const char *title, const char *published,
                              const char *fallback)
{
    struct run *r = fr->r;
    char canon[2048] = "";
    if (url) {
        ingest_canonical_url(url, canon, sizeof(canon));
        int64_t existing;
        if (fr->db && canon[0] && store_article_find_url(fr->db, canon, &existing, NULL) == 0) {
            count(r, &r->st.read);
            count(r, &r->st.duplicates);
            return NULL;
        }
    }
    struct entry *e = xcalloc(1, sizeof(*e));
    e->kind = ENTRY_PAGE;
    e->prio = prio;
    e->url = dup_or_null(url);
    e->label = xstrdup(label ? label : url);
    e->id = xstrdup(id ? id : url);
    e->source_type = source_type;
    e->title = dup_or_null(title);
    e->published = dup_or_null(published);
    e->fallback = fallback && *fallback ? xstrdup(fallback) : NULL;
    str_copy(e->canonical, canon, sizeof(e->canonical));
    entry_insert(fr, after, e);
    if (url)
        fetch_pool_add(fr->pool, url, NULL, NULL, prio, page_done, e);
    else
        e->resolved = true;
    return e;
}

/* A feed has answered: record the poll, then queue its items right after it. */
static void feed_done(void *ctx, int rc, struct fetch_result *res, const struct error *err)
{
    struct entry *fe = ctx;
    struct fetch_run *fr = fe->fr;
    struct run *r = fr->r;
    const struct store_feed *feed = fe->feed;
    const struct store_actor *actor = r->cfg->actor;
    int64_t now = time_now();
    struct error e = {0};
    fe->resolved = true;
    if (rc != 0)
        e = *err;
    else if (res->status != 304 && (res->status < 200 || res->status >= 300))
        rc = error_set(&e, WSP_EIO, "HTTP %ld", res->status);
    struct store_feed poll = {.last_polled_at = now};
    struct arena a;
    arena_init(&a, DOC_ARENA_MAX);
    struct text_feed_item *items = NULL;
    size_t n = 0;
    if (rc == 0 && res->status != 304)
        rc = text_parse_feed(res->body ? res->body : "", res->len, &a, &items, &n, &e);
    struct error ue = {0};
    if (rc != 0) {
        count(r, &r->st.errors);
        count(r, &r->st.feeds_failed);
        message(r, "feed '%s': %s", feed->url, e.msg);
        poll.failures = feed->failures + 1;
        int64_t wait = r->cfg->feed_interval_s;
        for (int i = 1; i < poll.failures && wait < FEED_BACKOFF_MAX_S; i++)
            wait *= 2;
        poll.next_poll_at = now + (wait < FEED_BACKOFF_MAX_S ? wait : FEED_BACKOFF_MAX_S);
        poll.last_error = e.msg;
        if (store_feed_update_poll(fr->db, feed->id, &poll, actor, &ue) != 0)
            message(r, "feed '%s': %s", feed->url, ue.msg);
        arena_release(&a);
        return;
    }
    poll.etag = res->etag;
    poll.last_modified = res->last_modified;
    poll.next_poll_at = now + r->cfg->feed_interval_s;
    if (store_feed_update_poll(fr->db, feed->id, &poll, actor, &ue) != 0)
        message(r, "feed '%s': %s", feed->url, ue.msg);
    if (res->status == 304) {
        count(r, &r->st.feeds_unchanged);
        arena_release(&a);
        return;
    }
    count(r, &r->st.feeds_polled);
    struct entry *after = fe;
    for (size_t i = 0; i < n && i < UINT32_MAX - 1; i++) {
        const struct text_feed_item *it = &items[i];
        uint64_t prio = fe->prio + i + 1;
        struct entry *added = NULL;
        if (!it->url || !is_url(it->url)) {
            if (it->summary && *it->summary) {
                char *label = xasprintf("feed '%s' item %zu", feed->url, i + 1);
                added = add_page(fr, after, prio, NULL, label, it->guid ? it->guid : label,
                                 source_type_for(r, "feed"), it->title, it->published, it->summary);
                free(label);
            }
        } else {
            char *composed = NULL;
            const char *fallback = NULL;
            if (it->summary && *it->summary) {
                composed = it->title ? xasprintf("%s\n%s", it->title, it->summary) : NULL;
                fallback = composed ? composed : it->summary;
            }
            added = add_page(fr, after, prio, it->url, NULL, NULL, source_type_for(r, "feed"),
                             it->title, it->published, fallback);
            free(composed);
        }
        if (added)
            after = added;
    }
    arena_release(&a);
}

/* Reader side: the next free slot if there is one now (never waits); *dead when the writer
 * has died. */
static struct slot *slot_try_take(struct run *r, bool *dead)
{
    pthread_mutex_lock(&r->mu);
    struct slot *s = &r->slots[r->next_fill % r->nslots];
    bool free_now = s->state == SLOT_EMPTY;
    *dead = r->writer_dead;
    pthread_mutex_unlock(&r->mu);
    if (*dead || !free_now)
        return NULL;
    return slot_take(r);
}

/* A resolved page entry into slot s: the page (html), else its fallback text (feed summary),
 * else the error. */
static void fill_page(struct run *r, struct slot *s, struct entry *e)
{
    s->label = xstrdup(e->label);
    s->source_type = source_type_for(r, e->source_type);
    str_copy(s->canonical, e->canonical, sizeof(s->canonical));
    s->in.id = arena_strdup(&s->arena, e->id);
    s->in.url = e->url ? arena_strdup(&s->arena, e->url) : NULL;
    s->in.title = e->title ? arena_strdup(&s->arena, e->title) : NULL;
    s->in.published = e->published ? arena_strdup(&s->arena, e->published) : NULL;
    if (e->body) {
        s->in.html = arena_strndup(&s->arena, e->body, e->len);
        s->in.html_len = e->len;
        if (!s->in.html) {
            put_failed(r, s, WSP_ENOMEM, "page does not fit in the document arena");
            return;
        }
        slot_put(r, s);
        return;
    }
    if (e->fallback) {
        /* The item's own summary is better than nothing; keep the page URL as its key. */
        if (e->url)
            LOG_I("ingest", "%s; using the feed summary instead", e->err.msg);
        s->in.text = arena_strdup(&s->arena, e->fallback);
        s->in.text_len = strlen(e->fallback);
        slot_put(r, s);
        return;
    }
    put_failed(r, s, e->err.code ? e->err.code : WSP_EIO, "%s", e->err.msg);
}

/* Fetch everything queued and hand it to the ring in order; returns when every entry is in
 * the ring (0) or the writer has died (WSP_EDB). The pool keeps fetching while the head
 * waits; once INGEST_FETCH_BUFFER bytes of pages wait, only the head's request may start. */
static int drain(struct fetch_run *fr)
{
    struct run *r = fr->r;
    for (;;) {
        while (fr->head && fr->head->resolved) {
            struct entry *e = fr->head;
            if (e->kind == ENTRY_PAGE) {
                bool dead;
                struct slot *s = slot_try_take(r, &dead);
                if (dead)
                    return WSP_EDB;
                if (!s)
                    break;
                fill_page(r, s, e);
                fr->buffered -= e->body ? e->len : 0;
            }
            fr->head = e->next;
            if (!fr->head)
                fr->tail = NULL;
            entry_free(e);
        }
        if (!fr->head)
            return 0;
        fetch_pool_limit(fr->pool,
                         fr->buffered > INGEST_FETCH_BUFFER ? fr->head->prio : UINT64_MAX);
        fetch_pool_run(fr->pool, 500);
        progress(r, false);
    }
}

static void add_url_input(struct fetch_run *fr, const char *url, size_t index)
{
    add_page(fr, NULL, (uint64_t)index + 1, url, NULL, NULL, "news", NULL, NULL, NULL);
}

static int read_feeds(struct fetch_run *fr)
{
    struct run *r = fr->r;
    struct arena a;
    arena_init(&a, 0);
    struct store_feed *feeds = NULL;
    size_t n = 0;
    struct error e = {0};
    int rc = store_feed_list(fr->db, &a, &feeds, &n, &e);
    if (rc != 0) {
        r->fatal = e;
        arena_release(&a);
        return rc;
    }
    if (n == 0)
        message(r, "no feeds to poll: add one with 'waspada feed add URL'");
    int64_t now = time_now();
    for (size_t i = 0; i < n && i < UINT32_MAX - 1; i++) {
        const struct store_feed *feed = &feeds[i];
        if (feed->failures > 0 && feed->next_poll_at > now) {
            LOG_I("ingest", "feed '%s' failed %d times; next try after %" PRId64 " s", feed->url,
                  feed->failures, feed->next_poll_at - now);
            continue;
        }
        struct entry *fe = xcalloc(1, sizeof(*fe));
        fe->kind = ENTRY_FEED;
        fe->feed = feed;
        fe->prio = (uint64_t)(i + 1) << 32;
        entry_insert(fr, NULL, fe);
        fetch_pool_add(fr->pool, feed->url, feed->etag, feed->last_modified, fe->prio, feed_done,
                       fe);
    }
    rc = drain(fr);
    arena_release(&a);
    return rc;
}

/* ---- the run -------------------------------------------------------------------------------- */

static unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 256 ? (unsigned)n : 1;
}

int ingest_run(const struct ingest_config *cfg_in, const struct detect_model *model,
               const struct text_resources *res, const char *const *inputs, size_t ninputs,
               bool feeds, struct ingest_stats *stats, struct error *err)
{
    memset(stats, 0, sizeof(*stats));
    static const struct store_actor ingest_actor = {0, "ingest", NULL};
    struct ingest_config cfg = *cfg_in;
    if (!cfg.actor)
        cfg.actor = &ingest_actor;
    if (cfg.threads == 0)
        cfg.threads = default_threads();
    if (cfg.fetch_concurrency == 0)
        cfg.fetch_concurrency = 16;
    if (cfg.per_host == 0)
        cfg.per_host = 2;
    if (cfg.host_delay_ms < 0)
        cfg.host_delay_ms = 0;
    if (cfg.source_type && !str_eq(cfg.source_type, "news") && !str_eq(cfg.source_type, "feed") &&
        !str_eq(cfg.source_type, "file"))
        return error_set(err, WSP_EINVAL, "source type '%s' must be news, feed or file",
                         cfg.source_type);
    int64_t t0 = time_mono_ms();

    struct run r;
    memset(&r, 0, sizeof(r));
    r.cfg = &cfg;
    r.model = model;
    r.res = res;
    r.msg = cfg.messages ? cfg.messages : stderr;
    progress_line_init(&r.line, stderr);
    r.line.on = cfg.progress; /* the caller decides (a terminal, for the CLI) */
    r.nslots = (size_t)cfg.threads * 2 + 2;
    r.slots = xcalloc(r.nslots, sizeof(*r.slots));
    for (size_t i = 0; i < r.nslots; i++)
        arena_init(&r.slots[i].arena, DOC_ARENA_MAX);
    pthread_mutex_init(&r.mu, NULL);
    pthread_mutex_init(&r.st_mu, NULL);
    pthread_cond_init(&r.cv_fill, NULL);
    pthread_cond_init(&r.cv_work, NULL);
    pthread_cond_init(&r.cv_write, NULL);

    bool need_net = feeds;
    for (size_t i = 0; i < ninputs; i++)
        if (is_url(inputs[i]))
            need_net = true;
    struct fetch_run fr = {.r = &r};
    int rc = 0;
    if (need_net) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        fr.pool = fetch_pool_new(&cfg);
        if (!fr.pool)
            rc = error_set(err, WSP_ENOMEM, "cannot create an HTTP client");
        /* The reader's own connection: feed state and already-known URLs. */
        if (rc == 0)
            rc = store_open(&fr.db, cfg.db_path, err);
        r.pool = fr.pool;
    }

    pthread_t writer, *workers = xcalloc(cfg.threads, sizeof(*workers));
    unsigned started = 0;
    bool writer_started = false;
    if (rc == 0) {
        if (pthread_create(&writer, NULL, writer_main, &r) != 0)
            rc = error_set(err, WSP_EINTERNAL, "cannot start the writer thread");
        else
            writer_started = true;
    }
    for (unsigned i = 0; rc == 0 && i < cfg.threads; i++) {
        if (pthread_create(&workers[i], NULL, worker_main, &r) != 0)
            break;
        started++;
    }
    if (rc == 0 && started == 0)
        rc = error_set(err, WSP_EINTERNAL, "cannot start detection threads");

    /* URLs are fetched together; a file after them waits until they are in the ring, so that
     * the writer sees the inputs in the order given. */
    int rrc = 0;
    for (size_t i = 0; rc == 0 && rrc == 0 && i < ninputs; i++) {
        if (is_url(inputs[i])) {
            add_url_input(&fr, inputs[i], i);
            continue;
        }
        if (fr.head)
            rrc = drain(&fr);
        if (rrc == 0)
            rrc = read_path(&r, inputs[i]);
    }
    if (rc == 0 && rrc == 0 && fr.head)
        rrc = drain(&fr);
    if (rc == 0 && rrc == 0 && feeds)
        rrc = read_feeds(&fr);

    pthread_mutex_lock(&r.mu);
    r.closed = true;
    pthread_cond_broadcast(&r.cv_work);
    pthread_cond_broadcast(&r.cv_write);
    pthread_mutex_unlock(&r.mu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(workers[i], NULL);
    if (writer_started)
        pthread_join(writer, NULL);
    if (r.line.shown) {
        progress(&r, true);
        progress_line_end(&r.line);
    }
    if (rc == 0 && (r.writer_dead || rrc != 0)) {
        rc = r.fatal.code ? r.fatal.code : rrc;
        if (err)
            *err = r.fatal;
        if (!rc)
            rc = error_set(err, WSP_EINTERNAL, "ingest stopped");
    }

    fetch_pool_free(fr.pool);
    for (struct entry *e = fr.head, *en; e; e = en) {
        en = e->next;
        entry_free(e);
    }
    store_close(fr.db);
    if (need_net)
        curl_global_cleanup();
    for (size_t i = 0; i < r.nslots; i++) {
        arena_release(&r.slots[i].arena);
        free(r.slots[i].label);
    }
    free(r.slots);
    free(workers);
    pthread_cond_destroy(&r.cv_fill);
    pthread_cond_destroy(&r.cv_work);
    pthread_cond_destroy(&r.cv_write);
    pthread_mutex_destroy(&r.mu);
    pthread_mutex_destroy(&r.st_mu);
    *stats = r.st;
    stats->elapsed_ms = time_mono_ms() - t0;
    return rc;
}
