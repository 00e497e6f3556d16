/* Politeness on values: robots.txt groups and rules for the agent "waspada" (RFC 9309:
 * groups, the longest match, Allow on a tie, wildcards, escapes, Crawl-delay) and Retry-After
 * (seconds or an HTTP date). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "ingest/ingest.h"

/* Whether robots.txt text allows path for waspada. */
static bool allows(const char *txt, const char *path)
{
    struct ingest_robots r;
    ingest_robots_parse(txt, strlen(txt), "waspada", &r);
    bool ok = ingest_robots_allows(&r, path);
    ingest_robots_release(&r);
    return ok;
}

static long delay_ms(const char *txt)
{
    struct ingest_robots r;
    ingest_robots_parse(txt, strlen(txt), "waspada", &r);
    long d = r.crawl_delay_ms;
    ingest_robots_release(&r);
    return d;
}

static void test_empty_allows_all(void **state)
{
    WSP_UNUSED(state);
    assert_true(allows("", "/"));
    assert_true(allows("", "/berita/2021/bentrok.html"));
    assert_true(allows("# nothing here\n\n", "/x"));
    assert_true(allows("User-agent: *\nDisallow:\n", "/anything"));
    /* Rules before any User-agent belong to no group. */
    assert_true(allows("Disallow: /\nUser-agent: *\nDisallow: /private\n", "/public"));
}

static void test_star_group(void **state)
{
    WSP_UNUSED(state);
    const char *t = "User-agent: *\nDisallow: /private\nDisallow: /tmp/\n";
    assert_false(allows(t, "/private"));
    assert_false(allows(t, "/private/a.html"));
    assert_false(allows(t, "/privateer")); /* a prefix, as the RFC says */
    assert_false(allows(t, "/tmp/x"));
    assert_true(allows(t, "/tmp"));
    assert_true(allows(t, "/berita/1"));
    assert_true(allows(t, "/"));
}

static void test_own_group_wins(void **state)
{
    WSP_UNUSED(state);
    /* A group naming waspada replaces the "*" groups entirely. */
    const char *t = "User-agent: *\nDisallow: /\n\nUser-agent: Waspada\nDisallow: /admin\n";
    assert_true(allows(t, "/berita/1"));
    assert_false(allows(t, "/admin/x"));
    /* The product token, case-insensitive, with a version and comment after it. */
    assert_false(allows("User-agent: WASPADA/0.1 (+https://x)\nDisallow: /a\n", "/a"));
    /* Another crawler's group does not apply; "waspadabot" is not "waspada". */
    assert_true(allows("User-agent: googlebot\nDisallow: /\n", "/a"));
    assert_true(allows("User-agent: waspadabot\nDisallow: /\n", "/a"));
    /* Several agents on one group. */
    const char *multi = "User-agent: foo\nUser-agent: waspada\nDisallow: /x\n\n"
                        "User-agent: *\nDisallow: /\n";
    assert_false(allows(multi, "/x/1"));
    assert_true(allows(multi, "/y"));
    /* Two groups for waspada are one. */
    const char *two = "User-agent: waspada\nDisallow: /a\n\nUser-agent: other\nDisallow: /b\n\n"
                      "User-agent: waspada\nDisallow: /c\n";
    assert_false(allows(two, "/a"));
    assert_true(allows(two, "/b"));
    assert_false(allows(two, "/c"));
    /* A group of our own with no rules: everything allowed, whatever "*" says. */
    assert_true(allows("User-agent: *\nDisallow: /\nUser-agent: waspada\nAllow:\n", "/z"));
    /* A rule line ends the list of agents: the next User-agent opens a new group. */
    const char *seq = "User-agent: waspada\nDisallow: /a\nUser-agent: other\nDisallow: /b\n";
    assert_true(allows(seq, "/b"));
}

static void test_longest_match(void **state)
{
    WSP_UNUSED(state);
    const char *t = "User-agent: *\nDisallow: /berita\nAllow: /berita/daerah\n";
    assert_true(allows(t, "/berita/daerah/garut.html"));
    assert_false(allows(t, "/berita/nasional/1.html"));
    const char *u = "User-agent: *\nAllow: /berita\nDisallow: /berita/arsip\n";
    assert_false(allows(u, "/berita/arsip/2019"));
    assert_true(allows(u, "/berita/2021"));
    /* Equally long: Allow, the least restrictive. */
    assert_true(allows("User-agent: *\nDisallow: /p\nAllow: /p\n", "/p/1"));
    assert_true(allows("User-agent: *\nAllow: /p\nDisallow: /p\n", "/p/1"));
    /* Allow: / beside Disallow: / */
    assert_false(allows("User-agent: *\nDisallow: /\nAllow: /$\n", "/page"));
    assert_true(allows("User-agent: *\nDisallow: /\nAllow: /$\n", "/"));
}

static void test_wildcards(void **state)
{
    WSP_UNUSED(state);
    const char *t = "User-agent: *\nDisallow: /*.pdf$\nDisallow: /cari*q=\n";
    assert_false(allows(t, "/dok/laporan.pdf"));
    assert_true(allows(t, "/dok/laporan.pdf?v=2"));
    assert_true(allows(t, "/dok/laporan.pdfx"));
    assert_false(allows(t, "/cari?q=bentrok"));
    assert_false(allows(t, "/cari/lanjut?page=2&q=x"));
    assert_true(allows(t, "/cari?page=2"));
    /* Queries are part of the path matched. */
    assert_false(allows("User-agent: *\nDisallow: /*?sessionid=\n", "/a?sessionid=1"));
    assert_true(allows("User-agent: *\nDisallow: /*?sessionid=\n", "/a?x=1"));
    /* "*" only, and "$" alone. */
    assert_false(allows("User-agent: *\nDisallow: *\n", "/x"));
    assert_false(allows("User-agent: *\nDisallow: /a$\n", "/a"));
    assert_true(allows("User-agent: *\nDisallow: /a$\n", "/ab"));
    /* A longer wildcard pattern beats a shorter plain one. */
    assert_true(allows("User-agent: *\nDisallow: /a\nAllow: /a*.html\n", "/a/b.html"));
    /* Many stars on a long path: no exponential backtracking. */
    char path[4100];
    path[0] = '/';
    memset(path + 1, 'a', sizeof(path) - 2);
    path[sizeof(path) - 1] = '\0';
    assert_true(allows("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*b\n", path));
}

static void test_encoding_and_syntax(void **state)
{
    WSP_UNUSED(state);
    /* Escapes compare decoded, in either direction and either case... */
    assert_false(allows("User-agent: *\nDisallow: /%7Ejoe\n", "/~joe/index.html"));
    assert_false(allows("User-agent: *\nDisallow: /~joe\n", "/%7ejoe/index.html"));
    /* ... but an escaped slash is not a path separator. */
    assert_true(allows("User-agent: *\nDisallow: /a%2Fb\n", "/a/b"));
    assert_false(allows("User-agent: *\nDisallow: /a%2Fb\n", "/a%2fb"));
    /* Case of keys, spaces, comments, CRLF and a byte order mark. */
    const char *t = "\xEF\xBB\xBFuser-AGENT :  *  # all\r\n"
                    "DISALLOW:/rahasia # secret\r\n"
                    "sitemap: https://x/sitemap.xml\r\n"
                    "Disallow: /juga\r\n";
    assert_false(allows(t, "/rahasia/1"));
    assert_false(allows(t, "/juga"));
    assert_true(allows(t, "/terbuka"));
    /* Paths are case-sensitive. */
    assert_true(allows("User-agent: *\nDisallow: /Admin\n", "/admin"));
    /* /robots.txt itself is always allowed. */
    assert_true(allows("User-agent: *\nDisallow: /\n", "/robots.txt"));
    assert_false(allows("User-agent: *\nDisallow: /\n", "/"));
    assert_false(allows("User-agent: *\nDisallow: /\n", NULL));
    /* A NUL byte ends a value: the rule is "/P", and nothing past its end is read (the
     * fuzzer found the rule's length counted past the NUL). */
    static const char nul[] = "User-agent: *\nDisallow: /P\0oe\nDisallow: /\0\n";
    struct ingest_robots r;
    ingest_robots_parse(nul, sizeof(nul) - 1, "waspada", &r);
    assert_int_equal(r.nrules, 2);
    assert_int_equal(r.rules[0].len, 2);
    assert_false(ingest_robots_allows(&r, "/Poe"));
    assert_false(ingest_robots_allows(&r, "/Q"));
    ingest_robots_release(&r);
    /* Garbage lines are ignored. */
    assert_true(allows("<html>not a robots file</html>\n", "/x"));
}

static void test_crawl_delay(void **state)
{
    WSP_UNUSED(state);
    assert_int_equal(delay_ms(""), -1);
    assert_int_equal(delay_ms("User-agent: *\nCrawl-delay: 2\n"), 2000);
    assert_int_equal(delay_ms("User-agent: *\nCrawl-delay: 0.5\n"), 500);
    assert_int_equal(delay_ms("User-agent: *\nCrawl-delay: 1.25\n"), 1250);
    assert_int_equal(delay_ms("User-agent: *\nCrawl-delay: soon\n"), -1);
    /* The chosen group's delay, not another's. */
    assert_int_equal(delay_ms("User-agent: *\nCrawl-delay: 9\n\nUser-agent: waspada\n"
                              "Crawl-delay: 3\nDisallow: /x\n"),
                     3000);
    assert_int_equal(delay_ms("User-agent: googlebot\nCrawl-delay: 9\n"), -1);
}

static void test_retry_after(void **state)
{
    WSP_UNUSED(state);
    int64_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
    assert_int_equal(ingest_retry_after_s("120", now), 120);
    assert_int_equal(ingest_retry_after_s(" 1", now), 1);
    assert_int_equal(ingest_retry_after_s("0", now), 0);
    assert_int_equal(ingest_retry_after_s("Sun, 06 Nov 1994 08:50:07 GMT", now), 30);
    assert_int_equal(ingest_retry_after_s("Sun, 06 Nov 1994 08:49:37 GMT", now), 0);
    assert_int_equal(ingest_retry_after_s("Sat, 05 Nov 1994 08:49:37 GMT", now), 0);
    /* The obsolete forms a server may still send. */
    assert_int_equal(ingest_retry_after_s("Sunday, 06-Nov-94 08:51:37 GMT", now), 120);
    assert_int_equal(ingest_retry_after_s("Sun Nov  6 08:50:37 1994", now), 60);
    assert_int_equal(ingest_retry_after_s(NULL, now), -1);
    assert_int_equal(ingest_retry_after_s("", now), -1);
    assert_int_equal(ingest_retry_after_s("-5", now), -1);
    assert_int_equal(ingest_retry_after_s("12abc", now), -1);
    assert_int_equal(ingest_retry_after_s("soon", now), -1);
    /* Huge values are capped, not wrapped; the caller's bound decides. */
    assert_true(ingest_retry_after_s("99999999999999999999", now) > 86400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_allows_all), cmocka_unit_test(test_star_group),
        cmocka_unit_test(test_own_group_wins),   cmocka_unit_test(test_longest_match),
        cmocka_unit_test(test_wildcards),        cmocka_unit_test(test_encoding_and_syntax),
        cmocka_unit_test(test_crawl_delay),      cmocka_unit_test(test_retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
