/*
 * Throttle state in memory: two bounded tables of small values keyed by strings, one for the
 * login counters ("p" user address, "a" address, "u" user) and one for the write buckets, so
 * that busy writers cannot push failed-login counters out. The rules are in throttle.c; this
 * file only finds, creates and evicts states under a lock. Lookup is a chained hash; when a
 * table is full the key touched longest ago is dropped (a linear scan, only then).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"

#define RL_KEY_MAX 160
#define RL_NONE UINT32_MAX
#define RL_KEYS_MAX 4      /* keys looked up together */
#define RL_USERNAME_MAX 64 /* longer names are cut: they are not valid usernames anyway */

struct rl_entry {
    char key[RL_KEY_MAX];
    int64_t touched; /* last use, for eviction */
    uint32_t next;   /* next entry in the same hash chain */
    union {
        struct auth_login_pair pair;
        struct auth_fails address;
        struct auth_login_user user;
        struct auth_bucket bucket;
    } v;
};

struct rl_table {
    struct rl_entry *entries;
    uint32_t *heads; /* nheads chain heads */
    size_t nheads, used, capacity;
};

struct auth_ratelimit {
    pthread_mutex_t lock;
    struct auth_login_policy policy;
    struct rl_table login, write;
};

static void table_init(struct rl_table *t, size_t capacity)
{
    t->capacity = capacity;
    t->nheads = capacity * 2;
    t->used = 0;
    t->entries = xcalloc(capacity, sizeof(*t->entries));
    t->heads = xmalloc(t->nheads * sizeof(*t->heads));
    for (size_t i = 0; i < t->nheads; i++)
        t->heads[i] = RL_NONE;
}

static uint32_t *chain_of(struct rl_table *t, const char *key)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return &t->heads[h % t->nheads];
}

/* Unlink entry i from its chain. */
static void chain_unlink(struct rl_table *t, uint32_t i)
{
    uint32_t *link = chain_of(t, t->entries[i].key);
    while (*link != i)
        link = &t->entries[*link].next;
    *link = t->entries[i].next;
}

/* Drop entry i: the last entry moves into its place. */
static void table_drop(struct rl_table *t, uint32_t i)
{
    chain_unlink(t, i);
    uint32_t last = (uint32_t)(t->used - 1);
    if (i != last) {
        chain_unlink(t, last);
        t->entries[i] = t->entries[last];
        uint32_t *head = chain_of(t, t->entries[i].key);
        t->entries[i].next = *head;
        *head = i;
    }
    t->used--;
}

static struct rl_entry *table_find(struct rl_table *t, const char *key)
{
    for (uint32_t i = *chain_of(t, key); i != RL_NONE; i = t->entries[i].next)
        if (strcmp(t->entries[i].key, key) == 0)
            return &t->entries[i];
    return NULL;
}

static bool key_in(const char *key, const char *const keys[], size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key, keys[i]) == 0)
            return true;
    return false;
}

/* The states of n distinct keys (n <= RL_KEYS_MAX <= capacity), new ones zeroed, all marked
 * as used at now_ms. Room is made first (evicting the least recently used other keys), so no
 * entry moves once out[] is filled: the pointers stay valid until the lock is released. */
static void table_get(struct rl_table *t, const char *const keys[], size_t n, int64_t now_ms,
                      struct rl_entry *out[])
{
    size_t missing = 0;
    for (size_t i = 0; i < n; i++)
        missing += table_find(t, keys[i]) == NULL;
    while (t->used + missing > t->capacity) {
        uint32_t oldest = RL_NONE;
        for (uint32_t i = 0; i < t->used; i++)
            if (!key_in(t->entries[i].key, keys, n) &&
                (oldest == RL_NONE || t->entries[i].touched < t->entries[oldest].touched))
                oldest = i;
        table_drop(t, oldest); /* found: capacity >= RL_KEYS_MAX >= n */
    }
    for (size_t i = 0; i < n; i++) {
        struct rl_entry *e = table_find(t, keys[i]);
        if (!e) {
            uint32_t *head = chain_of(t, keys[i]);
            uint32_t at = (uint32_t)t->used++;
            e = &t->entries[at];
            memset(e, 0, sizeof(*e));
            str_copy(e->key, keys[i], sizeof(e->key));
            e->next = *head;
            *head = at;
        }
        e->touched = now_ms;
        out[i] = e;
    }
}

struct auth_ratelimit *auth_ratelimit_new(unsigned max_failures, unsigned window_s, size_t capacity)
{
    if (capacity == 0 || capacity > UINT32_MAX / 4)
        return NULL;
    if (capacity < RL_KEYS_MAX)
        capacity = RL_KEYS_MAX;
    struct auth_ratelimit *rl = xcalloc(1, sizeof(*rl));
    pthread_mutex_init(&rl->lock, NULL);
    auth_login_policy_init(&rl->policy, max_failures, window_s);
    table_init(&rl->login, capacity);
    table_init(&rl->write, capacity);
    return rl;
}

void auth_ratelimit_free(struct auth_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl->login.entries);
    free(rl->login.heads);
    free(rl->write.entries);
    free(rl->write.heads);
    free(rl);
}

/* The three login keys. A unit separator keeps "user"+"address" pairs unambiguous. */
struct login_keys {
    char pair[RL_KEY_MAX], address[RL_KEY_MAX], user[RL_KEY_MAX];
};

static void login_keys(struct login_keys *k, const char *username, const char *address)
{
    char name[RL_USERNAME_MAX + 1];
    size_t n = 0;
    for (; n < RL_USERNAME_MAX && username[n]; n++)
        name[n] = (char)tolower((unsigned char)username[n]);
    name[n] = '\0';
    snprintf(k->pair, sizeof(k->pair), "p%s\x1f%.64s", name, address);
    snprintf(k->address, sizeof(k->address), "a%.64s", address);
    snprintf(k->user, sizeof(k->user), "u%s", name);
}

static void login_states(struct auth_ratelimit *rl, const struct login_keys *k, int64_t now_ms,
                         struct rl_entry *out[3])
{
    const char *const keys[] = {k->pair, k->address, k->user};
    table_get(&rl->login, keys, 3, now_ms, out);
}

int64_t auth_ratelimit_login_admit(struct auth_ratelimit *rl, const char *username,
                                   const char *address, int64_t now_ms)
{
    struct login_keys k = {0};
    login_keys(&k, username, address);
    pthread_mutex_lock(&rl->lock);
    struct rl_entry *e[3];
    login_states(rl, &k, now_ms, e);
    int64_t wait =
        auth_login_admit(&rl->policy, &e[0]->v.pair, &e[1]->v.address, &e[2]->v.user, now_ms);
    pthread_mutex_unlock(&rl->lock);
    return wait;
}

void auth_ratelimit_login_record(struct auth_ratelimit *rl, const char *username,
                                 const char *address, bool ok, int64_t now_ms)
{
    struct login_keys k = {0};
    login_keys(&k, username, address);
    pthread_mutex_lock(&rl->lock);
    struct rl_entry *e[3];
    login_states(rl, &k, now_ms, e);
    auth_login_record(&rl->policy, &e[0]->v.pair, &e[1]->v.address, &e[2]->v.user, ok, now_ms);
    pthread_mutex_unlock(&rl->lock);
}

int64_t auth_ratelimit_write(struct auth_ratelimit *rl, const struct auth_write_limits *lim,
                             int64_t user_id, const char *address, bool report, int64_t now_ms)
{
    char keys[RL_KEYS_MAX][RL_KEY_MAX];
    struct auth_rate rates[RL_KEYS_MAX];
    size_t n = 0;
    if (user_id > 0) {
        snprintf(keys[n], RL_KEY_MAX, "wu%lld", (long long)user_id);
        rates[n++] = lim->user;
    }
    snprintf(keys[n], RL_KEY_MAX, "wa%.64s", address);
    rates[n++] = lim->address;
    if (report && user_id > 0) {
        snprintf(keys[n], RL_KEY_MAX, "ru%lld", (long long)user_id);
        rates[n++] = lim->report_user;
    }
    if (report) {
        snprintf(keys[n], RL_KEY_MAX, "ra%.64s", address);
        rates[n++] = lim->report_address;
    }
    /* Unlimited buckets need no state. */
    const char *used[RL_KEYS_MAX];
    struct auth_rate used_rates[RL_KEYS_MAX];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (rates[i].n && rates[i].period_s) {
            used[m] = keys[i];
            used_rates[m++] = rates[i];
        }
    }
    if (m == 0)
        return 0;

    int64_t wait = 0;
    struct rl_entry *e[RL_KEYS_MAX];
    pthread_mutex_lock(&rl->lock);
    table_get(&rl->write, used, m, now_ms, e);
    /* Every bucket must have room: a refused request takes from none. */
    for (size_t i = 0; i < m; i++) {
        int64_t w = auth_bucket_wait(&e[i]->v.bucket, used_rates[i], now_ms);
        if (w > wait)
            wait = w;
    }
    if (wait == 0)
        for (size_t i = 0; i < m; i++)
            auth_bucket_take(&e[i]->v.bucket, used_rates[i], now_ms);
    pthread_mutex_unlock(&rl->lock);
    return wait;
}
