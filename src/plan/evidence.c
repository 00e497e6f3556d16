/* Evidence files of progress reports: type allow-list checked on the name and the content,
 * size limit, SHA-256, and content-addressed storage in "<database>.files/". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "base/base.h"
#include "plan/plan.h"

static const struct {
    const char *ext, *type;
    const unsigned char *magic;
    size_t magic_len;
} kinds[] = {
    {"pdf", "application/pdf", (const unsigned char *)"%PDF-", 5},
    {"jpg", "image/jpeg", (const unsigned char *)"\xff\xd8\xff", 3},
    {"jpeg", "image/jpeg", (const unsigned char *)"\xff\xd8\xff", 3},
    {"png", "image/png", (const unsigned char *)"\x89PNG\r\n\x1a\n", 8},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     (const unsigned char *)"PK\x03\x04", 4},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     (const unsigned char *)"PK\x03\x04", 4},
};

int plan_evidence_check(const char *filename, const void *data, size_t len,
                        const char **content_type, struct error *err)
{
    *content_type = NULL;
    size_t n = filename ? strlen(filename) : 0;
    if (n == 0 || n > PLAN_EVIDENCE_NAME_MAX)
        return error_set(err, WSP_EINVAL, "evidence needs a file name of 1 to %d characters",
                         PLAN_EVIDENCE_NAME_MAX);
    for (const char *p = filename; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == ' ' || c == '(' || c == ')'))
            return error_set(err, WSP_EINVAL,
                             "file name '%s' may use only letters, digits, space, '.', '_', '-', "
                             "'(' and ')'",
                             filename);
    }
    if (len == 0)
        return error_set(err, WSP_EINVAL, "evidence file '%s' is empty", filename);
    if (len > PLAN_EVIDENCE_MAX)
        return error_set(err, WSP_ETOOBIG, "evidence file '%s' is over %d MiB", filename,
                         PLAN_EVIDENCE_MAX >> 20);
    const char *dot = strrchr(filename, '.');
    char ext[8] = "";
    if (dot && strlen(dot + 1) < sizeof(ext)) {
        size_t i = 0;
        for (const char *p = dot + 1; *p; p++)
            ext[i++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        ext[i] = '\0';
    }
    for (size_t i = 0; i < WSP_ARRAY_LEN(kinds); i++) {
        if (strcmp(ext, kinds[i].ext) != 0)
            continue;
        if (len < kinds[i].magic_len || memcmp(data, kinds[i].magic, kinds[i].magic_len) != 0)
            return error_set(err, WSP_EINVAL, "content of '%s' is not a %s file", filename,
                             kinds[i].ext);
        *content_type = kinds[i].type;
        return 0;
    }
    return error_set(err, WSP_EINVAL,
                     "file type of '%s' is not allowed (pdf, jpg, png, docx, xlsx)", filename);
}

void plan_evidence_hash(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

int plan_evidence_path(const char *files_dir, const char *sha256, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "%s/%s", files_dir, sha256 ? sha256 : "");
    return n < 0 || (size_t)n >= outsz ? WSP_EINVAL : 0;
}

int plan_evidence_save(const char *files_dir, const void *data, size_t len, char sha256[65],
                       struct error *err)
{
    plan_evidence_hash(data, len, sha256);
    const char *dir = files_dir;
    char path[4096], tmp[4200];
    if (plan_evidence_path(files_dir, sha256, path, sizeof(path)) != 0)
        return error_set(err, WSP_EINVAL, "files directory path is too long for evidence");
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return error_set(err, WSP_EIO, "cannot create '%s': %s", dir, strerror(errno));
    struct stat st;
    if (stat(path, &st) == 0 && (size_t)st.st_size == len)
        return 0; /* the same content is already there */
    /* A unique name: the server's threads may store the same content at the same time. */
    snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return error_set(err, WSP_EIO, "cannot write '%s': %s", tmp, strerror(errno));
    if (fchmod(fd, 0640) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return error_set(err, WSP_EIO, "cannot write '%s': %s", tmp, strerror(e));
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return error_set(err, WSP_EIO, "cannot write '%s': %s", tmp, strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        unlink(tmp);
        return error_set(err, WSP_EIO, "cannot write '%s': %s", tmp, strerror(errno));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return error_set(err, WSP_EIO, "cannot store '%s': %s", path, strerror(e));
    }
    return 0;
}
