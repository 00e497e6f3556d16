/*
 * libFuzzer target for place names: geo_normalize_name must be safe on any bytes and keep its
 * promises (NUL-terminated, within outsz, valid UTF-8, idempotent, a cut output is a prefix of
 * the full one), and geo_find must be safe on any query and keep its own (results fit the
 * filters, total counts them). Region codes as the API takes them (?region=, "region" fields):
 * geo_code_valid accepts only dotted codes of 2, 2+2, 2+2+2 or 2+2+2+4 digits, geo_get finds
 * only such a code and the region it returns has exactly that code; geo_format_chain of a
 * found region fits any buffer, cut between characters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct geo_gazetteer *gz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct error err = {0};
    WSP_UNUSED(argc);
    WSP_UNUSED(argv);
    if (geo_load(&gz, &err) != 0) {
        fprintf(stderr, "geo_load: %s\n", err.msg);
        abort();
    }
    return 0;
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_normalize(const char *in, size_t n, size_t outsz)
{
    char out[1024], again[1024], full[4096];
    memset(out, 0x55, sizeof(out));
    size_t len = geo_normalize_name(in, n, out, outsz);
    CHECK(len < outsz);
    CHECK(out[len] == '\0');
    CHECK(strlen(out) == len);
    CHECK(utf8_valid(out, len));
    CHECK(outsz == sizeof(out) || (unsigned char)out[outsz] == 0x55); /* nothing past outsz */
    CHECK(len == 0 || (out[0] != ' ' && out[len - 1] != ' '));
    CHECK(strstr(out, "  ") == NULL);

    size_t len2 = geo_normalize_name(out, len, again, outsz);
    CHECK(len2 == len && memcmp(out, again, len) == 0);

    /* a cut result is the start of the uncut one */
    size_t lenf = geo_normalize_name(in, n, full, sizeof(full));
    CHECK(lenf >= len && memcmp(full, out, len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    check_normalize(in, size, 1024);
    if (size)
        check_normalize(in, size, 1 + data[0] % 40);

    /* geo_find on the input as a query (a C string), with filters from its first bytes */
    char *q = malloc(size + 1);
    if (!q)
        return 0;
    memcpy(q, data, size);
    q[size] = '\0';
    static const char *const parents[] = {NULL, "32", "32.73", "3", "99"};
    struct geo_query query = {
        .q = q,
        .level = size > 1 ? data[1] % 5 : 0,
        .parent = size > 2 ? parents[data[2] % WSP_ARRAY_LEN(parents)] : NULL,
        .offset = size > 3 ? data[3] % 8 : 0,
        .limit = size > 4 ? data[4] % 16 : 0,
    };
    const struct geo_region *out[16];
    size_t total = geo_find(gz, &query, out, WSP_ARRAY_LEN(out));
    size_t n = total > query.offset ? total - query.offset : 0;
    if (n > WSP_ARRAY_LEN(out))
        n = WSP_ARRAY_LEN(out);
    if (query.limit && n > query.limit)
        n = query.limit;
    for (size_t i = 0; i < n; i++) {
        CHECK(out[i] != NULL);
        CHECK(!query.level || out[i]->level == query.level);
        if (query.parent) {
            size_t plen = strlen(query.parent);
            CHECK(strncmp(out[i]->code, query.parent, plen) == 0);
            CHECK(out[i]->code[plen] == '\0' || out[i]->code[plen] == '.');
        }
        for (size_t j = 0; j < i; j++)
            CHECK(out[j] != out[i]);
    }
    CHECK(geo_find(gz, &query, NULL, 0) == total);

    /* the input as a region code */
    static const char *const shapes[] = {"99", "99.99", "99.99.99", "99.99.99.9999"};
    bool shaped = false;
    for (size_t i = 0; i < WSP_ARRAY_LEN(shapes); i++) {
        bool same = strlen(q) == strlen(shapes[i]);
        for (size_t k = 0; same && q[k]; k++)
            same = shapes[i][k] == '.' ? q[k] == '.' : q[k] >= '0' && q[k] <= '9';
        shaped |= same;
    }
    CHECK(geo_code_valid(q) == shaped);
    const struct geo_region *r = geo_get(gz, q);
    if (r) {
        CHECK(shaped && strcmp(r->code, q) == 0);
        char chain[4096], cut[64];
        geo_format_chain(r, chain, sizeof(chain));
        CHECK(strlen(chain) > 0 && utf8_valid(chain, strlen(chain)));
        size_t outsz = 1 + (size > 5 ? data[5] % sizeof(cut) : 0);
        memset(cut, 0x55, sizeof(cut));
        geo_format_chain(r, cut, outsz);
        CHECK(strlen(cut) < outsz && utf8_valid(cut, strlen(cut)));
        CHECK(strncmp(chain, cut, strlen(cut)) == 0);
        CHECK(outsz == sizeof(cut) || (unsigned char)cut[outsz] == 0x55);
    }
    free(q);
    return 0;
}
