/*
 * Index pages: telling an article from a page that only lists articles (a news home page, a
 * section, tag, topic or search page, an "indeks" of the day). html.c measures the page
 * (struct text_page_signals); the decision is made here, on those numbers alone.
 */
#include <stdio.h>
#include <string.h>

#include "text/text_internal.h"

/* ---- URLs ------------------------------------------------------------------------------ */

static bool num_segment(const char *s, size_t n, size_t minlen, size_t maxlen, int lo, int hi,
                        int *v)
{
    if (n < minlen || n > maxlen)
        return false;
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return *v >= lo && *v <= hi;
}

/* The path of a URL (after scheme and host, before query and fragment). */
static const char *url_path(const char *url, size_t *len)
{
    const char *p = url;
    const char *scheme = strstr(url, "://");
    if (scheme && (size_t)(scheme - url) < 10)
        p = scheme + 3 + strcspn(scheme + 3, "/?#");
    *len = strcspn(p, "?#");
    return p;
}

/* A /YYYY/MM/DD/ run of segments in a path: its date, and whether more segments follow
 * (/read/2016/02/23/judul: an article; /2016/02/23/: the archive of a day). */
static bool path_date(const char *p, size_t pl, char out[11], bool *more)
{
    const char *seg[3] = {0};
    size_t len[3] = {0};
    for (size_t i = 0; i < pl;) {
        while (i < pl && p[i] == '/')
            i++;
        size_t st = i;
        while (i < pl && p[i] != '/')
            i++;
        if (i == st)
            break;
        seg[0] = seg[1];
        len[0] = len[1];
        seg[1] = seg[2];
        len[1] = len[2];
        seg[2] = p + st;
        len[2] = i - st;
        int y, m, d;
        if (seg[0] && num_segment(seg[0], len[0], 4, 4, 1990, 2100, &y) &&
            num_segment(seg[1], len[1], 1, 2, 1, 12, &m) &&
            num_segment(seg[2], len[2], 1, 2, 1, 31, &d)) {
            snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
            while (i < pl && p[i] == '/')
                i++;
            *more = i < pl;
            return true;
        }
    }
    return false;
}

bool text_url_date(const char *url, char out[11])
{
    if (!url)
        return false;
    size_t pl;
    const char *p = url_path(url, &pl);
    bool more;
    return path_date(p, pl, out, &more);
}

static char lower_ascii(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool seg_is(const char *s, size_t n, const char *word)
{
    size_t wl = strlen(word);
    if (n != wl)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower_ascii(s[i]) != word[i])
            return false;
    return true;
}

/* Path segments and host labels that name a listing rather than an article. */
static const char *const index_words[] = {
    "tag",    "tags",    "topik",    "topic",    "topics",     "search",     "cari",    "pencarian",
    "indeks", "index",   "kategori", "category", "categories", "kanal",      "rubrik",  "section",
    "arsip",  "archive", "archives", "label",    "page",       "terpopuler", "terkini", "terbaru"};

static bool index_word(const char *s, size_t n)
{
    /* "index.html", "indeks.php" count as their stem */
    const char *dot = memchr(s, '.', n);
    if (dot)
        n = (size_t)(dot - s);
    for (size_t i = 0; i < WSP_ARRAY_LEN(index_words); i++)
        if (seg_is(s, n, index_words[i]))
            return true;
    return false;
}

/* A segment that names one article: a slug of three words or more ("warga-bentrok-di-sigi"),
 * or a long number (an article id). */
static bool article_segment(const char *s, size_t n)
{
    size_t words = 0, digits = 0, run = 0;
    bool in_word = false;
    for (size_t i = 0; i < n; i++) {
        char c = lower_ascii(s[i]);
        bool letter = c >= 'a' && c <= 'z';
        if (c >= '0' && c <= '9') {
            if (++run > digits)
                digits = run;
        } else {
            run = 0;
        }
        if (letter && !in_word)
            words++;
        in_word = letter || (in_word && c >= '0' && c <= '9');
    }
    return words >= 3 || digits >= 5;
}

int text_url_kind(const char *url)
{
    if (!url || !*url)
        return TEXT_URL_NONE;
    const char *p = url;
    const char *scheme = strstr(url, "://");
    if (scheme && (size_t)(scheme - url) < 10) {
        const char *host = scheme + 3;
        size_t hl = strcspn(host, "/?#");
        size_t label = strcspn(host, ".");
        if (label < hl && index_word(host, label))
            return TEXT_URL_INDEX; /* indeks.kompas.com, search.example.id */
        p = host + hl;
    }
    size_t pl = strcspn(p, "?#");
    const char *q = p[pl] == '?' ? p + pl + 1 : NULL;
    if (q) {
        /* a search: ?q=..., ?s=..., ?keyword=... */
        for (const char *k = q; k && *k && *k != '#'; k = strchr(k, '&'), k = k ? k + 1 : NULL) {
            size_t kl = strcspn(k, "=&#");
            if (k[kl] == '=' &&
                (seg_is(k, kl, "q") || seg_is(k, kl, "s") || seg_is(k, kl, "query") ||
                 seg_is(k, kl, "keyword") || seg_is(k, kl, "search")))
                return TEXT_URL_INDEX;
        }
    }
    size_t nseg = 0, plain = 0;
    bool article = false;
    for (size_t i = 0; i < pl;) {
        while (i < pl && p[i] == '/')
            i++;
        size_t st = i;
        while (i < pl && p[i] != '/')
            i++;
        if (i == st)
            break;
        if (i - st > 6 && seg_is(p + st, 6, "index."))
            continue; /* the default document of a folder: "/index.html" */
        if (index_word(p + st, i - st))
            return TEXT_URL_INDEX;
        nseg++;
        if (article_segment(p + st, i - st))
            article = true;
        bool letters = true;
        for (size_t j = st; j < i; j++)
            if (!((lower_ascii(p[j]) >= 'a' && lower_ascii(p[j]) <= 'z') || p[j] == '-'))
                letters = false;
        plain += letters;
    }
    char date[11];
    bool more = false;
    if (article || (path_date(p, pl, date, &more) && more))
        return TEXT_URL_ARTICLE;
    if (!nseg)
        return TEXT_URL_HOME;
    if (nseg <= 2 && plain == nseg)
        return TEXT_URL_SECTION; /* /nasional, /daerah/jawa-barat */
    return TEXT_URL_NONE;
}

/* ---- HTML pages ------------------------------------------------------------------------ */

/* Points for and against an index page, each from one kind of evidence, so that no single
 * hint decides: home pages too say og:type "article", articles too carry dozens of headline
 * links in their sidebars, and a photo story has hardly any text. */
bool text_page_is_index(const struct text_page_signals *s)
{
    /* the main content is itself a list: mostly headline links, or teasers (every block of
     * text follows a headline of its own) */
    bool list = s->main_headlines >= 8 && s->main_link * 2 >= s->main_text;
    bool teasers = s->main_headlines >= 5 && s->max_run <= 1 && s->main_headlines >= s->text_blocks;
    if (s->headlines < 5 && !list && !teasers)
        return false; /* no lists to speak of: whatever it is, not an index */
    double score = 0; /* > 0: an index page */
    bool body = false;
    if (list || teasers) {
        score += 4.5;
    } else if (s->long_paras >= 3 && s->body_len >= 800) {
        score -= 3; /* an article's body */
        body = true;
    } else if (s->long_paras >= 2 && s->body_len >= 400 && s->max_run >= 2) {
        score -= 1.5; /* a short one */
    } else if (s->long_paras <= 1 && s->body_len < 600) {
        score += 1.5; /* no body at all */
    }
    if (!body && s->headlines >= 15)
        score += 1;
    /* metadata: what the page says it is */
    if (s->pub_meta)
        score -= 1.5;
    if (s->ld_article)
        score -= s->ld_body ? 1.5 : 0.5;
    if (s->ld_list)
        score += 1.5;
    if (s->body_marked >= 300)
        score -= 1.5;
    if (s->og_article)
        score -= 0.5;
    if (s->og_website)
        score += 0.5;
    switch (s->url_kind) {
    case TEXT_URL_ARTICLE:
        score -= 1;
        break;
    case TEXT_URL_INDEX:
        score += 1.5;
        break;
    case TEXT_URL_SECTION:
        score += 0.5;
        break;
    case TEXT_URL_HOME:
        score += 2;
        break;
    default:
        break;
    }
    return score > 0;
}

/* ---- plain text ------------------------------------------------------------------------ */

/* The words of a line of plain text, and whether it ends like a sentence. */
static void line_shape(const char *s, size_t n, size_t *words, bool *period)
{
    *words = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
            (*words)++;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '"' || s[n - 1] == '\''))
        n--;
    *period = n && s[n - 1] == '.';
}

static bool starts_lower(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '"' || s[i] == '\''))
        i++;
    return i < n && s[i] >= 'a' && s[i] <= 'z';
}

/* Headlines are lines of 4 to 20 words that do not end with a period, do not start in lower
 * case and are not continued on the next line (text wrapped at a fixed width is prose); prose
 * is a line of 150 bytes or more, or of 12 words or more ending with one. An index is many
 * headlines and next to no prose (a short introduction at most): an article excerpt whose
 * paragraphs are followed by a list of other stories ("Berita Lainnya", "Populer") stays an
 * article. */
bool text_plain_is_index(const char *s, size_t n)
{
    size_t headlines = 0, prose = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t ll = nl ? (size_t)(nl - (s + i)) : n - i;
        size_t next = i + ll + 1;
        const char *nl2 = next < n ? memchr(s + next, '\n', n - next) : NULL;
        size_t nll = next < n ? (nl2 ? (size_t)(nl2 - (s + next)) : n - next) : 0;
        size_t words;
        bool period;
        line_shape(s + i, ll, &words, &period);
        bool continued = !period && nll && starts_lower(s + next, nll);
        if (ll >= PAGE_LONG_PARA || (words >= 12 && period))
            prose++;
        else if (words >= 4 && words <= 20 && !period && !continued && !starts_lower(s + i, ll))
            headlines++;
        i += ll + 1;
    }
    return headlines >= 5 && prose <= 1 && headlines >= 3 * (prose + 1);
}
