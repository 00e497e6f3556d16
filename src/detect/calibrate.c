/*
 * Confidence calibration: what the confidence of an event means.
 *
 * The logistic output of classify.c ranks articles well but is not a probability one can read
 * (before calibration, 65% of the stored events with a confidence of 0.80-0.95 were real). An
 * isotonic map fitted on labelled articles (`waspada eval --fit-calibration`, see the header
 * of data/detect/calibration.tsv) turns it into one: among events with confidence about c,
 * about c are real.
 *
 * There are two maps, one per decision, because the decision is not the raw probability
 * alone: role.c takes an article off ROLE_EVENT (a followup, a crime, abroad ...) however
 * high its classifier probability, and such an article's chance of being a real event is
 * that of the articles decided non-event with that raw probability, not that of the events.
 * The event/non-event decision itself (classify.c threshold, role.c) is never changed here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect_internal.h"

/* ---- the map --------------------------------------------------------------------------- */

static double clamp01(double x)
{
    if (!(x >= 0)) /* NaN too */
        return 0;
    return x > 1 ? 1 : x;
}

double detect_calibration_apply(const struct detect_calibration_point *pt, size_t n, double x)
{
    x = clamp01(x);
    if (!n)
        return x;
    if (x <= pt[0].raw)
        return pt[0].p;
    if (x >= pt[n - 1].raw)
        return pt[n - 1].p;
    /* the last point with raw <= x: lo */
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (pt[mid].raw <= x)
            lo = mid;
        else
            hi = mid;
    }
    double t = (x - pt[lo].raw) / (pt[hi].raw - pt[lo].raw);
    return clamp01(pt[lo].p + t * (pt[hi].p - pt[lo].p));
}

void calibrate_event(const struct detect_model *m, struct detect_event *ev)
{
    int k = ev->is_conflict_event ? 1 : 0;
    ev->raw_confidence = clamp01(ev->confidence);
    ev->confidence = detect_calibration_apply(m->calib[k], m->ncalib[k], ev->raw_confidence);
}

/* ---- the fit --------------------------------------------------------------------------- */

/* A run of articles (sorted by raw probability) pooled into one calibrated value. */
struct block {
    double n;       /* articles */
    double real;    /* real events among them */
    double sum_raw; /* sum of their raw probabilities */
};

struct sample {
    double raw;
    bool real;
};

static int cmp_sample(const void *a, const void *b)
{
    const struct sample *x = a, *y = b;
    return x->raw < y->raw ? -1 : x->raw > y->raw ? 1 : 0;
}

static double share(const struct block *b)
{
    return b->real / b->n;
}

static double shrunk(const struct block *b, double prior)
{
    return (b->real + prior * (b->sum_raw / b->n)) / (b->n + prior);
}

static double mean_raw(const struct block *b)
{
    return b->sum_raw / b->n;
}

static void merge_into(struct block *bl, size_t *nb, size_t i)
{
    /* block i absorbs block i+1 */
    bl[i].n += bl[i + 1].n;
    bl[i].real += bl[i + 1].real;
    bl[i].sum_raw += bl[i + 1].sum_raw;
    memmove(bl + i + 1, bl + i + 2, (*nb - i - 2) * sizeof(*bl));
    (*nb)--;
}

size_t detect_calibration_fit(const double *raw, const bool *real, size_t n, size_t min_block,
                              double prior, struct detect_calibration_point *out, size_t max)
{
    if (!n || !max)
        return 0;
    struct sample *s = xcalloc(n, sizeof(*s));
    for (size_t i = 0; i < n; i++)
        s[i] = (struct sample){clamp01(raw[i]), real[i]};
    qsort(s, n, sizeof(*s), cmp_sample);

    /* pool adjacent violators: a new block merges with the one before while the share falls
     * (equal raw values start in one block; runs of equal shares stay apart for now, so that
     * the merging below can take just enough of a long all-real run to fill a small block) */
    struct block *bl = xcalloc(n, sizeof(*bl));
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        struct block b = {1, s[i].real ? 1 : 0, s[i].raw};
        if (nb && s[i].raw == s[i - 1].raw) {
            bl[nb - 1].n += b.n;
            bl[nb - 1].real += b.real;
            bl[nb - 1].sum_raw += b.sum_raw;
        } else {
            bl[nb++] = b;
        }
        while (nb > 1 && share(&bl[nb - 2]) > share(&bl[nb - 1]))
            merge_into(bl, &nb, nb - 2);
    }
    free(s);

    /* small blocks: merge the smallest with the neighbour whose share is closer, on a tie the
     * smaller neighbour (pooling two adjacent blocks of a non-decreasing sequence keeps it so) */
    for (;;) {
        size_t small = nb;
        for (size_t i = 0; i < nb; i++)
            if (bl[i].n < (double)min_block && (small == nb || bl[i].n < bl[small].n))
                small = i;
        if (small == nb || nb < 2)
            break;
        size_t left;
        if (small == 0)
            left = 0;
        else if (small == nb - 1)
            left = nb - 2;
        else {
            double dl = share(&bl[small]) - share(&bl[small - 1]);
            double dr = share(&bl[small + 1]) - share(&bl[small]);
            bool go_left = dl < dr || (dl == dr && bl[small - 1].n <= bl[small + 1].n);
            left = go_left ? small - 1 : small;
        }
        merge_into(bl, &nb, left);
    }

    /* shrunk shares must rise (runs of equal shares stay apart when the pull toward the raw
     * probability orders them: all-real blocks at raw 0.6 and 0.9 keep their order), points
     * must stay apart when written with 6 decimals, and at most max */
    for (;;) {
        size_t bad = nb;
        for (size_t i = 0; i + 1 < nb && bad == nb; i++)
            if (share(&bl[i]) > share(&bl[i + 1]) ||
                shrunk(&bl[i], prior) >= shrunk(&bl[i + 1], prior) ||
                mean_raw(&bl[i + 1]) - mean_raw(&bl[i]) < 2e-6)
                bad = i;
        if (bad == nb && nb > max) {
            /* the adjacent pair with the closest shares */
            double best = INFINITY;
            for (size_t i = 0; i + 1 < nb; i++)
                if (shrunk(&bl[i + 1], prior) - shrunk(&bl[i], prior) < best) {
                    best = shrunk(&bl[i + 1], prior) - shrunk(&bl[i], prior);
                    bad = i;
                }
        }
        if (bad == nb)
            break;
        merge_into(bl, &nb, bad);
    }
    for (size_t i = 0; i < nb; i++)
        out[i] = (struct detect_calibration_point){mean_raw(&bl[i]), shrunk(&bl[i], prior)};
    free(bl);
    return nb;
}

/* ---- loading --------------------------------------------------------------------------- */

static int row_point(void *vctx, char **f, size_t nf, size_t line, struct error *err)
{
    struct detect_model *m = vctx;
    WSP_UNUSED(line);
    int k = -1;
    if (nf == 3 && strcmp(f[0], "event") == 0)
        k = 1;
    else if (nf == 3 && strcmp(f[0], "nonevent") == 0)
        k = 0;
    if (k < 0)
        return error_set(err, WSP_EINVAL, "expected event|nonevent, raw, calibrated");
    double v[2];
    for (int i = 0; i < 2; i++) {
        char *end;
        v[i] = strtod(f[1 + i], &end);
        if (end == f[1 + i] || *end || !(v[i] >= 0 && v[i] <= 1))
            return error_set(err, WSP_EINVAL, "'%s' is not a probability", f[1 + i]);
    }
    size_t n = m->ncalib[k];
    if (n == CALIB_MAX)
        return error_set(err, WSP_EINVAL, "more than %d points", CALIB_MAX);
    if (n && v[0] <= m->calib[k][n - 1].raw)
        return error_set(err, WSP_EINVAL, "raw probabilities must increase");
    if (n && v[1] < m->calib[k][n - 1].p)
        return error_set(err, WSP_EINVAL, "calibrated probabilities must not decrease");
    m->calib[k][n] = (struct detect_calibration_point){v[0], v[1]};
    m->ncalib[k] = n + 1;
    return 0;
}

int calibrate_load(struct detect_model *m, struct error *err)
{
    struct error e2 = {0};
    m->ncalib[0] = m->ncalib[1] = 0;
    int rc = detect_read_tsv("detect/calibration.tsv", row_point, m, &e2);
    if (rc == WSP_ENOTFOUND) {
        m->ncalib[0] = m->ncalib[1] = 0;
        return 0;
    }
    if (rc) {
        m->ncalib[0] = m->ncalib[1] = 0;
        if (err)
            *err = e2;
    }
    return rc;
}
