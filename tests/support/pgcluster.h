/*
 * A private PostgreSQL server for tests: initdb in a temporary directory, the server listening
 * on a Unix socket in that directory only (no TCP), trust authentication for user "waspada",
 * fsync off. Or, when $WASPADA_TEST_PG_URL is set (a libpq URL of a database on a running
 * server, as a `make check` that starts one server for every test program would set it), that
 * server instead: then nothing is started and every database made here is dropped at stop.
 *
 * The programs come from $WASPADA_TEST_PG_BINDIR when set, else the newest Debian
 * /usr/lib/postgresql/N/bin, pg_config --bindir or PATH.
 *
 * As root, initdb and the server run as the user "nobody" (PostgreSQL refuses root) and the
 * directory belongs to it. The server is a child of the test process with a parent-death
 * signal, so a test that crashes does not leave it running. Nothing is printed on success;
 * on failure c->why says what went wrong (and the log's last lines go to stderr).
 *
 * Depends on libc, libpq and base only; nothing here calls cmocka.
 */
#ifndef WSP_TEST_PGCLUSTER_H
#define WSP_TEST_PGCLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PGCLUSTER_URL_MAX 512

enum pgcluster_status {
    PGCLUSTER_OK = 0,
    PGCLUSTER_ABSENT = 1,  /* PostgreSQL is not installed: skip the tests */
    PGCLUSTER_FAILED = -1, /* installed but could not start */
};

struct pgcluster {
    char url[PGCLUSTER_URL_MAX]; /* a fresh database of its own, for the caller */
    char why[512];               /* why start failed or was skipped */
    /* private */
    bool external;                     /* $WASPADA_TEST_PG_URL's server */
    char admin_url[PGCLUSTER_URL_MAX]; /* where CREATE DATABASE runs */
    char *dir;                         /* the temporary directory (NULL when external) */
    pid_t pid;                         /* the server */
    unsigned port;
    unsigned next_db;
    char **dbs; /* databases made on an external server, dropped at stop */
    size_t ndbs;
};

/* Start a server (or take $WASPADA_TEST_PG_URL's) and make a fresh database for c->url.
 * PGCLUSTER_OK, PGCLUSTER_ABSENT (no initdb found; c->why says so) or PGCLUSTER_FAILED. */
int pgcluster_start(struct pgcluster *c);
/* Make a fresh, empty database named after name (which gets a unique suffix: programs may
 * share a server) and write its URL to url_out. 0 ok, -1 (c->why) on failure. */
int pgcluster_create_db(struct pgcluster *c, const char *name, char url_out[PGCLUSTER_URL_MAX]);
/* Stop the server (fast shutdown) and remove its directory; on an external server, drop the
 * databases made here. Safe on a cluster that failed to start or was stopped. */
void pgcluster_stop(struct pgcluster *c);

#endif
