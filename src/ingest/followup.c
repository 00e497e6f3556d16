/* Follow-ups: which stored event a later article (arrests, funerals, trials, peace) follows.
 * Pure: values in, a decision out; no SQL, no HTTP. See ingest.h for the rules. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "ingest/ingest.h"

#define SECONDS_PER_DAY 86400

/* Group words and security forces named in almost every report: sharing them says nothing
 * about being the same event. */
static bool generic_actor(const char *a)
{
    static const char *const generic[] = {
        "warga",  "kelompok", "ormas",      "massa",     "suporter", "supporter", "pendukung",
        "pemuda", "pelajar",  "mahasiswa",  "siswa",     "jemaah",   "jemaat",    "simpatisan",
        "aparat", "polisi",   "organisasi", "tni",       "polri",    "brimob",    "oknum",
        "pelaku", "korban",   "penduduk",   "masyarakat"};
    if (strchr(a, ' '))
        return false;
    for (size_t i = 0; i < WSP_ARRAY_LEN(generic); i++)
        if (strcasecmp(a, generic[i]) == 0)
            return true;
    return false;
}

static size_t shared_actors(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    size_t n = 0;
    if (na > INGEST_FOLLOWUP_ACTORS)
        na = INGEST_FOLLOWUP_ACTORS;
    if (nb > INGEST_FOLLOWUP_ACTORS)
        nb = INGEST_FOLLOWUP_ACTORS;
    for (size_t i = 0; i < na; i++) {
        if (!a[i] || !*a[i] || generic_actor(a[i]))
            continue;
        for (size_t j = 0; j < nb; j++)
            if (b[j] && strcasecmp(a[i], b[j]) == 0) {
                n++;
                break;
            }
    }
    return n;
}

static bool has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = s; (p = strcasestr(p, word)) != NULL; p++) {
        bool start = p == s || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'));
        char c = p[n];
        bool end = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
        if (start && end)
            return true;
    }
    return false;
}

const char *ingest_followup_hint(const char *form, const char *const *actors, size_t nactors)
{
    static const char *const armed[] = {
        "kkb", "opm", "tpnpb", "kst", "kelompok kriminal bersenjata", "kelompok separatis"};
    static const char *const mob[] = {"amuk massa", "diamuk massa", "dihakimi", "main hakim"};
    for (size_t i = 0; i < nactors && i < INGEST_FOLLOWUP_ACTORS; i++)
        for (size_t k = 0; actors[i] && k < WSP_ARRAY_LEN(armed); k++)
            if (has_word(actors[i], armed[k]))
                return "separatist_armed";
    for (size_t k = 0; form && k < WSP_ARRAY_LEN(mob); k++)
        if (has_word(form, mob[k]))
            return "vigilante";
    return NULL;
}

/* 0 collective violence, 1 separatist_armed, 2 vigilante, -1 goes with every family. */
static int family(const char *c)
{
    if (!c || str_eq(c, "none") || str_eq(c, "other_violence"))
        return -1;
    if (str_eq(c, "separatist_armed"))
        return 1;
    if (str_eq(c, "vigilante"))
        return 2;
    return 0;
}

bool ingest_followup_categories_agree(const char *a, const char *b)
{
    int fa = family(a), fb = family(b);
    return fa < 0 || fb < 0 || fa == fb;
}

static bool day_of(const char *date, int64_t *day)
{
    int64_t t;
    if (!date || strlen(date) != 10 || time_parse_iso(date, &t) != 0)
        return false;
    *day = t / SECONDS_PER_DAY;
    return true;
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

bool ingest_followup_fits(const struct ingest_followup *f, const struct ingest_followed *e,
                          struct ingest_followup_match *m)
{
    const char *fp = nonempty(f->province_code), *fr = nonempty(f->regency_code);
    const char *ep = nonempty(e->province_code), *er = nonempty(e->regency_code);
    /* place */
    int precision;
    if (fr && er)
        precision = str_eq(fr, er) ? 2 : 0;
    else
        precision = fp && ep && str_eq(fp, ep) ? 1 : 0;
    if (!precision)
        return false;
    /* time */
    int64_t fd, ed;
    if (!day_of(f->date, &fd) || !day_of(e->event_date, &ed))
        return false;
    int64_t days = fd - ed;
    if (days < 0 || days > INGEST_FOLLOWUP_DAYS)
        return false;
    /* category */
    const char *cat = nonempty(f->category);
    if (!cat || str_eq(cat, "none"))
        cat = ingest_followup_hint(f->form, f->actors, f->nactors);
    if (!ingest_followup_categories_agree(cat, e->category))
        return false;
    /* text and actors */
    int dist = f->simhash && e->has_simhash ? detect_simhash_distance(f->simhash, e->simhash) : 64;
    size_t shared = shared_actors(f->actors, f->nactors, e->actors, e->nactors);
    if (precision == 1 && dist > INGEST_FOLLOWUP_NEAR && shared == 0)
        return false;
    if (m) {
        memset(m, 0, sizeof(*m));
        m->precision = precision;
        m->days = (int)days;
        m->distance = dist;
        m->shared = shared;
        m->score = (precision == 2 ? 2.0 : 1.0) + (1.0 - (double)days / INGEST_FOLLOWUP_DAYS) +
                   (dist < 32 ? 1.5 * (32 - dist) / 32.0 : 0.0) +
                   0.5 * (double)(shared < 3 ? shared : 3);
        snprintf(m->why, sizeof(m->why), "same %s, %d days after, text distance %d, %zu shared %s",
                 precision == 2 ? "regency" : "province", m->days, dist, shared,
                 shared == 1 ? "actor" : "actors");
    }
    return true;
}

long ingest_followup_best(const struct ingest_followup *f, const struct ingest_followed *events,
                          size_t n, struct ingest_followup_match *m)
{
    long best = -1;
    struct ingest_followup_match bm = {0}, cur;
    for (size_t i = 0; i < n; i++) {
        if (!ingest_followup_fits(f, &events[i], &cur))
            continue;
        bool better = best < 0 || cur.score > bm.score + 1e-9;
        if (!better && cur.score > bm.score - 1e-9) {
            /* a tie: the later event (fewer days), then the higher id */
            const struct ingest_followed *b = &events[best];
            better = cur.days < bm.days || (cur.days == bm.days && events[i].id > b->id);
        }
        if (better) {
            best = (long)i;
            bm = cur;
        }
    }
    if (best >= 0 && m)
        *m = bm;
    return best;
}

/* At most max bytes of s, cut before a UTF-8 continuation byte. */
static int utf8_prefix(const char *s, int max)
{
    int n = (int)strnlen(s, (size_t)max + 1);
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

void ingest_proposal_note(char *out, size_t outsz, const char *title, const char *date,
                          const char *cue)
{
    bool c = cue && *cue, d = date && *date;
    const char *t = title && *title ? title : "tanpa judul";
    snprintf(out, outsz,
             "Berita perdamaian%s%.*s%s: \"%.*s\"%s%s%s. Usul: kasus masuk fase pemulihan "
             "(perlu keputusan petugas).",
             c ? " (" : "", c ? utf8_prefix(cue, 80) : 0, c ? cue : "", c ? ")" : "",
             utf8_prefix(t, 300), t, d ? " (" : "", d ? date : "", d ? ")" : "");
}
