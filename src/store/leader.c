/* The servers of one PostgreSQL database (store.h): the early-warning leader lock (a session
 * advisory lock) and the news they send each other (LISTEN/NOTIFY). */
#include "store/store.h"
#include "store/store_internal.h"

int store_leader_try(struct store *s, bool *got, struct error *err)
{
    *got = true;
    if (s->engine != DB_POSTGRES)
        return 0;
    int64_t v = 0;
    int rc = store_query_int(s, "SELECT pg_try_advisory_lock(" STORE_PG_LOCK_LEADER ")", &v,
                             "early-warning leader lock", err);
    *got = rc == 0 && v != 0;
    return rc;
}

int store_leader_held(struct store *s, bool *held, struct error *err)
{
    *held = true;
    if (s->engine != DB_POSTGRES)
        return 0;
    /* a bigint key below 2^32 is objid with classid 0 and objsubid 1 */
    int64_t v = 0;
    int rc = store_query_int(s,
                             "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND"
                             " granted AND pid = pg_backend_pid() AND classid = 0 AND"
                             " objsubid = 1 AND objid = " STORE_PG_LOCK_LEADER,
                             &v, "early-warning leader lock", err);
    *held = rc == 0 && v > 0;
    return rc;
}

bool store_target_is_postgres(const char *target)
{
    return db_target_is_postgres(target);
}

const char *store_engine_name(const struct store *s)
{
    return s->engine == DB_POSTGRES ? "postgresql" : "sqlite";
}

int store_listen(struct store *s, struct error *err)
{
    if (s->engine != DB_POSTGRES)
        return error_set(err, WSP_EINVAL, "a SQLite database sends no news");
    int rc = db_listen(s->db, "waspada_events");
    if (rc == DB_OK)
        rc = db_listen(s->db, "waspada_alerts");
    return rc == DB_OK ? 0 : store_fail(s, rc, err, "listen for news", NULL, NULL);
}

int store_wait_news(struct store *s, int timeout_ms, bool *news, struct error *err)
{
    *news = false;
    if (s->engine != DB_POSTGRES)
        return error_set(err, WSP_EINVAL, "a SQLite database sends no news");
    int rc = db_wait_notify(s->db, timeout_ms);
    if (rc < 0)
        return store_fail(s, rc, err, "wait for news", NULL, NULL);
    *news = rc > 0;
    return 0;
}
