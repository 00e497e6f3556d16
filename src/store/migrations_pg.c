/* The PostgreSQL dialect of the store's migrations: being written (issue 13). */
#include <stddef.h>

#include "store/migrations_pg.h"

const char *store_migration_pg_sql(int version)
{
    (void)version;
    return NULL;
}
