/* The PostgreSQL driver of the database interface (db.h, db_internal.h): not written yet, every
 * call fails with a clear message. */
#include <stdio.h>

#include "store/db_internal.h"

int pgd_open(struct db *d, const char *url)
{
    (void)url;
    snprintf(d->msg, sizeof(d->msg), "this waspada was built without PostgreSQL support");
    return DB_ERROR;
}

void pgd_close(struct db *d)
{
    (void)d;
}

int pgd_prepare(struct db *d, const char *sql, bool persistent, struct pgd_stmt **out)
{
    (void)d, (void)sql, (void)persistent;
    *out = NULL;
    return DB_ERROR;
}

int pgd_step(struct pgd_stmt *st)
{
    (void)st;
    return DB_EMISUSE;
}

void pgd_reset(struct pgd_stmt *st)
{
    (void)st;
}

void pgd_finalize(struct pgd_stmt *st)
{
    (void)st;
}

int pgd_bind_text(struct pgd_stmt *st, int idx, const char *v)
{
    (void)st, (void)idx, (void)v;
    return DB_EMISUSE;
}

int pgd_bind_int64(struct pgd_stmt *st, int idx, int64_t v)
{
    (void)st, (void)idx, (void)v;
    return DB_EMISUSE;
}

int pgd_bind_double(struct pgd_stmt *st, int idx, double v)
{
    (void)st, (void)idx, (void)v;
    return DB_EMISUSE;
}

int pgd_bind_null(struct pgd_stmt *st, int idx)
{
    (void)st, (void)idx;
    return DB_EMISUSE;
}

int pgd_column_count(struct pgd_stmt *st)
{
    (void)st;
    return 0;
}

bool pgd_column_is_null(struct pgd_stmt *st, int col)
{
    (void)st, (void)col;
    return true;
}

const char *pgd_column_text(struct pgd_stmt *st, int col)
{
    (void)st, (void)col;
    return NULL;
}

int64_t pgd_column_int64(struct pgd_stmt *st, int col)
{
    (void)st, (void)col;
    return 0;
}

double pgd_column_double(struct pgd_stmt *st, int col)
{
    (void)st, (void)col;
    return 0;
}

int pgd_exec(struct db *d, const char *sql)
{
    (void)d, (void)sql;
    return DB_ERROR;
}

int64_t pgd_changes(const struct db *d)
{
    (void)d;
    return 0;
}

bool pgd_in_transaction(const struct db *d)
{
    (void)d;
    return false;
}
