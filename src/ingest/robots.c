/* Politeness rules of a site, pure: robots.txt (RFC 9309) and Retry-After (RFC 9110). Used by
 * the fetch pool (fetch.c); tested on values in tests/unit/test_robots.c. */
#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "ingest/ingest.h"

#define ROBOTS_RULES_MAX 4096 /* rules kept for one agent; more are ignored */

struct rule_list {
    struct ingest_robots_rule *v;
    size_t n, cap;
    long delay_ms;
    bool seen; /* some group named this agent */
};

static void rule_add(struct rule_list *l, bool allow, const char *p, size_t n)
{
    if (l->n >= ROBOTS_RULES_MAX)
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    /* A NUL byte in the file ends the value (the pattern is a C string). */
    char *pattern = xstrndup(p, n);
    l->v[l->n++] = (struct ingest_robots_rule){allow, pattern, strlen(pattern)};
}

static void rules_free(struct rule_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].pattern);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* The product token at the start of a User-agent value ("Waspada/1.0 (+url)" -> "Waspada"). */
static size_t token_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (isalpha((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
        i++;
    return i;
}

/* Crawl-delay: seconds, possibly with a fraction ("0.5"); -1 when not a number. */
static long parse_delay_ms(const char *s, size_t n)
{
    long ms = 0;
    size_t i = 0;
    if (n == 0 || !isdigit((unsigned char)s[0]))
        return -1;
    for (; i < n && isdigit((unsigned char)s[i]); i++)
        if (ms < 86400L * 1000)
            ms = ms * 10 + (long)(s[i] - '0') * 1000;
    if (i < n && s[i] == '.') {
        long scale = 100;
        for (i++; i < n && isdigit((unsigned char)s[i]); i++, scale /= 10)
            ms += (s[i] - '0') * scale;
    }
    return i == n ? ms : -1;
}

void ingest_robots_parse(const char *txt, size_t len, const char *agent, struct ingest_robots *out)
{
    memset(out, 0, sizeof(*out));
    out->crawl_delay_ms = -1;
    struct rule_list mine = {.delay_ms = -1}, star = {.delay_ms = -1};
    bool for_mine = false, for_star = false, in_agents = false;
    size_t alen = token_len(agent, strlen(agent));
    const char *p = txt, *end = txt + len;
    /* A UTF-8 byte order mark may open the file. */
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *eol = p;
        while (eol < end && *eol != '\n' && *eol != '\r')
            eol++;
        const char *line = p, *lend = eol;
        p = eol < end ? eol + 1 : end;
        const char *hash = memchr(line, '#', (size_t)(lend - line));
        if (hash)
            lend = hash;
        const char *colon = memchr(line, ':', (size_t)(lend - line));
        if (!colon)
            continue;
        const char *k = line, *kend = colon, *v = colon + 1, *vend = lend;
        while (k < kend && isspace((unsigned char)*k))
            k++;
        while (kend > k && isspace((unsigned char)kend[-1]))
            kend--;
        while (v < vend && isspace((unsigned char)*v))
            v++;
        while (vend > v && isspace((unsigned char)vend[-1]))
            vend--;
        size_t kn = (size_t)(kend - k), vn = (size_t)(vend - v);
        if (kn == 10 && strncasecmp(k, "user-agent", 10) == 0) {
            if (!in_agents) /* the first line of a new group */
                for_mine = for_star = false;
            in_agents = true;
            size_t tn = token_len(v, vn);
            if (vn == 1 && v[0] == '*') {
                for_star = star.seen = true;
            } else if (tn > 0 && tn == alen && strncasecmp(v, agent, tn) == 0) {
                for_mine = mine.seen = true;
            }
            continue;
        }
        bool allow = kn == 5 && strncasecmp(k, "allow", 5) == 0;
        bool disallow = kn == 8 && strncasecmp(k, "disallow", 8) == 0;
        bool delay = kn == 11 && strncasecmp(k, "crawl-delay", 11) == 0;
        if (!allow && !disallow && !delay)
            continue; /* sitemap and unknown lines neither open nor close a group */
        in_agents = false;
        if (delay) {
            long ms = parse_delay_ms(v, vn);
            if (ms >= 0 && for_mine)
                mine.delay_ms = ms;
            if (ms >= 0 && for_star)
                star.delay_ms = ms;
            continue;
        }
        if (vn == 0)
            continue; /* "Disallow:" with no path allows everything: no rule */
        if (for_mine)
            rule_add(&mine, allow, v, vn);
        if (for_star)
            rule_add(&star, allow, v, vn);
    }
    /* Our own groups when any names us, else those of "*", else no rule at all. */
    struct rule_list *use = mine.seen ? &mine : &star;
    struct rule_list *drop = mine.seen ? &star : &mine;
    out->rules = use->v;
    out->nrules = use->n;
    out->crawl_delay_ms = use->delay_ms;
    use->v = NULL;
    use->n = 0;
    rules_free(use);
    rules_free(drop);
}

void ingest_robots_release(struct ingest_robots *r)
{
    for (size_t i = 0; i < r->nrules; i++)
        free(r->rules[i].pattern);
    free(r->rules);
    memset(r, 0, sizeof(*r));
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The next octet of a path or pattern, with %XX decoded (so "%7E" and "~" are the same
 * octet, and "%2f" matches "%2F"); *enc tells whether it was encoded. */
static unsigned char next_octet(const char *s, size_t n, size_t *i, bool *enc)
{
    if (s[*i] == '%' && *i + 2 < n && hexval(s[*i + 1]) >= 0 && hexval(s[*i + 2]) >= 0) {
        unsigned char c = (unsigned char)(hexval(s[*i + 1]) * 16 + hexval(s[*i + 2]));
        *i += 3;
        *enc = true;
        return c;
    }
    *enc = false;
    return (unsigned char)s[(*i)++];
}

/* Does pattern p (with '*' for any run of octets and a final '$' for the end) match a prefix
 * of path s (or all of it, with '$')? Iterative, with one backtrack point (the last '*'):
 * O(|p| * |s|) at worst, never exponential. A '/' given encoded ("%2F") is a different
 * octet from a path separator, as RFC 3986 says; other escapes compare decoded. */
static bool pattern_matches(const char *p, size_t pn, const char *s, size_t sn)
{
    bool anchored = pn > 0 && p[pn - 1] == '$';
    if (anchored)
        pn--;
    size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
    for (;;) {
        if (pi == pn) {
            if (!anchored || si == sn)
                return true;
        } else if (p[pi] == '*') {
            while (pi < pn && p[pi] == '*')
                pi++;
            star_p = pi;
            star_s = si;
            continue;
        } else if (si < sn) {
            size_t pj = pi, sj = si;
            bool pe, se;
            unsigned char pc = next_octet(p, pn, &pj, &pe);
            unsigned char sc = next_octet(s, sn, &sj, &se);
            bool same = pc == sc && !((pc == '/') && pe != se);
            if (same) {
                pi = pj;
                si = sj;
                continue;
            }
        }
        /* Mismatch (or the pattern ended before an anchored end): widen the last '*'. */
        if (star_p == (size_t)-1 || star_s >= sn)
            return false;
        bool e;
        size_t k = star_s;
        next_octet(s, sn, &k, &e);
        star_s = k;
        pi = star_p;
        si = star_s;
    }
}

/* The length that ranks a rule: octets of the pattern, an escape counting as one. */
static size_t rule_rank(const struct ingest_robots_rule *r)
{
    size_t n = 0, i = 0;
    bool e;
    while (i < r->len) {
        next_octet(r->pattern, r->len, &i, &e);
        n++;
    }
    return n;
}

bool ingest_robots_allows(const struct ingest_robots *r, const char *path)
{
    if (!path || !*path)
        path = "/";
    size_t n = strlen(path);
    if (str_eq(path, "/robots.txt"))
        return true;
    bool allow = true;
    long best = -1;
    for (size_t i = 0; i < r->nrules; i++) {
        const struct ingest_robots_rule *rule = &r->rules[i];
        if (!pattern_matches(rule->pattern, rule->len, path, n))
            continue;
        long rank = (long)rule_rank(rule);
        /* The longest match wins; between equally long ones, Allow (the least restrictive). */
        if (rank > best || (rank == best && rule->allow && !allow)) {
            best = rank;
            allow = rule->allow;
        }
    }
    return allow;
}

long ingest_retry_after_s(const char *value, int64_t now)
{
    if (!value)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    if (isdigit((unsigned char)*value)) {
        long v;
        size_t n = strspn(value, "0123456789");
        char digits[16];
        if (n >= sizeof(digits))
            return 86400L * 365; /* absurdly far: the caller's bound applies */
        memcpy(digits, value, n);
        digits[n] = '\0';
        const char *rest = value + n;
        while (*rest == ' ' || *rest == '\t')
            rest++;
        if (*rest || str_to_long(digits, 0, 86400L * 365, &v) != 0)
            return -1;
        return v;
    }
    time_t t = curl_getdate(value, NULL);
    if (t == (time_t)-1)
        return -1;
    int64_t d = (int64_t)t - now;
    return d < 0 ? 0 : d > 86400L * 365 ? 86400L * 365 : (long)d;
}
