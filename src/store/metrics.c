/* What GET /metrics reports from the database: totals that every server of one database sees
 * alike (the events and articles stored, however they came: the ingest timer is another
 * process), open alerts by level, webhook deliveries by state, feeds and their failures, and
 * the database's size. Each a count on an index or a small table; no personal field is read. */
#include <stddef.h>
#include <string.h>

#include "store_internal.h"

int store_metrics_read(struct store *s, struct store_metrics *m, struct error *err)
{
    memset(m, 0, sizeof(*m));
    static const struct {
        const char *sql;
        size_t off;
    } q[] = {
        {"SELECT COUNT(*) FROM events", offsetof(struct store_metrics, events)},
        {"SELECT COUNT(*) FROM articles", offsetof(struct store_metrics, articles)},
        {"SELECT COUNT(*) FROM reports", offsetof(struct store_metrics, reports)},
        {"SELECT COUNT(*) FROM alerts WHERE is_open = 1 AND level = 'waspada'",
         offsetof(struct store_metrics, alerts_open_waspada)},
        {"SELECT COUNT(*) FROM alerts WHERE is_open = 1 AND level = 'siaga'",
         offsetof(struct store_metrics, alerts_open_siaga)},
        {"SELECT COUNT(*) FROM alerts WHERE is_open = 1 AND level = 'awas'",
         offsetof(struct store_metrics, alerts_open_awas)},
        {"SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'",
         offsetof(struct store_metrics, deliveries_pending)},
        {"SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'delivered'",
         offsetof(struct store_metrics, deliveries_delivered)},
        {"SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'failed'",
         offsetof(struct store_metrics, deliveries_failed)},
        {"SELECT COUNT(*) FROM webhook_deliveries WHERE attempt > 1 OR error IS NOT NULL",
         offsetof(struct store_metrics, deliveries_retried)},
        {"SELECT COUNT(*) FROM feeds", offsetof(struct store_metrics, feeds)},
        {"SELECT COUNT(*) FROM feeds WHERE failures > 0",
         offsetof(struct store_metrics, feeds_failing)},
        {"SELECT COALESCE(MAX(last_polled_at), 0) FROM feeds",
         offsetof(struct store_metrics, feeds_last_poll)},
        {"SELECT COUNT(*) FROM regions", offsetof(struct store_metrics, regions)},
        {"SELECT COALESCE((SELECT at FROM alert_history ORDER BY id DESC LIMIT 1), 0)",
         offsetof(struct store_metrics, alerts_last_change)},
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < WSP_ARRAY_LEN(q); i++)
        rc = store_query_int(s, q[i].sql, (int64_t *)(void *)((char *)m + q[i].off), "read metrics",
                             err);
    if (rc == 0)
        rc =
            store_query_int(s,
                            s->engine == DB_SQLITE ? "SELECT page_count * page_size"
                                                     " FROM pragma_page_count(), pragma_page_size()"
                                                   : "SELECT pg_database_size(current_database())",
                            &m->db_bytes, "read the database size", err);
    return rc;
}
