/*
 * libFuzzer target for evidence uploads. There is no multipart parser: the file is the raw
 * request body and its name comes from ?filename= (POST /api/v1/progress/{id}/evidence), so
 * what parses untrusted input is plan_evidence_check (name rules, extension, magic bytes).
 * Input: the first byte is the length of the file name, then the name, then the content.
 *
 * Invariants: never crash or read past the content; an accepted file has a name of 1 to
 * PLAN_EVIDENCE_NAME_MAX allowed characters (no '/', so no path), an allowed extension whose
 * content type is returned, content that starts with that type's magic bytes; a refused one
 * has no content type and a WSP_EINVAL message; the hash is 64 lower-case hex digits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const struct {
    const char *ext, *type, *magic;
    size_t magic_len;
} kinds[] = {
    {"pdf", "application/pdf", "%PDF-", 5},
    {"jpg", "image/jpeg", "\xff\xd8\xff", 3},
    {"jpeg", "image/jpeg", "\xff\xd8\xff", 3},
    {"png", "image/png", "\x89PNG\r\n\x1a\n", 8},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "PK\x03\x04", 4},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04", 4},
};

static void check(const char *name, const void *content, size_t len)
{
    const char *type = (const char *)1;
    struct error err = {0};
    int rc = plan_evidence_check(name, content, len, &type, &err);
    if (rc != 0) {
        CHECK(rc == WSP_EINVAL);
        CHECK(err.code == rc && err.msg[0]);
        CHECK(type == NULL);
        return;
    }
    size_t n = strlen(name);
    CHECK(n >= 1 && n <= PLAN_EVIDENCE_NAME_MAX);
    CHECK(strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-()") ==
          n);
    CHECK(len >= 1 && len <= PLAN_EVIDENCE_MAX);
    const char *dot = strrchr(name, '.');
    CHECK(dot != NULL);
    bool found = false;
    for (size_t i = 0; i < WSP_ARRAY_LEN(kinds); i++) {
        if (strcasecmp(dot + 1, kinds[i].ext) != 0)
            continue;
        found = true;
        CHECK(type != NULL && strcmp(type, kinds[i].type) == 0);
        CHECK(len >= kinds[i].magic_len &&
              memcmp(content, kinds[i].magic, kinds[i].magic_len) == 0);
    }
    CHECK(found);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t nlen = data[0];
    if (nlen > size - 1)
        nlen = size - 1;
    /* the name as the query string gives it: a C string (a NUL ends it early) */
    char *name = malloc(nlen + 1);
    if (!name)
        return 0;
    memcpy(name, data + 1, nlen);
    name[nlen] = '\0';
    /* the content in an exact-size heap copy, so ASan sees a read past its end */
    size_t len = size - 1 - nlen;
    char *content = malloc(len ? len : 1);
    if (!content) {
        free(name);
        return 0;
    }
    memcpy(content, data + 1 + nlen, len);
    check(name, content, len);
    check(NULL, content, len);

    char hash[65];
    memset(hash, 'x', sizeof(hash));
    plan_evidence_hash(content, len, hash);
    CHECK(hash[64] == '\0' && strspn(hash, "0123456789abcdef") == 64);
    free(content);
    free(name);
    return 0;
}
