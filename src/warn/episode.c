/*
 * warn: episodes (alerts). An episode is a function of a region's shown-level series:
 *   opens   on a day whose level is not normal while none is open (first_day);
 *   steps   every change of the shown level while open (rises, falls, back to normal);
 *   closes  on the quiet_days-th consecutive normal day (close_day); last_day is the last
 *           non-normal day before it.
 * So more events during an open episode never open a second one, and a level that dips to
 * normal for fewer than quiet_days days continues the same episode.
 *
 * An episode is unverified (belum terverifikasi) when none of its days from first_day to
 * last_day has a verified backing (wday.backed, levels.c); verifying an event, or a verified
 * event joining it, takes the mark away (and rejecting that event may put it back): reported
 * as a "verified" change.
 *
 * When a region is re-evaluated from day d, episodes closed before d cannot change (their close
 * was decided by days before d); the rest are derived again from the start of the first one
 * still open on d, and compared with what was there. Old and new episodes that overlap in time
 * are the same alert (the old id is kept), and the differences become warn_change records.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "warn/warn_internal.h"

void warn__episodes_free(struct wregion *r)
{
    for (size_t i = 0; i < r->neps; i++)
        free((void *)r->eps[i].steps);
    r->neps = 0;
}

static void push_step(const struct warn_state *st, const struct wregion *r, struct warn_episode *ep,
                      int32_t t)
{
    size_t n = ep->nsteps;
    if ((n & (n - 1)) == 0) /* capacity is the next power of two */
        ep->steps = xrealloc((void *)ep->steps, (n ? 2 * n : 1) * sizeof(*ep->steps));
    const struct wday *d = &r->d[t];
    const struct wday *src = d - d->src_off;
    struct warn_step *s = (struct warn_step *)&ep->steps[n];
    memset(s, 0, sizeof(*s)); /* padding too: steps are compared bytewise in tests */
    s->day = st->first_day + t;
    s->source_day = s->day - d->src_off;
    s->level = (enum warn_level)d->level;
    enum warn_method m;
    int w;
    warn__source(d, &m, &w);
    s->method = d->level ? m : WARN_M_NONE;
    s->window = d->level ? w : 0;
    s->p = warn__method_p(src, s->method);
    s->score = warn__method_score(src, s->method);
    ep->nsteps = n + 1;
    ep->level = s->level;
}

static void finish(const struct warn_state *st, const struct wregion *r, struct warn_episode *ep)
{
    ep->max_level = WARN_NORMAL;
    for (size_t i = 0; i < ep->nsteps; i++) {
        if (ep->steps[i].level > ep->max_level) {
            ep->max_level = ep->steps[i].level;
            ep->max_day = ep->steps[i].day;
        }
    }
    int64_t best = -1;
    ep->unverified = true;
    for (int32_t t = ep->first_day - st->first_day; t <= ep->last_day - st->first_day; t++) {
        int64_t v = warn__sum_y(r, t - 6, t);
        if (v > best) {
            best = v;
            ep->peak_day = st->first_day + t;
        }
        if (r->d[t].backed != WARN_NORMAL)
            ep->unverified = false;
    }
}

static int32_t span_end(const struct warn_episode *e)
{
    return e->close_day >= 0 ? e->close_day : INT32_MAX;
}

static void emit(struct warn_state *st, const struct wregion *r, enum warn_change_kind kind,
                 const struct warn_episode *ep, int32_t day, enum warn_level from,
                 const struct warn_step *s)
{
    if (!st->notify || !st->fn)
        return;
    struct warn_change c = {
        .kind = kind,
        .episode_id = ep->id,
        .region = r->code,
        .day = day,
        .from = from,
        .to = s ? s->level : WARN_NORMAL,
        .method = s ? s->method : WARN_M_NONE,
        .score = s ? s->score : 0,
        .unverified = ep->unverified,
    };
    st->fn(st->ud, &c);
}

static void emit_steps(struct warn_state *st, const struct wregion *r, const struct warn_episode *n,
                       size_t from_step, enum warn_level first_from)
{
    for (size_t k = from_step; k < n->nsteps; k++) {
        enum warn_level from = k ? n->steps[k - 1].level : first_from;
        emit(st, r, k ? WARN_LEVEL : WARN_OPENED, n, n->steps[k].day, from, &n->steps[k]);
    }
}

static void emit_diff(struct warn_state *st, const struct wregion *r, const struct warn_episode *o,
                      const struct warn_episode *n)
{
    size_t j = 0;
    while (j < o->nsteps && j < n->nsteps && o->steps[j].day == n->steps[j].day &&
           o->steps[j].level == n->steps[j].level)
        j++;
    /* a closed alert that now closes later (or not yet) was reopened; its first new step is
     * reported as the reopening */
    if (o->close_day >= 0 && (n->close_day < 0 || n->close_day > o->close_day)) {
        size_t k = j < n->nsteps ? j++ : n->nsteps - 1;
        emit(st, r, WARN_REOPENED, n, n->steps[k].day, WARN_NORMAL, &n->steps[k]);
    }
    for (size_t k = j; k < n->nsteps; k++) {
        enum warn_level from = k ? n->steps[k - 1].level : o->steps[0].level;
        emit(st, r, WARN_LEVEL, n, n->steps[k].day, from, &n->steps[k]);
    }
    if (n->unverified != o->unverified) {
        const struct warn_step *last = &n->steps[n->nsteps - 1];
        emit(st, r, WARN_VERIFIED, n, n->last_day, last->level, last);
    }
    if (n->close_day >= 0 && n->close_day != o->close_day)
        emit(st, r, WARN_CLOSED, n, n->close_day, n->steps[n->nsteps - 1].level, NULL);
}

void warn__derive_episodes(struct warn_state *st, int32_t ri, int32_t from)
{
    struct wregion *r = &st->reg[ri];
    const struct warn_params *p = &st->p;
    size_t i = 0;
    while (i < r->neps && r->eps[i].close_day >= 0 && r->eps[i].close_day - st->first_day < from)
        i++;
    int32_t s = from;
    if (i < r->neps && r->eps[i].first_day - st->first_day < s)
        s = r->eps[i].first_day - st->first_day;
    size_t nold = r->neps - i;
    struct warn_episode *old = NULL;
    if (nold) {
        old = xmalloc(nold * sizeof(*old));
        memcpy(old, r->eps + i, nold * sizeof(*old));
    }
    r->neps = i;

    struct warn_episode *ep = NULL;
    long quiet = 0;
    for (int32_t t = s; t < st->ndays; t++) {
        enum warn_level l = (enum warn_level)r->d[t].level;
        if (!ep) {
            if (l == WARN_NORMAL)
                continue;
            if (r->neps == r->capeps) {
                r->capeps = r->capeps ? 2 * r->capeps : 4;
                r->eps = xrealloc(r->eps, r->capeps * sizeof(*r->eps));
            }
            ep = &r->eps[r->neps++];
            memset(ep, 0, sizeof(*ep));
            ep->region = r->code;
            ep->first_day = ep->last_day = st->first_day + t;
            ep->close_day = -1;
            push_step(st, r, ep, t);
            quiet = 0;
            continue;
        }
        if (l != ep->level)
            push_step(st, r, ep, t);
        if (l != WARN_NORMAL) {
            ep->last_day = st->first_day + t;
            quiet = 0;
        } else if (++quiet >= p->quiet_days) {
            ep->close_day = st->first_day + t;
            finish(st, r, ep);
            ep = NULL;
        }
    }
    if (ep)
        finish(st, r, ep);

    /* same alert = overlapping in time; keep the old id and report the differences */
    size_t oi = 0;
    for (size_t j = i; j < r->neps; j++) {
        struct warn_episode *n = &r->eps[j];
        while (oi < nold && span_end(&old[oi]) < n->first_day) {
            emit(st, r, WARN_RETRACTED, &old[oi], old[oi].first_day, old[oi].level, NULL);
            oi++;
        }
        if (oi < nold && old[oi].first_day <= span_end(n)) {
            n->id = old[oi].id;
            emit_diff(st, r, &old[oi], n);
            oi++;
            while (oi < nold && old[oi].first_day <= span_end(n)) {
                emit(st, r, WARN_RETRACTED, &old[oi], old[oi].first_day, old[oi].level, NULL);
                oi++;
            }
        } else {
            n->id = st->next_id++;
            emit_steps(st, r, n, 0, WARN_NORMAL);
            if (n->close_day >= 0)
                emit(st, r, WARN_CLOSED, n, n->close_day, n->steps[n->nsteps - 1].level, NULL);
        }
    }
    for (; oi < nold; oi++)
        emit(st, r, WARN_RETRACTED, &old[oi], old[oi].first_day, old[oi].level, NULL);
    for (size_t k = 0; k < nold; k++)
        free((void *)old[k].steps);
    free(old);
}
