/* Static files of the web UI under cfg.web_dir, for non-API GET/HEAD requests, and Leaflet
 * from Debian's libjs-leaflet at /vendor/leaflet/ (a fixed mapping to LEAFLET_DIR; 404 when
 * the package is absent).
 *
 * Only the web app's own files are served: an allow-list of types (web_types), each segment
 * of the path made of [A-Za-z0-9._-] and not starting with '.', so README.md, dotfiles
 * (.git, .env), source maps and editor leftovers in the directory answer 404. The decoded
 * path must be absolute with no "." / ".." segment, and the file's realpath must stay inside
 * its root (no escape through symlinks); the allow-list is checked on the realpath too.
 *
 * Every answer carries a strict Content-Security-Policy (STATIC_CSP: scripts, styles and
 * images from this origin only, no inline script or style attribute, no plugins, no framing);
 * nosniff and Referrer-Policy are added to every response by server.c.
 *
 * Caching: every file gets a validator (ETag from size and mtime) and If-None-Match answers
 * 304; web files are revalidated on each use (no-cache), vendor files are kept for a week.
 * When the client accepts gzip and a precompressed "<file>.gz" sits next to a vendor file or
 * a boundaries file (.geojson) of the app, that is sent with Content-Encoding: gzip. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#define STATIC_CSP HTTP_PAGE_CSP

/* What may be served, by extension; `under` limits a type to one directory of the app
 * (the i18n string tables are the app's only JSON files); vendor: also from Leaflet's
 * directory (which holds source maps, brotli copies and ESM builds we do not serve). */
static const struct {
    const char *ext;
    const char *type;
    const char *under;
    bool vendor;
} web_types[] = {
    {".html", "text/html; charset=utf-8", NULL, false},
    {".css", "text/css; charset=utf-8", NULL, true},
    {".js", "text/javascript; charset=utf-8", NULL, true},
    {".json", "application/json; charset=utf-8", "/i18n/", false},
    {".geojson", "application/geo+json", NULL, false},
    {".svg", "image/svg+xml", NULL, true},
    {".png", "image/png", NULL, true},
    {".ico", "image/x-icon", NULL, false},
    {".woff2", "font/woff2", NULL, false},
};

/* One path segment of a servable file: [A-Za-z0-9._-], not empty, not starting with '.'. */
static bool segment_ok(const char *seg, size_t n)
{
    if (n == 0 || seg[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = seg[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Absolute, every segment segment_ok(); the last one may be empty (a directory: "/" or
 * "/publik/"). */
static bool path_safe(const char *path)
{
    if (path[0] != '/')
        return false;
    for (const char *seg = path + 1;;) {
        size_t n = strcspn(seg, "/");
        if (!seg[n])
            return n == 0 || segment_ok(seg, n);
        if (!segment_ok(seg, n))
            return false;
        seg += n + 1;
    }
}

/* Content type of rel (a path below a root, starting with '/') when the allow-list lets it be
 * served, else NULL. */
static const char *allowed_type(const char *rel, bool vendor)
{
    if (!path_safe(rel))
        return NULL;
    const char *name = strrchr(rel, '/') + 1;
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < WSP_ARRAY_LEN(web_types); i++)
        if (strcmp(dot, web_types[i].ext) == 0) {
            if (vendor ? !web_types[i].vendor
                       : web_types[i].under && !str_starts_with(rel, web_types[i].under))
                return NULL;
            return web_types[i].type;
        }
    return NULL;
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

/* Serve rel (a path_safe() path, may end in '/') from root (a realpath); vendor: root is
 * Leaflet's directory (its allow-list and caching). */
static void serve_file(struct http_request *rq, const char *root, const char *rel, bool vendor)
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
    /* The file itself (after symlinks) must be one the app serves. */
    const char *type = real ? allowed_type(real + strlen(root), vendor) : NULL;
    if (fd < 0 || !type || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        free(real);
        not_found(rq);
        return;
    }
    bool try_gzip = vendor || str_eq(type, "application/geo+json");
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
    http_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL,
                    vendor ? "public, max-age=604800" : "no-cache");
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
    serve_file(rq, root, rel, true);
    free(root);
}

static void serve_static(struct http_request *rq)
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
    serve_file(rq, root, rq->path, false);
}

void http_static(struct http_request *rq)
{
    serve_static(rq);
    /* On every answer (pages, their 404 and 304, scripts): harmless where a browser ignores
     * it, and no HTML page can be served without it. */
    http_add_header(rq, "Content-Security-Policy", STATIC_CSP);
}
