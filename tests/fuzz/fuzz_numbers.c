/*
 * libFuzzer target for normalization, tokens, sentences and counts: on any bytes, tokens are
 * in order and inside the text, lower forms are valid UTF-8, sentences cover their tokens,
 * text_read_count at every token finds a count exactly when it consumes tokens, stays inside
 * the array and never reads a negative value; normalization gives valid UTF-8 and is
 * idempotent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct text_resources *res;
static struct text_stemmer *stemmer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct error err = {0};
    WSP_UNUSED(argc);
    WSP_UNUSED(argv);
    if (text_resources_load(&res, &err) != 0) {
        fprintf(stderr, "text_resources_load: %s\n", err.msg);
        abort();
    }
    stemmer = text_stemmer_new();
    if (!stemmer)
        abort();
    return 0;
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_tokens(const char *s, size_t len, struct arena *a)
{
    struct text_token *t;
    size_t n;
    struct error err = {0};
    CHECK(text_tokenize(res, s, len, a, &t, &n, &err) == 0);
    size_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(t[i].len > 0);
        CHECK(t[i].off >= prev && t[i].off + t[i].len <= len);
        prev = t[i].off + t[i].len;
        CHECK(t[i].kind == TOK_WORD || t[i].kind == TOK_NUMBER || t[i].kind == TOK_PUNCT);
        CHECK(t[i].lower != NULL && utf8_valid(t[i].lower, strlen(t[i].lower)));
        CHECK(utf8_valid(s + t[i].off, t[i].len));
        CHECK(i > 0 || t[i].sentence_start);
        if (t[i].kind == TOK_NUMBER)
            CHECK(s[t[i].off] >= '0' && s[t[i].off] <= '9');

        struct text_count c;
        bool found = text_read_count(t, n, i, &c);
        CHECK(found == (c.ntoks > 0));
        CHECK(i + c.ntoks <= n);
        CHECK(c.value >= 0);
        if (!found)
            CHECK(c.value == 0 && !c.vague);
        if (t[i].kind == TOK_WORD && t[i].len < 64) {
            const char *st = text_stem(stemmer, t[i].lower, a);
            CHECK(st != NULL && utf8_valid(st, strlen(st)));
        }
    }
    struct text_span *sp;
    size_t ns;
    CHECK(text_sentences(s, len, t, n, a, &sp, &ns) == 0);
    CHECK((n == 0) == (ns == 0));
    size_t covered = 0;
    for (size_t i = 0; i < ns; i++) {
        CHECK(sp[i].len > 0 && sp[i].off + sp[i].len <= len);
        CHECK(i == 0 || sp[i].off >= sp[i - 1].off + sp[i - 1].len);
        covered++;
    }
    CHECK(covered == ns);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct arena a;
    arena_init(&a, 64u << 20);

    check_tokens(in, size, &a);

    size_t n1, n2;
    char *once = text_normalize(in, size, &a, &n1);
    CHECK(once != NULL && strlen(once) == n1 && utf8_valid(once, n1));
    CHECK(n1 == 0 || (once[0] != ' ' && once[0] != '\n'));
    CHECK(n1 == 0 || (once[n1 - 1] != ' ' && once[n1 - 1] != '\n'));
    CHECK(strstr(once, "  ") == NULL && strstr(once, "\n\n") == NULL);
    char *twice = text_normalize(once, n1, &a, &n2);
    CHECK(twice != NULL && n1 == n2 && memcmp(once, twice, n1) == 0);
    check_tokens(once, n1, &a);

    arena_release(&a);
    return 0;
}
