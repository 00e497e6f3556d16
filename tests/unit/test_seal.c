/* Unit tests for src/seal: sealing and opening on values, key rings, key files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/base.h"
#include "seal/seal.h"
#include "../support/support.h"

#define FIELD "case_victims.name"

/* Open text with kr into a fresh buffer; the status, the plaintext in *out (caller frees). */
static int open_text(const struct seal_keyring *kr, const char *field, const char *text, char **out,
                     struct error *err)
{
    size_t cap = seal_open_max(text) + 1;
    *out = xmalloc(cap);
    return seal_open(kr, field, text, *out, cap, NULL, err);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct error err = {0};
    struct seal_keyring *kr;
    assert_int_equal(seal_keyring_generate(&kr, &err), 0);
    assert_int_equal(seal_keyring_count(kr), 1);
    assert_int_equal(strlen(seal_keyring_id(kr, 0)), SEAL_ID_LEN);

    const char *values[] = {"Siti Aminah binti Yusuf", "", "Jl. Merdeka No. 7, RT 02/RW 05",
                            "Nur \xc3\x8d\xc3\xa7\xc3\xa3 \xf0\x9f\x99\x82"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(values); i++) {
        char *sealed, *plain;
        assert_int_equal(seal_text(kr, FIELD, values[i], strlen(values[i]), &sealed, &err), 0);
        assert_true(seal_is_sealed(sealed));
        assert_true(str_starts_with(sealed, "s1:"));
        assert_non_null(strstr(sealed, seal_keyring_id(kr, 0)));
        if (*values[i])
            assert_null(strstr(sealed, values[i]));
        char id[SEAL_ID_LEN + 1];
        assert_true(seal_text_key_id(sealed, id));
        assert_string_equal(id, seal_keyring_id(kr, 0));
        assert_int_equal(open_text(kr, FIELD, sealed, &plain, &err), 0);
        assert_string_equal(plain, values[i]);
        /* A fresh nonce each time: the same name seals to different text. */
        char *again;
        assert_int_equal(seal_text(kr, FIELD, values[i], strlen(values[i]), &again, &err), 0);
        assert_string_not_equal(again, sealed);
        free(again);
        free(plain);
        free(sealed);
    }
    assert_false(seal_is_sealed("Siti"));
    assert_false(seal_is_sealed("s1:zz"));
    assert_false(seal_is_sealed(NULL));
    assert_false(seal_is_sealed("s1:0123456789abcdeX:abc"));
    assert_true(seal_is_sealed("s1:0123456789abcdef:abc"));
    seal_keyring_free(kr);
}

static void test_refusals(void **state)
{
    (void)state;
    struct error err = {0};
    struct seal_keyring *kr, *other;
    assert_int_equal(seal_keyring_generate(&kr, &err), 0);
    assert_int_equal(seal_keyring_generate(&other, &err), 0);
    char *sealed, *plain;
    assert_int_equal(seal_text(kr, FIELD, "Budi", 4, &sealed, &err), 0);

    /* Moved to another column. */
    assert_int_equal(open_text(kr, "case_victims.address", sealed, &plain, &err), WSP_EINVAL);
    assert_string_equal(plain, "");
    assert_non_null(strstr(err.msg, "case_victims.address"));
    free(plain);
    /* Another key: its id is not in the ring. */
    assert_int_equal(open_text(other, FIELD, sealed, &plain, &err), WSP_EPERM);
    assert_non_null(strstr(err.msg, seal_keyring_id(kr, 0)));
    free(plain);
    /* Every byte of the payload altered in turn: none opens. */
    size_t head = 3 + SEAL_ID_LEN + 1;
    for (size_t i = head; sealed[i]; i++) {
        char *t = xstrdup(sealed);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        assert_int_not_equal(open_text(kr, FIELD, t, &plain, &err), 0);
        free(plain);
        free(t);
    }
    /* The key id swapped for another key's: the associated data differs. */
    {
        char *t = xstrdup(sealed);
        memcpy(t + 3, seal_keyring_id(other, 0), SEAL_ID_LEN);
        assert_int_not_equal(open_text(other, FIELD, t, &plain, &err), 0);
        free(plain);
        free(t);
    }
    /* Truncated, or not sealed at all. */
    {
        char *t = xstrdup(sealed);
        t[head + 10] = '\0';
        assert_int_equal(open_text(kr, FIELD, t, &plain, &err), WSP_EINVAL);
        free(plain);
        free(t);
    }
    assert_int_equal(open_text(kr, FIELD, "Budi", &plain, &err), WSP_EINVAL);
    free(plain);
    free(sealed);
    seal_keyring_free(kr);
    seal_keyring_free(other);
}

static void test_rotation(void **state)
{
    (void)state;
    struct error err = {0};
    struct seal_keyring *kr;
    assert_int_equal(seal_keyring_generate(&kr, &err), 0);
    char old_id[SEAL_ID_LEN + 1];
    str_copy(old_id, seal_keyring_id(kr, 0), sizeof(old_id));
    char *old_sealed, *new_sealed, *plain;
    assert_int_equal(seal_text(kr, FIELD, "Andi", 4, &old_sealed, &err), 0);

    assert_int_equal(seal_keyring_add_new(kr, &err), 0);
    assert_int_equal(seal_keyring_count(kr), 2);
    assert_string_equal(seal_keyring_id(kr, 1), old_id);
    assert_string_not_equal(seal_keyring_id(kr, 0), old_id);
    assert_true(seal_keyring_has(kr, old_id));
    /* The old key still opens; the new one seals. */
    assert_int_equal(open_text(kr, FIELD, old_sealed, &plain, &err), 0);
    assert_string_equal(plain, "Andi");
    free(plain);
    assert_int_equal(seal_text(kr, FIELD, "Andi", 4, &new_sealed, &err), 0);
    assert_non_null(strstr(new_sealed, seal_keyring_id(kr, 0)));

    seal_keyring_keep_first(kr);
    assert_int_equal(seal_keyring_count(kr), 1);
    assert_false(seal_keyring_has(kr, old_id));
    assert_int_equal(open_text(kr, FIELD, old_sealed, &plain, &err), WSP_EPERM);
    free(plain);
    assert_int_equal(open_text(kr, FIELD, new_sealed, &plain, &err), 0);
    free(plain);
    free(old_sealed);
    free(new_sealed);
    seal_keyring_free(kr);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static void test_key_file(void **state)
{
    (void)state;
    struct error err = {0};
    char *dir = support_tmpdir();
    char *path = support_path(dir, "waspada.key");
    struct seal_keyring *kr, *back;
    assert_int_equal(seal_keyring_generate(&kr, &err), 0);
    assert_int_equal(seal_keyring_add_new(kr, &err), 0);
    assert_int_equal(seal_keyring_write(kr, path, false, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* Never overwritten silently. */
    assert_int_equal(seal_keyring_write(kr, path, false, &err), WSP_EEXIST);
    assert_non_null(strstr(err.msg, "already exists"));

    assert_int_equal(seal_keyring_read(&back, path, &err), 0);
    assert_int_equal(seal_keyring_count(back), 2);
    assert_string_equal(seal_keyring_id(back, 0), seal_keyring_id(kr, 0));
    assert_string_equal(seal_keyring_id(back, 1), seal_keyring_id(kr, 1));
    char *sealed, *plain;
    assert_int_equal(seal_text(kr, FIELD, "Rina", 4, &sealed, &err), 0);
    assert_int_equal(open_text(back, FIELD, sealed, &plain, &err), 0);
    assert_string_equal(plain, "Rina");
    free(plain);
    free(sealed);
    seal_keyring_free(back);

    /* Replaced on request (the last step of a rotation), still 0600. */
    seal_keyring_keep_first(kr);
    assert_int_equal(seal_keyring_write(kr, path, true, &err), 0);
    assert_int_equal(seal_keyring_read(&back, path, &err), 0);
    assert_int_equal(seal_keyring_count(back), 1);
    seal_keyring_free(back);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* Readable by others: refused, with the fix in the message. */
    chmod(path, 0644);
    assert_int_equal(seal_keyring_read(&back, path, &err), WSP_EPERM);
    assert_null(back);
    assert_non_null(strstr(err.msg, "chmod 600"));
    chmod(path, 0600);

    char *text = support_read_file(path);
    assert_non_null(strstr(text, "waspada-key 1\nkey "));
    free(text);

    /* Missing file. */
    char *missing = support_path(dir, "none.key");
    assert_int_equal(seal_keyring_read(&back, missing, &err), WSP_ENOTFOUND);
    free(missing);

    /* Bad formats give messages that say what is wrong. */
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"", "is empty"},
        {"# only a comment\n", "is empty"},
        {"hello\n", "is not a waspada key file"},
        {"waspada-key 2\n", "version 2"},
        {"waspada-key 1\n", "holds no key"},
        {"waspada-key 1\nkey 0123456789abcdef\n", "expected 'key <id> <key>'"},
        {"waspada-key 1\nkey 0123456789abcdef AAAA\n", "44 characters"},
        {"waspada-key 1\nkey 0123456789abcdef AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
         "does not match its id"},
        {"waspada-key 1\nsecret\n", "line 2"},
    };
    char *badpath = support_path(dir, "bad.key");
    for (size_t i = 0; i < WSP_ARRAY_LEN(bad); i++) {
        write_text(badpath, bad[i].text, 0600);
        assert_int_not_equal(seal_keyring_read(&back, badpath, &err), 0);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].msg);
    }
    free(badpath);

    seal_keyring_free(kr);
    free(path);
    support_rmtree(dir);
    free(dir);
}

/* A key file with comments, blank lines and CRLF ends reads the same keys. */
static void test_key_file_lenient(void **state)
{
    (void)state;
    struct error err = {0};
    char *dir = support_tmpdir();
    char *path = support_path(dir, "a.key");
    struct seal_keyring *kr, *back;
    assert_int_equal(seal_keyring_generate(&kr, &err), 0);
    assert_int_equal(seal_keyring_write(kr, path, false, &err), 0);
    char *text = support_read_file(path);
    struct buf b;
    buf_init(&b, 0);
    buf_puts(&b, "\r\n  # moved from the old server\r\n\r\n");
    for (const char *p = text; *p; p++) {
        if (*p == '\n')
            buf_putc(&b, '\r');
        buf_putc(&b, *p);
    }
    char *path2 = support_path(dir, "b.key");
    write_text(path2, buf_cstr(&b), 0600);
    assert_int_equal(seal_keyring_read(&back, path2, &err), 0);
    assert_string_equal(seal_keyring_id(back, 0), seal_keyring_id(kr, 0));
    seal_keyring_free(back);
    buf_release(&b);
    free(text);
    free(path2);
    free(path);
    seal_keyring_free(kr);
    support_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_rotation),         cmocka_unit_test(test_key_file),
        cmocka_unit_test(test_key_file_lenient),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
