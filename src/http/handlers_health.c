/* GET /api/v1/health: liveness plus the facts an operator checks first (which node answered,
 * the database engine, whether this node leads early warning), and the settings the web app
 * follows (lead_min_confidence: leads below it are shown only on request). */
#include "http/http_internal.h"

void http_handle_health(struct http_request *rq)
{
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct error err = {0};
    int version = 0;
    size_t regions = 0;
    if (store_schema_version(st, &version, &err) != 0 ||
        store_region_count(st, 0, &regions, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:s,s:s,s:i,s:I,s:f,s:s,s:s,s:b}", "status", "ok", "version",
                              WSP_VERSION, "schema_version", version, "regions",
                              (json_int_t)regions, "lead_min_confidence",
                              rq->srv->cfg.lead_min_confidence, "node", rq->srv->node, "database",
                              store_engine_name(st), "leader", http_alerts_leading(rq->srv)));
}
