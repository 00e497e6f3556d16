/*
 * JSON in and out: the event as the object `waspada extract` prints, and one JSON Lines input
 * record as a struct detect_article.
 *
 * Both directions have a direct path next to the jansson one, because jansson was the largest
 * cost of `waspada extract` (it reads a 50 KB page byte by byte through a stream and builds every
 * value as a heap object). The direct paths produce exactly what jansson produces; whatever
 * they are not sure of goes through jansson, so errors and unusual records read as before.
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

/* ---- output without jansson ----------------------------------------------------------- */

/* A JSON object written straight into a buffer, byte for byte what json_dumps(JSON_COMPACT |
 * JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) makes of the same json_object_set_new calls.
 * One jansson rule matters for that: json_string() refuses text that is not valid UTF-8 and
 * returns NULL, and setting or appending NULL does nothing, so such a key or array element is
 * left out (jw_str_key, jw_str_elem). */
struct jw {
    struct buf b;
    bool first; /* no member written yet in the innermost object or array */
};

/* Appends s[0..n) as a JSON string the way jansson's dump_string does without
 * JSON_ENSURE_ASCII and JSON_ESCAPE_SLASH: '"' and '\\' escaped, control characters as
 * \b \f \n \r \t or \u00XX (upper-case hex), everything else (UTF-8 too) as is. */
static void jw_escaped(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    buf_putc(b, '"');
    size_t run = 0; /* start of the bytes not yet written */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_append(b, s + run, i - run);
        run = i + 1;
        char esc[6] = {'\\', 0, '0', '0', 0, 0};
        size_t el = 2;
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            el = 6;
            break;
        }
        buf_append(b, esc, el);
    }
    buf_append(b, s + run, n - run);
    buf_putc(b, '"');
}

static void jw_sep(struct jw *w)
{
    if (!w->first)
        buf_putc(&w->b, ',');
    w->first = false;
}

/* "key": with the separator before it when needed (keys are ASCII literals). */
static void jw_key(struct jw *w, const char *key)
{
    jw_sep(w);
    buf_putc(&w->b, '"');
    buf_puts(&w->b, key);
    buf_append(&w->b, "\":", 2);
}

static void jw_open(struct jw *w, char c)
{
    buf_putc(&w->b, c);
    w->first = true;
}

static void jw_close(struct jw *w, char c)
{
    buf_putc(&w->b, c);
    w->first = false;
}

/* key: the string s, or null when s is NULL; nothing at all when s is not valid UTF-8 (as
 * json_object_set_new(o, key, json_string(s)) leaves it out). */
static void jw_str_key(struct jw *w, const char *key, const char *s)
{
    if (!s) {
        jw_key(w, key);
        buf_append(&w->b, "null", 4);
        return;
    }
    size_t n = strlen(s);
    if (!utf8_valid(s, n))
        return;
    jw_key(w, key);
    jw_escaped(&w->b, s, n);
}

/* An array element: the string s, skipped when it is not valid UTF-8 (s is never NULL). */
static void jw_str_elem(struct jw *w, const char *s)
{
    size_t n = strlen(s);
    if (!utf8_valid(s, n))
        return;
    jw_sep(w);
    jw_escaped(&w->b, s, n);
}

static void jw_int_key(struct jw *w, const char *key, long long v)
{
    char num[32];
    int k = snprintf(num, sizeof(num), "%lld", v);
    jw_key(w, key);
    buf_append(&w->b, num, (size_t)k);
}

static void jw_bool_key(struct jw *w, const char *key, bool v)
{
    jw_key(w, key);
    buf_puts(&w->b, v ? "true" : "false");
}

/* A real as jansson writes it with JSON_REAL_PRECISION(6): "%.6g", then ".0" when that looks
 * like an integer, and an exponent without '+' or leading zeros. (jansson 2.14 may format with
 * its own dtoa instead of printf; the two agree on the confidences we print, the multiples of
 * 0.001 in [0, 1], all of which were checked against json_dumps.) */
static void jw_real_key(struct jw *w, const char *key, double v)
{
    char num[64];
    int k = snprintf(num, sizeof(num), "%.6g", v);
    if (k < 0 || (size_t)k >= sizeof(num) - 3)
        k = 0;
    size_t len = (size_t)k;
    num[len] = '\0';
    if (!strchr(num, '.') && !strchr(num, 'e')) {
        num[len++] = '.';
        num[len++] = '0';
        num[len] = '\0';
    }
    char *e = strchr(num, 'e');
    if (e) {
        char *start = e + 1, *end = e + 2;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - num) + 1);
            len -= (size_t)(end - start);
        }
    }
    jw_key(w, key);
    buf_append(&w->b, num, len);
}

static double confidence_of(const struct detect_event *e)
{
    double c = e->confidence;
    if (!isfinite(c) || c < 0)
        c = 0;
    if (c > 1)
        c = 1;
    return round(c * 1000) / 1000;
}

static char *event_json_compact(const struct detect_event *e)
{
    struct jw w;
    buf_init(&w.b, 0);
    jw_open(&w, '{');
    jw_str_key(&w, "id", e->id);
    jw_bool_key(&w, "is_conflict_event", e->is_conflict_event);
    jw_str_key(&w, "role", detect_role_name(e->role));
    jw_str_key(&w, "category", detect_category_name(e->category));
    jw_str_key(&w, "province_code", e->province ? e->province->code : NULL);
    jw_str_key(&w, "province", e->province ? e->province->name : NULL);
    jw_str_key(&w, "regency_code", e->regency ? e->regency->code : NULL);
    jw_str_key(&w, "regency", e->regency ? e->regency->name : NULL);
    jw_str_key(&w, "event_date", e->event_date);
    if (e->killed >= 0)
        jw_int_key(&w, "killed", e->killed);
    else
        jw_str_key(&w, "killed", NULL);
    if (e->injured >= 0)
        jw_int_key(&w, "injured", e->injured);
    else
        jw_str_key(&w, "injured", NULL);
    jw_bool_key(&w, "women_children_victims", e->women_children_victims);
    jw_real_key(&w, "confidence", confidence_of(e));
    jw_key(&w, "evidence");
    jw_open(&w, '[');
    for (size_t i = 0; i < e->nevidence; i++) {
        const struct detect_evidence *x = &e->evidence[i];
        jw_sep(&w);
        jw_open(&w, '{');
        jw_str_key(&w, "span", x->span ? x->span : "");
        jw_str_key(&w, "why", x->why ? x->why : "");
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    jw_str_key(&w, "snpk_issue", e->snpk_issue);
    jw_str_key(&w, "form", e->form);
    jw_key(&w, "actors");
    jw_open(&w, '[');
    for (size_t i = 0; i < e->nactors; i++)
        jw_str_elem(&w, e->actors[i]);
    jw_close(&w, ']');
    jw_str_key(&w, "place_code", e->place ? e->place->code : NULL);
    jw_str_key(&w, "place", e->place ? e->place->name : NULL);
    jw_str_key(&w, "place_level", e->place ? geo_level_name(e->place->level) : NULL);
    jw_int_key(&w, "geo_precision", e->geo_precision);
    jw_int_key(&w, "time_precision", e->time_precision);
    jw_str_key(&w, "abroad", e->abroad);
    jw_bool_key(&w, "reconciliation", e->reconciliation);
    char hex[17];
    snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)e->simhash);
    jw_str_key(&w, "simhash", hex);
    jw_close(&w, '}');
    if (w.b.oom) {
        buf_release(&w.b);
        return NULL;
    }
    return buf_detach(&w.b, NULL);
}

/* ---- output through jansson (--pretty) ------------------------------------------------- */

char *detect_event_to_json(const struct detect_event *e, bool pretty)
{
    if (!pretty)
        return event_json_compact(e);
    json_t *o = json_object();
    json_object_set_new(o, "id", str_or_null(e->id));
    json_object_set_new(o, "is_conflict_event", json_boolean(e->is_conflict_event));
    json_object_set_new(o, "role", json_string(detect_role_name(e->role)));
    json_object_set_new(o, "category", json_string(detect_category_name(e->category)));
    json_object_set_new(o, "province_code", str_or_null(e->province ? e->province->code : NULL));
    json_object_set_new(o, "province", str_or_null(e->province ? e->province->name : NULL));
    json_object_set_new(o, "regency_code", str_or_null(e->regency ? e->regency->code : NULL));
    json_object_set_new(o, "regency", str_or_null(e->regency ? e->regency->name : NULL));
    json_object_set_new(o, "event_date", str_or_null(e->event_date));
    json_object_set_new(o, "killed", count_json(e->killed));
    json_object_set_new(o, "injured", count_json(e->injured));
    json_object_set_new(o, "women_children_victims", json_boolean(e->women_children_victims));
    json_object_set_new(o, "confidence", json_real(confidence_of(e)));
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
    json_object_set_new(o, "abroad", str_or_null(e->abroad));
    json_object_set_new(o, "reconciliation", json_boolean(e->reconciliation));
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
    /* JSON allows "\u0000" inside a string; C strings do not. A NUL becomes a space so the
     * text after it is kept and the recorded length is the length of the C string. */
    size_t n = json_string_length(v);
    char *s = arena_alloc(a, n + 1);
    if (!s)
        return error_set(err, WSP_ENOMEM, "article too large");
    memcpy(s, json_string_value(v), n);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0')
            s[i] = ' ';
    s[n] = '\0';
    *out = s;
    if (len)
        *len = n;
    return 0;
}

/* ---- input without jansson ------------------------------------------------------------ */

/* The fields of a record that detect_article_from_json reads, as found by the direct reader. */
enum { JF_ID, JF_TEXT, JF_HTML, JF_TITLE, JF_URL, JF_PUBLISHED, JF_N };
static const char *const field_names[JF_N] = {"id", "text", "html", "title", "url", "published"};

enum jval { JV_ABSENT, JV_NULL, JV_STRING, JV_INTEGER, JV_OTHER };

struct jfield {
    const unsigned char *s; /* JV_STRING: the raw bytes between the quotes */
    size_t n;
    size_t dlen; /* length once decoded */
    long long integer;
    enum jval kind;
    bool escaped; /* the raw bytes hold backslash escapes */
};

#define JR_MAX_KEYS 32 /* more keys than this: left to jansson (duplicate check) */

struct jr {
    const unsigned char *p, *end;
};

static void jr_ws(struct jr *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

/* Length of the valid UTF-8 sequence (2 to 4 bytes) at p, or 0: the rules of jansson's
 * utf8_check_first/utf8_check_full (no overlong forms, surrogates or values over U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, c &= 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, c &= 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, c &= 0x07;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return n;
}

/* Four hex digits at p (the caller checked there are four bytes), or -1. */
static long hex4(const unsigned char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v += c - '0';
        else if (c >= 'a' && c <= 'f')
            v += c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v += c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

/* A string whose opening quote is at r->p: on success r->p is past the closing quote and f
 * holds the raw span. False for what jansson rejects and also for "\u0000" (jansson accepts it
 * under JSON_ALLOW_NUL, but the copy would stop at it: left to the old path). */
static bool jr_string(struct jr *r, struct jfield *f)
{
    const unsigned char *p = r->p + 1, *end = r->end;
    size_t shrink = 0; /* raw bytes that decoding removes */
    f->escaped = false;
    for (;;) {
        /* the common bytes, in a tight loop */
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        if (p >= end)
            return false;
        unsigned c = *p;
        if (c == '"')
            break;
        if (c < 0x20)
            return false;
        if (c >= 0x80) {
            size_t k = utf8_seq(p, end);
            if (!k)
                return false;
            p += k;
            continue;
        }
        /* backslash */
        f->escaped = true;
        if (end - p < 2)
            return false;
        c = p[1];
        if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
            c == 't') {
            p += 2;
            shrink += 1;
            continue;
        }
        if (c != 'u' || end - p < 6)
            return false;
        long v = hex4(p + 2);
        if (v <= 0 || (v >= 0xDC00 && v <= 0xDFFF))
            return false;
        p += 6;
        if (v >= 0xD800 && v <= 0xDBFF) {
            if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
                return false;
            long v2 = hex4(p + 2);
            if (v2 < 0xDC00 || v2 > 0xDFFF)
                return false;
            p += 6;
            shrink += 12 - 4;
        } else {
            shrink += 6 - (v < 0x80 ? 1 : v < 0x800 ? 2 : 3);
        }
    }
    f->kind = JV_STRING;
    f->s = r->p + 1;
    f->n = (size_t)(p - (r->p + 1));
    f->dlen = f->n - shrink;
    r->p = p + 1;
    return true;
}

/* A number or literal at r->p: null, true, false, an integer of up to 18 digits (JV_INTEGER) or
 * a real with at most two exponent digits (JV_OTHER, as true and false). What jansson might
 * reject (overflowing numbers) or not read the same way gives up. */
static bool jr_scalar(struct jr *r, struct jfield *f)
{
    const unsigned char *p = r->p, *end = r->end;
    static const struct {
        const char *w;
        size_t n;
        enum jval kind;
    } lits[] = {{"null", 4, JV_NULL}, {"true", 4, JV_OTHER}, {"false", 5, JV_OTHER}};
    for (size_t i = 0; i < WSP_ARRAY_LEN(lits); i++) {
        if ((size_t)(end - p) >= lits[i].n && memcmp(p, lits[i].w, lits[i].n) == 0) {
            p += lits[i].n;
            if (p < end && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
                return false;
            f->kind = lits[i].kind;
            r->p = p;
            return true;
        }
    }
    bool neg = p < end && *p == '-';
    if (neg)
        p++;
    const unsigned char *d = p;
    long long v = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        if (p - d < 18) /* more digits give up below; do not overflow meanwhile */
            v = v * 10 + (*p - '0');
        p++;
    }
    size_t nd = (size_t)(p - d);
    if (nd == 0 || nd > 18 || (nd > 1 && *d == '0'))
        return false;
    f->kind = JV_INTEGER;
    f->integer = neg ? -v : v;
    if (p < end && *p == '.') {
        const unsigned char *q = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == q || p - q > 18)
            return false;
        f->kind = JV_OTHER;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const unsigned char *q = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == q || p - q > 2)
            return false;
        f->kind = JV_OTHER;
    }
    r->p = p;
    return true;
}

static bool jr_value(struct jr *r, struct jfield *f, int depth);

/* The members of an object whose '{' is at r->p, each value passed to jr_value at depth + 1;
 * when fields is not NULL (the top level), the values of the keys in field_names are stored
 * there. Keys with escapes give up; repeated keys give up (JSON_REJECT_DUPLICATES). */
static bool jr_object(struct jr *r, struct jfield *fields, int depth)
{
    struct {
        const unsigned char *s;
        size_t n;
    } keys[JR_MAX_KEYS];
    size_t nkeys = 0;
    r->p++;
    jr_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return true;
    }
    for (;;) {
        struct jfield key, val = {0};
        if (r->p >= r->end || *r->p != '"' || !jr_string(r, &key) || key.escaped)
            return false;
        for (size_t k = 0; k < nkeys; k++)
            if (keys[k].n == key.n && memcmp(keys[k].s, key.s, key.n) == 0)
                return false;
        if (nkeys == JR_MAX_KEYS)
            return false;
        keys[nkeys].s = key.s;
        keys[nkeys++].n = key.n;
        jr_ws(r);
        if (r->p >= r->end || *r->p != ':')
            return false;
        r->p++;
        jr_ws(r);
        if (!jr_value(r, &val, depth + 1))
            return false;
        if (fields)
            for (int i = 0; i < JF_N; i++)
                if (strlen(field_names[i]) == key.n && memcmp(field_names[i], key.s, key.n) == 0)
                    fields[i] = val;
        jr_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            jr_ws(r);
            continue;
        }
        if (r->p < r->end && *r->p == '}') {
            r->p++;
            return true;
        }
        return false;
    }
}

#define JR_MAX_DEPTH 16 /* deeper nesting is left to jansson */

/* Any value at r->p; arrays and objects are checked and skipped (f->kind = JV_OTHER). */
static bool jr_value(struct jr *r, struct jfield *f, int depth)
{
    if (r->p >= r->end || depth > JR_MAX_DEPTH)
        return false;
    unsigned char c = *r->p;
    if (c == '"')
        return jr_string(r, f);
    f->kind = JV_OTHER;
    if (c == '{')
        return jr_object(r, NULL, depth);
    if (c != '[')
        return jr_scalar(r, f);
    r->p++;
    jr_ws(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return true;
    }
    for (;;) {
        struct jfield item = {0};
        if (!jr_value(r, &item, depth + 1))
            return false;
        jr_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            jr_ws(r);
            continue;
        }
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return true;
        }
        return false;
    }
}

/* Reads the top-level object of a line. False when the line is not plainly valid JSON of the
 * shape the direct path knows (the caller then uses jansson, which decides). */
static bool jr_record(const char *line, size_t len, struct jfield fields[JF_N])
{
    struct jr r = {(const unsigned char *)line, (const unsigned char *)line + len};
    for (int i = 0; i < JF_N; i++)
        fields[i] = (struct jfield){.kind = JV_ABSENT};
    jr_ws(&r);
    if (r.p >= r.end || *r.p != '{' || !jr_object(&r, fields, 0))
        return false;
    jr_ws(&r);
    return r.p == r.end;
}

/* The decoded value of a string field, copied into the arena (NULL when the arena is full).
 * It takes from the arena exactly what get_str takes. */
static char *jr_decode(const struct jfield *f, struct arena *a, size_t *outlen)
{
    char *out = arena_alloc(a, f->dlen + 1);
    if (!out)
        return NULL;
    if (!f->escaped) {
        memcpy(out, f->s, f->n);
        out[f->n] = '\0';
        *outlen = f->n;
        return out;
    }
    const unsigned char *p = f->s, *end = f->s + f->n;
    size_t o = 0;
    while (p < end) {
        const unsigned char *q = memchr(p, '\\', (size_t)(end - p));
        size_t run = q ? (size_t)(q - p) : (size_t)(end - p);
        memcpy(out + o, p, run);
        o += run;
        p += run;
        if (!q)
            break;
        unsigned c = p[1];
        p += 2;
        switch (c) {
        case 'b':
            out[o++] = '\b';
            break;
        case 'f':
            out[o++] = '\f';
            break;
        case 'n':
            out[o++] = '\n';
            break;
        case 'r':
            out[o++] = '\r';
            break;
        case 't':
            out[o++] = '\t';
            break;
        case 'u': {
            long v = hex4(p);
            p += 4;
            if (v >= 0xD800 && v <= 0xDBFF) { /* jr_string checked the pair */
                v = ((v - 0xD800) << 10) + (hex4(p + 2) - 0xDC00) + 0x10000;
                p += 6;
            }
            if (v < 0x80) {
                out[o++] = (char)v;
            } else if (v < 0x800) {
                out[o++] = (char)(0xC0 | (v >> 6));
                out[o++] = (char)(0x80 | (v & 0x3F));
            } else if (v < 0x10000) {
                out[o++] = (char)(0xE0 | (v >> 12));
                out[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
                out[o++] = (char)(0x80 | (v & 0x3F));
            } else {
                out[o++] = (char)(0xF0 | (v >> 18));
                out[o++] = (char)(0x80 | ((v >> 12) & 0x3F));
                out[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
                out[o++] = (char)(0x80 | (v & 0x3F));
            }
            break;
        }
        default: /* '"', '\\', '/' */
            out[o++] = (char)c;
            break;
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* detect_article_from_json for the records the direct reader accepts: 0 or WSP_ENOMEM as the
 * jansson path would return, or 1 (and nothing allocated) when the record needs jansson: not
 * plainly valid, or a field of the wrong type, which jansson reports with its own message. The
 * arena sees the same allocations in the same order as on the jansson path. */
static int article_direct(const char *line, size_t len, struct arena *a, struct detect_article *out,
                          struct error *err)
{
    struct jfield f[JF_N];
    if (!jr_record(line, len, f))
        return 1;
    if (f[JF_ID].kind != JV_STRING && f[JF_ID].kind != JV_INTEGER)
        return 1;
    for (int i = JF_TEXT; i < JF_N; i++)
        if (f[i].kind != JV_ABSENT && f[i].kind != JV_NULL && f[i].kind != JV_STRING)
            return 1;
    if (f[JF_TEXT].kind != JV_STRING && f[JF_HTML].kind != JV_STRING)
        return 1;
    size_t n;
    if (f[JF_ID].kind == JV_INTEGER) {
        out->id = arena_printf(a, "%lld", f[JF_ID].integer);
    } else if (!(out->id = jr_decode(&f[JF_ID], a, &n))) {
        return error_set(err, WSP_ENOMEM, "article too large");
    }
    const char **dst[JF_N] = {NULL,        &out->text, &out->html,
                              &out->title, &out->url,  &out->published};
    size_t *lens[JF_N] = {NULL, &out->text_len, &out->html_len, NULL, NULL, NULL};
    for (int i = JF_TEXT; i < JF_N; i++) {
        if (f[i].kind != JV_STRING)
            continue;
        if (!(*dst[i] = jr_decode(&f[i], a, &n)))
            return error_set(err, WSP_ENOMEM, "article too large");
        if (lens[i])
            *lens[i] = n;
    }
    if (out->published) {
        const char *p = out->published;
        bool valid = strlen(p) >= 10;
        for (int i = 0; valid && i < 10; i++)
            valid = i == 4 || i == 7 ? p[i] == '-' : (p[i] >= '0' && p[i] <= '9');
        out->published = valid ? arena_strndup(a, p, 10) : NULL;
    }
    return 0;
}

/* ---- input through jansson ------------------------------------------------------------- */

int detect_article_from_json(const char *line, size_t len, struct arena *a,
                             struct detect_article *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    int direct = article_direct(line, len, a, out, err);
    if (direct <= 0)
        return direct;
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
