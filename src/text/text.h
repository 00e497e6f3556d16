/*
 * text: from what people publish (news HTML, RSS/Atom feeds, plain text) to clean, normalized,
 * tokenized Indonesian text for the detect stage. Pure functions: no SQL, no HTTP, no global
 * mutable state, so any number of threads can run them at once.
 *
 * Memory: everything a function returns is allocated from the caller's arena (the "document
 * arena", one per article) and lives until that arena is released. Inputs are never modified.
 *
 * Resources (slang dictionary, stopwords, boilerplate phrases) are loaded once per process with
 * text_resources_load() from data/text/ and data/lang/ (through data_read, so --data-dir can
 * point at tuned copies) and are read-only afterwards. A Snowball stemmer is NOT thread-safe:
 * each thread creates its own struct text_stemmer.
 *
 * Errors: 0 or a negative WSP_E* code with err filled. Malformed HTML or XML is not an error
 * (the parsers recover as browsers do); only an empty or oversized input is.
 */
#ifndef WSP_TEXT_H
#define WSP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* ---- resources -------------------------------------------------------------------------- */

struct text_resources; /* opaque, read-only after load */

int text_resources_load(struct text_resources **out, struct error *err);
void text_resources_free(struct text_resources *r);

/* ---- documents: main content out of HTML, feeds, plain text ----------------------------- */

/* The main content of one article: title and body as normalized UTF-8 (NFC, one space between
 * words, paragraphs separated by "\n"), without navigation, "Baca juga" / "Berita Terkait"
 * lists, share/print/comment widgets, bylines and footers. */
struct text_doc {
    const char *title; /* NULL when none was found */
    const char *body;  /* never NULL; "" when nothing was left */
    size_t body_len;
    const char *published; /* "YYYY-MM-DD" found in page metadata, or NULL */
    const char *url;       /* canonical URL from the page (<link rel=canonical>, og:url), or NULL */
    bool not_article;      /* a home, index, tag or search page: mostly link lists and short
                              headlines, no article body */
};

/* Largest input text_from_html, text_from_plain and text_parse_feed accept (WSP_ETOOBIG). */
#define TEXT_MAX_INPUT ((size_t)16 << 20)

/* Main-content extraction from an HTML page (libxml2's HTML parser). */
int text_from_html(const struct text_resources *res, const char *html, size_t len, struct arena *a,
                   struct text_doc *out, struct error *err);
/* Plain text (a .txt file or the "text" of a JSON line): normalizes and drops boilerplate
 * lines the same way ("Baca juga: ...", "Bagikan", "Komentar", "Print Friendly, PDF & Email",
 * "Editor: ...", copyright lines). */
int text_from_plain(const struct text_resources *res, const char *txt, size_t len, struct arena *a,
                    struct text_doc *out, struct error *err);

/* One item of an RSS 2.0 or Atom feed. */
struct text_feed_item {
    const char *title;
    const char *url;
    const char *published; /* "YYYY-MM-DD" or NULL */
    const char *summary;   /* description/summary/content, HTML stripped; may be "" */
    const char *guid;      /* guid or id, or NULL */
};

int text_parse_feed(const char *xml, size_t len, struct arena *a, struct text_feed_item **items,
                    size_t *n, struct error *err);

/* ---- normalization ---------------------------------------------------------------------- */

/* Unicode NFC, typographic quotes and dashes to ASCII, no control characters, whitespace
 * collapsed; invalid UTF-8 bytes are dropped. Returns a new string in the arena. */
char *text_normalize(const char *s, size_t len, struct arena *a, size_t *outlen);

/* ---- tokens and sentences --------------------------------------------------------------- */

enum text_token_kind {
    TOK_WORD = 1, /* letters (may contain inner '-' as in "luka-luka", "orang-orang") */
    TOK_NUMBER,   /* digits, possibly with '.' or ',' groups: "12", "1.500", "3,5" */
    TOK_PUNCT     /* any other single character that is not a space */
};

struct text_token {
    enum text_token_kind kind;
    size_t off, len;   /* byte span in the text that was tokenized */
    const char *lower; /* case-folded form, slang and abbreviations expanded ("yg" -> "yang",
                          "kab." -> "kabupaten", "dgn" -> "dengan"); never NULL. A few
                          expansions are several words ("dll" -> "dan lain-lain"). */
    bool capitalized;  /* first letter upper-case in the original (names, places) */
    bool sentence_start;
    /* Private to text: the number-word role of `lower` from data/text/numbers.tsv, set by
     * text_tokenize so that text_read_count needs no resources. Zero on other tokens. */
    uint8_t num_kind;
    uint32_t num_value;
};

/* Tokenize text (normally a text_doc body). Sentence boundaries use . ! ? and newlines but not
 * the dots of abbreviations ("Kab.", "Kec.", "Ds.", "Jl.", "No.", "dr.", initials) or numbers.
 * Tokens are allocated from the arena.
 *
 * Details: an abbreviation listed with its dot in data/text/slang.tsv ("kab.") is one token
 * that includes the dot (span "Kab.", lower "kabupaten"). The dot after a single letter
 * ("A. Yani") is its own PUNCT token but ends no sentence; neither does a '.' followed by a
 * lower-case word. Dates and times are several tokens: "23/2/2021" is NUMBER PUNCT NUMBER
 * PUNCT NUMBER; "18.30" is one NUMBER. Words are letters (and combining marks) only, with
 * inner '-' or '\'' between letters ("luka-luka", "Jum'at"); "Rp10.000" is WORD NUMBER.
 * Invalid UTF-8 bytes are skipped. Any input is safe; len 0 gives 0 tokens. */
int text_tokenize(const struct text_resources *res, const char *s, size_t len, struct arena *a,
                  struct text_token **out, size_t *n, struct error *err);

struct text_span {
    size_t off, len;
};
/* Sentence spans over the same text (derived from tokens' sentence_start). */
int text_sentences(const char *s, size_t len, const struct text_token *toks, size_t ntoks,
                   struct arena *a, struct text_span **out, size_t *n);

bool text_is_stopword(const struct text_resources *res, const char *lower);

/* ---- stemming (Snowball Indonesian via libstemmer) -------------------------------------- */

struct text_stemmer; /* one per thread */

struct text_stemmer *text_stemmer_new(void);
void text_stemmer_free(struct text_stemmer *s);
/* Stem of a lower-case word ("penyerangan" -> "serang"), copied into the arena. */
const char *text_stem(struct text_stemmer *s, const char *lower, struct arena *a);

/* ---- numbers ---------------------------------------------------------------------------- */

/* A count read at token i: digits ("12", "1.500"), number words ("dua", "sebelas",
 * "dua puluh tiga", "seratus"), "seorang"/"sebuah"/"satu" (1), or vague amounts ("belasan",
 * "puluhan", "ratusan", "beberapa", "sejumlah"). */
struct text_count {
    long value;   /* exact value, or the lower bound of a vague amount (belasan -> 11) */
    bool vague;   /* "puluhan", "belasan", "beberapa": not an exact count */
    size_t ntoks; /* tokens consumed (0 when there is no count at i) */
};

/* Read a count starting at token i. Returns true when one was found. Tokens must come from
 * text_tokenize (number words are recognized through num_kind). Not counts: a NUMBER touching
 * '/' or ':' and another NUMBER ("23/2/2021", "10:30"), a dotted group that is not thousands
 * ("18.30"), a decimal ("3,5") unless a multiplier follows ("1,5 juta"). Words combine as in
 * "dua ratus lima puluh ribu"; "2 ribu" is 2000; "sejumlah 5" is exactly 5 (2 tokens);
 * vague amounts may take a multiplier ("puluhan ribu" -> 20000, vague). Values are capped:
 * a count that would exceed 10^12 is not read. */
bool text_read_count(const struct text_token *toks, size_t n, size_t i, struct text_count *out);

#endif
