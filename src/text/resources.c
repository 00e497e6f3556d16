/*
 * Resources of the text module: slang and abbreviations (data/text/slang.tsv), number words
 * (data/text/numbers.tsv), boilerplate phrases (data/text/boilerplate.txt) and stopwords
 * (data/lang/stopwords-id.txt), all in one hash table of words plus a phrase list. Loaded
 * once, read-only afterwards.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "text/text_internal.h"

uint32_t text_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    h ^= h >> 15; /* FNV's low bits are weak; the table indexes by them */
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return h;
}

const struct text_entry *text_lookup(const struct text_resources *r, const char *s, size_t n)
{
    uint32_t h = text_hash(s, n);
    for (size_t i = h & r->tabmask;; i = (i + 1) & r->tabmask) {
        const struct text_entry *e = &r->tab[i];
        if (!e->key)
            return NULL;
        if (e->hash == h && e->keylen == n && memcmp(e->key, s, n) == 0)
            return e;
    }
}

/* Find or add the entry of key (the table is sized before filling, so it never fills up). */
static struct text_entry *entry_get(struct text_resources *r, const char *s, size_t n)
{
    uint32_t h = text_hash(s, n);
    size_t i = h & r->tabmask;
    for (;; i = (i + 1) & r->tabmask) {
        struct text_entry *e = &r->tab[i];
        if (!e->key)
            break;
        if (e->hash == h && e->keylen == n && memcmp(e->key, s, n) == 0)
            return e;
    }
    struct text_entry *e = &r->tab[i];
    e->key = arena_strndup(&r->mem, s, n);
    e->keylen = (uint32_t)n;
    e->hash = h;
    r->nentries++;
    return e;
}

/* Split a data line into up to max tab-separated fields, in place. Comment and blank lines
 * give 0. */
static size_t split_fields(char *line, char **f, size_t max)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
        line[--len] = '\0';
    if (!len || line[0] == '#')
        return 0;
    size_t nf = 0;
    char *p = line;
    while (nf < max) {
        f[nf++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return nf;
}

/* Each line of a data file, copied so it can be cut in place. */
typedef int (*line_fn)(struct text_resources *r, char *line, size_t lineno, const char *file,
                       struct error *err);

static int for_each_line(struct text_resources *r, const char *file, line_fn fn, struct error *err)
{
    struct data_blob blob;
    int rc = data_read(file, &blob, err);
    if (rc)
        return rc;
    const char *p = blob.data, *end = blob.data + blob.len;
    size_t lineno = 0;
    char line[1024];
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        if (n >= sizeof(line)) {
            rc = error_set(err, WSP_EINVAL, "line %zu of '%s' is too long", lineno, file);
            break;
        }
        memcpy(line, p, n);
        line[n] = '\0';
        rc = fn(r, line, lineno, file, err);
        p = nl ? nl + 1 : end;
    }
    data_blob_free(&blob);
    return rc;
}

static void ascii_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + ('a' - 'A'));
}

static int count_line(struct text_resources *r, char *line, size_t lineno, const char *file,
                      struct error *err)
{
    WSP_UNUSED(lineno);
    WSP_UNUSED(file);
    WSP_UNUSED(err);
    char *f[3];
    if (split_fields(line, f, 3))
        r->nentries++;
    return 0;
}

static int stop_line(struct text_resources *r, char *line, size_t lineno, const char *file,
                     struct error *err)
{
    WSP_UNUSED(lineno);
    WSP_UNUSED(file);
    WSP_UNUSED(err);
    char *f[1];
    if (!split_fields(line, f, 1))
        return 0;
    ascii_lower(f[0]);
    entry_get(r, f[0], strlen(f[0]))->flags |= TE_STOP;
    return 0;
}

static int slang_line(struct text_resources *r, char *line, size_t lineno, const char *file,
                      struct error *err)
{
    char *f[3];
    size_t nf = split_fields(line, f, 3);
    if (!nf)
        return 0;
    if (nf < 2 || !*f[0] || !*f[1])
        return error_set(err, WSP_EINVAL, "line %zu of '%s': expected key<TAB>expansion", lineno,
                         file);
    ascii_lower(f[0]);
    struct text_entry *e = entry_get(r, f[0], strlen(f[0]));
    e->expand = arena_strdup(&r->mem, f[1]);
    if (nf == 3 && strcmp(f[2], "final") == 0)
        e->flags |= TE_FINAL;
    return 0;
}

static const struct {
    const char *name;
    enum text_num_kind kind;
} num_kinds[] = {
    {"unit", NUM_UNIT},     {"teen", NUM_TEEN},   {"mult", NUM_MULT},
    {"big", NUM_BIG},       {"fixed", NUM_FIXED}, {"sebig", NUM_SEBIG},
    {"single", NUM_SINGLE}, {"vague", NUM_VAGUE}, {"total", NUM_TOTAL},
};

static int number_line(struct text_resources *r, char *line, size_t lineno, const char *file,
                       struct error *err)
{
    char *f[3];
    size_t nf = split_fields(line, f, 3);
    if (!nf)
        return 0;
    long v;
    if (nf != 3 || str_to_long(f[2], 0, 4000000000L, &v) != 0)
        return error_set(err, WSP_EINVAL, "line %zu of '%s': expected word<TAB>kind<TAB>value",
                         lineno, file);
    for (size_t i = 0; i < WSP_ARRAY_LEN(num_kinds); i++) {
        if (strcmp(f[1], num_kinds[i].name) == 0) {
            ascii_lower(f[0]);
            struct text_entry *e = entry_get(r, f[0], strlen(f[0]));
            e->num_kind = (uint8_t)num_kinds[i].kind;
            e->num_value = (uint32_t)v;
            return 0;
        }
    }
    return error_set(err, WSP_EINVAL, "line %zu of '%s': unknown number kind '%s'", lineno, file,
                     f[1]);
}

static int phrase_line(struct text_resources *r, char *line, size_t lineno, const char *file,
                       struct error *err)
{
    WSP_UNUSED(lineno);
    WSP_UNUSED(file);
    WSP_UNUSED(err);
    char *f[1];
    if (!split_fields(line, f, 1))
        return 0;
    struct text_phrase *ph = &r->phrases[r->nphrases];
    char *s = f[0];
    ph->exact = s[0] == '=';
    if (ph->exact)
        s++;
    if (!*s)
        return 0;
    ascii_lower(s);
    ph->s = arena_strdup(&r->mem, s);
    ph->len = strlen(s);
    r->nphrases++;
    return 0;
}

static const char *const word_files[] = {"lang/stopwords-id.txt", "text/slang.tsv",
                                         "text/numbers.tsv"};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
    xmlInitParser();
}

void text_xml_init(void)
{
    pthread_once(&xml_once, xml_init_once);
}

int text_resources_load(struct text_resources **out, struct error *err)
{
    struct text_resources *r = xcalloc(1, sizeof(*r));
    int rc = 0;
    *out = NULL;
    arena_init(&r->mem, 0);
    text_xml_init();

    /* Size the table from the line counts (an upper bound of the distinct words). */
    for (size_t i = 0; i < WSP_ARRAY_LEN(word_files) && !rc; i++)
        rc = for_each_line(r, word_files[i], count_line, err);
    if (rc)
        goto out;
    size_t cap = 64;
    while (cap < r->nentries * 4)
        cap *= 2;
    r->tab = arena_alloc(&r->mem, cap * sizeof(*r->tab));
    r->tabmask = cap - 1;
    r->nentries = 0;

    if ((rc = for_each_line(r, word_files[0], stop_line, err)) ||
        (rc = for_each_line(r, word_files[1], slang_line, err)) ||
        (rc = for_each_line(r, word_files[2], number_line, err)))
        goto out;

    /* An expansion that is a number word ("bbrp" -> "beberapa") counts as that word. */
    for (size_t i = 0; i <= r->tabmask; i++) {
        struct text_entry *e = &r->tab[i];
        if (e->key && e->expand && !e->num_kind) {
            const struct text_entry *x = text_lookup(r, e->expand, strlen(e->expand));
            if (x) {
                e->num_kind = x->num_kind;
                e->num_value = x->num_value;
            }
        }
    }

    size_t nph = 0;
    r->nentries = 0;
    if ((rc = for_each_line(r, "text/boilerplate.txt", count_line, err)))
        goto out;
    nph = r->nentries;
    r->phrases = arena_alloc(&r->mem, (nph + 1) * sizeof(*r->phrases));
    if ((rc = for_each_line(r, "text/boilerplate.txt", phrase_line, err)))
        goto out;
    r->nentries = 0;
    for (size_t i = 0; i <= r->tabmask; i++)
        r->nentries += r->tab[i].key != NULL;
out:
    if (rc) {
        text_resources_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void text_resources_free(struct text_resources *r)
{
    if (!r)
        return;
    arena_release(&r->mem);
    free(r);
}

bool text_is_stopword(const struct text_resources *res, const char *lower)
{
    if (!res || !lower)
        return false;
    const struct text_entry *e = text_lookup(res, lower, strlen(lower));
    return e && (e->flags & TE_STOP);
}

static bool is_alnum_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static unsigned char lower_byte(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Match phrase ph at the start of s (case-insensitive, " :" matches ":"); returns the bytes
 * of s it covers, or 0. */
static size_t phrase_match(const struct text_phrase *ph, const unsigned char *s, size_t n)
{
    size_t i = 0, j = 0;
    while (j < ph->len) {
        if (i >= n)
            return 0;
        unsigned char c = lower_byte(s[i]);
        if (c == (unsigned char)ph->s[j]) {
            i++;
            j++;
        } else if (c == ' ' && ph->s[j] == ':') {
            i++;
        } else {
            return 0;
        }
    }
    if (is_alnum_byte((unsigned char)ph->s[ph->len - 1]) && i < n && is_alnum_byte(s[i]))
        return 0; /* not at a word boundary */
    return i;
}

bool text_is_boilerplate(const struct text_resources *r, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    /* skip list markers and decorations before the words */
    while (n && !is_alnum_byte(*s) && *s != '(') {
        s++;
        n--;
    }
    if (!n)
        return false;
    for (size_t k = 0; k < r->nphrases; k++) {
        const struct text_phrase *ph = &r->phrases[k];
        if ((unsigned char)ph->s[0] != lower_byte(*s))
            continue;
        size_t m = phrase_match(ph, s, n);
        if (!m)
            continue;
        if (!ph->exact)
            return true;
        /* the phrase alone: only punctuation, spaces and a count may follow */
        size_t i = m;
        while (i < n && (s[i] == ' ' || s[i] == ':' || s[i] == '|' || s[i] == '.' || s[i] == '!' ||
                         s[i] == '(' || s[i] == ')' || s[i] == '-' || (s[i] >= '0' && s[i] <= '9')))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

void *text_grow(struct arena *a, void *p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return p;
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap > ((size_t)-1) / size)
        return NULL;
    void *q = arena_alloc(a, ncap * size);
    if (!q)
        return NULL;
    if (p)
        memcpy(q, p, n * size);
    *cap = ncap;
    return q;
}
