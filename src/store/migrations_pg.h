/* The PostgreSQL dialect of the store's migrations (migrations.c holds SQLite's). */
#ifndef WSP_STORE_MIGRATIONS_PG_H
#define WSP_STORE_MIGRATIONS_PG_H

/* The PostgreSQL text of migration `version` (1..10), or NULL when there is none. */
const char *store_migration_pg_sql(int version);

#endif
