/* A private PostgreSQL server for tests (see pgcluster.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "pgcluster.h"
#include "support.h"

#define PGCLUSTER_USER "waspada"
#define PGCLUSTER_START_MS 30000
#define PGCLUSTER_STOP_MS 10000

/* ---- finding PostgreSQL ---------------------------------------------------------------- */

static bool is_executable(const char *dir, const char *name)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return access(path, X_OK) == 0;
}

/* The directory of initdb and postgres: $WASPADA_TEST_PG_BINDIR when set, else the highest
 * /usr/lib/postgresql/N/bin (Debian), else `pg_config --bindir`, else initdb's directory on
 * PATH. 0 or -1. */
static int find_bindir(char *out, size_t outsz)
{
    const char *forced = getenv("WASPADA_TEST_PG_BINDIR");
    if (forced && forced[0]) {
        if (!is_executable(forced, "initdb") || !is_executable(forced, "postgres"))
            return -1;
        str_copy(out, forced, outsz);
        return 0;
    }
    glob_t g;
    long best = -1;
    if (glob("/usr/lib/postgresql/*/bin", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            const char *v = g.gl_pathv[i] + strlen("/usr/lib/postgresql/");
            long n = strtol(v, NULL, 10);
            if (n > best && is_executable(g.gl_pathv[i], "initdb") &&
                is_executable(g.gl_pathv[i], "postgres")) {
                best = n;
                str_copy(out, g.gl_pathv[i], outsz);
            }
        }
    }
    globfree(&g);
    if (best >= 0)
        return 0;
    FILE *p = popen("pg_config --bindir 2>/dev/null", "r");
    if (p) {
        char line[PATH_MAX] = "";
        bool got = fgets(line, sizeof(line), p) != NULL;
        pclose(p);
        line[strcspn(line, "\n")] = '\0';
        if (got && line[0] && is_executable(line, "initdb") && is_executable(line, "postgres")) {
            str_copy(out, line, outsz);
            return 0;
        }
    }
    const char *path = getenv("PATH");
    char *copy = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
    int rc = -1;
    char *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        if (d[0] && is_executable(d, "initdb") && is_executable(d, "postgres")) {
            str_copy(out, d, outsz);
            rc = 0;
            break;
        }
    }
    free(copy);
    return rc;
}

/* ---- child processes -------------------------------------------------------------------- */

/* The user the server runs as when we are root ("nobody": PostgreSQL refuses root). */
static const struct passwd *server_user(void)
{
    return geteuid() == 0 ? getpwnam("nobody") : NULL;
}

/*
 * Start argv[0] with stdout and stderr appended to log_path, in dir, as the server user
 * when root. die_with_us: the child gets SIGINT (PostgreSQL's fast shutdown) when this
 * process dies. The child's pid, or -1.
 */
static pid_t spawn(const char *dir, const char *log_path, char *const argv[], bool die_with_us)
{
    int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0)
        return -1;
    const struct passwd *pw = server_user();
    uid_t uid = pw ? pw->pw_uid : 0;
    gid_t gid = pw ? pw->pw_gid : 0;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(log, 1);
        dup2(log, 2);
        if (chdir(dir) != 0)
            _exit(126);
        if (pw && (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0))
            _exit(126);
        /* after setuid, which clears it; and only if the parent has not died already */
        if (die_with_us && (prctl(PR_SET_PDEATHSIG, SIGINT) != 0 || getppid() != parent))
            _exit(126);
        setenv("LC_ALL", "C", 1);
        unsetenv("PGDATA");
        unsetenv("PGHOST");
        unsetenv("PGPORT");
        unsetenv("PGUSER");
        unsetenv("PGDATABASE");
        execv(argv[0], argv);
        _exit(127);
    }
    close(log);
    return pid;
}

static int exit_code(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    return WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Wait up to ms for pid; its exit code, or -1 when still running. */
static int wait_ms(pid_t pid, long ms)
{
    int64_t end = time_mono_ms() + ms;
    for (;;) {
        int wstatus;
        pid_t r = waitpid(pid, &wstatus, WNOHANG);
        if (r == pid)
            return exit_code(wstatus);
        if (r < 0 && errno != EINTR)
            return 255;
        if (time_mono_ms() >= end)
            return -1;
        sleep_ms(5);
    }
}

/* The last lines of a log to stderr, indented, after a failure. */
static void show_log(const char *path)
{
    char *text = support_read_file(path);
    if (!text)
        return;
    size_t n = strlen(text), lines = 0;
    const char *p = text + n;
    while (p > text && lines < 15)
        if (*--p == '\n')
            lines++;
    fprintf(stderr, "%s%s", p, n && text[n - 1] != '\n' ? "\n" : "");
    free(text);
}

/* ---- SQL on the server ------------------------------------------------------------------ */

static void quiet(void *arg, const char *message)
{
    WSP_UNUSED(arg);
    WSP_UNUSED(message); /* NOTICE: database "x" does not exist, skipping */
}

/* c->why = what: libpq's message, on one line. */
static void set_why(struct pgcluster *c, const char *what, const char *message)
{
    snprintf(c->why, sizeof(c->why), "%s: %s", what, message);
    for (char *p = c->why; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    size_t n = strlen(c->why);
    while (n > 0 && c->why[n - 1] == ' ')
        c->why[--n] = '\0';
}

/* Run the statements sql[0..n) one by one (CREATE DATABASE takes no transaction) on the
 * database at url. 0, or -1 with the message in c->why. */
static int admin_exec(struct pgcluster *c, const char *url, const char *const sql[], size_t n)
{
    PGconn *conn = PQconnectdb(url);
    int rc = 0;
    if (PQstatus(conn) != CONNECTION_OK) {
        set_why(c, "connect", PQerrorMessage(conn));
        rc = -1;
    }
    if (rc == 0)
        PQsetNoticeProcessor(conn, quiet, NULL);
    for (size_t i = 0; i < n && rc == 0; i++) {
        PGresult *res = PQexec(conn, sql[i]);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            set_why(c, sql[i], PQerrorMessage(conn));
            rc = -1;
        }
        PQclear(res);
    }
    PQfinish(conn);
    return rc;
}

/* url with its database (the URL's path) replaced by name. -1 when it does not fit. */
static int url_with_dbname(const char *url, const char *name, char *out, size_t outsz)
{
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end)
        return -1;
    const char *auth = scheme_end + 3;
    size_t auth_len = strcspn(auth, "/?");
    const char *rest = auth + auth_len;
    if (*rest == '/')
        rest += strcspn(rest, "?");
    int n = snprintf(out, outsz, "%.*s/%s%s", (int)(auth + auth_len - url), url, name, rest);
    return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* ---- the cluster -------------------------------------------------------------------------- */

/* The new server's directory: as root under /tmp (which "nobody" can reach), else under
 * $TMPDIR when the socket's path fits in sun_path. */
static char *make_dir(void)
{
    const char *base = getenv("TMPDIR");
    if (geteuid() == 0 || !base || !base[0] || strlen(base) > 60)
        base = "/tmp";
    char *dir = xasprintf("%s/waspada-pg-XXXXXX", base);
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    const struct passwd *pw = server_user();
    if (pw && chown(dir, pw->pw_uid, pw->pw_gid) != 0) {
        support_rmtree(dir);
        free(dir);
        return NULL;
    }
    return dir;
}

/* Start the server on port; 0 once it accepts connections, -1 (c->why) when it died or
 * timed out. */
static int start_server(struct pgcluster *c, const char *bindir, const char *log_path)
{
    char *postgres = xasprintf("%s/postgres", bindir);
    char *data = xasprintf("%s/data", c->dir);
    char port[16];
    snprintf(port, sizeof(port), "%u", c->port);
    char *const argv[] = {postgres,
                          "-D",
                          data,
                          "-k",
                          c->dir,
                          "-p",
                          port,
                          "-c",
                          "listen_addresses=",
                          "-c",
                          "fsync=off",
                          "-c",
                          "synchronous_commit=off",
                          "-c",
                          "full_page_writes=off",
                          NULL};
    c->pid = spawn(c->dir, log_path, argv, true);
    free(postgres);
    free(data);
    if (c->pid < 0) {
        snprintf(c->why, sizeof(c->why), "fork: %s", strerror(errno));
        return -1;
    }
    char conninfo[PGCLUSTER_URL_MAX];
    snprintf(conninfo, sizeof(conninfo),
             "host=%s port=%u user=" PGCLUSTER_USER " dbname=postgres connect_timeout=5", c->dir,
             c->port);
    int64_t end = time_mono_ms() + PGCLUSTER_START_MS;
    while (time_mono_ms() < end) {
        if (PQping(conninfo) == PQPING_OK)
            return 0;
        int code = wait_ms(c->pid, 10);
        if (code >= 0) {
            c->pid = 0;
            snprintf(c->why, sizeof(c->why), "postgres exited with status %d", code);
            return -1;
        }
    }
    snprintf(c->why, sizeof(c->why), "postgres did not start within %d s",
             PGCLUSTER_START_MS / 1000);
    return -1;
}

static int start_private(struct pgcluster *c)
{
    char bindir[PATH_MAX];
    if (find_bindir(bindir, sizeof(bindir)) != 0) {
        snprintf(c->why, sizeof(c->why),
                 "PostgreSQL is not installed (no initdb and postgres in "
                 "$WASPADA_TEST_PG_BINDIR, /usr/lib/postgresql/*/bin, pg_config --bindir or "
                 "PATH)");
        return PGCLUSTER_ABSENT;
    }
    if (geteuid() == 0 && !server_user()) {
        snprintf(c->why, sizeof(c->why), "running as root and there is no user 'nobody'");
        return PGCLUSTER_FAILED;
    }
    c->dir = make_dir();
    if (!c->dir) {
        snprintf(c->why, sizeof(c->why), "temporary directory: %s", strerror(errno));
        return PGCLUSTER_FAILED;
    }
    char *log_path = xasprintf("%s/initdb.log", c->dir);
    char *initdb = xasprintf("%s/initdb", bindir);
    char *data = xasprintf("%s/data", c->dir);
    char *const argv[] = {initdb,         "-D",        data, "-A",   "trust",      "-U",
                          PGCLUSTER_USER, "--no-sync", "-E", "UTF8", "--locale=C", NULL};
    int rc = PGCLUSTER_FAILED;
    pid_t pid = spawn(c->dir, log_path, argv, false);
    int code = pid < 0 ? -2 : wait_ms(pid, 120000);
    if (code != 0) {
        if (code == -1)
            kill(pid, SIGKILL), waitpid(pid, NULL, 0);
        snprintf(c->why, sizeof(c->why), "initdb failed (status %d)", code);
        show_log(log_path);
        goto out;
    }
    free(log_path);
    log_path = xasprintf("%s/server.log", c->dir);
    /* The socket lives in our own directory, so any port number is free there; a retry on
     * another one covers a clash of shared memory keys, which PostgreSQL derives from it. */
    unsigned first = 20000 + (unsigned)getpid() % 20000;
    for (unsigned i = 0; i < 3; i++) {
        c->port = first + i;
        if (start_server(c, bindir, log_path) == 0) {
            rc = PGCLUSTER_OK;
            break;
        }
        if (c->pid > 0) { /* alive but not answering: give up */
            kill(c->pid, SIGKILL);
            waitpid(c->pid, NULL, 0);
            c->pid = 0;
            break;
        }
    }
    if (rc != PGCLUSTER_OK) {
        show_log(log_path);
        goto out;
    }
    snprintf(c->admin_url, sizeof(c->admin_url),
             "postgresql:///postgres?host=%s&port=%u&user=" PGCLUSTER_USER, c->dir, c->port);
out:
    free(log_path);
    free(initdb);
    free(data);
    return rc;
}

int pgcluster_start(struct pgcluster *c)
{
    memset(c, 0, sizeof(*c));
    const char *ext = getenv("WASPADA_TEST_PG_URL");
    int rc;
    if (ext && ext[0]) {
        c->external = true;
        if (str_copy(c->admin_url, ext, sizeof(c->admin_url)) >= sizeof(c->admin_url)) {
            snprintf(c->why, sizeof(c->why), "WASPADA_TEST_PG_URL is too long");
            return PGCLUSTER_FAILED;
        }
        rc = PGCLUSTER_OK;
    } else {
        rc = start_private(c);
    }
    if (rc == PGCLUSTER_OK && pgcluster_create_db(c, "waspada_test", c->url) != 0)
        rc = PGCLUSTER_FAILED;
    if (rc != PGCLUSTER_OK) {
        char why[sizeof(c->why)];
        str_copy(why, c->why, sizeof(why));
        pgcluster_stop(c);
        str_copy(c->why, why, sizeof(c->why));
    }
    return rc;
}

int pgcluster_create_db(struct pgcluster *c, const char *name, char url_out[PGCLUSTER_URL_MAX])
{
    /* A name of its own: several test programs may share an external server, and a crashed
     * run's database may still be there. */
    char db[64];
    int n = snprintf(db, sizeof(db), "%.32s_%ld_%u", name && name[0] ? name : "db", (long)getpid(),
                     c->next_db++);
    if (n < 0)
        return -1;
    for (char *p = db; *p; p++)
        *p = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    if (url_with_dbname(c->admin_url, db, url_out, PGCLUSTER_URL_MAX) != 0) {
        snprintf(c->why, sizeof(c->why), "database URL too long");
        return -1;
    }
    char drop[128], create[256];
    snprintf(drop, sizeof(drop), "DROP DATABASE IF EXISTS %s", db);
    /* template0: nobody is ever connected to it (template1 may be busy on a shared server) */
    snprintf(create, sizeof(create),
             "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
             db);
    const char *const sql[] = {drop, create};
    if (admin_exec(c, c->admin_url, sql, WSP_ARRAY_LEN(sql)) != 0)
        return -1;
    if (c->external) {
        c->dbs = xrealloc(c->dbs, (c->ndbs + 1) * sizeof(*c->dbs));
        c->dbs[c->ndbs++] = xstrdup(db);
    }
    return 0;
}

void pgcluster_stop(struct pgcluster *c)
{
    for (size_t i = 0; i < c->ndbs; i++) {
        char drop[128];
        snprintf(drop, sizeof(drop), "DROP DATABASE IF EXISTS %s WITH (FORCE)", c->dbs[i]);
        const char *const sql[] = {drop};
        admin_exec(c, c->admin_url, sql, 1);
        free(c->dbs[i]);
    }
    free(c->dbs);
    c->dbs = NULL;
    c->ndbs = 0;
    if (c->pid > 0) {
        /* SIGINT is PostgreSQL's fast shutdown (pg_ctl stop -m fast); then immediate */
        kill(c->pid, SIGINT);
        if (wait_ms(c->pid, PGCLUSTER_STOP_MS) < 0) {
            kill(c->pid, SIGQUIT);
            if (wait_ms(c->pid, PGCLUSTER_STOP_MS) < 0) {
                kill(c->pid, SIGKILL);
                waitpid(c->pid, NULL, 0);
            }
        }
        c->pid = 0;
    }
    if (c->dir) {
        support_rmtree(c->dir);
        free(c->dir);
        c->dir = NULL;
    }
    c->url[0] = c->admin_url[0] = '\0';
}
