/* GET /geo/provinces and GET /geo/regencies?province=32: region boundaries as GeoJSON for
 * the offline map, from the data embedded in the binary (or --data-dir). The regencies come
 * one province at a time (the parameter is required: 400 without it), never all 514 at once.
 *
 * Public (boundaries are public data). The documents never change while the server runs, so
 * they are prepared once (regencies split by province on first use) and kept for the life of
 * the process; each carries an ETag (FNV-1a of its bytes), If-None-Match answers 304, and
 * Cache-Control lets browsers keep them for a day. A gzip copy of each document is made once
 * (zlib, level 9): the provinces shrink from 1.2 MB to about a quarter, which matters on a
 * phone on a slow connection; clients that do not accept gzip get the plain bytes. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "http/http_internal.h"

#define GEO_PROVINCES "geo/indonesia-provinces.geojson"
#define GEO_REGENCIES "geo/indonesia-regencies.geojson"
#define GEO_CACHE_CONTROL "public, max-age=86400"
#define GEO_TYPE "application/geo+json"
#define GEO_MAX_PROVINCES 64

struct geo_doc {
    char *body; /* malloc'd */
    size_t len;
    char etag[24];
    char *gz; /* gzip of body, malloc'd; NULL when compression failed */
    size_t gzlen;
    char gz_etag[28];
};

struct geo_province_doc {
    char code[8];
    struct geo_doc doc;
};

static pthread_mutex_t geo_mu = PTHREAD_MUTEX_INITIALIZER;
static bool geo_loaded;
static bool geo_failed;
static struct geo_doc geo_provinces, geo_regencies_all;
static struct geo_province_doc geo_by_province[GEO_MAX_PROVINCES];
static size_t geo_nprovinces;
static struct geo_doc geo_empty; /* an empty FeatureCollection for a province with none */

/* gzip (RFC 1952) of d->body into d->gz; leaves d->gz NULL on failure (plain is served). */
static void doc_gzip(struct geo_doc *d)
{
    z_stream z = {0};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return;
    uLong cap = deflateBound(&z, (uLong)d->len);
    char *out = xmalloc(cap);
    z.next_in = (Bytef *)d->body;
    z.avail_in = (uInt)d->len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
        d->gz = out;
        d->gzlen = z.total_out;
    } else {
        free(out);
    }
    deflateEnd(&z);
}

static void doc_etag(struct geo_doc *d)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < d->len; i++) {
        h ^= (unsigned char)d->body[i];
        h *= 1099511628211ULL;
    }
    snprintf(d->etag, sizeof(d->etag), "\"%016llx\"", (unsigned long long)h);
    snprintf(d->gz_etag, sizeof(d->gz_etag), "\"%016llx-gz\"", (unsigned long long)h);
    doc_gzip(d);
}

/* Copy a data file into d. */
static int doc_from_data(struct geo_doc *d, const char *name, struct error *err)
{
    struct data_blob b = {0};
    int rc = data_read(name, &b, err);
    if (rc)
        return rc;
    d->body = xmalloc(b.len + 1);
    memcpy(d->body, b.data, b.len);
    d->body[b.len] = '\0';
    d->len = b.len;
    data_blob_free(&b);
    doc_etag(d);
    return 0;
}

static int doc_from_json(struct geo_doc *d, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT);
    if (!s)
        return WSP_ENOMEM;
    d->len = strlen(s);
    d->body = xmalloc(d->len + 1);
    memcpy(d->body, s, d->len + 1);
    free(s);
    doc_etag(d);
    return 0;
}

/* Split the regencies document into one FeatureCollection per province_code. */
static int split_regencies(struct error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(geo_regencies_all.body, geo_regencies_all.len, 0, &jerr);
    json_t *features = root ? json_object_get(root, "features") : NULL;
    if (!json_is_array(features)) {
        json_decref(root);
        return error_set(err, WSP_EINVAL, "%s: not a FeatureCollection", GEO_REGENCIES);
    }
    json_t *groups[GEO_MAX_PROVINCES] = {0};
    size_t i;
    json_t *f;
    json_array_foreach(features, i, f)
    {
        const char *pc =
            json_string_value(json_object_get(json_object_get(f, "properties"), "province_code"));
        if (!pc || strlen(pc) >= sizeof(geo_by_province[0].code))
            continue;
        size_t k = 0;
        while (k < geo_nprovinces && !str_eq(geo_by_province[k].code, pc))
            k++;
        if (k == geo_nprovinces) {
            if (geo_nprovinces == GEO_MAX_PROVINCES)
                continue;
            snprintf(geo_by_province[k].code, sizeof(geo_by_province[k].code), "%s", pc);
            groups[k] = json_array();
            geo_nprovinces++;
        }
        json_array_append(groups[k], f);
    }
    int rc = 0;
    json_t *attribution = json_object_get(root, "attribution");
    for (size_t k = 0; k < geo_nprovinces; k++) {
        json_t *fc = json_pack("{s:s, s:O?, s:o}", "type", "FeatureCollection", "attribution",
                               attribution, "features", groups[k]);
        if (!fc || doc_from_json(&geo_by_province[k].doc, fc) != 0)
            rc =
                error_set(err, WSP_ENOMEM, "cannot build regencies of %s", geo_by_province[k].code);
        json_decref(fc);
    }
    json_decref(root);
    if (rc == 0) {
        json_t *empty = json_pack("{s:s, s:[]}", "type", "FeatureCollection", "features");
        rc = empty ? doc_from_json(&geo_empty, empty) : WSP_ENOMEM;
        json_decref(empty);
    }
    return rc;
}

/* Load everything once; 0 when ready. */
static int boundaries_load(struct error *err)
{
    pthread_mutex_lock(&geo_mu);
    int rc = 0;
    if (!geo_loaded && !geo_failed) {
        rc = doc_from_data(&geo_provinces, GEO_PROVINCES, err);
        if (rc == 0)
            rc = doc_from_data(&geo_regencies_all, GEO_REGENCIES, err);
        if (rc == 0)
            rc = split_regencies(err);
        if (rc == 0)
            geo_loaded = true;
        else
            geo_failed = true;
    } else if (geo_failed) {
        rc = error_set(err, WSP_EIO, "region boundaries are unavailable");
    }
    pthread_mutex_unlock(&geo_mu);
    return rc;
}

static void reply_doc(struct http_request *rq, const struct geo_doc *d)
{
    const char *ae = http_header(rq, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    bool gz = d->gz && ae && strstr(ae, "gzip");
    const char *etag = gz ? d->gz_etag : d->etag;
    const char *inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm && strstr(inm, etag))
        http_reply_raw(rq, MHD_HTTP_NOT_MODIFIED, GEO_TYPE, "", 0);
    else if (gz)
        http_reply_raw(rq, MHD_HTTP_OK, GEO_TYPE, d->gz, d->gzlen);
    else
        http_reply_raw(rq, MHD_HTTP_OK, GEO_TYPE, d->body, d->len);
    if (gz)
        http_add_header(rq, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    http_add_header(rq, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    http_add_header(rq, MHD_HTTP_HEADER_ETAG, etag);
    http_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL, GEO_CACHE_CONTROL);
}

void http_handle_geo_provinces(struct http_request *rq)
{
    struct error err = {0};
    if (boundaries_load(&err) != 0) {
        LOG_E("http", "geo: %s", err.msg);
        http_reply_error(rq, WSP_EBUSY, "region boundaries are unavailable");
        return;
    }
    reply_doc(rq, &geo_provinces);
}

void http_handle_geo_regencies(struct http_request *rq)
{
    const char *province = http_query(rq, "province");
    if (!province) {
        http_reply_error(rq, WSP_EINVAL, "province is required (a two-digit province code)");
        return;
    }
    if (!(strlen(province) == 2 && province[0] >= '1' && province[0] <= '9' && province[1] >= '0' &&
          province[1] <= '9')) {
        http_reply_error(rq, WSP_EINVAL, "province must be a two-digit province code");
        return;
    }
    struct error err = {0};
    if (boundaries_load(&err) != 0) {
        LOG_E("http", "geo: %s", err.msg);
        http_reply_error(rq, WSP_EBUSY, "region boundaries are unavailable");
        return;
    }
    for (size_t k = 0; k < geo_nprovinces; k++)
        if (str_eq(geo_by_province[k].code, province)) {
            reply_doc(rq, &geo_by_province[k].doc);
            return;
        }
    if (!geo_get(rq->srv->geo, province)) {
        http_reply_error(rq, WSP_ENOTFOUND, "no province '%s'", province);
        return;
    }
    reply_doc(rq, &geo_empty);
}
