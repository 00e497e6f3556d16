/*
 * libFuzzer target for the politeness parsers of ingest (robots.c): robots.txt as any site may
 * serve it (ingest_robots_parse, ingest_robots_allows) and Retry-After values
 * (ingest_retry_after_s). The input's first line is a URL path, the rest a robots.txt.
 *
 * Invariants: never crash or read out of bounds; /robots.txt is always allowed; a Crawl-delay
 * is -1 or not negative; a rule always matches the path it spells (a Disallow of the path,
 * stripped of what robots.txt syntax would read otherwise, disallows it), and an Allow of the
 * same length beside it allows it again; a Retry-After is -1 or 0..one year.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PATH_MAX_BYTES 2048 /* ingest asks about URL paths, never about megabytes */

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static bool allows(const char *txt, const char *path)
{
    struct ingest_robots r;
    ingest_robots_parse(txt, strlen(txt), "waspada", &r);
    bool ok = ingest_robots_allows(&r, path);
    ingest_robots_release(&r);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - (const char *)data) : size;
    if (plen > PATH_MAX_BYTES)
        plen = PATH_MAX_BYTES;
    char *path = xstrndup((const char *)data, plen);
    plen = strlen(path); /* up to a NUL, as a C string */
    /* an exact-size heap copy of the file so ASan sees any read past the end */
    size_t off = nl ? (size_t)(nl - (const char *)data) + 1 : size;
    size_t tlen = size - off;
    char *txt = malloc(tlen ? tlen : 1);
    memcpy(txt, data + off, tlen);

    struct ingest_robots r;
    ingest_robots_parse(txt, tlen, "waspada", &r);
    CHECK(r.crawl_delay_ms >= -1);
    CHECK(ingest_robots_allows(&r, "/robots.txt"));
    (void)ingest_robots_allows(&r, path);
    (void)ingest_robots_allows(&r, "/");
    ingest_robots_release(&r);

    /* The path as a pattern: without what robots.txt would read as syntax ('*', '$', a
     * comment, the end of a line, white space at either end). */
    char *pat = xcalloc(1, plen + 1);
    size_t k = 0;
    for (size_t i = 0; i < plen; i++) {
        char c = path[i];
        if (c == '*' || c == '$' || c == '#' || isspace((unsigned char)c))
            continue;
        pat[k++] = c;
    }
    pat[k] = '\0';
    if (k > 0 && !str_eq(pat, "/robots.txt")) {
        char *one = xasprintf("User-agent: waspada\nDisallow: %s\n", pat);
        CHECK(!allows(one, pat));
        char *tie = xasprintf("User-agent: *\nDisallow: %s\nAllow: %s\n", pat, pat);
        CHECK(allows(tie, pat));
        free(one);
        free(tie);
    }
    free(pat);

    char *s = xstrndup((const char *)data, size);
    long ra = ingest_retry_after_s(s, 784111777);
    CHECK(ra >= -1 && ra <= 86400L * 365);
    free(s);
    free(txt);
    free(path);
    return 0;
}
