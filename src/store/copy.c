/*
 * A whole database copied into another of either engine (store_copy, `waspada db copy`): every
 * table in an order that satisfies its foreign keys, rows with their ids, in one transaction
 * on the destination, then row counts compared table by table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_internal.h"

#define COPY_BATCH 64

/* Every table of the schema, parents before children (test_store: test_copy_tables checks
 * that this is all of them and in an order the foreign keys allow). Regions refer to their
 * parent region: they are copied shortest code first. */
static const char *const copy_tables[] = {
    "regions",
    "users",
    "sessions",
    "audit_log",
    "articles",
    "events",
    "event_sources",
    "event_followups",
    "reports",
    "feeds",
    "plan_calendar",
    "timdu",
    "timdu_members",
    "forums",
    "rad",
    "rad_versions",
    "rad_actions",
    "safe_spaces",
    "pokja_members",
    "progress_reports",
    "evidence_files",
    "cases",
    "case_regions",
    "case_victims",
    "victim_services",
    "case_victim_counts",
    "case_actions",
    "action_cases",
    "phase_proposals",
    "alerts",
    "alert_history",
    "alert_responses",
    "alert_response_actions",
    "webhooks",
    "webhook_deliveries",
    "event_changes",
    "throttle",
    "seal_state",
    "intake_channels",
    "phone_key",
    "user_phones",
    "intake_leads",
    "intake_messages",
};

/* Tables whose rows in the destination give way to the source's: the reporting calendar a new
 * database starts with (migration 4), and the change feed the events' triggers wrote. */
static bool replaced(const char *table)
{
    return str_eq(table, "plan_calendar") || str_eq(table, "event_changes");
}

const char *const *store_copy_tables(size_t *n)
{
    *n = WSP_ARRAY_LEN(copy_tables);
    return copy_tables;
}

/* The columns of table in s (generated ones left out), joined with ", ". */
static int table_columns(struct store *s, const char *table, struct buf *cols, size_t *n,
                         struct error *err)
{
    struct db_stmt *st;
    const char *sql = s->engine == DB_SQLITE
                          ? "SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY cid"
                          : "SELECT column_name FROM information_schema.columns WHERE"
                            " table_schema = current_schema() AND table_name = ?1 AND"
                            " is_generated = 'NEVER' ORDER BY ordinal_position";
    int rc = db_prepare(s->db, sql, false, &st);
    if (rc == DB_OK)
        rc = db_bind_text(st, 1, table);
    *n = 0;
    if (rc == DB_OK)
        while ((rc = db_step(st)) == DB_ROW) {
            buf_puts(cols, (*n)++ ? ", " : "");
            buf_puts(cols, db_column_text(st, 0));
        }
    db_finalize(st);
    if (rc != DB_DONE)
        return store_fail(s, rc, err, "read the columns of a table", NULL, NULL);
    if (*n == 0)
        return error_set(err, WSP_EINVAL, "table '%s' is missing in a database", table);
    return 0;
}

static int count_rows(struct store *s, const char *table, int64_t *out, struct error *err)
{
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
    return store_query_int(s, sql, out, "count rows", err);
}

/* One value of a source row, kept until its batch is written. */
struct copy_value {
    enum db_type type;
    int64_t i;
    double d;
    char *text;
};

static int flush(struct store *dst, const char *insert_head, size_t ncols, struct copy_value *vals,
                 size_t nrows, struct error *err)
{
    if (nrows == 0)
        return 0;
    struct buf sql;
    buf_init(&sql, 0);
    buf_puts(&sql, insert_head);
    int p = 1;
    for (size_t r = 0; r < nrows; r++) {
        buf_puts(&sql, r ? ", (" : " (");
        for (size_t c = 0; c < ncols; c++)
            buf_printf(&sql, "%s?%d", c ? ", " : "", p++);
        buf_putc(&sql, ')');
    }
    struct db_stmt *st;
    int rc = db_prepare(dst->db, buf_cstr(&sql), false, &st);
    buf_release(&sql);
    for (size_t k = 0; rc == DB_OK && k < nrows * ncols; k++) {
        const struct copy_value *v = &vals[k];
        int idx = (int)k + 1;
        rc = v->type == DB_TYPE_NULL      ? db_bind_null(st, idx)
             : v->type == DB_TYPE_INTEGER ? db_bind_int64(st, idx, v->i)
             : v->type == DB_TYPE_FLOAT   ? db_bind_double(st, idx, v->d)
                                          : db_bind_text(st, idx, v->text);
    }
    if (rc == DB_OK)
        rc = db_step(st);
    db_finalize(st);
    return rc == DB_DONE ? 0 : store_fail(dst, rc, err, "copy rows", NULL, NULL);
}

static void values_clear(struct copy_value *vals, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(vals[k].text);
        vals[k].text = NULL;
    }
}

/* Copy one table's rows (dst inside its transaction). */
static int copy_table(struct store *src, struct store *dst, const char *table, int64_t *rows,
                      struct error *err)
{
    struct buf cols;
    buf_init(&cols, 0);
    size_t ncols = 0;
    int rc = table_columns(dst, table, &cols, &ncols, err);
    struct db_stmt *st = NULL;
    char *select = NULL, *head = NULL;
    struct copy_value *vals = NULL;
    *rows = 0;
    if (rc == 0) {
        /* parents before children inside regions; otherwise the source's order of ids */
        const char *order = str_eq(table, "regions") ? "LENGTH(code), code" : "1";
        select = xasprintf("SELECT %s FROM %s ORDER BY %s", buf_cstr(&cols), table, order);
        head = xasprintf("INSERT INTO %s (%s) VALUES", table, buf_cstr(&cols));
        int src_rc = db_prepare(src->db, select, false, &st);
        if (src_rc != DB_OK)
            rc = store_fail(src, src_rc, err, "read a table to copy", NULL, NULL);
    }
    if (rc == 0)
        vals = xcalloc(ncols * COPY_BATCH, sizeof(*vals));
    size_t nrows = 0;
    int step = DB_DONE;
    while (rc == 0 && (step = db_step(st)) == DB_ROW) {
        struct copy_value *row = &vals[nrows * ncols];
        for (size_t c = 0; c < ncols; c++) {
            struct copy_value *v = &row[c];
            v->type = db_column_type(st, (int)c);
            if (v->type == DB_TYPE_INTEGER)
                v->i = db_column_int64(st, (int)c);
            else if (v->type == DB_TYPE_FLOAT)
                v->d = db_column_double(st, (int)c);
            else if (v->type == DB_TYPE_TEXT)
                v->text = xstrdup(db_column_text(st, (int)c));
        }
        (*rows)++;
        if (++nrows == COPY_BATCH) {
            rc = flush(dst, head, ncols, vals, nrows, err);
            values_clear(vals, nrows * ncols);
            nrows = 0;
        }
    }
    if (rc == 0 && step != DB_DONE)
        rc = store_fail(src, step, err, "read a table to copy", NULL, NULL);
    if (rc == 0)
        rc = flush(dst, head, ncols, vals, nrows, err);
    if (vals)
        values_clear(vals, nrows * ncols);
    free(vals);
    db_finalize(st);
    free(select);
    free(head);
    buf_release(&cols);
    if (rc != 0 && !strstr(err->msg, table)) {
        char msg[sizeof(err->msg)];
        str_copy(msg, err->msg, sizeof(msg));
        error_set(err, err->code, "table %s: %s", table, msg);
    }
    return rc;
}

/* PostgreSQL: the identity columns' sequences continue after the copied ids. */
static int reset_identities(struct store *dst, struct error *err)
{
    if (dst->engine != DB_POSTGRES)
        return 0; /* SQLite's next rowid follows the largest id by itself */
    static const char sql[] =
        "DO $$ DECLARE r record; BEGIN FOR r IN SELECT table_name, column_name FROM"
        " information_schema.columns WHERE table_schema = current_schema() AND"
        " is_identity = 'YES' LOOP EXECUTE format('SELECT setval(pg_get_serial_sequence(%L,"
        " %L), COALESCE((SELECT MAX(%I) FROM %I), 0) + 1, false)', r.table_name,"
        " r.column_name, r.column_name, r.table_name); END LOOP; END $$";
    int rc = db_exec(dst->db, sql);
    return rc == DB_OK ? 0
                       : store_fail(dst, rc, err, "continue the ids after the copy", NULL, NULL);
}

int store_copy(struct store *src, struct store *dst, store_copy_progress_fn *progress, void *ud,
               struct error *err)
{
    int vs = 0, vd = 0;
    int rc = store_schema_version(src, &vs, err);
    if (rc == 0)
        rc = store_schema_version(dst, &vd, err);
    if (rc == 0 && vs != vd)
        return error_set(err, WSP_EINVAL,
                         "the databases are at schema versions %d and %d: open both with this"
                         " waspada first",
                         vs, vd);
    for (size_t i = 0; rc == 0 && i < WSP_ARRAY_LEN(copy_tables); i++) {
        int64_t n = 0;
        if (!replaced(copy_tables[i]))
            rc = count_rows(dst, copy_tables[i], &n, err);
        if (rc == 0 && n > 0)
            return error_set(err, WSP_EEXIST,
                             "the destination is not empty (table %s has %" PRId64
                             " rows): copy into a new database",
                             copy_tables[i], n);
    }
    if (rc == 0)
        rc = store_begin(dst, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; rc == 0 && i < WSP_ARRAY_LEN(copy_tables); i++) {
        const char *t = copy_tables[i];
        int64_t rows = 0;
        if (replaced(t)) {
            char sql[64];
            snprintf(sql, sizeof(sql), "DELETE FROM %s", t);
            int e = db_exec(dst->db, sql);
            if (e != DB_OK)
                rc = store_fail(dst, e, err, "empty a table before the copy", NULL, NULL);
        }
        if (rc == 0)
            rc = copy_table(src, dst, t, &rows, err);
        if (rc == 0 && progress)
            progress(ud, t, rows);
    }
    if (rc == 0)
        rc = reset_identities(dst, err);
    if (rc != 0) {
        store_rollback(dst);
        return rc;
    }
    rc = store_commit(dst, err);
    /* The proof: the same number of rows on both sides, table by table. */
    for (size_t i = 0; rc == 0 && i < WSP_ARRAY_LEN(copy_tables); i++) {
        int64_t a = 0, b = 0;
        rc = count_rows(src, copy_tables[i], &a, err);
        if (rc == 0)
            rc = count_rows(dst, copy_tables[i], &b, err);
        if (rc == 0 && a != b)
            rc = error_set(err, WSP_EINTERNAL,
                           "table %s: %" PRId64 " rows in the source, %" PRId64 " in the copy",
                           copy_tables[i], a, b);
    }
    return rc;
}
