/* Snowball Indonesian stemming through libstemmer; one stemmer per thread. */
#include <stdlib.h>
#include <string.h>
#include <libstemmer.h>

#include "text/text_internal.h"

struct text_stemmer {
    struct sb_stemmer *sb;
};

struct text_stemmer *text_stemmer_new(void)
{
    struct sb_stemmer *sb = sb_stemmer_new("indonesian", "UTF_8");
    if (!sb)
        return NULL;
    struct text_stemmer *s = xcalloc(1, sizeof(*s));
    s->sb = sb;
    return s;
}

void text_stemmer_free(struct text_stemmer *s)
{
    if (!s)
        return;
    sb_stemmer_delete(s->sb);
    free(s);
}

static const char *stem_n(struct text_stemmer *s, const char *w, size_t n, struct arena *a)
{
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)n);
    if (!r)
        return NULL;
    return arena_strndup(a, (const char *)r, (size_t)sb_stemmer_length(s->sb));
}

/* Reduplication: "X-X" ("orang-orang"), "X-Xan" ("bentrok-bentrokan") and forms whose halves
 * stem alike ("tembak-menembak") stem as X; other words as a whole (Snowball leaves
 * hyphenated words mostly alone). */
const char *text_stem(struct text_stemmer *s, const char *lower, struct arena *a)
{
    if (!s || !lower)
        return NULL;
    size_t n = strlen(lower);
    if (n > 4096)
        return arena_strndup(a, lower, n);
    const char *h = memchr(lower, '-', n);
    if (h && h > lower && !memchr(h + 1, '-', n - (size_t)(h - lower) - 1)) {
        size_t l = (size_t)(h - lower), r = n - l - 1;
        const char *first = stem_n(s, lower, l, a);
        if (!first)
            return NULL;
        if (r >= l && memcmp(lower, h + 1, l) == 0)
            return first;
        const char *second = stem_n(s, h + 1, r, a);
        if (second && strcmp(first, second) == 0)
            return first;
    }
    return stem_n(s, lower, n, a);
}
