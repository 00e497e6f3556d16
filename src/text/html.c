/*
 * Main-content extraction from HTML, in the spirit of Readability: parse with libxml2's
 * forgiving HTML parser, walk the tree once (iteratively: no recursion on deep trees) to cut
 * it into text blocks and read the metadata, drop what is never content (scripts, navigation,
 * elements whose class or id says share/comment/related/...), score the containers of the
 * paragraphs by text length and commas, discount link-heavy ones, keep the blocks of the best
 * container (and of siblings that score nearly as well), and drop boilerplate paragraphs.
 * The same walk measures what tells an index page from an article (headline links, the shape
 * of the main text, metadata: struct text_page_signals, decided in pagekind.c).
 *
 * Also text_from_plain (the same boilerplate rule on lines) and the HTML-fragment stripping
 * used for feed summaries.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "text/text_internal.h"

#define HTML_OPTS                                                                                  \
    (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |           \
     HTML_PARSE_COMPACT)
#define MIN_PARA 25           /* bytes of text for a block to count as a paragraph when scoring */
#define MAX_CLIMB 64          /* ancestors visited per block (bounds the cost on deep trees) */
#define META_MAX 2048         /* longest title, URL or date attribute we read */
#define TEXT_BELOW_NODES 1024 /* nodes visited to read the text of a title, date, ... */
#define MIN_MARKED 200        /* bytes of text in an itemprop=articleBody for it to win */

/* ---- element kinds ------------------------------------------------------------------- */

enum {
    EK_INLINE = 0,
    EK_BLOCK = 1,  /* starts and ends a text block */
    EK_PARA = 2,   /* a paragraph-like block: its parent is the container that gets the score */
    EK_DROP = 4,   /* never content; its text is ignored */
    EK_SKIP = 8,   /* and not even walked (no metadata inside) */
    EK_HEAD = 16,  /* h1..h6 */
    EK_LINK = 32,  /* <a> */
    EK_BREAK = 64, /* <br>: ends a block */
};

static const struct {
    const char *name;
    int kind;
} tags[] = {
    {"a", EK_LINK},
    {"address", EK_BLOCK},
    {"article", EK_BLOCK},
    {"aside", EK_BLOCK | EK_DROP},
    {"blockquote", EK_BLOCK | EK_PARA},
    {"body", EK_BLOCK},
    {"br", EK_BREAK},
    {"button", EK_DROP | EK_SKIP},
    {"canvas", EK_DROP | EK_SKIP},
    {"caption", EK_BLOCK},
    {"center", EK_BLOCK},
    {"dd", EK_BLOCK | EK_PARA},
    {"details", EK_BLOCK},
    {"dialog", EK_BLOCK | EK_DROP},
    {"div", EK_BLOCK},
    {"dl", EK_BLOCK},
    {"dt", EK_BLOCK | EK_PARA},
    {"embed", EK_DROP | EK_SKIP},
    {"figcaption", EK_BLOCK | EK_DROP},
    {"figure", EK_BLOCK},
    {"footer", EK_BLOCK | EK_DROP},
    {"form", EK_BLOCK | EK_DROP},
    {"h1", EK_BLOCK | EK_PARA | EK_HEAD},
    {"h2", EK_BLOCK | EK_PARA | EK_HEAD},
    {"h3", EK_BLOCK | EK_PARA | EK_HEAD},
    {"h4", EK_BLOCK | EK_PARA | EK_HEAD},
    {"h5", EK_BLOCK | EK_PARA | EK_HEAD},
    {"h6", EK_BLOCK | EK_PARA | EK_HEAD},
    {"head", EK_BLOCK | EK_DROP},
    {"header", EK_BLOCK | EK_DROP},
    {"hr", EK_BREAK},
    {"html", EK_BLOCK},
    {"iframe", EK_DROP | EK_SKIP},
    {"input", EK_DROP | EK_SKIP},
    {"label", EK_DROP},
    {"li", EK_BLOCK | EK_PARA},
    {"main", EK_BLOCK},
    {"menu", EK_BLOCK | EK_DROP},
    {"nav", EK_BLOCK | EK_DROP},
    {"noscript", EK_DROP | EK_SKIP},
    {"object", EK_DROP | EK_SKIP},
    {"ol", EK_BLOCK},
    {"option", EK_DROP | EK_SKIP},
    {"p", EK_BLOCK | EK_PARA},
    {"pre", EK_BLOCK | EK_PARA},
    {"script", EK_DROP | EK_SKIP},
    {"section", EK_BLOCK},
    {"select", EK_DROP | EK_SKIP},
    {"style", EK_DROP | EK_SKIP},
    {"summary", EK_BLOCK},
    {"svg", EK_DROP | EK_SKIP},
    {"table", EK_BLOCK},
    {"tbody", EK_BLOCK},
    {"td", EK_BLOCK | EK_PARA},
    {"template", EK_DROP | EK_SKIP},
    {"textarea", EK_DROP | EK_SKIP},
    {"tfoot", EK_BLOCK},
    {"th", EK_BLOCK | EK_PARA},
    {"thead", EK_BLOCK},
    {"title", EK_DROP | EK_SKIP},
    {"tr", EK_BLOCK},
    {"ul", EK_BLOCK},
    {"video", EK_DROP | EK_SKIP},
};

static int tag_kind(const char *name)
{
    size_t lo = 0, hi = WSP_ARRAY_LEN(tags);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, tags[mid].name);
        if (c == 0)
            return tags[mid].kind;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return EK_INLINE;
}

/* ---- class and id hints -------------------------------------------------------------- */

/* Substrings of class/id that say "not the article" (matched anywhere) ... */
static const char *const neg_sub[] = {
    "comment",       "share",     "social",     "related",    "terkait",   "breadcrumb",
    "sidebar",       "footer",    "navbar",     "navigation", "advert",    "sponsor",
    "newsletter",    "subscribe", "popular",    "populer",    "recommend", "rekomendasi",
    "bacajuga",      "baca-juga", "baca_juga",  "banner",     "widget",    "byline",
    "author",        "cookie",    "popup",      "masthead",   "signup",    "sosmed",
    "copyright",     "hashtag",   "pagination", "read-also",  "readalso",  "trending",
    "headline-list", "also-read", "topik",      "dable",      "outbrain",  "taboola"};
/* ... whole words of class/id (split on anything not a letter or digit) ... */
static const char *const neg_word[] = {
    "ad",    "ads",     "nav",     "menu",   "tags",   "tag",     "iklan",   "promo",
    "print", "meta",    "hidden",  "modal",  "foot",   "skip",    "rel",     "more",
    "video", "gallery", "caption", "credit", "editor", "penulis", "reporter"};
/* ... and what says "this is it" (a positive hint keeps an element a negative one would drop). */
static const char *const pos_sub[] = {"content", "article", "artikel", "entry",
                                      "story",   "detail",  "berita",  "post-body"};
static const char *const pos_word[] = {"main", "isi", "read", "text", "body", "post"};

enum { HINT_NEG = 1, HINT_POS = 2 };

static int hints_of(const char *v, size_t n)
{
    char low[256];
    int h = 0;
    if (n >= sizeof(low))
        n = sizeof(low) - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + ('a' - 'A') : v[i]);
    low[n] = '\0';
    for (size_t i = 0; i < WSP_ARRAY_LEN(neg_sub) && !(h & HINT_NEG); i++)
        if (strstr(low, neg_sub[i]))
            h |= HINT_NEG;
    for (size_t i = 0; i < WSP_ARRAY_LEN(pos_sub) && !(h & HINT_POS); i++)
        if (strstr(low, pos_sub[i]))
            h |= HINT_POS;
    for (size_t i = 0; i < n;) {
        while (i < n && !((low[i] >= 'a' && low[i] <= 'z') || (low[i] >= '0' && low[i] <= '9')))
            i++;
        size_t st = i;
        while (i < n && ((low[i] >= 'a' && low[i] <= 'z') || (low[i] >= '0' && low[i] <= '9')))
            i++;
        size_t wl = i - st;
        if (!wl)
            continue;
        for (size_t k = 0; k < WSP_ARRAY_LEN(neg_word); k++)
            if (strlen(neg_word[k]) == wl && memcmp(neg_word[k], low + st, wl) == 0)
                h |= HINT_NEG;
        for (size_t k = 0; k < WSP_ARRAY_LEN(pos_word); k++)
            if (strlen(pos_word[k]) == wl && memcmp(pos_word[k], low + st, wl) == 0)
                h |= HINT_POS;
    }
    return h;
}

/* ---- extraction state ---------------------------------------------------------------- */

struct block {
    size_t off, len; /* in ex.raw */
    size_t linklen;
    xmlNode *owner;  /* innermost block element around the text */
    int kind;        /* tag kind of owner */
    bool headline;   /* holds (part of) a headline link */
    bool link_first; /* starts with a link */
};

struct nstat {
    double score;
    size_t text, link;
    int hints;
    bool cand, keep;
    bool protect; /* holds the article body (itemprop=articleBody): never dropped by a hint */
};

/* A link whose text reads like a headline: what index pages are made of. */
struct hlink {
    uint32_t hash; /* of the href without query and fragment */
    xmlNode *node;
    bool dropped; /* inside navigation, a sidebar, a related-links box... */
};

/* Where a publication date came from, weakest first: a date shown in an element whose class
 * says so ("tanggal", "date-detail"), <time>, the page's own URL (/2016/02/23/), meta tags. */
enum { PUB_NONE, PUB_VISIBLE, PUB_TIME, PUB_URL, PUB_META_LOW, PUB_JSONLD, PUB_META, PUB_ARTICLE };

struct ex {
    struct arena *a;
    bool fragment; /* feed summaries: keep every block, no metadata */
    bool nomem;
    struct buf raw;
    size_t blk_start, blk_link;
    bool blk_space;
    bool blk_headline, blk_link_first;
    struct block *blocks;
    size_t nblocks, capblocks;
    xmlNode **stack; /* open block elements */
    size_t depth, capstack;
    int link_depth;
    xmlNode *drop;      /* the dropped element we are inside, or NULL */
    xmlNode *body_mark; /* the first element marked itemprop=articleBody */
    /* metadata, raw (normalized later) */
    const char *og_title, *tw_title, *title_tag, *h1, *h1_dropped, *canonical, *og_url, *site;
    int pub_prio;
    char published[11];
    /* what text_page_is_index weighs (see struct text_page_signals) */
    struct text_page_signals sig;
    size_t seen_text, seen_words; /* all text walked, dropped or not */
    xmlNode *link;                /* the outermost open <a> */
    const char *link_href;
    size_t link_text0, link_words0, link_block0;
    struct hlink *hl; /* headline-like links, in page order */
    size_t nhl, caphl;
    const char *og_type, *description;
    bool seen_h1;
    char shown[11], shown_h1[11]; /* first date shown on the page; first after the <h1> */
};

static struct nstat *stat_of(struct ex *x, xmlNode *n)
{
    if (!n->_private) {
        n->_private = arena_alloc(x->a, sizeof(struct nstat));
        if (!n->_private)
            x->nomem = true;
    }
    return n->_private;
}

static const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *at = n->properties; at; at = at->next) {
        if (strcmp((const char *)at->name, name) == 0) {
            const xmlNode *c = at->children;
            if (c && (c->type == XML_TEXT_NODE) && c->content && !c->next)
                return (const char *)c->content;
            return NULL;
        }
    }
    return NULL;
}

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = (char)(*a >= 'A' && *a <= 'Z' ? *a + 32 : *a);
        if (ca != *b)
            return false;
    }
    return *a == *b;
}

/* Text of the descendants of n (first META_MAX bytes), for <title>, <h1>, shown dates and
 * hidden elements. */
static const char *text_below(struct ex *x, xmlNode *n)
{
    struct buf b;
    buf_init(&b, (size_t)META_MAX * 2);
    xmlNode *c = n->children;
    /* bounded in nodes too: it runs on every hidden or date-like element, which may nest */
    for (size_t visits = 0; c && b.len < META_MAX && visits < TEXT_BELOW_NODES; visits++) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            buf_puts(&b, (const char *)c->content);
            buf_putc(&b, ' ');
        }
        if (c->type == XML_ELEMENT_NODE && c->children &&
            !(tag_kind((const char *)c->name) & EK_SKIP)) {
            c = c->children;
            continue;
        }
        while (c && c != n && !c->next)
            c = c->parent;
        if (!c || c == n)
            break;
        c = c->next;
    }
    size_t len;
    char *s = text_normalize(buf_cstr(&b), b.len, x->a, &len);
    buf_release(&b);
    if (!s)
        x->nomem = true;
    return s && len ? s : NULL;
}

static void set_published(struct ex *x, const char *v, int prio)
{
    char d[11];
    if (v && prio > x->pub_prio && text_parse_date(v, strnlen(v, META_MAX), d)) {
        memcpy(x->published, d, sizeof(d));
        x->pub_prio = prio;
        if (prio >= PUB_JSONLD)
            x->sig.pub_meta = true;
    }
}

static const char *first_set(const char *a, const char *b)
{
    return a ? a : b;
}

static void read_meta(struct ex *x, xmlNode *n)
{
    const char *key =
        first_set(attr(n, "property"), first_set(attr(n, "name"), attr(n, "itemprop")));
    const char *content = attr(n, "content");
    if (!key || !content || strnlen(content, META_MAX + 1) > META_MAX)
        return;
    if (ieq(key, "og:title"))
        x->og_title = x->og_title ? x->og_title : content;
    else if (ieq(key, "twitter:title"))
        x->tw_title = x->tw_title ? x->tw_title : content;
    else if (ieq(key, "og:url"))
        x->og_url = x->og_url ? x->og_url : content;
    else if (ieq(key, "og:site_name"))
        x->site = x->site ? x->site : content;
    else if (ieq(key, "og:type"))
        x->og_type = x->og_type ? x->og_type : content;
    else if (ieq(key, "og:description") || ieq(key, "description"))
        x->description = x->description ? x->description : content;
    else if (ieq(key, "article:published_time"))
        set_published(x, content, PUB_ARTICLE);
    else if (ieq(key, "datepublished") || ieq(key, "og:published_time") || ieq(key, "pubdate") ||
             ieq(key, "publishdate") || ieq(key, "publish-date") ||
             ieq(key, "content_publisheddate") || ieq(key, "parsely-pub-date") ||
             ieq(key, "dc.date.issued") || ieq(key, "article_date_original"))
        set_published(x, content, PUB_META);
    else if (ieq(key, "date") || ieq(key, "dc.date") || ieq(key, "sailthru.date"))
        set_published(x, content, PUB_META_LOW);
}

/* The schema.org type named at p (just after "@type"): a string or the first of a list. */
static void jsonld_type(struct ex *x, const char *p)
{
    static const char *const lists[] = {"CollectionPage", "ItemList", "SearchResultsPage"};
    while (*p == ' ' || *p == ':' || *p == '[' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    if (*p != '"')
        return;
    const char *t = ++p;
    while (*p && *p != '"' && p - t < 64)
        p++;
    size_t n = (size_t)(p - t);
    if ((n >= 7 && memcmp(p - 7, "Article", 7) == 0) ||
        (n >= 11 && memcmp(p - 11, "BlogPosting", 11) == 0))
        x->sig.ld_article = true;
    for (size_t i = 0; i < WSP_ARRAY_LEN(lists); i++)
        if (strlen(lists[i]) == n && memcmp(lists[i], t, n) == 0)
            x->sig.ld_list = true;
}

static void read_jsonld(struct ex *x, xmlNode *n)
{
    const char *type = attr(n, "type");
    if (!type || !strstr(type, "ld+json"))
        return;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (!c->content)
            continue;
        const char *s = (const char *)c->content;
        for (const char *p = s; (p = strstr(p, "\"@type\"")); p += 7)
            jsonld_type(x, p + 7);
        if (strstr(s, "\"articleBody\""))
            x->sig.ld_body = true;
        const char *p = strstr(s, "\"datePublished\"");
        if (!p || x->pub_prio >= PUB_JSONLD)
            continue;
        p += strlen("\"datePublished\"");
        while (*p == ' ' || *p == ':' || *p == '"' || *p == '\n' || *p == '\t')
            p++;
        set_published(x, p, PUB_JSONLD);
    }
}

/* ---- blocks -------------------------------------------------------------------------- */

static void flush(struct ex *x)
{
    size_t len = x->raw.len - x->blk_start;
    if (len && !x->raw.oom) {
        struct block *bl = text_grow(x->a, x->blocks, &x->capblocks, x->nblocks, sizeof(*bl));
        if (!bl) {
            x->nomem = true;
        } else {
            x->blocks = bl;
            xmlNode *owner = x->depth ? x->stack[x->depth - 1] : NULL;
            bl[x->nblocks++] = (struct block){
                .off = x->blk_start,
                .len = len,
                .linklen = x->blk_link,
                .owner = owner,
                .kind = owner ? tag_kind((const char *)owner->name) : 0,
                .headline = x->blk_headline,
                .link_first = x->blk_link_first,
            };
        }
    }
    x->blk_start = x->raw.len;
    x->blk_link = 0;
    x->blk_headline = false;
    x->blk_link_first = false;
    x->blk_space = false;
}

static void add_text(struct ex *x, const unsigned char *s)
{
    const unsigned char *s0 = s;
    size_t start = x->raw.len;
    bool in_link = x->link_depth > 0;
    while (*s) {
        const unsigned char *w = s;
        while (*s && *s != ' ' && *s != '\n' && *s != '\t' && *s != '\r' && *s != '\f')
            s++;
        if (s > w) {
            if (x->blk_space && x->raw.len > x->blk_start) {
                if (w > s0 && w[-1] == ' ') {
                    buf_append(&x->raw, w - 1, (size_t)(s - w) + 1); /* with its space */
                } else {
                    buf_putc(&x->raw, ' ');
                    buf_append(&x->raw, w, (size_t)(s - w));
                }
            } else {
                buf_append(&x->raw, w, (size_t)(s - w));
            }
            x->blk_space = false;
        }
        while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r' || *s == '\f') {
            x->blk_space = true;
            s++;
        }
    }
    if (in_link) {
        if (start == x->blk_start && x->raw.len > start)
            x->blk_link_first = true;
        x->blk_link += x->raw.len - start;
    }
}

/* Count the words and bytes of a text node (dropped or not) for the page signals. */
static void count_text(struct ex *x, const unsigned char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r' || *s == '\f')
            continue;
        x->seen_text++;
        if (s[1] == '\0' || s[1] == ' ' || s[1] == '\n' || s[1] == '\t' || s[1] == '\r' ||
            s[1] == '\f') {
            x->seen_words++;
            x->seen_text++; /* the space after the word */
        }
    }
}

static void push(struct ex *x, xmlNode *n)
{
    xmlNode **st = text_grow(x->a, x->stack, &x->capstack, x->depth, sizeof(xmlNode *));
    if (!st) {
        x->nomem = true;
        return;
    }
    x->stack = st;
    st[x->depth++] = n;
}

/* Not shown by a browser: style="display: none", "visibility: hidden", or the hidden
 * attribute. Only worth dropping when short (an error message, a label, a loader): a long
 * hidden block is the rest of a paginated or collapsed article, which we want. */
static bool hidden(struct ex *x, xmlNode *n)
{
    bool hide = false;
    for (const xmlAttr *at = n->properties; at && !hide; at = at->next)
        hide = strcmp((const char *)at->name, "hidden") == 0;
    const char *st = hide ? NULL : attr(n, "style");
    if (st) {
        char low[128];
        size_t o = 0;
        for (; *st && o < sizeof(low) - 1; st++)
            if (*st != ' ' && *st != '\t' && *st != '\n')
                low[o++] = (char)(*st >= 'A' && *st <= 'Z' ? *st + 32 : *st);
        low[o] = '\0';
        hide = strstr(low, "display:none") || strstr(low, "visibility:hidden");
    }
    if (!hide)
        return false;
    const char *t = text_below(x, n);
    return !t || strlen(t) <= 80;
}

/* Class and id words of an element that shows the date of the article. */
static bool date_class(const char *v)
{
    static const char *const words[] = {"date", "tanggal", "tgl", "time", "publish", "waktu"};
    char low[128];
    size_t n = strnlen(v, sizeof(low) - 1);
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
    low[n] = '\0';
    for (size_t i = 0; i < WSP_ARRAY_LEN(words); i++)
        if (strstr(low, words[i]))
            return true;
    return false;
}

/* A date shown in an element that says it holds one ("Selasa, 16 Februari 2016 | 14:38 WIB"
 * in <div class="date">, a <time> without datetime): kept for pages whose metadata has none.
 * The first one after the <h1> is the article's; before it, a header may show today's date. */
static void read_shown_date(struct ex *x, xmlNode *n, bool is_time)
{
    char *slot = x->seen_h1 ? x->shown_h1 : x->shown;
    if (*slot || x->pub_prio > PUB_VISIBLE)
        return;
    const char *cls = attr(n, "class"), *id = attr(n, "id");
    if (!is_time && !(cls && date_class(cls)) && !(id && date_class(id)))
        return;
    const char *t = text_below(x, n);
    char d[11];
    if (t && strlen(t) <= 120 && text_parse_date(t, strlen(t), d))
        memcpy(slot, d, sizeof(d));
}

/* Enter node n; returns whether to walk its children. */
static bool enter(struct ex *x, xmlNode *n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content && !x->fragment)
            count_text(x, n->content);
        if (!x->drop && n->content)
            add_text(x, n->content);
        return false;
    }
    if (n->type != XML_ELEMENT_NODE || !n->name)
        return n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE;
    const char *name = (const char *)n->name;
    int k = tag_kind(name);

    if (!x->fragment) {
        if (strcmp(name, "meta") == 0) {
            read_meta(x, n);
        } else if (strcmp(name, "link") == 0) {
            const char *rel = attr(n, "rel"), *href = attr(n, "href");
            if (rel && href && ieq(rel, "canonical") && !x->canonical &&
                strnlen(href, META_MAX + 1) <= META_MAX)
                x->canonical = href;
        } else if (strcmp(name, "title") == 0) {
            if (!x->title_tag)
                x->title_tag = text_below(x, n);
        } else if (strcmp(name, "time") == 0) {
            set_published(x, attr(n, "datetime"), PUB_TIME);
            read_shown_date(x, n, true);
        } else if (strcmp(name, "script") == 0) {
            read_jsonld(x, n);
        } else if (strcmp(name, "h1") == 0) {
            x->seen_h1 = true;
            if (!x->drop && !x->h1)
                x->h1 = text_below(x, n);
            else if (x->drop && !x->h1_dropped)
                x->h1_dropped = text_below(x, n);
        }
    }
    if (k & EK_BREAK) {
        flush(x);
        return false;
    }
    if (k & EK_SKIP)
        return false;
    if (!x->fragment)
        read_shown_date(x, n, false);
    if (!x->drop) {
        bool drop = (k & EK_DROP) && !(x->fragment && (k & EK_BLOCK));
        if (!x->fragment) {
            const char *cls = attr(n, "class"), *id = attr(n, "id");
            int h = 0;
            if (cls)
                h |= hints_of(cls, strlen(cls));
            if (id)
                h |= hints_of(id, strlen(id));
            bool hide = !drop && h != HINT_NEG && hidden(x, n);
            if (h || hide) {
                struct nstat *st = stat_of(x, n);
                if (st)
                    st->hints = h;
                if ((h == HINT_NEG || hide) && !(st && st->protect))
                    drop = true;
            }
        }
        if (drop)
            x->drop = n;
    }
    if (k & EK_BLOCK) {
        flush(x);
        push(x, n);
    }
    if (k & EK_LINK) {
        if (!x->link && !x->fragment) {
            x->link = n;
            x->link_href = attr(n, "href");
            x->link_text0 = x->seen_text;
            x->link_words0 = x->seen_words;
            x->link_block0 = x->nblocks;
        }
        x->link_depth++;
    }
    return true;
}

/* At the end of the outermost <a>: keep it when its text reads like a headline and it leads
 * to a page (not "#", javascript: or mailto:). */
static void end_link(struct ex *x, xmlNode *n)
{
    size_t len = x->seen_text - x->link_text0, words = x->seen_words - x->link_words0;
    const char *h = x->link_href;
    x->link = NULL;
    if (words < 4 || words > 40 || len < 20 || len > 300 || !h)
        return;
    while (*h == ' ')
        h++;
    size_t hl = strcspn(h, "?#");
    if (!hl || strncmp(h, "javascript:", 11) == 0 || strncmp(h, "mailto:", 7) == 0)
        return;
    struct hlink *v = text_grow(x->a, x->hl, &x->caphl, x->nhl, sizeof(*v));
    if (!v) {
        x->nomem = true;
        return;
    }
    x->hl = v;
    v[x->nhl++] = (struct hlink){.hash = text_hash(h, hl), .node = n, .dropped = x->drop != NULL};
    if (!x->drop) {
        /* the blocks its text went to: those flushed since it opened, and the open one */
        for (size_t i = x->link_block0; i < x->nblocks; i++)
            if (x->blocks[i].linklen)
                x->blocks[i].headline = true;
        if (x->blk_link)
            x->blk_headline = true;
    }
}

static void leave(struct ex *x, xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE || !n->name)
        return;
    int k = tag_kind((const char *)n->name);
    if (k & EK_SKIP)
        return;
    if (k & EK_BLOCK) {
        flush(x);
        if (x->depth && x->stack[x->depth - 1] == n)
            x->depth--;
    }
    if ((k & EK_LINK) && x->link_depth > 0)
        x->link_depth--;
    if (x->link == n)
        end_link(x, n);
    if (x->drop == n)
        x->drop = NULL;
}

static void walk(struct ex *x, xmlNode *root)
{
    xmlNode *n = root;
    while (n && !x->nomem) {
        if (enter(x, n) && n->children) {
            n = n->children;
            continue;
        }
        for (;;) {
            leave(x, n);
            if (n == root)
                return;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (!n)
                return;
        }
    }
}

/* Mark the ancestors of each element that says it holds the article body (schema.org
 * itemprop="articleBody"), so that a class hint on a wrapper (a "layout__ads" around the whole
 * page) cannot drop it. */
static void protect_bodies(struct ex *x, xmlNode *root)
{
    xmlNode *n = root;
    while (n && !x->nomem) {
        bool down = n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE;
        if (n->type == XML_ELEMENT_NODE && n->name) {
            const char *ip = attr(n, "itemprop");
            if (ip && strstr(ip, "articleBody")) {
                if (!x->body_mark)
                    x->body_mark = n;
                for (xmlNode *p = n; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
                    struct nstat *st = stat_of(x, p);
                    if (!st || st->protect)
                        break;
                    st->protect = true;
                }
            }
            down = !(tag_kind((const char *)n->name) & EK_SKIP);
        }
        if (down && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            return;
        n = n->next;
    }
}

/* ---- scoring ------------------------------------------------------------------------- */

static double link_density(const struct nstat *st)
{
    return st->text ? (double)st->link / (double)st->text : 0.0;
}

static double final_score(const struct nstat *st)
{
    return st->score * (1.0 - link_density(st));
}

/* Mark the elements whose blocks form the article (nstat.keep); false when no paragraph was
 * long enough to score (then every block is kept). */
static bool choose(struct ex *x)
{
    for (size_t i = 0; i < x->nblocks; i++) {
        struct block *b = &x->blocks[i];
        xmlNode *n = b->owner;
        for (int d = 0; n && n->type == XML_ELEMENT_NODE && d < MAX_CLIMB; d++, n = n->parent) {
            struct nstat *st = stat_of(x, n);
            if (!st)
                return false;
            st->text += b->len;
            st->link += b->linklen;
        }
    }
    xmlNode *best = NULL;
    double best_score = 0;
    for (size_t i = 0; i < x->nblocks; i++) {
        struct block *b = &x->blocks[i];
        if (b->len < MIN_PARA || !b->owner || (b->kind & EK_HEAD))
            continue;
        const char *t = x->raw.data + b->off;
        double score = 1.0;
        for (size_t j = 0; j < b->len; j++)
            score += t[j] == ',';
        score += (double)(b->len < 300 ? b->len / 100 : 3); /* whole hundreds, at most 3 */
        xmlNode *c = (b->kind & EK_PARA) ? b->owner->parent : b->owner;
        for (int up = 0; up < 2 && c && c->type == XML_ELEMENT_NODE; up++, c = c->parent) {
            struct nstat *st = stat_of(x, c);
            if (!st)
                return false;
            if (!st->cand) {
                st->cand = true;
                if (st->hints & HINT_POS)
                    st->score += 25;
                if (strcmp((const char *)c->name, "article") == 0)
                    st->score += 10;
            }
            st->score += up ? score / 2 : score;
            double f = final_score(st);
            if (f > best_score) {
                best_score = f;
                best = c;
            }
        }
    }
    if (!best)
        return false;
    /* re-check: scores grew after best was taken */
    for (size_t i = 0; i < x->nblocks; i++) {
        xmlNode *c = x->blocks[i].owner;
        for (int up = 0; up < 3 && c && c->type == XML_ELEMENT_NODE; up++, c = c->parent) {
            struct nstat *st = c->_private;
            if (st && st->cand && final_score(st) > best_score) {
                best_score = final_score(st);
                best = c;
            }
        }
    }
    /* A page that marks its article body (itemprop=articleBody) knows better, unless the
     * best container holds it already: articles cut into sections ("multisection") score
     * one section only, and a dateline with a "detail" class can outscore a short body. */
    const struct nstat *marked = x->body_mark ? x->body_mark->_private : NULL;
    const struct nstat *bst = best->_private;
    if (marked && link_density(marked) < 0.5 && marked->text - marked->link >= MIN_MARKED &&
        marked->text >= bst->text) {
        bool inside = false;
        for (xmlNode *c = x->body_mark; c && c->type == XML_ELEMENT_NODE && !inside; c = c->parent)
            inside = c == best;
        if (!inside)
            best = x->body_mark;
    }
    ((struct nstat *)best->_private)->keep = true;
    double threshold = best_score * 0.2 > 10 ? best_score * 0.2 : 10;
    for (xmlNode *s = best->parent ? best->parent->children : NULL; s; s = s->next) {
        struct nstat *st = s->_private;
        if (s == best || s->type != XML_ELEMENT_NODE || !st)
            continue;
        if ((st->cand && final_score(st) >= threshold) ||
            (strcmp((const char *)s->name, "p") == 0 && st->text >= 80 && link_density(st) < 0.25))
            st->keep = true;
    }
    return true;
}

static bool kept_node(xmlNode *n)
{
    for (int d = 0; n && n->type == XML_ELEMENT_NODE && d < MAX_CLIMB; d++, n = n->parent) {
        const struct nstat *st = n->_private;
        if (st && st->keep)
            return true;
    }
    return false;
}

static bool kept(const struct block *b)
{
    return kept_node(b->owner);
}

/* ---- titles -------------------------------------------------------------------------- */

static size_t count_words(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
            w++;
    return w;
}

static bool prefix_ieq(const char *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i], b = (unsigned char)p[i];
        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a + 32);
        if (b >= 'A' && b <= 'Z')
            b = (unsigned char)(b + 32);
        if (a != b || !a)
            return false;
    }
    return true;
}

/* Cut "Site: " or "Site | " off the front of a (normalized) title, in place, when the site
 * is named by its domain ("KapanLagi.com: ...") or by og:site_name. */
static void strip_site_prefix(char *t, const char *site)
{
    size_t pl = strcspn(t, ":|"), end = pl;
    if (!t[pl])
        return;
    while (end && t[end - 1] == ' ')
        end--;
    const char *dot = memchr(t, '.', end);
    char after = dot ? (char)(dot[1] | 0x20) : 0; /* "detik.com", not "10.30" */
    bool domain = dot && !memchr(t, ' ', end) && after >= 'a' && after <= 'z';
    bool named = site && end && strlen(site) == end && prefix_ieq(t, site, end);
    const char *rest = t + pl + 1;
    while (*rest == ' ')
        rest++;
    if ((domain || named) && count_words(rest, strlen(rest)) >= 3)
        memmove(t, rest, strlen(rest) + 1);
}

/* Cut "Site: " off the front and " | Site" or " - Site" off the end of a (normalized) title,
 * in place. */
static void strip_site(char *t, const char *site)
{
    strip_site_prefix(t, site);
    for (int round = 0; round < 2; round++) {
        size_t n = strlen(t);
        char *bar = NULL, *dash = NULL;
        for (char *p = t; (p = strstr(p, " | ")); p++)
            bar = p;
        for (char *p = t; (p = strstr(p, " - ")); p++)
            dash = p;
        char *cut = NULL;
        if (bar && bar > t) {
            cut = bar;
        } else if (dash && dash > t) {
            const char *suf = dash + 3;
            size_t sl = n - (size_t)(suf - t);
            bool sitey = memchr(suf, '.', sl) != NULL ||
                         (site && strlen(site) == sl && prefix_ieq(suf, site, sl)) ||
                         count_words(suf, sl) <= 2;
            if (sitey && count_words(t, (size_t)(dash - t)) >= 3)
                cut = dash;
        }
        if (!cut)
            return;
        *cut = '\0';
    }
}

static char *norm_meta(struct ex *x, const char *s)
{
    if (!s)
        return NULL;
    size_t n;
    char *r = text_normalize(s, strnlen(s, META_MAX), x->a, &n);
    if (!r)
        x->nomem = true;
    return r && n ? r : NULL;
}

static const char *pick_title(struct ex *x)
{
    char *site = norm_meta(x, x->site);
    char *og = norm_meta(x, first_set(x->og_title, x->tw_title));
    const char *h1 = first_set(x->h1, x->h1_dropped);
    char *tt = x->title_tag ? arena_strdup(x->a, x->title_tag) : NULL;
    if (x->title_tag && !tt)
        x->nomem = true;
    if (h1) {
        size_t hl = strlen(h1);
        if ((og && prefix_ieq(og, h1, hl)) || (tt && prefix_ieq(tt, h1, hl)) || (!og && !tt))
            return h1;
    }
    if (og) {
        strip_site(og, site);
        return og;
    }
    if (x->h1)
        return x->h1;
    if (tt) {
        strip_site(tt, site);
        return *tt ? tt : NULL;
    }
    return x->h1_dropped;
}

/* ---- page signals -------------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Distinct values among the first n of v (sorted in place). */
static size_t distinct(uint32_t *v, size_t n)
{
    size_t d = 0;
    qsort(v, n, sizeof(*v), cmp_u32);
    for (size_t i = 0; i < n; i++)
        d += i == 0 || v[i] != v[i - 1];
    return d;
}

/* Fill x->sig from what the walk and the choice of the main content left behind; body is
 * the joined main text. */
static void gather_signals(struct ex *x, bool chosen, const char *body, size_t blen)
{
    struct text_page_signals *sig = &x->sig;
    sig->body_len = blen;
    for (size_t i = 0; i < blen;) {
        const char *nl = memchr(body + i, '\n', blen - i);
        size_t pl = nl ? (size_t)(nl - (body + i)) : blen - i;
        sig->body_paras++;
        sig->long_paras += pl >= PAGE_LONG_PARA;
        if (pl > sig->longest_para)
            sig->longest_para = pl;
        i += pl + 1;
    }
    size_t run = 0;
    for (size_t i = 0; i < x->nblocks; i++) {
        const struct block *b = &x->blocks[i];
        if (chosen && !kept(b))
            continue;
        sig->main_text += b->len;
        sig->main_link += b->linklen;
        if (b->headline && b->link_first) {
            run = 0; /* a headline, perhaps with its teaser: a new item of a list */
        } else if (b->len - b->linklen >= 80 && !(b->kind & EK_HEAD)) {
            sig->text_blocks++;
            if (++run > sig->max_run)
                sig->max_run = run;
        }
    }
    if (x->nhl) {
        uint32_t *all = arena_alloc(x->a, x->nhl * sizeof(*all));
        uint32_t *in = arena_alloc(x->a, x->nhl * sizeof(*in));
        size_t nin = 0;
        if (!all || !in) {
            x->nomem = true;
            return;
        }
        for (size_t i = 0; i < x->nhl; i++) {
            all[i] = x->hl[i].hash;
            if (!x->hl[i].dropped && (!chosen || kept_node(x->hl[i].node)))
                in[nin++] = x->hl[i].hash;
        }
        sig->headlines = distinct(all, x->nhl);
        sig->main_headlines = distinct(in, nin);
    }
    if (x->body_mark && x->body_mark->_private) {
        const struct nstat *st = x->body_mark->_private;
        sig->body_marked = st->text - st->link;
    }
    if (x->og_type) {
        const char *t = norm_meta(x, x->og_type);
        sig->og_article = t && ieq(t, "article");
        sig->og_website = t && ieq(t, "website");
    }
    sig->url_kind = text_url_kind(first_set(x->canonical, x->og_url));
}

/* ---- documents ----------------------------------------------------------------------- */

static int check_input(const char *s, size_t len, struct error *err)
{
    if (!s || !len)
        return error_set(err, WSP_EINVAL, "empty document");
    if (len > TEXT_MAX_INPUT)
        return error_set(err, WSP_ETOOBIG, "document of %zu bytes is over the %zu byte limit", len,
                         (size_t)TEXT_MAX_INPUT);
    return 0;
}

/* Join the kept blocks, normalized, into one "\n"-separated string. */
static char *join_blocks(struct ex *x, const struct text_resources *res, bool all,
                         const char *title, size_t *outlen)
{
    char **parts = arena_alloc(x->a, (x->nblocks + 1) * sizeof(*parts));
    size_t *lens = arena_alloc(x->a, (x->nblocks + 1) * sizeof(*lens));
    size_t np = 0, total = 0;
    if (!parts || !lens)
        return NULL;
    for (size_t i = 0; i < x->nblocks; i++) {
        const struct block *b = &x->blocks[i];
        if (!all && !kept(b))
            continue;
        if (res && b->linklen * 2 > b->len)
            continue; /* link lists, "Baca juga: <a>...</a>" */
        size_t n;
        char *p = text_normalize(x->raw.data + b->off, b->len, x->a, &n);
        if (!p)
            return NULL;
        if (!n || (res && text_is_boilerplate(res, p, n)))
            continue;
        if (title && (b->kind & EK_HEAD) && strcmp(p, title) == 0)
            continue;
        parts[np] = p;
        lens[np++] = n;
        total += n + 1;
    }
    char *body = arena_alloc(x->a, total + 1);
    if (!body)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < np; i++) {
        if (o)
            body[o++] = '\n';
        memcpy(body + o, parts[i], lens[i]);
        o += lens[i];
    }
    body[o] = '\0';
    *outlen = o;
    return body;
}

static bool ascii_ieq_n(const char *s, const char *lower, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
        if (c != lower[i])
            return false;
    }
    return true;
}

static bool ends_tag_name(char c)
{
    return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* libxml2 2.9 (in recovery mode) ends a script or style element at the first "</script" or
 * "</style", whatever follows; a browser ends it only where the name is followed by a space,
 * '/' or '>'. Scripts that write "</script\>" inside a string would spill their code into
 * the text. Returns a malloc'ed copy with those false ends defused ("</script\" becomes
 * " /script\"), or NULL when there are none (or no memory: then the page is read as is). */
static char *defuse_false_ends(const char *html, size_t len)
{
    static const char *const raw[] = {"script", "style"};
    char *copy = NULL;
    const char *open = NULL; /* the raw-text element we are in, or NULL */
    size_t open_len = 0;
    for (const char *p = html, *end = html + len; (p = memchr(p, '<', (size_t)(end - p))); p++) {
        size_t left = (size_t)(end - p);
        if (!open) {
            for (size_t i = 0; i < WSP_ARRAY_LEN(raw); i++) {
                size_t n = strlen(raw[i]);
                if (left > n + 1 && ascii_ieq_n(p + 1, raw[i], n) && ends_tag_name(p[n + 1])) {
                    open = raw[i];
                    open_len = n;
                }
            }
            continue;
        }
        if (left < open_len + 2 || p[1] != '/' || !ascii_ieq_n(p + 2, open, open_len))
            continue;
        if (left == open_len + 2 || ends_tag_name(p[open_len + 2])) {
            open = NULL;
            continue;
        }
        if (!copy) {
            copy = malloc(len);
            if (!copy)
                return NULL;
            memcpy(copy, html, len);
        }
        copy[p - html] = ' ';
    }
    return copy;
}

/* Without a declared charset libxml2 2.9 would read the bytes as Latin-1; pages without one
 * are nearly always UTF-8 today. A page that declares another charset but whose bytes are
 * valid UTF-8 with multi-byte sequences was saved or re-served as UTF-8 (Latin-1 text is
 * practically never valid UTF-8): believe the bytes. NULL lets the page's declaration rule. */
static const char *pick_encoding(const char *html, size_t len)
{
    size_t head = len < 4096 ? len : 4096;
    if (!memmem(html, head, "charset", 7))
        return "UTF-8";
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)html[i] >= 0x80)
            return utf8_valid(html, len) ? "UTF-8" : NULL;
    return NULL;
}

static htmlDocPtr parse_html(const char *html, size_t len)
{
    text_xml_init();
    const char *enc = pick_encoding(html, len);
    char *fixed = defuse_false_ends(html, len);
    htmlDocPtr doc = htmlReadMemory(fixed ? fixed : html, (int)len, NULL, enc, HTML_OPTS);
    free(fixed);
    return doc;
}

int text_from_html(const struct text_resources *res, const char *html, size_t len, struct arena *a,
                   struct text_doc *out, struct error *err)
{
    int rc = check_input(html, len, err);
    memset(out, 0, sizeof(*out));
    out->body = "";
    if (rc)
        return rc;
    if (!res)
        return error_set(err, WSP_EINVAL, "no text resources");
    struct ex x = {.a = a};
    buf_init(&x.raw, len + 64);
    htmlDocPtr doc = parse_html(html, len);
    if (doc) {
        protect_bodies(&x, (xmlNode *)doc);
        walk(&x, (xmlNode *)doc);
        flush(&x);
        char ud[11];
        if (text_url_date(first_set(x.canonical, x.og_url), ud))
            set_published(&x, ud, PUB_URL);
        set_published(&x, *x.shown_h1 ? x.shown_h1 : *x.shown ? x.shown : NULL, PUB_VISIBLE);
    }
    if (!x.nomem && !x.raw.oom) {
        bool chosen = x.nblocks && choose(&x);
        const char *title = x.nomem ? NULL : pick_title(&x);
        size_t blen = 0;
        char *body = x.nomem ? NULL : join_blocks(&x, res, !chosen, title, &blen);
        if (body)
            gather_signals(&x, chosen, body, blen);
        if (body && !x.nomem) {
            out->not_article = text_page_is_index(&x.sig);
            /* too little main text (a photo or video story): the page's own summary says more */
            char *desc = blen < 200 ? norm_meta(&x, x.description) : NULL;
            if (desc && strlen(desc) > blen) {
                body = desc;
                blen = strlen(desc);
            }
            /* on a list page a date shown in the page is some teaser's, not the page's */
            if (out->not_article && x.pub_prio == PUB_VISIBLE)
                x.pub_prio = PUB_NONE;
            out->title = title;
            out->body = body;
            out->body_len = blen;
            out->published = x.pub_prio ? arena_strdup(a, x.published) : NULL;
            /* http(s) only: a javascript: or data: "canonical" is never a link to follow */
            out->url = norm_meta(&x, first_set(x.canonical, x.og_url));
            if (out->url && strncasecmp(out->url, "http://", 7) != 0 &&
                strncasecmp(out->url, "https://", 8) != 0)
                out->url = NULL;
        } else {
            x.nomem = true;
        }
    }
    if (x.nomem || x.raw.oom || (x.pub_prio && !out->published)) {
        memset(out, 0, sizeof(*out));
        out->body = "";
        rc = error_set(err, WSP_ENOMEM, "document arena is full (html of %zu bytes)", len);
    }
    buf_release(&x.raw);
    if (doc)
        xmlFreeDoc(doc);
    return rc;
}

char *text_html_fragment(const char *html, size_t len, struct arena *a)
{
    if (!len)
        return arena_strdup(a, "");
    struct ex x = {.a = a, .fragment = true};
    char *body = NULL;
    buf_init(&x.raw, len + 64);
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", HTML_OPTS);
    if (doc) {
        walk(&x, (xmlNode *)doc);
        flush(&x);
    }
    size_t blen;
    if (!x.nomem && !x.raw.oom)
        body = join_blocks(&x, NULL, true, NULL, &blen);
    buf_release(&x.raw);
    if (doc)
        xmlFreeDoc(doc);
    return body;
}

int text_from_plain(const struct text_resources *res, const char *txt, size_t len, struct arena *a,
                    struct text_doc *out, struct error *err)
{
    int rc = check_input(txt, len, err);
    memset(out, 0, sizeof(*out));
    out->body = "";
    if (rc)
        return rc;
    if (!res)
        return error_set(err, WSP_EINVAL, "no text resources");
    size_t n;
    char *s = text_normalize(txt, len, a, &n);
    if (!s)
        return error_set(err, WSP_ENOMEM, "document arena is full (text of %zu bytes)", len);
    /* drop boilerplate lines in place */
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t ll = nl ? (size_t)(nl - (s + i)) : n - i;
        if (!text_is_boilerplate(res, s + i, ll)) {
            if (o)
                s[o++] = '\n';
            memmove(s + o, s + i, ll);
            o += ll;
        }
        i += ll + 1;
    }
    s[o] = '\0';
    out->body = s;
    out->body_len = o;
    out->not_article = text_plain_is_index(s, o);
    return 0;
}
