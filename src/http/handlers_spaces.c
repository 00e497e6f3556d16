/* Safe public spaces for women and children (ruang publik ramah perempuan dan anak) of a
 * region's RAD P3AKS (issue 14, item 3; rules in src/p3aks).
 *
 *   GET    /api/v1/spaces?region=&status=&kind=&action_id=&rad_id=&after=&limit=
 *   POST   /api/v1/spaces                  {region, village, name, kind, status, action_id,
 *                                           latitude, longitude, notes}
 *   GET|PATCH|DELETE /api/v1/spaces/{id}   PATCH changes the fields it names (null clears
 *                                           village, action_id, coordinates and notes); the
 *                                           region stays
 *   GET    /api/v1/public/spaces           open spaces only, without notes
 *
 * Who: every signed-in role reads the spaces inside its scope (admin and pusat all): a space
 * is inside when its plan's region or its village is. admin writes every space, provinsi and
 * kabkota those of the plans inside their scope; pusat and pelapor write none. A space out of
 * reach answers 403. No personal data is involved, but notes are for officers: the public
 * answer holds open spaces with their name, kind, village, regency and a place on the map
 * (their coordinates, else the centroid of their regency: the gazetteer has no villages'
 * places), served from memory like /public/cases (public_cache.c).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/plan_http.h"
#include "p3aks/p3aks.h"

#define J plan_jstr_or_null
#define SPACES_LIMIT_MAX 500
#define PUBLIC_SPACES_MAX 5000
#define PUBLIC_SPACES_TTL_MS 30000

/* ---- who may ---------------------------------------------------------------------------- */

static bool may_read_space(const struct http_request *rq, const struct store_space *sp)
{
    const char *scope = rq->user.region;
    return auth_may_read(rq->role, scope, sp->region_code) ||
           (sp->village_code && auth_may_read(rq->role, scope, sp->village_code));
}

/* admin; provinsi and kabkota for the plans inside their scope. */
static bool may_write_region(const struct http_request *rq, const char *region)
{
    if (rq->role == AUTH_ROLE_ADMIN)
        return true;
    return (rq->role == AUTH_ROLE_PROVINSI || rq->role == AUTH_ROLE_KABKOTA) &&
           auth_scope_covers(rq->user.region, region);
}

static int require_write(struct http_request *rq, const char *region)
{
    if (may_write_region(rq, region))
        return 0;
    if (rq->role == AUTH_ROLE_PUSAT || rq->role == AUTH_ROLE_PELAPOR)
        return http_reply_error(rq, WSP_EPERM,
                                "safe spaces are registered by admin and the regions' officers");
    return http_reply_error(rq, WSP_EPERM, "region '%s' is outside your scope", region);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static json_t *labels(const char *id, const char *en)
{
    return json_pack("{s:o,s:o}", "id", J(id), "en", J(en));
}

static json_t *space_json(const struct http_request *rq, const struct store_space *sp)
{
    json_t *o = json_pack(
        "{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)sp->id, "region",
        J(sp->region_code), "region_name", J(sp->region_name), "village", J(sp->village_code),
        "village_name", J(sp->village_name), "name", J(sp->name), "kind", J(sp->kind), "kind_label",
        labels(p3aks_space_kind_label(sp->kind, false), p3aks_space_kind_label(sp->kind, true)),
        "status", J(sp->status), "status_label",
        labels(p3aks_space_status_label(sp->status, false),
               p3aks_space_status_label(sp->status, true)),
        "notes", J(sp->notes), "updated_at", http_json_time(sp->updated_at));
    json_object_set_new(o, "latitude", sp->has_coords ? json_real(sp->latitude) : json_null());
    json_object_set_new(o, "longitude", sp->has_coords ? json_real(sp->longitude) : json_null());
    json_object_set_new(o, "action_id",
                        sp->action_id ? json_integer((json_int_t)sp->action_id) : json_null());
    json_object_set_new(
        o, "action",
        sp->action_id
            ? json_pack("{s:I,s:o,s:I,s:o,s:o,s:i}", "id", (json_int_t)sp->action_id, "kegiatan",
                        J(sp->action_kegiatan), "rad_id", (json_int_t)sp->rad_id, "rad_region",
                        J(sp->rad_region), "rad_type", J(sp->rad_type), "rad_year", sp->rad_year)
            : json_null());
    json_object_set_new(o, "created_at", http_json_time(sp->created_at));
    json_object_set_new(o, "may_edit", json_boolean(may_write_region(rq, sp->region_code)));
    return o;
}

static void reply_space(struct http_request *rq, struct store *st, unsigned status, int64_t id)
{
    struct store_space sp;
    struct error err = {0};
    if (store_space_get(st, id, &rq->arena, &sp, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(rq, status, json_pack("{s:o}", "space", space_json(rq, &sp)));
}

/* ---- list ------------------------------------------------------------------------------- */

/* Query parameter name as an id (0 when absent). */
static int query_id(struct http_request *rq, const char *name, long min, int64_t *out)
{
    const char *v = http_query(rq, name);
    long id = 0;
    *out = 0;
    if (!v || !*v)
        return 0;
    if (str_to_long(v, min, INT32_MAX, &id) != 0)
        return http_reply_error(rq, WSP_EINVAL, "'%s' must be an integer from %ld", name, min);
    *out = id;
    return 0;
}

void http_handle_spaces_list(struct http_request *rq)
{
    struct store_space_query q = {
        .scope = auth_role_national(rq->role) ? NULL : rq->user.region,
        .status = http_query(rq, "status"),
        .kind = http_query(rq, "kind"),
    };
    const char *region = http_query(rq, "region");
    if (region && *region) {
        if (!geo_code_valid(region) || !geo_get(rq->srv->geo, region)) {
            http_reply_error(rq, WSP_EINVAL, "unknown region '%s'", region);
            return;
        }
        if (!auth_may_read(rq->role, rq->user.region, region)) {
            http_reply_error(rq, WSP_EPERM, "region '%s' is outside your scope", region);
            return;
        }
        q.region = region;
    }
    struct error err = {0};
    if ((q.status && *q.status && p3aks_space_status_check(q.status, &err) != 0) ||
        (q.kind && *q.kind && p3aks_space_kind_check(q.kind, &err) != 0)) {
        http_reply_err(rq, &err);
        return;
    }
    int64_t limit = 0;
    if (query_id(rq, "action_id", 1, &q.action_id) || query_id(rq, "rad_id", 1, &q.rad_id) ||
        query_id(rq, "after", 0, &q.after_id) || query_id(rq, "limit", 1, &limit))
        return;
    if (limit > SPACES_LIMIT_MAX) {
        http_reply_error(rq, WSP_EINVAL, "'limit' must be an integer from 1 to %d",
                         SPACES_LIMIT_MAX);
        return;
    }
    q.limit = (size_t)limit;
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_space *list;
    size_t n;
    int64_t next = 0;
    if (store_space_list(st, &q, &rq->arena, &list, &n, &next, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, space_json(rq, &list[i]));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:I,s:o,s:o}", "count", (json_int_t)n, "items", items, "next_after",
                              next ? json_integer((json_int_t)next) : json_null()));
}

/* ---- writes ----------------------------------------------------------------------------- */

/* The fields of a body into sp: on create every required one, on PATCH those present (null
 * clears the optional ones). */
static int space_fields(struct http_request *rq, json_t *body, bool create, struct store_space *sp)
{
    const char *v;
#define SF(key, field, req, max)                                                                   \
    if (plan_json_str(rq, body, key, req, max, &v))                                                \
        return -1;                                                                                 \
    if (v || json_object_get(body, key))                                                           \
        sp->field = v;
    SF("name", name, create, P3AKS_SPACE_NAME_MAX)
    SF("kind", kind, create, 40)
    SF("status", status, false, 20)
    SF("village", village_code, false, 31)
    SF("notes", notes, false, P3AKS_SPACE_NOTES_MAX)
#undef SF
    if (json_is_null(json_object_get(body, "status")))
        return http_reply_error(rq, WSP_EINVAL, "field 'status' must not be null");
    if (sp->village_code) {
        const struct geo_region *g =
            geo_code_valid(sp->village_code) ? geo_get(rq->srv->geo, sp->village_code) : NULL;
        if (!g)
            return http_reply_error(rq, WSP_EINVAL, "unknown village '%s'", sp->village_code);
        if (g->level != GEO_VILLAGE)
            return http_reply_error(rq, WSP_EINVAL, "'%s' is a %s, not a village (desa/kelurahan)",
                                    sp->village_code, geo_level_name(g->level));
    }
    long long action = 0;
    bool present = false;
    if (plan_json_int(rq, body, "action_id", false, 1, INT32_MAX, &action, &present))
        return -1;
    if (present || json_object_get(body, "action_id"))
        sp->action_id = present ? action : 0;
    /* Coordinates come in pairs. */
    json_t *lat = json_object_get(body, "latitude"), *lng = json_object_get(body, "longitude");
    if (lat || lng) {
        if (!lat || !lng || json_is_null(lat) != json_is_null(lng))
            return http_reply_error(rq, WSP_EINVAL,
                                    "give 'latitude' and 'longitude' together (or both null)");
        double la = 0, lo = 0;
        bool has = false;
        if (plan_json_num(rq, body, "latitude", false, -90, 90, &la, &has) ||
            plan_json_num(rq, body, "longitude", false, -180, 180, &lo, NULL))
            return -1;
        sp->has_coords = has;
        sp->latitude = la;
        sp->longitude = lo;
    }
    /* The rules' checks, for a 400 that names the field before anything is written. */
    struct p3aks_space v2 = {.region_code = sp->region_code,
                             .village_code = sp->village_code,
                             .name = sp->name,
                             .kind = sp->kind,
                             .status = sp->status,
                             .has_coords = sp->has_coords,
                             .latitude = sp->latitude,
                             .longitude = sp->longitude,
                             .notes = sp->notes};
    struct error err = {0};
    if (p3aks_space_check(&v2, &err) != 0)
        return http_reply_err(rq, &err);
    return 0;
}

/* A space of this server changed: /public/spaces is rebuilt on its next request. */
static void public_spaces_changed(struct http_server *srv)
{
    atomic_fetch_add(&srv->spaces_version, 1);
}

void http_handle_space_add(struct http_request *rq)
{
    json_t *body;
    const char *region = NULL;
    if (http_request_json(rq, &body) || plan_json_region(rq, body, "region", &region) ||
        require_write(rq, region))
        return;
    struct store_space sp = {.region_code = region};
    struct store *st = NULL;
    if (space_fields(rq, body, true, &sp) || !(st = http_store(rq)))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    int64_t id = 0;
    if (store_space_add(st, &sp, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    public_spaces_changed(rq->srv);
    reply_space(rq, st, MHD_HTTP_CREATED, id);
}

/* The space of the path, readable by the caller (and writable when edit). */
static int load_space(struct http_request *rq, struct store *st, bool edit, struct store_space *sp)
{
    int64_t id = 0;
    if (plan_http_id(rq, 0, "space", &id))
        return -1;
    struct error err = {0};
    if (store_space_get(st, id, &rq->arena, sp, &err) != 0)
        return http_reply_err(rq, &err);
    if (!may_read_space(rq, sp))
        return http_reply_error(rq, WSP_EPERM, "space %lld is outside your scope", (long long)id);
    return edit ? require_write(rq, sp->region_code) : 0;
}

void http_handle_space_get(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_space sp;
    if (!(st = http_store(rq)) || load_space(rq, st, false, &sp))
        return;
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:o}", "space", space_json(rq, &sp)));
}

void http_handle_space_patch(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_space sp;
    json_t *body;
    if (http_request_json(rq, &body) || !(st = http_store(rq)) || load_space(rq, st, true, &sp))
        return;
    json_t *r = json_object_get(body, "region");
    if (r && !(json_is_string(r) && str_eq(json_string_value(r), sp.region_code))) {
        http_reply_error(rq, WSP_EINVAL,
                         "a space stays with the plan of region '%s': 'region' cannot change",
                         sp.region_code);
        return;
    }
    if (space_fields(rq, body, false, &sp))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_space_update(st, &sp, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    public_spaces_changed(rq->srv);
    reply_space(rq, st, MHD_HTTP_OK, sp.id);
}

void http_handle_space_delete(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_space sp;
    if (!(st = http_store(rq)) || load_space(rq, st, true, &sp))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_space_delete(st, sp.id, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    public_spaces_changed(rq->srv);
    http_reply_json(rq, MHD_HTTP_OK, json_pack("{s:b}", "deleted", 1));
}

/* ---- public ----------------------------------------------------------------------------- */

static uint64_t public_spaces_version(struct http_server *srv)
{
    return atomic_load(&srv->spaces_version);
}

/* NULL after replying an error. */
static json_t *public_spaces_build(struct http_request *rq, uint64_t *version)
{
    /* Read before the spaces: a write during the build moves it past what we saw. */
    *version = public_spaces_version(rq->srv);
    struct store *st = http_store(rq);
    if (!st)
        return NULL;
    struct store_space_query q = {.status = P3AKS_SPACE_PUBLIC, .limit = PUBLIC_SPACES_MAX};
    struct store_space *list = NULL;
    size_t n = 0;
    struct error err = {0};
    if (store_space_list(st, &q, &rq->arena, &list, &n, NULL, &err) != 0) {
        http_reply_err(rq, &err);
        return NULL;
    }
    json_t *items = json_array();
    json_t *by_kind = json_object();
    for (int k = 0; k < P3AKS_SPACE_NKINDS; k++)
        json_object_set_new(by_kind, p3aks_space_kinds[k].code, json_integer(0));
    for (size_t i = 0; i < n; i++) {
        const struct store_space *sp = &list[i];
        json_t *c = json_object_get(by_kind, sp->kind);
        if (c)
            json_integer_set(c, json_integer_value(c) + 1);
        /* The regency: the village's, else the plan's region when it is one. */
        const struct geo_region *g =
            geo_get(rq->srv->geo, sp->village_code ? sp->village_code : sp->region_code);
        const struct geo_region *reg = g ? geo_ancestor(g, GEO_REGENCY) : NULL;
        const struct geo_region *prov = g ? geo_ancestor(g, GEO_PROVINCE) : NULL;
        json_t *o = json_pack(
            "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "name", J(sp->name), "kind", J(sp->kind),
            "kind_label",
            labels(p3aks_space_kind_label(sp->kind, false), p3aks_space_kind_label(sp->kind, true)),
            "village", J(sp->village_name), "regency_code", J(reg ? reg->code : NULL), "regency",
            J(reg ? reg->name : NULL), "province", J(prov ? prov->name : NULL), "latitude",
            json_null(), "longitude", json_null());
        double clat = 0, clng = 0;
        bool cen = !sp->has_coords && reg && geo_centroid(reg->code, &clat, &clng);
        if (sp->has_coords || cen) {
            json_object_set_new(o, "latitude", json_real(sp->has_coords ? sp->latitude : clat));
            json_object_set_new(o, "longitude", json_real(sp->has_coords ? sp->longitude : clng));
        }
        json_object_set_new(o, "location",
                            json_string(sp->has_coords ? "exact"
                                        : cen          ? "regency"
                                                       : "none"));
        json_array_append_new(items, o);
    }
    return json_pack("{s:I,s:o,s:o}", "total", (json_int_t)n, "by_kind", by_kind, "items", items);
}

const struct http_public_doc http_public_spaces_doc = {
    .name = "public spaces",
    .version = public_spaces_version,
    .build = public_spaces_build,
    .cache_control = HTTP_PUBLIC_CACHE_CONTROL,
    .ttl_ms = PUBLIC_SPACES_TTL_MS,
    .stamp = false,
};

void http_handle_public_spaces(struct http_request *rq)
{
    http_public_reply(rq, &rq->srv->public_spaces);
}
