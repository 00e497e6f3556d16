/*
 * Pipeline benchmarks (issue 3): build a corpus of article-like HTML pages (our demo texts and,
 * when present, ../shared/data/news, varied and wrapped in realistic page chrome), then time
 * the real `waspada extract` and `waspada ingest` processes on it, and `rg` with the project's
 * conflict lexicon on the same bytes as a floor (what merely finding the words costs).
 *
 * The corpus is generated once into build/bench/ and reused; BENCH_MB sets its size.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bench.h"

extern char **environ;

#define CORPUS_DIR "build/bench"

struct source_text {
    char *title;
    char *text;
};

/* Deterministic PRNG so every run builds the same corpus. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t load_texts(const char *path, struct source_text **texts, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return n;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *v = json_loads(line, 0, NULL);
        const char *text = json_string_value(json_object_get(v, "text"));
        const char *title = json_string_value(json_object_get(v, "title"));
        if (text && *text) {
            *texts = xrealloc(*texts, (n + 1) * sizeof(**texts));
            (*texts)[n].text = xstrdup(text);
            (*texts)[n].title = xstrdup(title ? title : "Berita");
            n++;
        }
        json_decref(v);
    }
    free(line);
    fclose(f);
    return n;
}

static void html_escape(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '&':
            buf_puts(b, "&amp;");
            break;
        default:
            buf_putc(b, s[i]);
        }
    }
}

/* One page: site chrome (menus, related links, share widget, comments, footer) around the
 * paragraphs of a source text, with a few paragraphs of other texts mixed in as "related". */
static void make_page(struct buf *b, const struct source_text *t, const struct source_text *all,
                      size_t nall, size_t k)
{
    static const char *const sections[] = {"Nasional", "Daerah",   "Hukum",     "Politik",
                                           "Ekonomi",  "Olahraga", "Teknologi", "Opini"};
    buf_printf(b, "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>");
    html_escape(b, t->title, strlen(t->title));
    buf_printf(b,
               " - Kabar Contoh</title><meta property=\"og:url\" "
               "content=\"https://kabar.contoh.example/read/%zu\">"
               "<meta property=\"article:published_time\" content=\"2026-11-%02d\">"
               "<style>.nav{display:flex}.share{float:right}</style>",
               k, (int)(1 + rng() % 28));
    /* Real news pages carry tens of kilobytes of scripts, ad slots and structured data
     * around a few kilobytes of article; a page here weighs 40-60 KB, lighter than most. */
    buf_puts(b, "<script>window.dataLayer=window.dataLayer||[];");
    size_t nscript = 120 + rng() % 80;
    for (size_t i = 0; i < nscript; i++)
        buf_printf(b,
                   "dataLayer.push({'event':'slot_%zu','adunit':'/%llu/kabar/desktop/%s',"
                   "'sizes':[[300,250],[728,90]],'targeting':{'pos':%zu,'kanal':'%s'}});\n",
                   i, (unsigned long long)(rng() % 100000000), sections[i % 8], i,
                   sections[(i + 3) % 8]);
    buf_puts(b, "</script><script type=\"application/ld+json\">{\"@context\":"
                "\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":\"");
    html_escape(b, t->title, strlen(t->title));
    buf_puts(b, "\"}</script></head><body>");
    buf_puts(b, "<header><nav class=\"nav menu\"><ul>");
    for (size_t i = 0; i < 160; i++)
        buf_printf(b, "<li><a href=\"/kanal/%s/%zu\">%s %zu</a></li>",
                   sections[i % WSP_ARRAY_LEN(sections)], i, sections[i % WSP_ARRAY_LEN(sections)],
                   i);
    buf_puts(b, "</ul></nav></header><main><article><h1>");
    html_escape(b, t->title, strlen(t->title));
    buf_puts(b, "</h1><div class=\"byline\">Penulis: Redaksi | Editor: Tim Kabar</div>"
                "<div class=\"article-body\">");
    const char *p = t->text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n) {
            buf_puts(b, "<p>");
            html_escape(b, p, n);
            buf_puts(b, "</p>");
        }
        p += n + (nl != NULL);
        if (rng() % 4 == 0)
            buf_printf(b, "<p><strong>Baca juga:</strong> <a href=\"/read/%llu\">%s</a></p>",
                       (unsigned long long)(rng() % 100000), all[rng() % nall].title);
    }
    /* Every page is a different article: outlets retell events in their own words, so the
     * body carries a line of its own (ingest then stores it instead of counting a
     * duplicate; the event may still merge with another outlet's). */
    buf_printf(b,
               "<p>Laporan nomor %zu dari koresponden wilayah, diperbarui pukul %02d.%02d WIB.</p>",
               k, (int)(rng() % 24), (int)(rng() % 60));
    buf_puts(b, "</div><div class=\"share social\">Bagikan: <a href=\"#\">Facebook</a> "
                "<a href=\"#\">Twitter</a> <a href=\"#\">WhatsApp</a> Print Friendly, PDF &amp; "
                "Email</div></article><aside class=\"related\"><h3>Berita Terkait</h3><ul>");
    for (size_t i = 0; i < 8; i++) {
        const struct source_text *o = &all[rng() % nall];
        size_t n = strlen(o->text);
        buf_puts(b, "<li><a href=\"/read/x\">");
        html_escape(b, o->title, strlen(o->title));
        buf_puts(b, "</a><p>");
        html_escape(b, o->text, n < 160 ? n : 160);
        buf_puts(b, "</p></li>");
    }
    buf_puts(b, "</ul></aside><section id=\"comments\" class=\"comments\"><h3>Komentar</h3>");
    for (size_t i = 0; i < 6; i++)
        buf_printf(b,
                   "<div class=\"comment\"><b>pembaca%zu</b> semoga cepat damai dan aman "
                   "kembali, aparat harus tegas</div>",
                   (size_t)(rng() % 1000));
    buf_puts(b, "</section></main><footer><p>Copyright 2026 Kabar Contoh. Hak cipta "
                "dilindungi.</p><a href=\"/redaksi\">Redaksi</a> <a href=\"/pedoman\">Pedoman "
                "Media Siber</a><ul class=\"sitemap\">");
    for (size_t i = 0; i < 120; i++)
        buf_printf(b, "<li><a href=\"/indeks/%s/%zu\">Indeks %s %zu</a></li>", sections[i % 8], i,
                   sections[i % 8], i);
    buf_puts(b, "</ul></footer></body></html>");
}

/* Build the corpus file when missing or smaller than wanted; returns its size. */
static size_t build_corpus(const char *path, size_t want_mb, size_t *articles)
{
    struct stat st;
    char *count_path = xasprintf("%s.count", path);
    if (stat(path, &st) == 0 && (size_t)st.st_size >= want_mb * 1000000) {
        FILE *c = fopen(count_path, "r");
        if (c && fscanf(c, "%zu", articles) == 1) {
            fclose(c);
            free(count_path);
            return (size_t)st.st_size;
        }
        if (c)
            fclose(c);
    }
    struct source_text *texts = NULL;
    size_t n = load_texts("data/demo/articles.jsonl", &texts, 0);
    size_t own = n;
    n = load_texts("../shared/data/news/news-dev.jsonl", &texts, n);
    printf("  corpus: %zu source texts (%zu ours, %zu from ../shared/data/news)\n", n, own,
           n - own);
    if (!n) {
        free(count_path);
        return 0;
    }
    mkdir("build", 0755);
    mkdir(CORPUS_DIR, 0755);
    FILE *f = fopen(path, "w");
    if (!f) {
        free(count_path);
        return 0;
    }
    struct buf page;
    buf_init(&page, 0);
    size_t total = 0, k = 0;
    while (total < want_mb * 1000000) {
        const struct source_text *t = &texts[k % n];
        buf_reset(&page);
        make_page(&page, t, texts, n, k);
        char id[32];
        snprintf(id, sizeof(id), "bench-%zu", k);
        json_t *o = json_pack("{s:s, s:s, s:s}", "id", id, "html", buf_cstr(&page), "published",
                              "2026-11-29");
        char *s = json_dumps(o, JSON_COMPACT);
        size_t len = strlen(s);
        fwrite(s, 1, len, f);
        fputc('\n', f);
        total += len + 1;
        free(s);
        json_decref(o);
        k++;
    }
    fclose(f);
    FILE *c = fopen(count_path, "w");
    if (c) {
        fprintf(c, "%zu\n", k);
        fclose(c);
    }
    free(count_path);
    buf_release(&page);
    for (size_t i = 0; i < n; i++) {
        free(texts[i].text);
        free(texts[i].title);
    }
    free(texts);
    *articles = k;
    return total;
}

/* Run argv with stdin from in_path (or /dev/null) and stdout to /dev/null; wall seconds and
 * the child's peak RSS in MiB. Returns the exit status (-1 when it could not run). */
static int run_timed_out(char *const argv[], const char *in_path, const char *out_path,
                         double *secs, double *rss_mib);

/* Run argv with stdout discarded. */
static int run_timed(char *const argv[], const char *in_path, double *secs, double *rss_mib)
{
    return run_timed_out(argv, in_path, NULL, secs, rss_mib);
}

int bench_run(char *const argv[], double *secs, double *rss_mib)
{
    return run_timed(argv, NULL, secs, rss_mib);
}

/* Run argv with stdin from in_path (or /dev/null) and stdout to out_path (or /dev/null). */
static int run_timed_out(char *const argv[], const char *in_path, const char *out_path,
                         double *secs, double *rss_mib)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in_path ? in_path : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    *rss_mib = (double)ru.ru_maxrss / 1024.0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The project's conflict lexicon as a plain list of terms for rg -F -f. */
static int write_lexicon_terms(const char *out_path)
{
    struct data_blob blob;
    if (data_read(BENCH_LEXICON, &blob, NULL) != 0)
        return -1;
    FILE *f = fopen(out_path, "w");
    if (!f) {
        data_blob_free(&blob);
        return -1;
    }
    int n = 0;
    const char *p = blob.data;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[256];
        if (len < sizeof(line) && p[0] != '#') {
            memcpy(line, p, len);
            line[len] = '\0';
            char *tab = strchr(line, '\t');
            char *cls = tab ? tab + 1 : NULL;
            if (cls && (str_starts_with(cls, "violence\t") || str_starts_with(cls, "group\t") ||
                        str_starts_with(cls, "casualty\t"))) {
                *tab = '\0';
                /* "~stem" entries match any word with that stem: the stem itself as a term */
                fprintf(f, "%s\n", line[0] == '~' ? line + 1 : line);
                n++;
            }
        }
        p += len + (nl != NULL);
    }
    fclose(f);
    data_blob_free(&blob);
    return n;
}

void bench_pipeline(const char *bin)
{
    long mb = 200;
    const char *env = getenv("BENCH_MB");
    if (env && str_to_long(env, 1, 100000, &mb) != 0)
        mb = 200;
    /* v2: a line of its own in every article body */
    char *corpus = xasprintf("%s/corpus-v2-%ldmb.jsonl", CORPUS_DIR, mb);
    size_t articles = 0;
    size_t bytes = build_corpus(corpus, (size_t)mb, &articles);
    if (!bytes) {
        printf("  corpus: cannot build %s, skipping pipeline benchmarks\n", corpus);
        free(corpus);
        return;
    }
    double mbytes = (double)bytes / 1e6;
    printf("  corpus: %s, %.1f MB, %zu HTML articles\n", corpus, mbytes, articles);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    char threads_all[24];
    snprintf(threads_all, sizeof(threads_all), "%ld", cores > 0 ? cores : 1);
    const char *thread_sets[] = {"1", threads_all};
    for (size_t i = 0; i < 2; i++) {
        double secs, rss;
        char *argv[] = {(char *)bin, "extract", "--threads", (char *)thread_sets[i], corpus, NULL};
        int rc = run_timed(argv, NULL, &secs, &rss);
        if (rc != 0) {
            printf("  extract --threads %s: exit %d\n", thread_sets[i], rc);
            continue;
        }
        printf("  extract --threads %-3s %8.1f MB/s %9.0f articles/s  %6.2f s  peak RSS "
               "%.0f MiB\n",
               thread_sets[i], mbytes / secs, (double)articles / secs, secs, rss);
    }

    /* Ingest a slice (ingest is bounded by SQLite writes, not by parsing). */
    char *slice = xasprintf("%s/ingest-slice.jsonl", CORPUS_DIR);
    char *db = xasprintf("%s/ingest-bench.db", CORPUS_DIR);
    char *cmd = xasprintf("head -n 2000 '%s' > '%s' && rm -f '%s' '%s-wal' '%s-shm'", corpus, slice,
                          db, db, db);
    if (system(cmd) == 0) {
        double secs, rss;
        char *init[] = {(char *)bin, "--log-level", "warn", "--db", db, "init", NULL};
        char *ingest[] = {(char *)bin, "--log-level", "warn", "--db", db,
                          "ingest",    "--json",      slice,  NULL};
        char *summary_path = xasprintf("%s/ingest-summary.json", CORPUS_DIR);
        struct stat st;
        stat(slice, &st);
        if (run_timed(init, NULL, &secs, &rss) == 0) {
            int rc = run_timed_out(ingest, NULL, summary_path, &secs, &rss);
            if (rc == 0 || rc == 1) {
                printf("  ingest 2000 articles   %8.1f MB/s %9.0f articles/s  %6.2f s  peak RSS "
                       "%.0f MiB\n",
                       (double)st.st_size / 1e6 / secs, 2000 / secs, secs, rss);
                json_t *sum = json_load_file(summary_path, 0, NULL);
                if (sum) {
                    printf("    new %lld, duplicates %lld, events new %lld, merged %lld, not "
                           "events %lld, errors %lld\n",
                           (long long)json_integer_value(json_object_get(sum, "new")),
                           (long long)json_integer_value(json_object_get(sum, "duplicates")),
                           (long long)json_integer_value(json_object_get(sum, "events_new")),
                           (long long)json_integer_value(json_object_get(sum, "events_merged")),
                           (long long)json_integer_value(json_object_get(sum, "non_events")),
                           (long long)json_integer_value(json_object_get(sum, "errors")));
                    json_decref(sum);
                }
            } else {
                printf("  ingest: exit %d\n", rc);
            }
        }
        free(summary_path);
    }
    free(cmd);
    free(slice);
    free(db);

    /* Floor: ripgrep finding the lexicon's words in the same bytes. */
    char *terms = xasprintf("%s/lexicon-terms.txt", CORPUS_DIR);
    int nterms = write_lexicon_terms(terms);
    if (nterms > 0) {
        double secs, rss;
        char *argv[] = {"rg", "-c", "-i", "-F", "-f", terms, corpus, NULL};
        int rc = run_timed(argv, NULL, &secs, &rss);
        if (rc == 0 || rc == 1)
            printf("  rg -c -i -F (%d terms)   %8.1f MB/s                      %6.2f s  (floor)\n",
                   nterms, mbytes / secs, secs);
        else
            printf("  rg: not available (exit %d); scripts/install-deps installs ripgrep\n", rc);
    } else {
        printf("  rg floor: no lexicon '%s' in this build\n", BENCH_LEXICON);
    }
    free(terms);
    free(corpus);
}
