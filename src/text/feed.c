/*
 * RSS 2.0 (and RSS 1.0/RDF) and Atom feeds with libxml2's XML parser. Entities are never
 * substituted (no XML_PARSE_NOENT) and no DTD is loaded (no XML_PARSE_DTDLOAD, XML_PARSE_NONET),
 * so external entities are not fetched; text is read only from text and CDATA nodes, never
 * through entity references, so an entity bomb expands to nothing. XML_PARSE_HUGE stays off,
 * keeping libxml2's depth and size limits.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "text/text_internal.h"

#define FEED_OPTS                                                                                  \
    (XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |               \
     XML_PARSE_NOCDATA | XML_PARSE_COMPACT)
#define FIELD_MAX ((size_t)256 * 1024) /* longest field we read */

/* ---- dates ----------------------------------------------------------------------------- */

static bool digits(const char *s, size_t n, int *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

/* A real calendar day: "31 Feb" or "2026-04-31" is no date (day arithmetic would quietly
 * move it into the next month). */
static bool valid_ymd(int y, int m, int d)
{
    return y >= 1900 && y <= 2200 && date_ymd_valid(y, m, d);
}

static void put_ymd(char out[11], int y, int m, int d)
{
    /* valid_ymd() has checked the ranges; the modulos let the compiler see that it fits */
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

/* English and Indonesian month names by their first three letters. */
static int month_of(const char *s, size_t n)
{
    static const char *const mon[][2] = {{"jan", NULL},  {"feb", "peb"}, {"mar", NULL},
                                         {"apr", NULL},  {"may", "mei"}, {"jun", NULL},
                                         {"jul", NULL},  {"aug", "agu"}, {"sep", NULL},
                                         {"oct", "okt"}, {"nov", "nop"}, {"dec", "des"}};
    if (n < 3)
        return 0;
    char l[3];
    for (int i = 0; i < 3; i++)
        l[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    if (memcmp(l, "agt", 3) == 0)
        return 8;
    for (int m = 0; m < 12; m++)
        for (int k = 0; k < 2; k++)
            if (mon[m][k] && memcmp(l, mon[m][k], 3) == 0)
                return m + 1;
    return 0;
}

bool text_parse_date(const char *s, size_t n, char out[11])
{
    int y, m, d;
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        n--;
    }
    /* ISO 8601 or YYYY/MM/DD */
    if (n >= 10 && digits(s, 4, &y) && (s[4] == '-' || s[4] == '/') && s[7] == s[4] &&
        digits(s + 5, 2, &m) && digits(s + 8, 2, &d)) {
        if (!valid_ymd(y, m, d))
            return false;
        put_ymd(out, y, m, d);
        return true;
    }
    /* RFC 822: [Day,] DD Mon YYYY ... */
    size_t i = 0;
    if (n > 4 && memchr(s, ',', n < 12 ? n : 12)) {
        while (i < n && s[i] != ',')
            i++;
        i++;
    }
    while (i < n && s[i] == ' ')
        i++;
    size_t st = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i - st < 1 || i - st > 2 || !digits(s + st, i - st, &d))
        return false;
    while (i < n && (s[i] == ' ' || s[i] == '-'))
        i++;
    st = i;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
        i++;
    if (!(m = month_of(s + st, i - st)))
        return false;
    while (i < n && (s[i] == ' ' || s[i] == '-'))
        i++;
    st = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i - st == 2 && digits(s + st, 2, &y))
        y += y < 70 ? 2000 : 1900;
    else if (i - st != 4 || !digits(s + st, 4, &y))
        return false;
    if (!valid_ymd(y, m, d))
        return false;
    put_ymd(out, y, m, d);
    return true;
}

/* ---- feeds ----------------------------------------------------------------------------- */

static bool is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, name) == 0;
}

/* Concatenated text and CDATA of n's subtree (entity references are skipped), capped. */
static void gather(const xmlNode *n, struct buf *b)
{
    const xmlNode *c = n->children;
    while (c) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            buf_puts(b, (const char *)c->content);
        if (b->len > FIELD_MAX)
            return;
        if (c->type == XML_ELEMENT_NODE && c->children) {
            c = c->children;
            continue;
        }
        while (c && c != n && !c->next)
            c = c->parent;
        if (!c || c == n)
            return;
        c = c->next;
    }
}

struct fctx {
    struct arena *a;
    struct buf tmp;
    bool nomem;
};

/* Text of an element: normalized; HTML stripped when html says so or it looks like markup. */
static const char *text_of(struct fctx *f, const xmlNode *n, bool html)
{
    if (!n)
        return NULL;
    buf_reset(&f->tmp);
    gather(n, &f->tmp);
    const char *s = buf_cstr(&f->tmp);
    size_t len = f->tmp.len;
    if (len > FIELD_MAX)
        len = FIELD_MAX;
    char *r;
    if (html && (memchr(s, '<', len) || memchr(s, '&', len))) {
        r = text_html_fragment(s, len, f->a);
    } else {
        r = text_normalize(s, len, f->a, NULL);
    }
    if (!r)
        f->nomem = true;
    return r;
}

static const char *opt(const char *s)
{
    return s && *s ? s : NULL;
}

/* An item's link only when it is an absolute http(s) URL: ingest fetches it and the web app
 * puts it into href, so a javascript:, data: or relative link becomes NULL (the item is then
 * read from its summary). */
static const char *web_url(const char *s)
{
    return s && (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0) ? s
                                                                                          : NULL;
}

static const char *date_of(struct fctx *f, const xmlNode *n)
{
    if (!n)
        return NULL;
    buf_reset(&f->tmp);
    gather(n, &f->tmp);
    char d[11];
    if (!text_parse_date(buf_cstr(&f->tmp), f->tmp.len, d))
        return NULL;
    char *r = arena_strdup(f->a, d);
    if (!r)
        f->nomem = true;
    return r;
}

static const char *prop(const xmlNode *n, const char *name)
{
    for (const xmlAttr *at = n->properties; at; at = at->next)
        if (strcmp((const char *)at->name, name) == 0 && at->children &&
            at->children->type == XML_TEXT_NODE)
            return (const char *)at->children->content;
    return NULL;
}

static void rss_item(struct fctx *f, const xmlNode *it, struct text_feed_item *o)
{
    const xmlNode *title = NULL, *link = NULL, *date = NULL, *desc = NULL, *content = NULL,
                  *guid = NULL, *dcdate = NULL;
    for (const xmlNode *c = it->children; c; c = c->next) {
        if (is(c, "title") && !title)
            title = c;
        else if (is(c, "link") && !link)
            link = c;
        else if (is(c, "pubDate") && !date)
            date = c;
        else if (is(c, "date") && !dcdate)
            dcdate = c;
        else if (is(c, "description") && !desc)
            desc = c;
        else if (is(c, "encoded") && !content)
            content = c;
        else if (is(c, "guid") && !guid)
            guid = c;
    }
    o->title = opt(text_of(f, title, true));
    o->url = web_url(text_of(f, link, false));
    o->published = date_of(f, date ? date : dcdate);
    o->summary = text_of(f, desc ? desc : content, true);
    o->guid = opt(text_of(f, guid, false));
    const char *about = prop(it, "about");
    if (!o->guid && about) {
        o->guid = text_normalize(about, strnlen(about, FIELD_MAX), f->a, NULL);
        if (!o->guid)
            f->nomem = true;
        o->guid = opt(o->guid);
    }
}

static void atom_entry(struct fctx *f, const xmlNode *it, struct text_feed_item *o)
{
    const xmlNode *title = NULL, *pub = NULL, *upd = NULL, *summary = NULL, *content = NULL,
                  *id = NULL;
    const char *href = NULL;
    for (const xmlNode *c = it->children; c; c = c->next) {
        if (is(c, "title") && !title)
            title = c;
        else if (is(c, "published") && !pub)
            pub = c;
        else if (is(c, "updated") && !upd)
            upd = c;
        else if (is(c, "summary") && !summary)
            summary = c;
        else if (is(c, "content") && !content)
            content = c;
        else if (is(c, "id") && !id)
            id = c;
        else if (is(c, "link")) {
            const char *rel = prop(c, "rel"), *h = prop(c, "href");
            if (h && (!rel || strcmp(rel, "alternate") == 0) && !href)
                href = h;
        }
    }
    o->title = opt(text_of(f, title, true));
    if (href) {
        const char *u = text_normalize(href, strnlen(href, FIELD_MAX), f->a, NULL);
        if (!u)
            f->nomem = true;
        o->url = web_url(u);
    }
    o->published = date_of(f, pub ? pub : upd);
    o->summary = text_of(f, summary ? summary : content, true);
    o->guid = opt(text_of(f, id, false));
}

int text_parse_feed(const char *xml, size_t len, struct arena *a, struct text_feed_item **items,
                    size_t *n, struct error *err)
{
    *items = NULL;
    *n = 0;
    if (!xml || !len)
        return error_set(err, WSP_EINVAL, "empty feed");
    if (len > TEXT_MAX_INPUT)
        return error_set(err, WSP_ETOOBIG, "feed of %zu bytes is over the %zu byte limit", len,
                         (size_t)TEXT_MAX_INPUT);
    text_xml_init();
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL, FEED_OPTS);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    int rc = 0;
    bool atom = root && is(root, "feed");
    const xmlNode *parent = NULL;
    if (root && is(root, "rss")) {
        for (const xmlNode *c = root->children; c && !parent; c = c->next)
            if (is(c, "channel"))
                parent = c;
    } else if (atom || (root && is(root, "RDF"))) {
        parent = root;
    }
    if (!parent) {
        rc = error_set(err, WSP_EINVAL, "not an rss or atom feed");
        goto out;
    }
    const char *item_name = atom ? "entry" : "item";
    size_t count = 0;
    /* RSS 1.0 keeps items next to the channel; RSS 2.0 inside it */
    for (const xmlNode *c = parent->children; c; c = c->next)
        count += is(c, item_name);
    if (!count)
        goto out;
    struct text_feed_item *it = arena_alloc(a, count * sizeof(*it));
    if (!it) {
        rc = error_set(err, WSP_ENOMEM, "feed arena is full (%zu items)", count);
        goto out;
    }
    struct fctx f = {.a = a};
    buf_init(&f.tmp, FIELD_MAX * 2);
    size_t k = 0;
    for (const xmlNode *c = parent->children; c && k < count && !f.nomem; c = c->next) {
        if (!is(c, item_name))
            continue;
        if (atom)
            atom_entry(&f, c, &it[k]);
        else
            rss_item(&f, c, &it[k]);
        if (!it[k].summary)
            it[k].summary = "";
        k++;
    }
    buf_release(&f.tmp);
    if (f.nomem) {
        rc = error_set(err, WSP_ENOMEM, "feed arena is full (%zu items)", count);
        goto out;
    }
    *items = it;
    *n = k;
out:
    if (doc)
        xmlFreeDoc(doc);
    return rc;
}
