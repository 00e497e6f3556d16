/*
 * Throttling rules: failed-login counters with growing waits, the per-user slow path, and
 * token buckets for write rates. Pure: every function works on the values it is given (no
 * clock, no table, no lock), so the rules are tested on values and the state can live
 * anywhere (ratelimit.c keeps it in memory).
 */
#include "auth/auth.h"

void auth_login_policy_init(struct auth_login_policy *p, unsigned max_failures, unsigned window_s)
{
    if (max_failures < 1)
        max_failures = 1;
    if (window_s < 1)
        window_s = 1;
    p->free_pair = max_failures;
    p->free_address = max_failures * AUTH_LOGIN_ADDRESS_FACTOR;
    p->free_user = max_failures * AUTH_LOGIN_USER_FACTOR;
    p->window_ms = (int64_t)window_s * 1000;
    p->delay_base_ms = 1000;
    p->delay_max_ms = p->window_ms;
    p->slow_max_ms = (int64_t)AUTH_LOGIN_SLOW_MAX_S * 1000;
    p->known_ms = (int64_t)AUTH_LOGIN_KNOWN_S * 1000;
}

/* base * 2^k, capped (without overflowing for large k). */
static int64_t doubled(int64_t base, uint32_t k, int64_t cap)
{
    int64_t d = base > 0 ? base : 1;
    for (uint32_t i = 0; i < k && d < cap; i++)
        d *= 2;
    return d < cap ? d : cap;
}

/* Forget the failures of a counter that has been quiet for the window. */
static void fails_expire(const struct auth_login_policy *p, struct auth_fails *f, int64_t now_ms)
{
    if (f->n && now_ms - f->last_ms >= p->window_ms)
        f->n = 0;
}

/* Wait imposed by a counter with `free` free failures: none below it; from the free-th
 * failure on, delay_base doubled per further failure, counted from the last failure. */
static int64_t fails_wait(const struct auth_login_policy *p, const struct auth_fails *f,
                          unsigned free, int64_t now_ms)
{
    if (f->n < free || f->n == 0)
        return 0;
    int64_t until = f->last_ms + doubled(p->delay_base_ms, f->n - free, p->delay_max_ms);
    return until > now_ms ? until - now_ms : 0;
}

static void fails_add(struct auth_fails *f, int64_t now_ms)
{
    if (f->n < UINT32_MAX)
        f->n++;
    f->last_ms = now_ms;
}

static bool pair_known(const struct auth_login_policy *p, const struct auth_login_pair *pair,
                       int64_t now_ms)
{
    return pair->good_ms > 0 && now_ms - pair->good_ms < p->known_ms;
}

int64_t auth_login_admit(const struct auth_login_policy *p, struct auth_login_pair *pair,
                         struct auth_fails *address, struct auth_login_user *user, int64_t now_ms)
{
    fails_expire(p, &pair->fails, now_ms);
    fails_expire(p, address, now_ms);
    fails_expire(p, &user->fails, now_ms);
    int64_t wait = fails_wait(p, &pair->fails, p->free_pair, now_ms);
    int64_t w = fails_wait(p, address, p->free_address, now_ms);
    if (w > wait)
        wait = w;
    if (wait)
        return wait;
    if (user->fails.n < p->free_user || pair_known(p, pair, now_ms))
        return 0;
    /* Slow path: one shared slot per user, taken by the attempt admitted now. */
    if (user->slot_ms > now_ms)
        return user->slot_ms - now_ms;
    user->slot_ms = now_ms + doubled(1000, user->fails.n - p->free_user, p->slow_max_ms);
    return 0;
}

void auth_login_record(const struct auth_login_policy *p, struct auth_login_pair *pair,
                       struct auth_fails *address, struct auth_login_user *user, bool ok,
                       int64_t now_ms)
{
    if (ok) {
        pair->fails.n = 0;
        pair->good_ms = now_ms;
        return;
    }
    fails_expire(p, &pair->fails, now_ms);
    fails_expire(p, address, now_ms);
    fails_expire(p, &user->fails, now_ms);
    fails_add(&pair->fails, now_ms);
    fails_add(address, now_ms);
    fails_add(&user->fails, now_ms);
}

/* ---- token buckets ------------------------------------------------------------------------ */

/* Debt after paying back n units per millisecond since the last update. */
static int64_t bucket_debt(const struct auth_bucket *b, struct auth_rate r, int64_t now_ms)
{
    int64_t elapsed = now_ms > b->t_ms ? now_ms - b->t_ms : 0;
    int64_t paid = elapsed > b->debt / r.n + 1 ? b->debt : elapsed * (int64_t)r.n;
    return b->debt > paid ? b->debt - paid : 0;
}

int64_t auth_bucket_wait(const struct auth_bucket *b, struct auth_rate r, int64_t now_ms)
{
    if (r.n == 0 || r.period_s == 0)
        return 0;
    int64_t cost = (int64_t)r.period_s * 1000;
    int64_t cap = cost * (int64_t)r.n;
    int64_t over = bucket_debt(b, r, now_ms) + cost - cap;
    return over > 0 ? (over + r.n - 1) / r.n : 0;
}

void auth_bucket_take(struct auth_bucket *b, struct auth_rate r, int64_t now_ms)
{
    if (r.n == 0 || r.period_s == 0)
        return;
    b->debt = bucket_debt(b, r, now_ms) + (int64_t)r.period_s * 1000;
    b->t_ms = now_ms;
}

unsigned auth_wait_seconds(int64_t wait_ms)
{
    if (wait_ms <= 1000)
        return 1;
    const int64_t max_s = (int64_t)86400 * 366; /* a year: no wait here is ever that long */
    int64_t s = (wait_ms + 999) / 1000;
    return (unsigned)(s > max_s ? max_s : s);
}
