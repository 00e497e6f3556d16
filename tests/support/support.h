/*
 * Test support: temp directories, running the `waspada` binary, starting `waspada serve` on a
 * loopback port, and a small HTTP client on libcurl.
 *
 * Linked into every unit and integration test program, so it depends on libc, libcurl and
 * base only, and has no main(). The binary under test is $WASPADA_BIN (default
 * build/release/waspada). Strings returned in structs are malloc'd and freed by the matching
 * *_free / *_cleanup function. Nothing here calls cmocka: functions return a status and the
 * tests assert.
 */
#ifndef WSP_TEST_SUPPORT_H
#define WSP_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- files ------------------------------------------------------------------------------ */

/* New empty directory under $TMPDIR (or /tmp); caller frees the path. NULL on failure. */
char *support_tmpdir(void);
/* Remove a directory tree (like rm -rf); ignores errors. */
void support_rmtree(const char *path);
/* path joined with name, malloc'd. */
char *support_path(const char *dir, const char *name);
/* Whole file as a NUL-terminated string, or NULL. */
char *support_read_file(const char *path);

/* ---- the waspada binary ----------------------------------------------------------------- */

/* $WASPADA_BIN or "build/release/waspada". */
const char *support_bin(void);

struct support_run {
    int status; /* exit code; 128 + signal number when killed by a signal; -1 when not run */
    char *out;  /* everything written to stdout */
    char *err;  /* everything written to stderr */
};

/* Run the binary with args (NULL-terminated, without argv[0]) feeding stdin_text (may be
 * NULL) and wait for it. Returns r->status. A command on a PostgreSQL --db, and a server on
 * one, get $WASPADA_KEY_FILE when the test set none: one key file of the test program's own
 * (a PostgreSQL database has no default key file). */
int support_run(struct support_run *r, const char *stdin_text, const char *const args[]);
void support_run_free(struct support_run *r);

/* ---- the server ------------------------------------------------------------------------- */

struct support_server {
    pid_t pid;
    unsigned port;
    char base_url[64]; /* "http://127.0.0.1:PORT" */
    int stdout_fd;
    char *log_path; /* server stderr goes here when set */
};

/* Start `waspada --db DB serve --listen 127.0.0.1:0 EXTRA...` and wait (up to 20 s) for its
 * "waspada: listening on http://127.0.0.1:PORT" line. extra may be NULL. log_path may be NULL
 * (stderr inherited). 0 ok, -1 on failure (the child is killed). */
int support_server_start(struct support_server *s, const char *db, const char *const extra[],
                         const char *log_path);
/* SIGTERM and wait (SIGKILL after 10 s). Returns the exit status as support_run does. */
int support_server_stop(struct support_server *s);

/* ---- HTTP client ------------------------------------------------------------------------ */

/* One client = one cookie jar and one kept-alive connection. */
struct support_http {
    void *curl; /* CURL * */
    char base_url[64];
};

struct support_response {
    long status; /* 0 when the request failed at the transport level */
    char *body;
    size_t len;
    char *headers; /* raw header block of the final response */
};

int support_http_init(struct support_http *c, const char *base_url);
void support_http_cleanup(struct support_http *c);
/*
 * method "GET", "POST", "PATCH", "DELETE", ...; path like "/api/v1/health"; body may be NULL
 * (then none is sent), body_len (size_t)-1 means strlen(body); headers is a NULL-terminated
 * list of "Name: value" lines or NULL. Content-Type: application/json is sent with a body.
 * Returns r->status (0 on transport failure).
 */
long support_http(struct support_http *c, const char *method, const char *path, const char *body,
                  size_t body_len, const char *const headers[], struct support_response *r);
void support_response_free(struct support_response *r);
/* Value of the first response header `name` (case-insensitive), malloc'd, or NULL. */
char *support_response_header(const struct support_response *r, const char *name);
/* Value of cookie `name` in the client's jar, malloc'd, or NULL. */
char *support_http_cookie(struct support_http *c, const char *name);

#endif
