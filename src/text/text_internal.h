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

#endif
