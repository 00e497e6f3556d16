/* Sealed personal fields: the store's side of src/seal (store_internal.h). Until a key ring
 * is attached these pass text through unchanged. */
#include "store_internal.h"

int store_bind_sealed(struct store *s, struct db_stmt *st, int idx, const char *field,
                      const char *plain, struct error *err)
{
    (void)s;
    (void)field;
    (void)err;
    return stmt_bind_text(st, idx, plain);
}

const char *store_col_sealed(struct store *s, struct arena *a, struct db_stmt *st, int col,
                             const char *field, bool *oom)
{
    (void)s;
    (void)field;
    return store_column_arena(a, st, col, oom);
}

void store_col_sealed_copy(struct store *s, struct db_stmt *st, int col, const char *field,
                           char *dst, size_t dstsz)
{
    (void)s;
    (void)field;
    stmt_column_copy(st, col, dst, dstsz);
}
