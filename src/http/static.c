/* Static files of the web UI under cfg.web_dir, for non-API GET/HEAD requests, and Leaflet
 * from Debian's libjs-leaflet at /vendor/leaflet/ (a fixed mapping to LEAFLET_DIR; 404 when
 * the package is absent).
 *
 * Safety: the decoded path must be absolute and have no "." / ".." segment or backslash,
 * and the file's realpath must stay inside its root (no escape through symlinks).
 *
 * Caching: every file gets a validator (ETag from size and mtime) and If-None-Match answers
 * 304; web files are revalidated on each use (no-cache), vendor files are kept for a week.
 * When the client accepts gzip and a precompressed "<file>.gz" sits next to a vendor file,
 * that is sent with Content-Encoding: gzip. */
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

#define LEAFLET_PREFIX "/vendor/leaflet/"
#ifndef LEAFLET_DIR
#define LEAFLET_DIR "/usr/share/javascript/leaflet"
#endif

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
    {".map", "application/json; charset=utf-8"},
    {".webp", "image/webp"},
    {".woff2", "font/woff2"},
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

/* realpath of p when it lies strictly inside root (root/...), else NULL (free the result). */
static char *real_inside(const char *p, const char *root)
{
    char *real = p ? realpath(p, NULL) : NULL;
    size_t rootlen = strlen(root);
    if (real && !(strncmp(real, root, rootlen) == 0 && real[rootlen] == '/')) {
        free(real);
        real = NULL;
    }
    return real;
}

static bool accepts_gzip(struct http_request *rq)
{
    const char *ae = http_header(rq, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    return ae && strstr(ae, "gzip");
}

/* Serve rel (a safe absolute path, may end in '/') from root (a realpath). */
static void serve_file(struct http_request *rq, const char *root, const char *rel,
                       const char *cache_control, bool try_gzip)
{
    size_t plen = strlen(rel);
    const char *index = rel[plen - 1] == '/' ? "index.html" : "";
    char *full = arena_printf(&rq->arena, "%s%s%s", root, rel, index);
    if (!full) {
        http_reply_error(rq, WSP_ENOMEM, "request arena exhausted");
        return;
    }
    char *real = real_inside(full, root);
    struct stat st;
    int fd = real ? open(real, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* A directory without the trailing slash: serve its index.html. */
        close(fd);
        char *idx = arena_printf(&rq->arena, "%s/index.html", real);
        char *ireal = real_inside(idx, root);
        free(real);
        real = ireal;
        fd = real ? open(real, O_RDONLY | O_CLOEXEC) : -1;
    }
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        free(real);
        not_found(rq);
        return;
    }
    const char *type = content_type_for(real);
    bool gzipped = false;
    if (try_gzip && accepts_gzip(rq)) {
        char *gz = arena_printf(&rq->arena, "%s.gz", real);
        char *gzreal = gz ? real_inside(gz, root) : NULL;
        int gfd = gzreal ? open(gzreal, O_RDONLY | O_CLOEXEC) : -1;
        struct stat gst;
        if (gfd >= 0 && fstat(gfd, &gst) == 0 && S_ISREG(gst.st_mode)) {
            close(fd);
            fd = gfd;
            st = gst;
            gzipped = true;
        } else if (gfd >= 0) {
            close(gfd);
        }
        free(gzreal);
    }
    free(real);
    char *etag = arena_printf(&rq->arena, "\"%llx-%llx%s\"", (unsigned long long)st.st_size,
                              (unsigned long long)st.st_mtime, gzipped ? "-gz" : "");
    const char *inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (etag && inm && strstr(inm, etag)) {
        close(fd);
        http_reply_raw(rq, MHD_HTTP_NOT_MODIFIED, type, "", 0);
    } else {
        rq->replied = true;
        rq->api = false;
        rq->status = MHD_HTTP_OK;
        rq->resp_type = type;
        rq->resp_fd = fd;
        rq->resp_fd_size = (size_t)st.st_size;
    }
    if (etag)
        http_add_header(rq, MHD_HTTP_HEADER_ETAG, etag);
    http_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
    if (try_gzip)
        http_add_header(rq, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    if (gzipped)
        http_add_header(rq, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
}

static void serve_leaflet(struct http_request *rq)
{
    /* A fixed directory: only what sits under LEAFLET_DIR, never anything the URL names. */
    char *root = realpath(LEAFLET_DIR, NULL);
    const char *rel = rq->path + strlen(LEAFLET_PREFIX) - 1; /* keeps the leading '/' */
    if (!root || str_eq(rel, "/")) {
        free(root);
        not_found(rq);
        return;
    }
    serve_file(rq, root, rel, "public, max-age=604800", true);
    free(root);
}

void http_static(struct http_request *rq)
{
    if (path_safe(rq->path) && str_starts_with(rq->path, LEAFLET_PREFIX)) {
        serve_leaflet(rq);
        return;
    }
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
    serve_file(rq, root, rq->path, "no-cache", false);
}
