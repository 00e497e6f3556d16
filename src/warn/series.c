/* warn: the state, its regions and events, and the per-region daily series. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "warn/warn_internal.h"

/* ---- hashing --------------------------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static uint64_t hash_id(int64_t id)
{
    uint64_t x = (uint64_t)id;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

int32_t warn__region_index(const struct warn_state *st, const char *code)
{
    if (!st->rhcap)
        return -1;
    for (size_t i = hash_str(code) & (st->rhcap - 1);; i = (i + 1) & (st->rhcap - 1)) {
        int32_t v = st->rhash[i];
        if (v == 0)
            return -1;
        if (strcmp(st->reg[v - 1].code, code) == 0)
            return v - 1;
    }
}

static void rhash_insert(struct warn_state *st, int32_t idx)
{
    size_t i = hash_str(st->reg[idx].code) & (st->rhcap - 1);
    while (st->rhash[i])
        i = (i + 1) & (st->rhcap - 1);
    st->rhash[i] = idx + 1;
}

static void rhash_grow(struct warn_state *st)
{
    free(st->rhash);
    st->rhcap = st->rhcap ? st->rhcap * 2 : 256;
    st->rhash = xcalloc(st->rhcap, sizeof(*st->rhash));
    for (size_t i = 0; i < st->nreg; i++)
        rhash_insert(st, (int32_t)i);
}

static int32_t event_index(const struct warn_state *st, int64_t id)
{
    if (!st->ehcap)
        return -1;
    for (size_t i = hash_id(id) & (st->ehcap - 1);; i = (i + 1) & (st->ehcap - 1)) {
        int32_t v = st->ehash[i];
        if (v == 0)
            return -1;
        if (v > 0 && st->ev[v - 1].id == id)
            return v - 1;
    }
}

static void ehash_put(struct warn_state *st, int32_t idx)
{
    size_t i = hash_id(st->ev[idx].id) & (st->ehcap - 1);
    while (st->ehash[i] > 0)
        i = (i + 1) & (st->ehcap - 1);
    if (st->ehash[i] == 0)
        st->ehused++;
    st->ehash[i] = idx + 1;
}

static void ehash_rebuild(struct warn_state *st, size_t cap)
{
    free(st->ehash);
    st->ehcap = cap;
    st->ehash = xcalloc(cap, sizeof(*st->ehash));
    st->ehused = 0;
    for (size_t i = 0; i < st->nev; i++)
        if (st->ev[i].id != INT64_MIN)
            ehash_put(st, (int32_t)i);
}

static void ehash_del(struct warn_state *st, int64_t id)
{
    for (size_t i = hash_id(id) & (st->ehcap - 1);; i = (i + 1) & (st->ehcap - 1)) {
        int32_t v = st->ehash[i];
        if (v == 0)
            return;
        if (v > 0 && st->ev[v - 1].id == id) {
            st->ehash[i] = -1;
            return;
        }
    }
}

/* ---- state ----------------------------------------------------------------------------- */

struct warn_state *warn_state_new(const struct warn_params *p, int32_t first_day)
{
    struct warn_state *st = xcalloc(1, sizeof(*st));
    st->p = *p;
    st->first_day = first_day;
    st->freelist = -1;
    st->next_id = 1;
    st->notify = true;
    return st;
}

void warn_state_free(struct warn_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nreg; i++) {
        free(st->reg[i].d);
        warn__episodes_free(&st->reg[i]);
        free(st->reg[i].eps);
    }
    free(st->reg);
    free(st->rhash);
    free(st->sorted);
    free(st->ev);
    free(st->ehash);
    free(st);
}

void warn_state_set_callback(struct warn_state *st, warn_change_fn fn, void *ud)
{
    st->fn = fn;
    st->ud = ud;
}

void warn_state_set_notify(struct warn_state *st, bool on)
{
    st->notify = on;
}

int32_t warn_state_first_day(const struct warn_state *st)
{
    return st->first_day;
}

int32_t warn_state_last_day(const struct warn_state *st)
{
    return st->first_day + st->ndays - 1;
}

size_t warn_state_region_count(const struct warn_state *st)
{
    return st->nreg;
}

size_t warn_state_event_count(const struct warn_state *st)
{
    return st->nlive;
}

static int cmp_region(const void *a, const void *b, void *ctx)
{
    const struct warn_state *st = ctx;
    return strcmp(st->reg[*(const int32_t *)a].code, st->reg[*(const int32_t *)b].code);
}

const char *warn_state_region_at(const struct warn_state *st, size_t i)
{
    if (i >= st->nreg)
        return NULL;
    if (!st->sorted_ok) {
        struct warn_state *w = (struct warn_state *)st; /* a cache, not a visible change */
        free(w->sorted);
        w->sorted = xmalloc((st->nreg ? st->nreg : 1) * sizeof(*w->sorted));
        for (size_t k = 0; k < st->nreg; k++)
            w->sorted[k] = (int32_t)k;
        /* glibc's qsort_r (we build with _GNU_SOURCE): no global sort context */
        qsort_r(w->sorted, st->nreg, sizeof(*w->sorted), cmp_region, (void *)st);
        w->sorted_ok = true;
    }
    return st->reg[st->sorted[i]].code;
}

static void day_init(struct wday *d, size_t n)
{
    memset(d, 0, n * sizeof(*d));
    for (size_t i = 0; i < n; i++) {
        d[i].head = -1;
        d[i].p = 1.0f;
    }
}

/* Evaluate region ri from relative day `from` to the end, then re-derive its episodes. */
static void region_update(struct warn_state *st, int32_t ri, int32_t from)
{
    struct wregion *r = &st->reg[ri];
    if (from < 0)
        from = 0;
    for (int32_t t = from; t < st->ndays; t++) {
        r->d[t].cy = (t ? r->d[t - 1].cy : 0) + r->d[t].y;
        r->d[t].cn = (t ? r->d[t - 1].cn : 0) + r->d[t].n;
    }
    for (int32_t t = from; t < st->ndays; t++)
        warn__eval_day(st, r, t);
    warn__derive_episodes(st, ri, from);
}

/* Make room for days up to relative day `last` (inclusive) without evaluating them. */
static void grow_days(struct warn_state *st, int32_t last)
{
    if (last < st->ndays)
        return;
    int32_t need = last + 1;
    if (need > st->cap) {
        int32_t cap = st->cap ? st->cap : 64;
        while (cap < need)
            cap *= 2;
        for (size_t i = 0; i < st->nreg; i++) {
            st->reg[i].d = xrealloc(st->reg[i].d, (size_t)cap * sizeof(struct wday));
            day_init(st->reg[i].d + st->cap, (size_t)(cap - st->cap));
        }
        st->cap = cap;
    }
}

void warn_state_advance(struct warn_state *st, int32_t day)
{
    int32_t last = day - st->first_day;
    if (last < st->ndays)
        return;
    int32_t from = st->ndays;
    grow_days(st, last);
    st->ndays = last + 1;
    for (size_t i = 0; i < st->nreg; i++)
        region_update(st, (int32_t)i, from);
}

void warn_state_recompute(struct warn_state *st)
{
    for (size_t i = 0; i < st->nreg; i++)
        region_update(st, (int32_t)i, 0);
}

/* "32.73.01.1001" -> "32.73"; "32" stays; NULL when not a region code. */
static bool normalize_code(const char *in, char *out)
{
    if (!in)
        return false;
    if (strcmp(in, WARN_NATIONAL) == 0) {
        str_copy(out, in, WARN_CODE_MAX);
        return true;
    }
    size_t n = strlen(in);
    if (n < 2 || !(in[0] >= '0' && in[0] <= '9') || !(in[1] >= '0' && in[1] <= '9'))
        return false;
    if (n == 2) {
        memcpy(out, in, 3);
        return true;
    }
    if (in[2] != '.' || n < 5 || !(in[3] >= '0' && in[3] <= '9') ||
        !(in[4] >= '0' && in[4] <= '9') || (n > 5 && in[5] != '.'))
        return false;
    memcpy(out, in, 5);
    out[5] = '\0';
    return true;
}

static int32_t region_get_or_add(struct warn_state *st, const char *code)
{
    int32_t ri = warn__region_index(st, code);
    if (ri >= 0)
        return ri;
    int32_t parent = -1;
    enum warn_geo geo = warn_geo_of(code);
    if (geo != WARN_GEO_NATIONAL) {
        char pc[WARN_CODE_MAX];
        if (geo == WARN_GEO_REGENCY) {
            memcpy(pc, code, 2);
            pc[2] = '\0';
        } else {
            str_copy(pc, WARN_NATIONAL, sizeof(pc));
        }
        parent = region_get_or_add(st, pc);
    }
    if (st->nreg == st->capreg) {
        st->capreg = st->capreg ? st->capreg * 2 : 64;
        st->reg = xrealloc(st->reg, st->capreg * sizeof(*st->reg));
        /* episodes name their region by pointer into this array: point them at its new
         * place (the array moved; before this, alerts of the 65th region on read garbage) */
        for (size_t i = 0; i < st->nreg; i++)
            for (size_t j = 0; j < st->reg[i].neps; j++)
                st->reg[i].eps[j].region = st->reg[i].code;
    }
    if ((st->nreg + 1) * 2 > st->rhcap)
        rhash_grow(st);
    ri = (int32_t)st->nreg++;
    struct wregion *r = &st->reg[ri];
    memset(r, 0, sizeof(*r));
    str_copy(r->code, code, sizeof(r->code));
    r->geo = geo;
    r->parent = parent;
    r->status_from = 0;
    r->status_to = -1;
    r->d = xmalloc((size_t)(st->cap ? st->cap : 1) * sizeof(struct wday));
    day_init(r->d, (size_t)(st->cap ? st->cap : 1));
    rhash_insert(st, ri);
    st->sorted_ok = false;
    if (st->ndays && !st->bulk)
        region_update(st, ri, 0);
    return ri;
}

/* ---- events ---------------------------------------------------------------------------- */

/* Unknown categories weigh as "none" (index 0). */
static int category_index(const char *name)
{
    int i = event_category_index(name);
    return i < 0 ? 0 : i;
}

static long clampv(long v, long cap)
{
    return v < 0 ? 0 : v > cap ? cap : v;
}

double warn_event_weight(const struct warn_params *p, const struct warn_event *e)
{
    double w = p->category_weight[category_index(e->category)];
    if (!e->verified)
        w *= p->weight_unverified;
    return w * (1.0 + p->weight_killed * (double)clampv(e->killed, p->victims_cap) +
                p->weight_injured * (double)clampv(e->injured, p->victims_cap));
}

/* Add (sign +1) or take away (-1) event ei's contribution to the series of its regions. */
static void apply(struct warn_state *st, int32_t ei, int sign)
{
    struct wevent *e = &st->ev[ei];
    int32_t t = e->day - st->first_day;
    for (int k = 0; k < 3 && e->chain[k] >= 0; k++) {
        struct wday *d = &st->reg[e->chain[k]].d[t];
        d->y += sign * e->w;
        d->q += sign * e->w2;
        d->n += sign;
        d->killed += sign * e->killed;
        d->injured += sign * e->injured;
        if (e->rule_ok) {
            d->rk += sign * e->killed;
            if (k == 0)
                d->own_killed += sign * e->killed;
        }
        if (e->verified) {
            d->vrk += sign * e->killed;
            if (k == 0)
                d->vown_killed += sign * e->killed;
        }
        if (sign > 0) {
            e->next[k] = d->head;
            d->head = ei;
        } else {
            int32_t *pp = &d->head;
            while (*pp != ei)
                pp = &st->ev[*pp].next[warn__slot_of(&st->ev[*pp], e->chain[k])];
            *pp = e->next[k];
        }
        if (k == 0) {
            /* flags are an OR: rebuild from the day's remaining own events (those of
             * verified events in the high bits) */
            unsigned f = 0, low = (1u << WARN_VFLAGS_SHIFT) - 1;
            for (int32_t j = d->head; j >= 0;
                 j = st->ev[j].next[warn__slot_of(&st->ev[j], e->chain[0])]) {
                const struct wevent *o = &st->ev[j];
                if (o->chain[0] != e->chain[0])
                    continue;
                if (o->rule_ok)
                    f |= o->flags & low;
                if (o->verified)
                    f |= (o->flags & low) << WARN_VFLAGS_SHIFT;
            }
            d->own_flags = (uint8_t)f;
        }
    }
}

static void update_chain(struct warn_state *st, const int32_t *chain, int32_t t)
{
    for (int k = 0; k < 3 && chain[k] >= 0; k++)
        region_update(st, chain[k], t);
}

/* Re-evaluate the regions of two chains: each from the earlier of the days it was touched. */
static void update_chains(struct warn_state *st, const int32_t *a, int32_t ta, const int32_t *b,
                          int32_t tb)
{
    for (int k = 0; k < 3 && a[k] >= 0; k++) {
        int32_t from = ta;
        for (int j = 0; j < 3 && b[j] >= 0; j++)
            if (b[j] == a[k] && tb < from)
                from = tb;
        region_update(st, a[k], from);
    }
    for (int j = 0; j < 3 && b[j] >= 0; j++) {
        bool done = false;
        for (int k = 0; k < 3 && a[k] >= 0; k++)
            done |= a[k] == b[j];
        if (!done)
            region_update(st, b[j], tb);
    }
}

/* Add event e's contribution to the series without re-evaluating: *chain (regions touched, -1
 * past the end; none for an event before first_day) and *t (its relative day) say what the
 * caller must re-evaluate. */
static int insert(struct warn_state *st, const struct warn_event *e, int32_t *chain, int32_t *t,
                  struct error *err)
{
    chain[0] = chain[1] = chain[2] = -1;
    *t = 0;
    char code[WARN_CODE_MAX];
    if (!normalize_code(e->region, code))
        return error_set(err, WSP_EINVAL, "'%s' is not a region code",
                         e->region ? e->region : "(null)");
    if (e->id == INT64_MIN)
        return error_set(err, WSP_EINVAL, "bad event id");
    int32_t ei;
    if (st->freelist >= 0) {
        ei = st->freelist;
        st->freelist = st->ev[ei].next[0];
    } else {
        if (st->nev == st->capev) {
            st->capev = st->capev ? st->capev * 2 : 1024;
            st->ev = xrealloc(st->ev, st->capev * sizeof(*st->ev));
        }
        ei = (int32_t)st->nev++;
    }
    struct wevent *we = &st->ev[ei];
    memset(we, 0, sizeof(*we));
    we->id = e->id;
    we->day = e->day;
    we->chain[0] = we->chain[1] = we->chain[2] = -1;
    if ((st->ehused + 1) * 2 > st->ehcap)
        ehash_rebuild(st, st->ehcap ? st->ehcap * 2 : 2048);
    ehash_put(st, ei);
    st->nlive++;
    if (e->day < st->first_day)
        return 0; /* known (so it can be removed) but outside the state */
    we->live = true;
    double w = warn_event_weight(&st->p, e);
    we->w = llround(w * WARN_MILLI);
    we->w2 = llround(w * w * WARN_MILLI);
    we->killed = (int32_t)clampv(e->killed, 1000000);
    we->injured = (int32_t)clampv(e->injured, 1000000);
    we->flags = e->flags;
    we->category = (uint8_t)category_index(e->category);
    we->rule_ok = e->verified || !st->p.rules_need_verified;
    we->verified = e->verified;

    *t = e->day - st->first_day;
    if (*t >= st->ndays && st->bulk) { /* room for the day; evaluated when the bulk ends */
        grow_days(st, *t);
        st->ndays = *t + 1;
    } else if (*t >= st->ndays) {
        warn_state_advance(st, e->day);
    }
    int32_t ri = region_get_or_add(st, code);
    we = &st->ev[ei];
    for (int k = 0; k < 3 && ri >= 0; k++, ri = st->reg[ri].parent)
        we->chain[k] = ri;
    apply(st, ei, +1);
    memcpy(chain, we->chain, 3 * sizeof(*chain));
    return 0;
}

/* Take event ei away without re-evaluating; *chain and *t as for insert. */
static void erase(struct warn_state *st, int32_t ei, int32_t *chain, int32_t *t)
{
    struct wevent *e = &st->ev[ei];
    chain[0] = chain[1] = chain[2] = -1;
    *t = e->day - st->first_day;
    bool live = e->live;
    if (live) {
        apply(st, ei, -1);
        memcpy(chain, e->chain, 3 * sizeof(*chain));
    }
    ehash_del(st, e->id);
    e->id = INT64_MIN;
    e->live = false;
    e->next[0] = st->freelist;
    st->freelist = ei;
    st->nlive--;
}

int warn_state_add(struct warn_state *st, const struct warn_event *e, struct error *err)
{
    if (event_index(st, e->id) >= 0)
        return error_set(err, WSP_EEXIST, "event %lld is already known", (long long)e->id);
    int32_t chain[3], t;
    int rc = insert(st, e, chain, &t, err);
    if (!st->bulk)
        update_chain(st, chain, t);
    return rc;
}

void warn_state_set_bulk(struct warn_state *st, bool on)
{
    if (st->bulk && !on) {
        st->bulk = false;
        warn_state_recompute(st);
    }
    st->bulk = on;
}

/* Replace in one step: the old event goes and the new one comes before anything is
 * re-evaluated, so an episode the event alone holds up is changed (for instance verified),
 * never retracted and opened again as another one. */
int warn_state_change(struct warn_state *st, const struct warn_event *e, struct error *err)
{
    char code[WARN_CODE_MAX];
    if (!normalize_code(e->region, code))
        return error_set(err, WSP_EINVAL, "'%s' is not a region code",
                         e->region ? e->region : "(null)");
    if (e->id == INT64_MIN)
        return error_set(err, WSP_EINVAL, "bad event id");
    /* Days the new event needs are evaluated first, on the state as it is. */
    if (e->day - st->first_day >= st->ndays)
        warn_state_advance(st, e->day);
    int32_t oc[3] = {-1, -1, -1}, ot = 0, nc[3], nt;
    int32_t ei = event_index(st, e->id);
    if (ei >= 0)
        erase(st, ei, oc, &ot);
    int rc = insert(st, e, nc, &nt, err);
    update_chains(st, oc, ot, nc, nt);
    return rc;
}

int warn_state_remove(struct warn_state *st, int64_t id, struct error *err)
{
    int32_t ei = event_index(st, id);
    if (ei < 0)
        return error_set(err, WSP_ENOTFOUND, "no event %lld", (long long)id);
    int32_t chain[3], t;
    erase(st, ei, chain, &t);
    update_chain(st, chain, t);
    return 0;
}

int warn_state_set_status(struct warn_state *st, const char *region, int32_t from, int32_t to,
                          struct error *err)
{
    char code[WARN_CODE_MAX];
    if (!normalize_code(region, code))
        return error_set(err, WSP_EINVAL, "'%s' is not a region code", region ? region : "(null)");
    if (to >= from && to > warn_state_last_day(st))
        warn_state_advance(st, to);
    int32_t ri = region_get_or_add(st, code);
    struct wregion *r = &st->reg[ri];
    int32_t start = from;
    if (r->status_to >= r->status_from && r->status_from < start)
        start = r->status_from;
    r->status_from = from;
    r->status_to = to;
    region_update(st, ri, start - st->first_day);
    return 0;
}

/* ---- queries --------------------------------------------------------------------------- */

double warn__method_score(const struct wday *src, enum warn_method m)
{
    if (m == WARN_M_CUSUM)
        return src->cusum;
    if (m == WARN_M_CUSUM_RARE)
        return src->rare_s;
    if (m != WARN_M_BASELINE && m != WARN_M_BUILDUP)
        return 0;
    double p = warn__method_p(src, m);
    return -log10(p > 0 ? p : 1e-300);
}

int64_t warn__sum_y(const struct wregion *r, int32_t a, int32_t b)
{
    if (a < 0)
        a = 0;
    if (b < a)
        return 0;
    return r->d[b].cy - (a ? r->d[a - 1].cy : 0);
}

int32_t warn__sum_n(const struct wregion *r, int32_t a, int32_t b)
{
    if (a < 0)
        a = 0;
    if (b < a)
        return 0;
    return r->d[b].cn - (a ? r->d[a - 1].cn : 0);
}

int warn_state_day(const struct warn_state *st, const char *region, int32_t day,
                   struct warn_day_info *out)
{
    int32_t ri = warn__region_index(st, region);
    int32_t t = day - st->first_day;
    if (ri < 0 || t < 0 || t >= st->ndays)
        return WSP_ENOTFOUND;
    const struct wday *d = &st->reg[ri].d[t];
    const struct wday *src = d - d->src_off;
    memset(out, 0, sizeof(*out));
    out->day = day;
    out->events = d->n;
    out->killed = d->killed;
    out->injured = d->injured;
    out->weight = (double)d->y / WARN_MILLI;
    out->raw = d->raw;
    out->level = d->level;
    enum warn_method m;
    int w;
    warn__source(d, &m, &w);
    out->method = m;
    out->window = w;
    out->p = warn__method_p(src, m);
    out->score = warn__method_score(src, m);
    out->cusum = d->cusum;
    return 0;
}

const struct warn_episode *warn_state_episodes(const struct warn_state *st, const char *region,
                                               size_t *n)
{
    int32_t ri = warn__region_index(st, region);
    if (ri < 0 || !st->reg[ri].neps) {
        *n = 0;
        return NULL;
    }
    *n = st->reg[ri].neps;
    return st->reg[ri].eps;
}

const struct warn_episode *warn_state_episode(const struct warn_state *st, uint64_t id)
{
    for (size_t i = 0; i < st->nreg; i++)
        for (size_t j = 0; j < st->reg[i].neps; j++)
            if (st->reg[i].eps[j].id == id)
                return &st->reg[i].eps[j];
    return NULL;
}

void warn_state_counts(const struct warn_state *st, int32_t from, int32_t to, warn_count_fn fn,
                       void *ud)
{
    int32_t a = from - st->first_day, b = to - st->first_day;
    if (a < 0)
        a = 0;
    if (b >= st->ndays)
        b = st->ndays - 1;
    for (size_t ri = 0; ri < st->nreg; ri++) {
        const struct wregion *r = &st->reg[ri];
        struct warn_count c[WARN_NCATEGORIES];
        memset(c, 0, sizeof(c));
        bool any = false;
        for (int32_t t = a; t <= b; t++) {
            for (int32_t j = r->d[t].head; j >= 0;) {
                const struct wevent *e = &st->ev[j];
                int slot = warn__slot_of(e, (int32_t)ri);
                if (slot == 0) { /* the region's own events, not its children's */
                    struct warn_count *x = &c[e->category];
                    x->events++;
                    x->killed += e->killed;
                    x->injured += e->injured;
                    any = true;
                }
                j = e->next[slot];
            }
        }
        for (int k = 0; any && k < WARN_NCATEGORIES; k++) {
            if (!c[k].events)
                continue;
            c[k].region = r->code;
            c[k].category = warn_category_names[k];
            fn(ud, &c[k]);
        }
    }
}
