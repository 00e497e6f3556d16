/*
 * The PostgreSQL driver of the database interface (db.h, db_internal.h), on libpq.
 *
 * - SQL: ?N and bare ? become $N (a bare ? takes the largest number so far plus one, as in
 *   SQLite), outside string literals ('', E'', $tag$...$tag$), quoted names and comments. The
 *   server infers every parameter's type (no paramTypes), so a parameter it cannot type needs
 *   a CAST in the SQL. PostgreSQL's own operators that contain ? (jsonb ?, ?|, ?&) cannot be
 *   written; use the functions (jsonb_exists) instead.
 * - Statements: a persistent one is prepared on the server under a name of its own ("wsp_N")
 *   the first time it runs; others go with their parameters in one PQexecParams. Parameters
 *   travel as text, copied at bind time. A statement's whole result is read when it first
 *   steps and kept until DB_DONE or reset: another statement may run on the connection while
 *   a caller walks the rows, as with SQLite, at the cost of holding big results in memory.
 * - Errors map by SQLSTATE (sqlstate_status). The message is the server's primary message
 *   only: its DETAIL repeats the row's values (a duplicate key's e-mail address, say), which
 *   must not reach the logs.
 * - Connection loss: the next statement reconnects once (PQreset) when no transaction was
 *   open. When one was, every statement fails until the caller's ROLLBACK (which then
 *   succeeds: the server threw the transaction away), so no statement of a half-done
 *   transaction runs on its own after a reconnect.
 * - Named statements are dropped (DEALLOCATE) when finalized outside a transaction; inside
 *   one they wait in a list until the connection is idle, so a finalize never aborts the
 *   caller's transaction.
 *
 * Everything lives in the connection (struct pgd_conn) and its statements: no global state.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "store/db_internal.h"

#define PGD_MAX_PARAMS 65535 /* the protocol's limit */
#define PGD_BOOLOID 16       /* pg_type.oid of boolean */
#define PGD_NAME_MAX 32

struct pgd_conn {
    PGconn *conn;
    int64_t changes;                /* rows changed by the last INSERT, UPDATE, DELETE or MERGE */
    uint64_t next_name;             /* numbers the named statements: "wsp_<n>" */
    uint64_t generation;            /* bumped by a reconnect: named statements are gone then */
    PGTransactionStatusType before; /* transaction status before the running command */
    bool lost_in_tx; /* the connection died inside a transaction not yet rolled back */
    char **pending;  /* names to DEALLOCATE once the connection is idle */
    size_t npending;
};

enum pgd_state {
    PGD_READY,  /* not run since prepare or reset */
    PGD_ROWS,   /* a result with rows; row is the current one */
    PGD_DONE,   /* ran to the end */
    PGD_FAILED, /* the last run failed: DB_EMISUSE until reset */
};

struct pgd_param {
    char *text;   /* a copy of bound text, or NULL */
    char num[32]; /* a bound number as text */
};

struct pgd_stmt {
    struct db *db;
    char *sql; /* with $N placeholders */
    bool persistent;
    char name[PGD_NAME_MAX]; /* the server-side name, "" while not prepared */
    uint64_t generation;     /* the connection's generation when prepared */
    int nparams;
    struct pgd_param *params;
    const char **values; /* what libpq sends: params[i].text, params[i].num or NULL */
    enum pgd_state state;
    PGresult *res;
    int row, nrows;
};

/* ---- messages ---------------------------------------------------------------------------- */

/* msg <- prefix + text, white space runs (libpq's messages span lines) folded to one space
 * and trimmed. */
static void set_msg(struct db *d, const char *prefix, const char *text)
{
    size_t n = str_copy(d->msg, prefix, sizeof(d->msg));
    if (n >= sizeof(d->msg))
        n = sizeof(d->msg) - 1;
    bool space = false;
    for (const char *p = text ? text : ""; *p && n + 1 < sizeof(d->msg); p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            space = true;
            continue;
        }
        if (space && n > 0 && d->msg[n - 1] != ' ')
            d->msg[n++] = ' ';
        space = false;
        d->msg[n++] = *p;
    }
    d->msg[n] = '\0';
}

/* Cut every copy of s[0..n) out of msg, leaving "***". */
static void cut_out(char *msg, const char *s, size_t n)
{
    if (n == 0)
        return;
    char *hit;
    while ((hit = memmem(msg, strlen(msg), s, n)) != NULL) {
        memmove(hit + 3, hit + n, strlen(hit + n) + 1);
        memcpy(hit, "***", 3);
    }
}

/* Remove the URL's password, as written in the URL, from msg: libpq quotes a badly
 * %-encoded part of the URL in its message, and that part may be the password. */
static void redact_password(char *msg, const char *url)
{
    const char *auth = strstr(url, "://");
    if (!auth)
        return;
    auth += 3;
    size_t auth_len = strcspn(auth, "/?");
    const char *at = NULL;
    for (const char *q = auth; q < auth + auth_len; q++)
        if (*q == '@')
            at = q;
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        if (colon)
            cut_out(msg, colon + 1, (size_t)(at - colon - 1));
    }
    const char *query = strchr(auth, '?');
    for (const char *q = query; q && *q; q += strcspn(q + 1, "&") + 1) {
        if (strncmp(q + 1, "password=", 9) == 0)
            cut_out(msg, q + 10, strcspn(q + 10, "&"));
    }
}

/* A SQLSTATE as a db_status. */
static int sqlstate_status(const char *state)
{
    if (!state || strlen(state) != 5)
        return DB_ERROR;
    if (strcmp(state, "23505") == 0)
        return DB_EUNIQUE;
    if (strcmp(state, "23503") == 0)
        return DB_EFOREIGN;
    if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0 ||
        strncmp(state, "22", 2) == 0) /* data exceptions: bad input for a column's type */
        return DB_ECONSTRAINT;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
        return DB_EBUSY;
    if (strcmp(state, "53200") == 0)
        return DB_ENOMEM;
    return DB_ERROR;
}

/* The connection died during the last command: say so and remember whether a transaction
 * went with it. */
static int conn_lost(struct db *d)
{
    struct pgd_conn *c = d->pg;
    if (c->before != PQTRANS_IDLE)
        c->lost_in_tx = true;
    set_msg(d, "connection to the PostgreSQL server lost: ", PQerrorMessage(c->conn));
    return DB_ERROR;
}

/* A failed command's status, its message in d->msg. res may be NULL (libpq returns no
 * result when out of memory or when the connection is gone). */
static int result_error(struct db *d, const PGresult *res)
{
    struct pgd_conn *c = d->pg;
    if (PQstatus(c->conn) == CONNECTION_BAD)
        return conn_lost(d);
    if (!res) {
        set_msg(d, "postgresql: ", PQerrorMessage(c->conn));
        return DB_ENOMEM;
    }
    const char *text = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (!text || !*text)
        text = PQresultErrorMessage(res);
    if (!text || !*text)
        text = PQresStatus(PQresultStatus(res));
    set_msg(d, "", text);
    return sqlstate_status(PQresultErrorField(res, PG_DIAG_SQLSTATE));
}

/* The server's notices (NOTICE: relation already exists, skipping) go to the debug log, not
 * to stderr as libpq's default would. */
static void on_notice(void *arg, const char *message)
{
    WSP_UNUSED(arg);
    size_t n = strlen(message);
    while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == ' '))
        n--;
    LOG_D("store", "postgresql: %.*s", (int)n, message);
}

/* ---- SQL text ------------------------------------------------------------------------- */

static bool is_ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || (unsigned char)ch >= 0x80;
}

/* Length of the dollar-quote opening tag at p ("$$" or "$name$"), 0 when p does not start
 * one. */
static size_t dollar_tag_len(const char *p)
{
    if (p[0] != '$')
        return 0;
    size_t i = 1;
    if (p[i] >= '0' && p[i] <= '9')
        return 0; /* $1 is a parameter */
    while (is_ident_char(p[i]) && p[i] != '$')
        i++;
    return p[i] == '$' ? i + 1 : 0;
}

/* Where the comment, literal or quoted name at p ends (the first byte after it), or NULL
 * when p starts none of them. */
static const char *skip_quoted(const char *sql, const char *p)
{
    if (p[0] == '-' && p[1] == '-') {
        const char *e = strchr(p, '\n');
        return e ? e + 1 : p + strlen(p);
    }
    if (p[0] == '/' && p[1] == '*') { /* nested, as PostgreSQL's are */
        int depth = 1;
        p += 2;
        while (*p && depth > 0) {
            if (p[0] == '/' && p[1] == '*')
                depth++, p += 2;
            else if (p[0] == '*' && p[1] == '/')
                depth--, p += 2;
            else
                p++;
        }
        return p;
    }
    if (p[0] == '\'' || p[0] == '"') {
        char q = p[0];
        /* E'...' processes backslash escapes (standard_conforming_strings makes '' plain) */
        bool escapes = q == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
                       (p - 1 == sql || !is_ident_char(p[-2]));
        p++;
        while (*p) {
            if (escapes && p[0] == '\\' && p[1]) {
                p += 2;
            } else if (p[0] == q) {
                if (p[1] != q)
                    return p + 1;
                p += 2; /* '' or "" inside */
            } else {
                p++;
            }
        }
        return p;
    }
    size_t tag = p > sql && is_ident_char(p[-1]) ? 0 : dollar_tag_len(p);
    if (tag > 0) {
        const char *e = p + tag;
        while ((e = strchr(e, '$')) != NULL) {
            if (strncmp(e, p, tag) == 0)
                return e + tag;
            e++;
        }
        return p + strlen(p);
    }
    return NULL;
}

/* sql with its parameters written $N: *nparams is the largest N, *empty whether it holds no
 * statement at all. NULL (message in d->msg) on a bad parameter number. Caller frees. */
static char *translate(struct db *d, const char *sql, int *nparams, bool *empty)
{
    struct buf out;
    buf_init(&out, 0);
    int max = 0;
    *empty = true;
    const char *p = sql;
    while (*p) {
        const char *e = skip_quoted(sql, p);
        if (e) {
            if (p[0] != '-' && p[0] != '/')
                *empty = false;
            buf_append(&out, p, (size_t)(e - p));
            p = e;
            continue;
        }
        if (*p != '?') {
            if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';')
                *empty = false;
            buf_putc(&out, *p++);
            continue;
        }
        *empty = false;
        p++;
        long n = max + 1;
        if (*p >= '0' && *p <= '9') {
            n = 0;
            while (*p >= '0' && *p <= '9') {
                if (n <= PGD_MAX_PARAMS)
                    n = n * 10 + (*p - '0');
                p++;
            }
        }
        if (n < 1 || n > PGD_MAX_PARAMS) {
            snprintf(d->msg, sizeof(d->msg), "parameter number must be between ?1 and ?%d",
                     PGD_MAX_PARAMS);
            buf_release(&out);
            return NULL;
        }
        if (n > max)
            max = (int)n;
        buf_putc(&out, '$');
        buf_put_i64(&out, n);
    }
    *nparams = max;
    return buf_detach(&out, NULL);
}

enum tx_end { TX_END_NONE, TX_END_ROLLBACK, TX_END_COMMIT };

/* Whether sql ends the transaction (ROLLBACK, ABORT, COMMIT, END; not ROLLBACK TO). */
static enum tx_end sql_tx_end(const char *sql)
{
    const char *p = sql;
    for (;;) {
        while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
            p++;
        const char *e = (p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')
                            ? skip_quoted(sql, p)
                            : NULL;
        if (!e)
            break;
        p = e;
    }
    size_t n = 0;
    while (is_ident_char(p[n]))
        n++;
    if ((n == 8 && strncasecmp(p, "rollback", 8) == 0) ||
        (n == 5 && strncasecmp(p, "abort", 5) == 0)) {
        const char *q = p + n;
        while (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r')
            q++;
        if (strncasecmp(q, "to", 2) == 0 && !is_ident_char(q[2]))
            return TX_END_NONE;
        /* ROLLBACK TRANSACTION TO / ROLLBACK WORK TO */
        size_t w = 0;
        while (is_ident_char(q[w]))
            w++;
        if (w > 0) {
            const char *r = q + w;
            while (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\r')
                r++;
            if (strncasecmp(r, "to", 2) == 0 && !is_ident_char(r[2]))
                return TX_END_NONE;
        }
        return TX_END_ROLLBACK;
    }
    if ((n == 6 && strncasecmp(p, "commit", 6) == 0) || (n == 3 && strncasecmp(p, "end", 3) == 0))
        return TX_END_COMMIT;
    return TX_END_NONE;
}

/* ---- connection ------------------------------------------------------------------------ */

/* Drop the named statements finalized while a transaction was open. Only when idle: a
 * failure then cannot abort anybody's transaction. */
static void flush_pending(struct pgd_conn *c)
{
    if (c->npending == 0 || PQtransactionStatus(c->conn) != PQTRANS_IDLE)
        return;
    struct buf sql;
    buf_init(&sql, 0);
    for (size_t i = 0; i < c->npending; i++) {
        buf_printf(&sql, "DEALLOCATE %s;", c->pending[i]);
        free(c->pending[i]);
    }
    c->npending = 0;
    PQclear(PQexec(c->conn, buf_cstr(&sql)));
    buf_release(&sql);
}

static void forget_pending(struct pgd_conn *c)
{
    for (size_t i = 0; i < c->npending; i++)
        free(c->pending[i]);
    c->npending = 0;
}

/*
 * Before a command (sql) goes to the server: DB_OK to send it, DB_DONE when it is a
 * ROLLBACK that the lost connection already did, or an error. Reconnects once when the
 * connection was lost outside a transaction.
 */
static int conn_ready(struct db *d, const char *sql)
{
    struct pgd_conn *c = d->pg;
    d->msg[0] = '\0';
    if (PQstatus(c->conn) != CONNECTION_OK) {
        if (c->lost_in_tx) {
            enum tx_end end = sql_tx_end(sql);
            if (end == TX_END_NONE) {
                snprintf(d->msg, sizeof(d->msg),
                         "connection to the PostgreSQL server was lost inside a transaction: "
                         "roll it back");
                return DB_ERROR;
            }
            c->lost_in_tx = false;
            if (end == TX_END_COMMIT) {
                snprintf(d->msg, sizeof(d->msg),
                         "connection to the PostgreSQL server was lost: the transaction was "
                         "not committed");
                return DB_ERROR;
            }
            return DB_DONE;
        }
        forget_pending(c); /* the server forgot them too */
        c->generation++;
        PQreset(c->conn);
        if (PQstatus(c->conn) != CONNECTION_OK) {
            set_msg(d, "connection to the PostgreSQL server lost, reconnecting failed: ",
                    PQerrorMessage(c->conn));
            return DB_ERROR;
        }
        LOG_W("store", "reconnected to the PostgreSQL server");
    }
    flush_pending(c);
    c->before = PQtransactionStatus(c->conn);
    return DB_OK;
}

int pgd_open(struct db *d, const char *url)
{
    struct pgd_conn *c = xcalloc(1, sizeof(*c));
    d->pg = c;
    /* Later keywords win over the URL's; connect_timeout comes first so the URL's wins. */
    const char *const keys[] = {"connect_timeout", "fallback_application_name", "dbname",
                                "client_encoding", NULL};
    const char *const vals[] = {"10", "waspada", url, "UTF8", NULL};
    c->conn = PQconnectdbParams(keys, vals, 1);
    if (!c->conn) {
        snprintf(d->msg, sizeof(d->msg), "postgresql: out of memory");
        return DB_ENOMEM;
    }
    if (PQstatus(c->conn) != CONNECTION_OK) {
        /* libpq's message names the host and the user; the password only when it is badly
         * %-encoded, so that is cut out */
        set_msg(d, "postgresql: ", PQerrorMessage(c->conn));
        redact_password(d->msg, url);
        return DB_ERROR;
    }
    PQsetNoticeProcessor(c->conn, on_notice, NULL);
    if (PQclientEncoding(c->conn) != pg_char_to_encoding("UTF8")) {
        snprintf(d->msg, sizeof(d->msg), "postgresql: could not set client_encoding to UTF8");
        return DB_ERROR;
    }
    const char *scs = PQparameterStatus(c->conn, "standard_conforming_strings");
    if (scs && strcmp(scs, "on") != 0) {
        /* the placeholder rewriting reads '...' as plain literals */
        snprintf(d->msg, sizeof(d->msg), "postgresql: standard_conforming_strings is off");
        return DB_ERROR;
    }
    c->before = PQTRANS_IDLE;
    return DB_OK;
}

void pgd_close(struct db *d)
{
    struct pgd_conn *c = d->pg;
    if (!c)
        return;
    forget_pending(c);
    free(c->pending);
    if (c->conn)
        PQfinish(c->conn);
    free(c);
    d->pg = NULL;
}

int pgd_exec(struct db *d, const char *sql)
{
    struct pgd_conn *c = d->pg;
    int rc = conn_ready(d, sql);
    if (rc != DB_OK)
        return rc == DB_DONE ? DB_OK : rc;
    /* Several statements in one string run as one implicit transaction when none is open:
     * a failure undoes the earlier ones too (SQLite keeps them). */
    PGresult *res = PQexec(c->conn, sql);
    switch (PQresultStatus(res)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY: {
        const char *status = PQcmdStatus(res);
        if (strncmp(status, "INSERT ", 7) == 0 || strncmp(status, "UPDATE ", 7) == 0 ||
            strncmp(status, "DELETE ", 7) == 0 || strncmp(status, "MERGE ", 6) == 0)
            c->changes = strtoll(PQcmdTuples(res), NULL, 10);
        rc = DB_OK;
        break;
    }
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
        snprintf(d->msg, sizeof(d->msg), "postgresql: COPY is not supported here");
        rc = DB_ERROR;
        break;
    default:
        rc = result_error(d, res);
        break;
    }
    PQclear(res);
    return rc;
}

int pgd_wait_notify(struct db *d, int timeout_ms)
{
    struct pgd_conn *c = d->pg;
    int got = 0;
    for (int round = 0; round < 2; round++) {
        if (PQstatus(c->conn) != CONNECTION_OK || !PQconsumeInput(c->conn)) {
            set_msg(d, "connection to the PostgreSQL server lost: ", PQerrorMessage(c->conn));
            return DB_ERROR;
        }
        PGnotify *n;
        while ((n = PQnotifies(c->conn)) != NULL) {
            got = 1;
            PQfreemem(n);
        }
        if (got || round == 1)
            break;
        struct pollfd pfd = {.fd = PQsocket(c->conn), .events = POLLIN};
        if (pfd.fd < 0) {
            snprintf(d->msg, sizeof(d->msg), "connection to the PostgreSQL server lost");
            return DB_ERROR;
        }
        int r = poll(&pfd, 1, timeout_ms);
        if (r == 0)
            return 0;
        if (r < 0 && errno != EINTR) {
            snprintf(d->msg, sizeof(d->msg), "waiting for PostgreSQL: %s", strerror(errno));
            return DB_ERROR;
        }
    }
    return got;
}

int64_t pgd_changes(const struct db *d)
{
    return d->pg->changes;
}

bool pgd_in_transaction(const struct db *d)
{
    const struct pgd_conn *c = d->pg;
    switch (PQtransactionStatus(c->conn)) {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
    case PQTRANS_ACTIVE:
        return true;
    case PQTRANS_UNKNOWN: /* connection lost: open until the caller rolls back */
        return c->lost_in_tx;
    default:
        return false;
    }
}

/* ---- statements ------------------------------------------------------------------------- */

int pgd_prepare(struct db *d, const char *sql, bool persistent, struct pgd_stmt **out)
{
    *out = NULL;
    d->msg[0] = '\0';
    int nparams = 0;
    bool empty;
    char *text = translate(d, sql, &nparams, &empty);
    if (!text)
        return DB_ERROR;
    if (empty) {
        snprintf(d->msg, sizeof(d->msg), "no statement in the SQL text");
        free(text);
        return DB_EMISUSE;
    }
    struct pgd_stmt *st = xcalloc(1, sizeof(*st));
    st->db = d;
    st->sql = text;
    st->persistent = persistent;
    st->nparams = nparams;
    if (nparams > 0) {
        st->params = xcalloc((size_t)nparams, sizeof(*st->params));
        st->values = xcalloc((size_t)nparams, sizeof(*st->values));
    }
    st->state = PGD_READY;
    *out = st;
    return DB_OK;
}

/* Give up the result; bindings stay. */
static void stmt_rewind(struct pgd_stmt *st)
{
    PQclear(st->res);
    st->res = NULL;
    st->row = st->nrows = 0;
    st->state = PGD_READY;
}

/* Take the result of a run: the first step's status. */
static int stmt_result(struct pgd_stmt *st, PGresult *res)
{
    struct db *d = st->db;
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_EMPTY_QUERY) {
        const char *cmd = PQcmdStatus(res);
        if (strncmp(cmd, "INSERT ", 7) == 0 || strncmp(cmd, "UPDATE ", 7) == 0 ||
            strncmp(cmd, "DELETE ", 7) == 0 || strncmp(cmd, "MERGE ", 6) == 0)
            d->pg->changes = strtoll(PQcmdTuples(res), NULL, 10);
        if (status == PGRES_TUPLES_OK && PQntuples(res) > 0) {
            st->res = res;
            st->nrows = PQntuples(res);
            st->row = 0;
            st->state = PGD_ROWS;
            return DB_ROW;
        }
        PQclear(res);
        st->state = PGD_DONE;
        return DB_DONE;
    }
    int rc = result_error(d, res);
    PQclear(res);
    st->state = PGD_FAILED;
    return rc;
}

/* Prepare st on the server under a new name, unless it already is on this connection. */
static int stmt_prepare_named(struct pgd_stmt *st)
{
    struct pgd_conn *c = st->db->pg;
    if (st->name[0] && st->generation == c->generation)
        return DB_OK;
    snprintf(st->name, sizeof(st->name), "wsp_%" PRIu64, ++c->next_name);
    PGresult *res = PQprepare(c->conn, st->name, st->sql, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int rc = result_error(st->db, res);
        PQclear(res);
        st->name[0] = '\0';
        st->state = PGD_FAILED;
        return rc;
    }
    PQclear(res);
    st->generation = c->generation;
    return DB_OK;
}

int pgd_step(struct pgd_stmt *st)
{
    switch (st->state) {
    case PGD_ROWS:
        if (++st->row < st->nrows)
            return DB_ROW;
        stmt_rewind(st);
        st->state = PGD_DONE;
        return DB_DONE;
    case PGD_FAILED:
        return DB_EMISUSE;
    case PGD_DONE: /* run again, as SQLite's step does after SQLITE_DONE */
        stmt_rewind(st);
        break;
    case PGD_READY:
        break;
    }
    struct db *d = st->db;
    struct pgd_conn *c = d->pg;
    int rc = conn_ready(d, st->sql);
    if (rc != DB_OK) {
        st->state = rc == DB_DONE ? PGD_DONE : PGD_FAILED;
        return rc;
    }
    PGresult *res;
    if (st->persistent) {
        rc = stmt_prepare_named(st);
        if (rc != DB_OK)
            return rc;
        res = PQexecPrepared(c->conn, st->name, st->nparams, st->values, NULL, NULL, 0);
    } else {
        res = PQexecParams(c->conn, st->sql, st->nparams, NULL, st->values, NULL, NULL, 0);
    }
    return stmt_result(st, res);
}

void pgd_reset(struct pgd_stmt *st)
{
    if (!st)
        return;
    stmt_rewind(st);
    for (int i = 0; i < st->nparams; i++) {
        free(st->params[i].text);
        st->params[i].text = NULL;
        st->values[i] = NULL;
    }
}

void pgd_finalize(struct pgd_stmt *st)
{
    if (!st)
        return;
    pgd_reset(st);
    struct pgd_conn *c = st->db->pg;
    if (st->name[0] && st->generation == c->generation && PQstatus(c->conn) == CONNECTION_OK) {
        if (PQtransactionStatus(c->conn) == PQTRANS_IDLE) {
            char sql[PGD_NAME_MAX + 16];
            snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
            PQclear(PQexec(c->conn, sql));
        } else {
            c->pending = xrealloc(c->pending, (c->npending + 1) * sizeof(*c->pending));
            c->pending[c->npending++] = xstrdup(st->name);
        }
    }
    free(st->params);
    free(st->values);
    free(st->sql);
    free(st);
}

/* The parameter slot idx (from 1), emptied, or NULL when out of range. */
static struct pgd_param *param_slot(struct pgd_stmt *st, int idx)
{
    if (idx < 1 || idx > st->nparams) {
        snprintf(st->db->msg, sizeof(st->db->msg), "parameter %d out of range 1..%d", idx,
                 st->nparams);
        return NULL;
    }
    struct pgd_param *p = &st->params[idx - 1];
    free(p->text);
    p->text = NULL;
    st->values[idx - 1] = NULL;
    return p;
}

int pgd_bind_text(struct pgd_stmt *st, int idx, const char *v)
{
    struct pgd_param *p = param_slot(st, idx);
    if (!p)
        return DB_EMISUSE;
    if (v) {
        p->text = xstrdup(v);
        st->values[idx - 1] = p->text;
    }
    return DB_OK;
}

int pgd_bind_int64(struct pgd_stmt *st, int idx, int64_t v)
{
    struct pgd_param *p = param_slot(st, idx);
    if (!p)
        return DB_EMISUSE;
    snprintf(p->num, sizeof(p->num), "%" PRId64, v);
    st->values[idx - 1] = p->num;
    return DB_OK;
}

int pgd_bind_double(struct pgd_stmt *st, int idx, double v)
{
    struct pgd_param *p = param_slot(st, idx);
    if (!p)
        return DB_EMISUSE;
    /* %.17g reads back as the same double; inf, -inf and nan are float8 input too */
    snprintf(p->num, sizeof(p->num), "%.17g", v);
    st->values[idx - 1] = p->num;
    return DB_OK;
}

int pgd_bind_null(struct pgd_stmt *st, int idx)
{
    return param_slot(st, idx) ? DB_OK : DB_EMISUSE;
}

/* ---- columns ---------------------------------------------------------------------------- */

int pgd_column_count(struct pgd_stmt *st)
{
    return st->res ? PQnfields(st->res) : 0;
}

const char *pgd_column_name(struct pgd_stmt *st, int col)
{
    return st->res && col >= 0 && col < PQnfields(st->res) ? PQfname(st->res, col) : NULL;
}

/* The text of a column of the current row, NULL for SQL NULL or no such column or row. */
static const char *cell(struct pgd_stmt *st, int col)
{
    if (st->state != PGD_ROWS || col < 0 || col >= PQnfields(st->res) ||
        PQgetisnull(st->res, st->row, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

bool pgd_column_is_null(struct pgd_stmt *st, int col)
{
    return cell(st, col) == NULL;
}

const char *pgd_column_text(struct pgd_stmt *st, int col)
{
    return cell(st, col);
}

enum db_type pgd_column_type(struct pgd_stmt *st, int col)
{
    if (!cell(st, col))
        return DB_TYPE_NULL;
    switch (PQftype(st->res, col)) {
    case 16: /* bool */
    case 20: /* int8 */
    case 21: /* int2 */
    case 23: /* int4 */
        return DB_TYPE_INTEGER;
    case 700:  /* float4 */
    case 701:  /* float8 */
    case 1700: /* numeric */
        return DB_TYPE_FLOAT;
    default:
        return DB_TYPE_TEXT;
    }
}

int64_t pgd_column_int64(struct pgd_stmt *st, int col)
{
    const char *s = cell(st, col);
    if (!s)
        return 0;
    if (PQftype(st->res, col) == PGD_BOOLOID)
        return s[0] == 't';
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end == '.' || *end == 'e' || *end == 'E' || end == s) {
        /* a real number (numeric, float8, "Infinity"): truncated and clamped, as SQLite */
        double f = strtod(s, NULL);
        if (isnan(f))
            return 0;
        if (f >= 9223372036854775807.0)
            return INT64_MAX;
        if (f <= -9223372036854775808.0)
            return INT64_MIN;
        return (int64_t)f;
    }
    return v;
}

double pgd_column_double(struct pgd_stmt *st, int col)
{
    const char *s = cell(st, col);
    if (!s)
        return 0;
    if (PQftype(st->res, col) == PGD_BOOLOID)
        return s[0] == 't' ? 1.0 : 0.0;
    return strtod(s, NULL);
}
