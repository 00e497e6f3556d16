/* geo: the centroids of provinces and regencies (see geo.h), from the boundary files. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "geo/geo.h"

struct centroid {
    char code[8];
    double lat, lng;
};

static pthread_once_t centroids_once = PTHREAD_ONCE_INIT;
static struct centroid *centroids; /* provinces and regencies, sorted by code */
static size_t ncentroids;

static int centroid_cmp(const void *a, const void *b)
{
    return strcmp(((const struct centroid *)a)->code, ((const struct centroid *)b)->code);
}

static void centroids_add(const char *file, size_t *cap)
{
    struct data_blob b;
    struct error err = {0};
    if (data_read(file, &b, &err) != 0) {
        LOG_W("geo", "no centroids from %s: %s", file, err.msg);
        return;
    }
    json_t *root = json_loadb(b.data, b.len, 0, NULL);
    data_blob_free(&b);
    json_t *feats = json_object_get(root, "features");
    size_t nf = json_array_size(feats);
    if (ncentroids + nf > *cap) {
        *cap = ncentroids + nf;
        centroids = xrealloc(centroids, (*cap ? *cap : 1) * sizeof(*centroids));
    }
    for (size_t i = 0; i < nf; i++) {
        json_t *props = json_object_get(json_array_get(feats, i), "properties");
        json_t *code = json_object_get(props, "code");
        json_t *lat = json_object_get(props, "centroid_lat");
        json_t *lng = json_object_get(props, "centroid_lng");
        if (!json_is_string(code) || !json_is_number(lat) || !json_is_number(lng))
            continue;
        struct centroid *c = &centroids[ncentroids++];
        str_copy(c->code, json_string_value(code), sizeof(c->code));
        c->lat = json_number_value(lat);
        c->lng = json_number_value(lng);
    }
    json_decref(root);
}

static void centroids_load(void)
{
    size_t cap = 0;
    centroids_add("geo/indonesia-provinces.geojson", &cap);
    centroids_add("geo/indonesia-regencies.geojson", &cap);
    if (ncentroids)
        qsort(centroids, ncentroids, sizeof(*centroids), centroid_cmp);
}

bool geo_centroid(const char *code, double *lat, double *lng)
{
    pthread_once(&centroids_once, centroids_load);
    if (!code || !ncentroids)
        return false;
    struct centroid key = {.lat = 0};
    str_copy(key.code, code, sizeof(key.code));
    const struct centroid *c =
        bsearch(&key, centroids, ncentroids, sizeof(*centroids), centroid_cmp);
    if (!c)
        return false;
    *lat = c->lat;
    *lng = c->lng;
    return true;
}
