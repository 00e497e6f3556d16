/* GET /api/v1/regions and /api/v1/regions/{code}: the in-memory gazetteer, public. */
#include <string.h>

#include "http/http_internal.h"

#define REGIONS_LIMIT_DEFAULT 50
#define REGIONS_LIMIT_MAX 500
#define REGIONS_OFFSET_MAX 1000000
#define REGIONS_QUERY_MAX 200

static json_t *region_json(const struct geo_region *r, bool with_chain)
{
    json_t *o = json_pack("{s:s,s:o,s:s,s:o}", "code", r->code, "name", http_json_str(r->name),
                          "level", geo_level_name(r->level), "parent_code",
                          r->parent ? json_string(r->parent->code) : json_null());
    if (o && with_chain) {
        char chain[512];
        geo_format_chain(r, chain, sizeof(chain));
        json_object_set_new(o, "chain", http_json_str(chain));
    }
    return o;
}

/* Optional non-negative integer query argument. */
static int query_size(struct http_request *rq, const char *name, long min, long max, long dflt,
                      size_t *out)
{
    const char *s = http_query(rq, name);
    long v = dflt;
    if (s && s[0] && str_to_long(s, min, max, &v) != 0)
        return http_reply_error(rq, WSP_EINVAL, "'%s' must be an integer in %ld..%ld", name, min,
                                max);
    *out = (size_t)v;
    return 0;
}

void http_handle_regions(struct http_request *rq)
{
    struct geo_query q = {0};
    size_t limit = REGIONS_LIMIT_DEFAULT, offset = 0;
    if (query_size(rq, "limit", 1, REGIONS_LIMIT_MAX, REGIONS_LIMIT_DEFAULT, &limit) ||
        query_size(rq, "offset", 0, REGIONS_OFFSET_MAX, 0, &offset))
        return;
    q.q = http_query(rq, "q");
    if (q.q && strlen(q.q) > REGIONS_QUERY_MAX) {
        http_reply_error(rq, WSP_EINVAL, "'q' is longer than %d bytes", REGIONS_QUERY_MAX);
        return;
    }
    const char *level = http_query(rq, "level");
    if (level && level[0]) {
        q.level = geo_parse_level(level);
        if (q.level == 0) {
            http_reply_error(rq, WSP_EINVAL,
                             "'level' must be province, regency, district or village");
            return;
        }
    }
    const char *parent = http_query(rq, "parent");
    if (parent && parent[0]) {
        if (!geo_code_valid(parent)) {
            http_reply_error(rq, WSP_EINVAL, "'parent' is not a region code");
            return;
        }
        q.parent = parent;
    }
    q.offset = offset;
    q.limit = limit;
    const struct geo_region **found = arena_alloc(&rq->arena, limit * sizeof(struct geo_region *));
    if (!found) {
        http_reply_error(rq, WSP_ENOMEM, "request arena exhausted");
        return;
    }
    size_t total = geo_find(rq->srv->geo, &q, found, limit);
    size_t shown = total > offset ? total - offset : 0;
    if (shown > limit)
        shown = limit;
    json_t *items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(items, region_json(found[i], true));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:o,s:I,s:I,s:I}", "items", items, "total", (json_int_t)total,
                              "offset", (json_int_t)offset, "limit", (json_int_t)limit));
}

/* Number of regions at `level` below `code`. */
static size_t count_below(const struct geo_gazetteer *g, const char *code, enum geo_level level)
{
    struct geo_query q = {.q = NULL, .level = level, .parent = code, .offset = 0, .limit = 0};
    const struct geo_region *none[1];
    return geo_find(g, &q, none, 0);
}

void http_handle_region(struct http_request *rq)
{
    const char *code = rq->params[0];
    if (!geo_code_valid(code)) {
        http_reply_error(rq, WSP_EINVAL, "not a region code");
        return;
    }
    const struct geo_region *r = geo_get(rq->srv->geo, code);
    if (!r) {
        http_reply_error(rq, WSP_ENOTFOUND, "no region with code '%s'", code);
        return;
    }
    json_t *o = region_json(r, true);
    /* Parents from the province down to the direct parent. */
    json_t *parents = json_array();
    for (int lvl = GEO_PROVINCE; lvl < (int)r->level; lvl++) {
        const struct geo_region *a = geo_ancestor(r, (enum geo_level)lvl);
        if (a)
            json_array_append_new(parents, region_json(a, false));
    }
    json_object_set_new(o, "parents", parents);
    json_t *children = json_object();
    for (int lvl = (int)r->level + 1; lvl <= GEO_VILLAGE; lvl++)
        json_object_set_new(
            children, geo_level_name((enum geo_level)lvl),
            json_integer((json_int_t)count_below(rq->srv->geo, r->code, (enum geo_level)lvl)));
    json_object_set_new(o, "children", children);
    http_reply_json(rq, MHD_HTTP_OK, o);
}
