/* Sealed personal fields: key ring, key file, seal and open (seal.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/base.h"
#include "seal/seal.h"

#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define KEYFILE_MAGIC "waspada-key"
#define KEYFILE_VERSION 1
#define KEYFILE_MAX 65536
#define KEYRING_MAX 16

_Static_assert(SEAL_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "key size");

struct seal_key {
    unsigned char key[SEAL_KEY_BYTES];
    char id[SEAL_ID_LEN + 1];
};

struct seal_keyring {
    size_t n;
    struct seal_key *keys; /* sodium_allocarray: guarded, locked where allowed, wiped on free */
};

static int sodium_ready(struct error *err)
{
    if (sodium_init() < 0)
        return error_set(err, WSP_EINTERNAL, "libsodium could not be initialised");
    return 0;
}

/* Key id: the first SEAL_ID_LEN hex digits of BLAKE2b("waspada key id" || key). */
static void key_id(const unsigned char key[SEAL_KEY_BYTES], char id[SEAL_ID_LEN + 1])
{
    static const char ctx[] = "waspada key id";
    unsigned char h[SEAL_ID_LEN / 2];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof(h));
    crypto_generichash_update(&st, (const unsigned char *)ctx, sizeof(ctx) - 1);
    crypto_generichash_update(&st, key, SEAL_KEY_BYTES);
    crypto_generichash_final(&st, h, sizeof(h));
    sodium_bin2hex(id, SEAL_ID_LEN + 1, h, sizeof(h));
}

/* A ring with room for n keys, none set (n stays 0). */
static struct seal_keyring *ring_alloc(size_t n)
{
    struct seal_keyring *kr = xcalloc(1, sizeof(*kr));
    kr->keys = sodium_allocarray(n, sizeof(*kr->keys));
    if (!kr->keys)
        abort(); /* out of memory, as xmalloc */
    return kr;
}

void seal_keyring_free(struct seal_keyring *kr)
{
    if (!kr)
        return;
    sodium_free(kr->keys); /* wipes */
    free(kr);
}

int seal_keyring_generate(struct seal_keyring **out, struct error *err)
{
    *out = NULL;
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    struct seal_keyring *kr = ring_alloc(1);
    crypto_aead_xchacha20poly1305_ietf_keygen(kr->keys[0].key);
    key_id(kr->keys[0].key, kr->keys[0].id);
    kr->n = 1;
    *out = kr;
    return 0;
}

int seal_keyring_add_new(struct seal_keyring *kr, struct error *err)
{
    if (kr->n >= KEYRING_MAX)
        return error_set(err, WSP_EINVAL, "a key file holds at most %d keys", KEYRING_MAX);
    struct seal_key *keys = sodium_allocarray(kr->n + 1, sizeof(*keys));
    if (!keys)
        abort();
    crypto_aead_xchacha20poly1305_ietf_keygen(keys[0].key);
    key_id(keys[0].key, keys[0].id);
    memcpy(keys + 1, kr->keys, kr->n * sizeof(*keys));
    sodium_free(kr->keys);
    kr->keys = keys;
    kr->n++;
    return 0;
}

void seal_keyring_keep_first(struct seal_keyring *kr)
{
    if (kr->n > 1)
        sodium_memzero(kr->keys + 1, (kr->n - 1) * sizeof(*kr->keys));
    if (kr->n > 0)
        kr->n = 1;
}

size_t seal_keyring_count(const struct seal_keyring *kr)
{
    return kr ? kr->n : 0;
}

const char *seal_keyring_id(const struct seal_keyring *kr, size_t i)
{
    return kr && i < kr->n ? kr->keys[i].id : "";
}

static const struct seal_key *ring_find(const struct seal_keyring *kr, const char *id)
{
    for (size_t i = 0; kr && i < kr->n; i++)
        if (strcmp(kr->keys[i].id, id) == 0)
            return &kr->keys[i];
    return NULL;
}

bool seal_keyring_has(const struct seal_keyring *kr, const char *id)
{
    return id && ring_find(kr, id) != NULL;
}

/* ---- key file ------------------------------------------------------------------------------ */

/* Parse one "key <id> <base64>" line into slot k. */
static int parse_key_line(const char *path, int lineno, char *line, struct seal_key *k,
                          struct error *err)
{
    char *id = line + 4;
    while (*id == ' ' || *id == '\t')
        id++;
    char *sp = id;
    while (*sp && *sp != ' ' && *sp != '\t')
        sp++;
    if (!*sp)
        return error_set(err, WSP_EINVAL, "key file '%s' line %d: expected 'key <id> <key>'", path,
                         lineno);
    *sp = '\0';
    char *b64 = sp + 1;
    while (*b64 == ' ' || *b64 == '\t')
        b64++;
    size_t n = strlen(b64);
    while (n > 0 && (b64[n - 1] == ' ' || b64[n - 1] == '\t' || b64[n - 1] == '\r'))
        b64[--n] = '\0';
    size_t got = 0;
    if (sodium_base642bin(k->key, sizeof(k->key), b64, n, NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != SEAL_KEY_BYTES)
        return error_set(err, WSP_EINVAL,
                         "key file '%s' line %d: a key is %d bytes in base64 (44 characters)", path,
                         lineno, SEAL_KEY_BYTES);
    key_id(k->key, k->id);
    if (strcmp(k->id, id) != 0)
        return error_set(err, WSP_EINVAL,
                         "key file '%s' line %d: the key does not match its id '%.16s' (the "
                         "file was altered or damaged)",
                         path, lineno, id);
    return 0;
}

static int parse_keyfile(const char *path, char *text, struct seal_keyring *kr, struct error *err)
{
    bool header = false;
    int lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        while (*line == ' ' || *line == '\t')
            line++;
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        if (!*line || *line == '#')
            continue;
        if (!header) {
            long v = 0;
            if (!str_starts_with(line, KEYFILE_MAGIC " ") ||
                str_to_long(line + strlen(KEYFILE_MAGIC) + 1, 0, INT_MAX, &v) != 0)
                return error_set(err, WSP_EINVAL,
                                 "'%s' is not a waspada key file (line %d: expected '%s %d')", path,
                                 lineno, KEYFILE_MAGIC, KEYFILE_VERSION);
            if (v != KEYFILE_VERSION)
                return error_set(err, WSP_EINVAL,
                                 "key file '%s' has version %ld; this waspada reads version %d",
                                 path, v, KEYFILE_VERSION);
            header = true;
            continue;
        }
        if (!str_starts_with(line, "key ") && !str_starts_with(line, "key\t"))
            return error_set(err, WSP_EINVAL, "key file '%s' line %d: expected 'key <id> <key>'",
                             path, lineno);
        if (kr->n >= KEYRING_MAX)
            return error_set(err, WSP_EINVAL, "key file '%s' holds more than %d keys", path,
                             KEYRING_MAX);
        int rc = parse_key_line(path, lineno, line, &kr->keys[kr->n], err);
        if (rc)
            return rc;
        if (ring_find(kr, kr->keys[kr->n].id))
            return error_set(err, WSP_EINVAL, "key file '%s' line %d: key '%s' is there twice",
                             path, lineno, kr->keys[kr->n].id);
        kr->n++;
    }
    if (!header)
        return error_set(err, WSP_EINVAL, "key file '%s' is empty", path);
    if (kr->n == 0)
        return error_set(err, WSP_EINVAL, "key file '%s' holds no key", path);
    return 0;
}

int seal_keyring_read(struct seal_keyring **out, const char *path, struct error *err)
{
    *out = NULL;
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT)
            return error_set(err, WSP_ENOTFOUND, "key file '%s' does not exist", path);
        return error_set(err, WSP_EIO, "cannot read key file '%s': %s", path, strerror(errno));
    }
    char *text = NULL;
    struct seal_keyring *kr = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = error_set(err, WSP_EIO, "cannot read key file '%s': %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = error_set(err, WSP_EINVAL, "key file '%s' is not a regular file", path);
        goto out;
    }
    /* Like ssh with a private key: a key others can read is no longer a secret. */
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        rc = error_set(err, WSP_EPERM,
                       "key file '%s' may be read by others (mode %03o): run 'chmod 600 %s'", path,
                       (unsigned)(st.st_mode & 0777), path);
        goto out;
    }
    if (st.st_size > KEYFILE_MAX) {
        rc = error_set(err, WSP_EINVAL, "'%s' is too large for a key file", path);
        goto out;
    }
    text = sodium_malloc((size_t)st.st_size + 1);
    if (!text)
        abort();
    size_t len = 0;
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, text + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = error_set(err, WSP_EIO, "cannot read key file '%s': %s", path,
                           n < 0 ? strerror(errno) : "file shrank while read");
            goto out;
        }
        len += (size_t)n;
    }
    text[len] = '\0';
    if (strlen(text) != len) {
        rc = error_set(err, WSP_EINVAL, "'%s' is not a waspada key file (binary data)", path);
        goto out;
    }
    kr = ring_alloc(KEYRING_MAX);
    rc = parse_keyfile(path, text, kr, err);
out:
    close(fd);
    sodium_free(text); /* wipes */
    if (rc) {
        seal_keyring_free(kr);
        return rc;
    }
    *out = kr;
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync the directory holding path, so a new name in it survives a power cut. */
static void sync_dir(const char *path)
{
    char dir[PATH_MAX];
    str_copy(dir, path, sizeof(dir));
    char *slash = strrchr(dir, '/');
    if (!slash)
        str_copy(dir, ".", sizeof(dir));
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int seal_keyring_write(const struct seal_keyring *kr, const char *path, bool replace,
                       struct error *err)
{
    if (!kr || kr->n == 0)
        return error_set(err, WSP_EINTERNAL, "no key to write");
    if (!replace && access(path, F_OK) == 0)
        return error_set(err, WSP_EEXIST, "key file '%s' already exists", path);
    char tmp[PATH_MAX];
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return error_set(err, WSP_EINVAL, "key file path '%s' is too long", path);

    /* The text lives in guarded memory and is wiped when freed. */
    size_t cap = 512 + kr->n * (16 + SEAL_ID_LEN + sodium_base64_ENCODED_LEN(SEAL_KEY_BYTES, 1));
    char *text = sodium_malloc(cap);
    if (!text)
        abort();
    size_t len = (size_t)snprintf(
        text, cap,
        "# waspada key file: the key that seals personal fields in the database (victims'\n"
        "# names and addresses, contacts). Keep it secret (mode 0600) and keep a copy apart\n"
        "# from the database and its backups: without it sealed fields cannot be opened.\n"
        "# The first key seals; every key opens (more than one only during 'key rotate').\n"
        "%s %d\n",
        KEYFILE_MAGIC, KEYFILE_VERSION);
    for (size_t i = 0; i < kr->n; i++) {
        len += (size_t)snprintf(text + len, cap - len, "key %s ", kr->keys[i].id);
        sodium_bin2base64(text + len, cap - len, kr->keys[i].key, SEAL_KEY_BYTES,
                          sodium_base64_VARIANT_ORIGINAL);
        len += strlen(text + len);
        len += (size_t)snprintf(text + len, cap - len, "\n");
    }

    int rc = 0;
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0) {
        rc = error_set(err, WSP_EIO, "cannot create key file '%s': %s", path, strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) != 0 || write_all(fd, text, len) != 0 || fsync(fd) != 0) {
        rc = error_set(err, WSP_EIO, "cannot write key file '%s': %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    if (close(fd) != 0) {
        rc = error_set(err, WSP_EIO, "cannot write key file '%s': %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (replace) {
        if (rename(tmp, path) != 0) {
            rc = error_set(err, WSP_EIO, "cannot rename '%s' to '%s': %s", tmp, path,
                           strerror(errno));
            unlink(tmp);
            goto out;
        }
    } else {
        /* link() never replaces: a key file created meanwhile is kept. */
        if (link(tmp, path) != 0) {
            int e = errno;
            unlink(tmp);
            if (e == EEXIST)
                rc = error_set(err, WSP_EEXIST, "key file '%s' already exists", path);
            else
                rc = error_set(err, WSP_EIO, "cannot create key file '%s': %s", path, strerror(e));
            goto out;
        }
        unlink(tmp);
    }
    sync_dir(path);
out:
    sodium_free(text);
    return rc;
}

/* ---- seal and open ------------------------------------------------------------------------- */

bool seal_is_sealed(const char *text)
{
    if (!text || strncmp(text, SEAL_PREFIX, 3) != 0)
        return false;
    for (int i = 0; i < SEAL_ID_LEN; i++) {
        char c = text[3 + i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return text[3 + SEAL_ID_LEN] == ':';
}

bool seal_text_key_id(const char *text, char id[SEAL_ID_LEN + 1])
{
    if (!seal_is_sealed(text))
        return false;
    memcpy(id, text + 3, SEAL_ID_LEN);
    id[SEAL_ID_LEN] = '\0';
    return true;
}

/* "s1:<id>:<field>", the associated data: binds the value to its column and key id. */
static char *make_ad(const char *id, const char *field, size_t *len)
{
    char *ad = xasprintf(SEAL_PREFIX "%s:%s", id, field ? field : "");
    *len = strlen(ad);
    return ad;
}

int seal_text(const struct seal_keyring *kr, const char *field, const char *plain, size_t len,
              char **out, struct error *err)
{
    *out = NULL;
    if (!kr || kr->n == 0)
        return error_set(err, WSP_EINTERNAL, "no key to seal '%s' with", field);
    const struct seal_key *k = &kr->keys[0];
    size_t blen = NONCE_BYTES + len + TAG_BYTES;
    unsigned char *blob = xmalloc(blen);
    randombytes_buf(blob, NONCE_BYTES);
    size_t adlen;
    char *ad = make_ad(k->id, field, &adlen);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        blob + NONCE_BYTES, &clen, (const unsigned char *)plain, len, (const unsigned char *)ad,
        adlen, NULL, blob, k->key);
    free(ad);
    size_t b64 = sodium_base64_ENCODED_LEN(blen, B64_VARIANT);
    size_t head = strlen(SEAL_PREFIX) + SEAL_ID_LEN + 1;
    char *s = xmalloc(head + b64);
    snprintf(s, head + 1, SEAL_PREFIX "%s:", k->id);
    sodium_bin2base64(s + head, b64, blob, blen, B64_VARIANT);
    free(blob);
    *out = s;
    return 0;
}

size_t seal_open_max(const char *text)
{
    if (!seal_is_sealed(text))
        return 0;
    size_t b64 = strlen(text + 3 + SEAL_ID_LEN + 1);
    size_t bin = b64 / 4 * 3 + 3;
    return bin > NONCE_BYTES + TAG_BYTES ? bin - NONCE_BYTES - TAG_BYTES : 0;
}

int seal_open(const struct seal_keyring *kr, const char *field, const char *text, char *out,
              size_t outsz, size_t *len, struct error *err)
{
    if (outsz)
        out[0] = '\0';
    if (len)
        *len = 0;
    char id[SEAL_ID_LEN + 1];
    if (!seal_text_key_id(text, id))
        return error_set(err, WSP_EINVAL, "field '%s' does not hold sealed text", field);
    const struct seal_key *k = ring_find(kr, id);
    if (!k)
        return error_set(err, WSP_EPERM,
                         "field '%s' was sealed with key %s, which the key file does not hold",
                         field, id);
    const char *b64 = text + 3 + SEAL_ID_LEN + 1;
    size_t b64len = strlen(b64);
    size_t cap = b64len / 4 * 3 + 3;
    unsigned char *blob = xmalloc(cap);
    size_t blen = 0;
    int rc = 0;
    if (sodium_base642bin(blob, cap, b64, b64len, NULL, &blen, NULL, B64_VARIANT) != 0 ||
        blen < NONCE_BYTES + TAG_BYTES) {
        rc = error_set(err, WSP_EINVAL, "sealed field '%s' is damaged (not base64)", field);
        goto out;
    }
    size_t plen = blen - NONCE_BYTES - TAG_BYTES;
    if (outsz < plen + 1) {
        rc = error_set(err, WSP_EINTERNAL, "buffer too small to open field '%s'", field);
        goto out;
    }
    size_t adlen;
    char *ad = make_ad(id, field, &adlen);
    unsigned long long mlen = 0;
    int d = crypto_aead_xchacha20poly1305_ietf_decrypt(
        (unsigned char *)out, &mlen, NULL, blob + NONCE_BYTES, blen - NONCE_BYTES,
        (const unsigned char *)ad, adlen, blob, k->key);
    free(ad);
    if (d != 0) {
        sodium_memzero(out, outsz);
        rc = error_set(err, WSP_EINVAL,
                       "sealed field '%s' does not open: it was altered, or belongs to another "
                       "field",
                       field);
        goto out;
    }
    out[mlen] = '\0';
    if (len)
        *len = (size_t)mlen;
out:
    free(blob);
    return rc;
}

void seal_wipe_free(char *p, size_t n)
{
    if (!p)
        return;
    sodium_memzero(p, n);
    free(p);
}
