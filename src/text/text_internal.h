/*
 * Private to the text module: the loaded resources and helpers shared by its files.
 */
#ifndef WSP_TEXT_INTERNAL_H
#define WSP_TEXT_INTERNAL_H

#include "text/text.h"

/* token.num_kind values (data/text/numbers.tsv column 2). */
enum text_num_kind {
    NUM_NONE = 0,
    NUM_UNIT,   /* satu .. sembilan, nol */
    NUM_TEEN,   /* belas */
    NUM_MULT,   /* puluh, ratus */
    NUM_BIG,    /* ribu, juta, miliar */
    NUM_FIXED,  /* sepuluh, sebelas, seratus */
    NUM_SEBIG,  /* seribu, sejuta */
    NUM_SINGLE, /* seorang, sebuah */
    NUM_VAGUE,  /* belasan, puluhan, beberapa */
    NUM_TOTAL   /* sejumlah, sebanyak */
};

enum {
    TE_STOP = 1,  /* a stopword */
    TE_FINAL = 2, /* a dotted abbreviation that may end a sentence ("dll.") */
};

/* One word known to the resources: lookups go through an open-addressing hash table keyed by
 * the lower-case form. */
struct text_entry {
    const char *key;
    const char *expand; /* slang/abbreviation expansion, or NULL */
    uint32_t keylen;
    uint32_t hash;
    uint32_t num_value;
    uint8_t num_kind;
    uint8_t flags;
};

struct text_phrase {
    const char *s; /* lower-case */
    size_t len;
    bool exact; /* drops only a paragraph that is the phrase alone */
};

struct text_resources {
    struct arena mem; /* owns every string and table below */
    struct text_entry *tab;
    size_t tabmask; /* capacity - 1, capacity a power of two */
    size_t nentries;
    struct text_phrase *phrases;
    size_t nphrases;
};

uint32_t text_hash(const char *s, size_t n);
const struct text_entry *text_lookup(const struct text_resources *r, const char *s, size_t n);

/* True when a normalized paragraph is boilerplate (data/text/boilerplate.txt). */
bool text_is_boilerplate(const struct text_resources *r, const char *s, size_t n);

/* Call before using libxml2 (idempotent, thread-safe). */
void text_xml_init(void);

/* Visible text of an HTML fragment, normalized, blocks joined by "\n" (for feed summaries).
 * Returns NULL when the arena is full. */
char *text_html_fragment(const char *html, size_t len, struct arena *a);

/* "YYYY-MM-DD" from an ISO 8601 date, an RFC 822 date ("Tue, 23 Feb 2021 10:00:00 +0700",
 * English or Indonesian month abbreviations) or "YYYY/MM/DD"; false when none. out has 11
 * bytes. */
bool text_parse_date(const char *s, size_t n, char out[11]);

/* Growable array in an arena (old storage is left to the arena). */
void *text_grow(struct arena *a, void *p, size_t *cap, size_t n, size_t size);

/* ---- index pages (pagekind.c) -------------------------------------------------------- */

/* What html.c measures on a page so that text_page_is_index can tell an article from a home,
 * section, tag or search page. "Headline links" are links whose text reads like a headline
 * (4 to 40 words), counted once per target (href without query and fragment). */
struct text_page_signals {
    size_t body_len;       /* the extracted main text (before any description fallback) */
    size_t body_paras;     /* its paragraphs */
    size_t long_paras;     /* of them, the ones of PAGE_LONG_PARA bytes or more */
    size_t longest_para;   /* bytes */
    size_t headlines;      /* distinct headline links on the whole page */
    size_t main_headlines; /* distinct headline links inside the chosen main content */
    size_t main_text;      /* text of the chosen main content, links included */
    size_t main_link;      /* of it, text inside links */
    size_t text_blocks;    /* blocks of 80 bytes or more of text outside links in it */
    size_t max_run;        /* most such blocks in a row without a headline between them */
    size_t body_marked;    /* text of the element marked itemprop=articleBody, if any */
    bool og_article;       /* og:type article */
    bool og_website;       /* og:type website */
    bool ld_article;       /* JSON-LD of type Article, NewsArticle, BlogPosting, ... */
    bool ld_body;          /* ... with an articleBody */
    bool ld_list;          /* JSON-LD CollectionPage, ItemList or SearchResultsPage */
    bool pub_meta;         /* a publication date in the metadata (meta tags or JSON-LD) */
    int url_kind;          /* TEXT_URL_* of the page's canonical URL */
};

#define PAGE_LONG_PARA 150

enum {
    TEXT_URL_NONE = 0, /* no URL, or nothing to say */
    TEXT_URL_ARTICLE,  /* a slug of several words, a long numeric id, or a /YYYY/MM/DD/ path
                          with more after it: an article's address */
    TEXT_URL_INDEX,    /* a tag, topic, search, index or category listing */
    TEXT_URL_SECTION,  /* one or two plain words: a section ("/nasional") or the like */
    TEXT_URL_HOME,     /* the site's root */
};

/* TEXT_URL_* of an absolute or relative URL (the first label of the host, the path and the
 * query are read). */
int text_url_kind(const char *url);

/* "YYYY-MM-DD" from a URL path with /YYYY/MM/DD/ in it (/read/2016/02/23/...); false when
 * none. out has 11 bytes. */
bool text_url_date(const char *url, char out[11]);

/* True when the signals describe a page of link lists and short headlines, not an article. */
bool text_page_is_index(const struct text_page_signals *s);

/* The same for plain text (normalized, lines separated by "\n"): many short headline-like
 * lines and no real paragraph. */
bool text_plain_is_index(const char *s, size_t n);

#endif
