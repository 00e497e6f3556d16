/*
 * JSON in and out: the event as the object `waspada extract` prints, and one JSON Lines input
 * record as a struct detect_article.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "detect/detect_internal.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *count_json(long v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

char *detect_event_to_json(const struct detect_event *e, bool pretty)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", str_or_null(e->id));
    json_object_set_new(o, "is_conflict_event", json_boolean(e->is_conflict_event));
    json_object_set_new(o, "category", json_string(detect_category_name(e->category)));
    json_object_set_new(o, "province_code", str_or_null(e->province ? e->province->code : NULL));
    json_object_set_new(o, "province", str_or_null(e->province ? e->province->name : NULL));
    json_object_set_new(o, "regency_code", str_or_null(e->regency ? e->regency->code : NULL));
    json_object_set_new(o, "regency", str_or_null(e->regency ? e->regency->name : NULL));
    json_object_set_new(o, "event_date", str_or_null(e->event_date));
    json_object_set_new(o, "killed", count_json(e->killed));
    json_object_set_new(o, "injured", count_json(e->injured));
    json_object_set_new(o, "women_children_victims", json_boolean(e->women_children_victims));
    double c = e->confidence;
    if (!isfinite(c) || c < 0)
        c = 0;
    if (c > 1)
        c = 1;
    json_object_set_new(o, "confidence", json_real(round(c * 1000) / 1000));
    json_t *ev = json_array();
    for (size_t i = 0; i < e->nevidence; i++) {
        const struct detect_evidence *x = &e->evidence[i];
        json_t *item = json_object();
        json_object_set_new(item, "span", json_string(x->span ? x->span : ""));
        json_object_set_new(item, "why", json_string(x->why ? x->why : ""));
        json_array_append_new(ev, item);
    }
    json_object_set_new(o, "evidence", ev);
    /* richer fields */
    json_object_set_new(o, "snpk_issue", str_or_null(e->snpk_issue));
    json_object_set_new(o, "form", str_or_null(e->form));
    json_t *act = json_array();
    for (size_t i = 0; i < e->nactors; i++)
        json_array_append_new(act, json_string(e->actors[i]));
    json_object_set_new(o, "actors", act);
    json_object_set_new(o, "place_code", str_or_null(e->place ? e->place->code : NULL));
    json_object_set_new(o, "place", str_or_null(e->place ? e->place->name : NULL));
    json_object_set_new(o, "place_level",
                        str_or_null(e->place ? geo_level_name(e->place->level) : NULL));
    json_object_set_new(o, "geo_precision", json_integer(e->geo_precision));
    json_object_set_new(o, "time_precision", json_integer(e->time_precision));
    char hex[17];
    snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)e->simhash);
    json_object_set_new(o, "simhash", json_string(hex));
    size_t flags =
        JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6) | (pretty ? JSON_INDENT(2) : JSON_COMPACT);
    char *s = json_dumps(o, flags);
    json_decref(o);
    return s;
}

static int get_str(json_t *o, const char *key, bool required, struct arena *a, const char **out,
                   size_t *len, struct error *err)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (len)
        *len = 0;
    if (!v || json_is_null(v)) {
        if (required)
            return error_set(err, WSP_EINVAL, "missing \"%s\"", key);
        return 0;
    }
    if (!json_is_string(v))
        return error_set(err, WSP_EINVAL, "\"%s\" is not a string", key);
    size_t n = json_string_length(v);
    char *s = arena_strndup(a, json_string_value(v), n);
    if (!s)
        return error_set(err, WSP_ENOMEM, "article too large");
    *out = s;
    if (len)
        *len = n;
    return 0;
}

int detect_article_from_json(const char *line, size_t len, struct arena *a,
                             struct detect_article *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!o) {
        /* jansson messages are ASCII; keep only printable bytes */
        char msg[160];
        size_t k = 0;
        for (const char *p = je.text; *p && k + 1 < sizeof(msg); p++)
            msg[k++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
        msg[k] = '\0';
        return error_set(err, WSP_EINVAL, "invalid JSON at column %d: %s", je.column, msg);
    }
    int rc = 0;
    if (!json_is_object(o)) {
        rc = error_set(err, WSP_EINVAL, "not a JSON object");
        goto out;
    }
    json_t *id = json_object_get(o, "id");
    if (json_is_integer(id)) {
        out->id = arena_printf(a, "%lld", (long long)json_integer_value(id));
    } else if ((rc = get_str(o, "id", true, a, &out->id, NULL, err))) {
        goto out;
    }
    if ((rc = get_str(o, "text", false, a, &out->text, &out->text_len, err)) ||
        (rc = get_str(o, "html", false, a, &out->html, &out->html_len, err)) ||
        (rc = get_str(o, "title", false, a, &out->title, NULL, err)) ||
        (rc = get_str(o, "url", false, a, &out->url, NULL, err)) ||
        (rc = get_str(o, "published", false, a, &out->published, NULL, err)))
        goto out;
    if (!out->text && !out->html) {
        rc = error_set(err, WSP_EINVAL, "needs \"text\" or \"html\"");
        goto out;
    }
    if (out->published) {
        const char *p = out->published;
        bool ok = strlen(p) >= 10;
        for (int i = 0; ok && i < 10; i++)
            ok = i == 4 || i == 7 ? p[i] == '-' : (p[i] >= '0' && p[i] <= '9');
        out->published = ok ? arena_strndup(a, p, 10) : NULL;
    }
out:
    json_decref(o);
    return rc;
}
