/* Static files of the web UI under cfg.web_dir, for non-API GET/HEAD requests.
 *
 * Safety: the decoded path must be absolute and have no "." / ".." segment or backslash,
 * and the file's realpath must stay inside the web root (no escape through symlinks). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_internal.h"

static const char not_installed_html[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Waspada</title></head>\n<body><h1>Waspada</h1>\n"
    "<p>The web UI is not installed. The API is running: "
    "<a href=\"/api/v1/health\">/api/v1/health</a>.</p>\n</body></html>\n";

static const char not_found_html[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Not found</title></head>\n<body><h1>404 Not found</h1></body></html>\n";

static const struct {
    const char *ext;
    const char *type;
} content_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".geojson", "application/geo+json"},
    {".png", "image/png"},
    {".svg", "image/svg+xml"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *content_type_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < WSP_ARRAY_LEN(content_types); i++)
            if (strcasecmp(dot, content_types[i].ext) == 0)
                return content_types[i].type;
    return "application/octet-stream";
}

/* Absolute, no "." or ".." segments, no backslashes or control bytes. */
static bool path_safe(const char *path)
{
    if (path[0] != '/')
        return false;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    for (const char *seg = path + 1;;) {
        size_t n = strcspn(seg, "/");
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        if (!seg[n])
            break;
        seg += n + 1;
    }
    return true;
}

static void not_found(struct http_request *rq)
{
    http_reply_raw(rq, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8", not_found_html,
                   sizeof(not_found_html) - 1);
}

void http_static(struct http_request *rq)
{
    const char *root = rq->srv->web_root;
    if (!root) {
        if (str_eq(rq->path, "/") || str_eq(rq->path, "/index.html"))
            http_reply_raw(rq, MHD_HTTP_OK, "text/html; charset=utf-8", not_installed_html,
                           sizeof(not_installed_html) - 1);
        else
            not_found(rq);
        return;
    }
    if (!path_safe(rq->path)) {
        not_found(rq);
        return;
    }
    size_t plen = strlen(rq->path);
    const char *index = rq->path[plen - 1] == '/' ? "index.html" : "";
    char *full = arena_printf(&rq->arena, "%s%s%s", root, rq->path, index);
    if (!full) {
        http_reply_error(rq, WSP_ENOMEM, "request arena exhausted");
        return;
    }
    char *real = realpath(full, NULL);
    if (!real) {
        not_found(rq);
        return;
    }
    size_t rootlen = strlen(root);
    bool inside = strncmp(real, root, rootlen) == 0 && real[rootlen] == '/';
    struct stat st;
    int fd = inside ? open(real, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* A directory without the trailing slash: serve its index.html. */
        close(fd);
        char *idx = arena_printf(&rq->arena, "%s/index.html", real);
        char *ireal = idx ? realpath(idx, NULL) : NULL;
        fd = -1;
        if (ireal && strncmp(ireal, root, rootlen) == 0 && ireal[rootlen] == '/') {
            free(real);
            real = ireal;
            ireal = NULL;
            fd = open(real, O_RDONLY | O_CLOEXEC);
        }
        free(ireal);
    }
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        free(real);
        not_found(rq);
        return;
    }
    rq->replied = true;
    rq->api = false;
    rq->status = MHD_HTTP_OK;
    rq->resp_type = content_type_for(real);
    rq->resp_fd = fd;
    rq->resp_fd_size = (size_t)st.st_size;
    http_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    free(real);
}
