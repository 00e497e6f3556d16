/*
 * Login rate limiting: a sliding window of failure times per key, in a bounded table.
 * Lookup is a linear scan: the table is small (a few thousand keys), logins are rare next to
 * other requests, and each login already costs an argon2id verification (~100 ms).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"

#define RL_KEY_MAX 96
#define RL_FAIL_MAX 64

struct rl_entry {
    char key[RL_KEY_MAX];
    int64_t fails[RL_FAIL_MAX]; /* ring of the last failure times */
    unsigned count;             /* valid entries in fails, <= max_failures */
    unsigned head;              /* index of the oldest failure */
    int64_t last;               /* last update, for eviction */
};

struct auth_ratelimit {
    pthread_mutex_t lock;
    unsigned max_failures;
    unsigned window_s;
    size_t capacity;
    size_t used;
    struct rl_entry *entries;
};

struct auth_ratelimit *auth_ratelimit_new(unsigned max_failures, unsigned window_s, size_t capacity)
{
    struct auth_ratelimit *rl = xcalloc(1, sizeof(*rl));
    pthread_mutex_init(&rl->lock, NULL);
    if (max_failures < 1)
        max_failures = 1;
    if (max_failures > RL_FAIL_MAX)
        max_failures = RL_FAIL_MAX;
    rl->max_failures = max_failures;
    rl->window_s = window_s ? window_s : 1;
    rl->capacity = capacity ? capacity : 1;
    rl->entries = xcalloc(rl->capacity, sizeof(*rl->entries));
    return rl;
}

void auth_ratelimit_free(struct auth_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl->entries);
    free(rl);
}

static struct rl_entry *rl_find(struct auth_ratelimit *rl, const char *key)
{
    for (size_t i = 0; i < rl->used; i++)
        if (strcmp(rl->entries[i].key, key) == 0)
            return &rl->entries[i];
    return NULL;
}

/* Drop failures that left the window. */
static void rl_expire(struct auth_ratelimit *rl, struct rl_entry *e, int64_t now)
{
    while (e->count && e->fails[e->head] + rl->window_s <= now) {
        e->head = (e->head + 1) % rl->max_failures;
        e->count--;
    }
}

unsigned auth_ratelimit_check(struct auth_ratelimit *rl, const char *key, int64_t now)
{
    unsigned wait = 0;
    pthread_mutex_lock(&rl->lock);
    struct rl_entry *e = rl_find(rl, key);
    if (e) {
        rl_expire(rl, e, now);
        if (e->count >= rl->max_failures)
            wait = (unsigned)(e->fails[e->head] + rl->window_s - now);
    }
    pthread_mutex_unlock(&rl->lock);
    return wait;
}

void auth_ratelimit_fail(struct auth_ratelimit *rl, const char *key, int64_t now)
{
    pthread_mutex_lock(&rl->lock);
    struct rl_entry *e = rl_find(rl, key);
    if (!e) {
        if (rl->used < rl->capacity) {
            e = &rl->entries[rl->used++];
        } else {
            e = &rl->entries[0];
            for (size_t i = 1; i < rl->used; i++)
                if (rl->entries[i].last < e->last)
                    e = &rl->entries[i];
        }
        memset(e, 0, sizeof(*e));
        str_copy(e->key, key, sizeof(e->key));
    }
    rl_expire(rl, e, now);
    if (e->count == rl->max_failures) { /* full: overwrite the oldest */
        /* max_failures >= 1 (auth_ratelimit_new); the analyzer does not know it. */
        e->head = (e->head + 1) % rl->max_failures; // NOLINT(clang-analyzer-core.DivideZero)
        e->count--;
    }
    e->fails[(e->head + e->count) % rl->max_failures] = now;
    e->count++;
    e->last = now;
    pthread_mutex_unlock(&rl->lock);
}

void auth_ratelimit_clear(struct auth_ratelimit *rl, const char *key)
{
    pthread_mutex_lock(&rl->lock);
    struct rl_entry *e = rl_find(rl, key);
    if (e) {
        *e = rl->entries[--rl->used];
    }
    pthread_mutex_unlock(&rl->lock);
}
