/*
 * The PostgreSQL dialect of the store's migrations (migrations.c holds SQLite's): version N
 * here builds, after versions 1..N, the PostgreSQL equivalent of the SQLite schema after 1..N
 * (same tables, columns, constraints, index and trigger names, same data moved). The dialect
 * decisions and the query forms the store must use on PostgreSQL where the schemas differ
 * (full-text search, the event change feed) open migrations_pg.c.
 *
 * Each text holds several statements and no parameters (run it as one simple query), all of
 * which run inside the migration's transaction. The returned strings are static.
 */
#ifndef WSP_STORE_MIGRATIONS_PG_H
#define WSP_STORE_MIGRATIONS_PG_H

/* The PostgreSQL text of migration `version` (1..10), or NULL when there is none. */
const char *store_migration_pg_sql(int version);

#endif
