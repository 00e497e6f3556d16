/*
 * The article's role: event, followup, prevention, crime, abroad, not_article or other.
 *
 * Runs after place, date, victims and the event classifier (classify.c). The classifier says
 * whether the text reports collective violence at all; the role says whose story it is and at
 * which stage, from the headline and the lead (the title and the first two body sentences),
 * where news says what the story is:
 *   - a page that is no article (the text stage's link-density test) is not_article;
 *   - a place abroad that outweighs the Indonesian ones (place.c) is abroad; an article with no
 *     Indonesian province is never an event;
 *   - peace and reconciliation (ikrar damai, patah panah) are a followup; so are trials,
 *     verdicts and funerals when the headline reports no violence of its own ("Sidang kasus
 *     bentrok ..." refers to a clash, "Ricuh di ruang sidang" is one);
 *   - drills are prevention, and so is violence that was about to happen ("hendak tawuran",
 *     "nyaris bentrok") when the lead shows none that did; security preparations, forums and
 *     peaceful demonstrations too when the headline reports no violence;
 *   - personal motives, family relations and ordinary crime with no collective actor are crime;
 *   - fires, explosions and crashes with no attacker are other.
 * Only ROLE_EVENT keeps is_conflict_event. The cues are in data/detect/roles.tsv.
 */
#include <stdio.h>
#include <string.h>

#include "detect/detect_internal.h"

static const char *const role_names[ROLE_COUNT] = {
    "other", "event", "followup", "prevention", "crime", "abroad", "not_article",
};

const char *detect_role_name(enum detect_role r)
{
    if ((int)r < 0 || r >= ROLE_COUNT)
        return "other";
    return role_names[r];
}

int detect_role_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcmp(role_names[i], s) == 0)
            return i;
    return -1;
}

/* ---- cue lexicon ----------------------------------------------------------------------- */

enum role_cue {
    RC_NONE = 0,
    RC_INTENT,
    RC_OCCUR,
    RC_DRILL,
    RC_SECURITY,
    RC_FORUM,
    RC_PEACEFUL,
    RC_PEACE,
    RC_COURT,
    RC_FUNERAL,
    RC_KIN,
    RC_MOTIVE,
    RC_CRIMETYPE,
    RC_COLLECTIVE,
    RC_ACCIDENT,
    RC_REFER,
    RC_DENIAL,
    RC_RUMOUR,
    RC_TOPIC,
    RC_FANS,
    RC_RETRO,
    RC_STATISTIC,
    RC_ARREST,
    RC_PAST,
    RC_COUNT
};

static const char *const cue_names[RC_COUNT] = {
    [RC_INTENT] = "intent",
    [RC_OCCUR] = "occur",
    [RC_DRILL] = "drill",
    [RC_SECURITY] = "security",
    [RC_FORUM] = "forum",
    [RC_PEACEFUL] = "peaceful",
    [RC_PEACE] = "peace",
    [RC_COURT] = "court",
    [RC_FUNERAL] = "funeral",
    [RC_KIN] = "kin",
    [RC_MOTIVE] = "motive",
    [RC_CRIMETYPE] = "crimetype",
    [RC_COLLECTIVE] = "collective",
    [RC_ACCIDENT] = "accident",
    [RC_REFER] = "refer",
    [RC_DENIAL] = "denial",
    [RC_RUMOUR] = "rumour",
    [RC_TOPIC] = "topic",
    [RC_FANS] = "fans",
    [RC_RETRO] = "retro",
    [RC_STATISTIC] = "statistic",
    [RC_ARREST] = "arrest",
    [RC_PAST] = "past",
};

#define INTENT_WINDOW 3 /* words between an intent cue and its violence cue, by default */
#define REFER_WINDOW 3  /* words between a reference word and its violence cue */

static int row_role(void *vctx, char **f, size_t nf, size_t line, struct error *err)
{
    struct detect_model *m = vctx;
    WSP_UNUSED(line);
    if (nf < 2)
        return error_set(err, WSP_EINVAL, "expected term, class [, window]");
    int cls = 0;
    for (int i = 1; i < RC_COUNT; i++)
        if (cue_names[i] && strcmp(cue_names[i], f[1]) == 0)
            cls = i;
    if (!cls)
        return error_set(err, WSP_EINVAL, "unknown class '%s'", f[1]);
    int window = cls == RC_INTENT ? INTENT_WINDOW : 0;
    if (nf >= 3 && *f[2]) {
        if (cls != RC_INTENT || sscanf(f[2], "%d", &window) != 1 || window < 1 || window > 8)
            return error_set(err, WSP_EINVAL, "a window (1..8 words) is for intent cues only");
    }
    struct lex_entry *e;
    if (lex_add(&m->roles, &m->mem, f[0], strlen(f[0]), &e))
        return error_set(err, WSP_EINVAL, "empty term");
    e->cat = (uint8_t)cls;
    e->sig_w = (float)window;
    return 0;
}

int role_lexicon_load(struct detect_model *m, struct error *err)
{
    return detect_read_tsv("detect/roles.tsv", row_role, m, err);
}

/* ---- reading the headline and the lead -------------------------------------------------- */

/* What the head says, per part: [0] the title, [1] the lead (two sentences), [2] the next eight
 * sentences (only collective actors are read there). */
struct head {
    unsigned cue[3][RC_COUNT];     /* cue hits */
    uint32_t cue_tok[3][RC_COUNT]; /* first token of the first hit, for evidence */
    uint8_t cue_len[3][RC_COUNT];  /* and its words */
    unsigned collective[3];        /* collective cues not under a reference word */
    unsigned violence_live[2];     /* violence cues that report violence */
    unsigned violence_intent[2];   /* violence cues under an intent cue ("hendak tawuran") */
    unsigned violence_any;         /* violence cues of any kind in the title and lead */
    bool sport_title;              /* a sports cue of signals.tsv in the title */
    unsigned occur_live;           /* occurrence cues not under an intent cue, whole head */
    uint32_t intent_tok;           /* the intent cue token, for evidence */
    bool has_intent_tok;
};

static bool is_head_sentence(const struct ddoc *d, uint32_t s, int *part)
{
    uint32_t lead = d->has_title ? d->body_first_sent : 1;
    if (d->has_title ? s < d->body_first_sent : s == 0)
        *part = 0;
    else
        *part = s < lead + 2 ? 1 : 2;
    return s < lead + 10;
}

static bool strong_violence(const struct lex_entry *e)
{
    return e && e->sig == SIG_VIOLENCE && e->sig_w >= 0.8f;
}

static void read_head(const struct detect_model *m, const struct ddoc *d, struct head *h)
{
    memset(h, 0, sizeof(*h));
    for (uint32_t s = 0; s < d->nsent; s++) {
        int part;
        if (!is_head_sentence(d, s, &part))
            continue;
        uint32_t b = ddoc_sent_begin(d, s), e = ddoc_sent_end(d, s);
        /* words since the last intent / reference cue (UINT32_MAX: none yet) */
        uint32_t since_intent = UINT32_MAX, since_refer = UINT32_MAX;
        unsigned intent_window = 0;
        for (uint32_t i = b; i < e; i++) {
            if (d->dateline_end && i >= d->dateline_start && i < d->dateline_end)
                continue;
            if (d->t[i].kind != TOK_WORD)
                continue;
            size_t nw = 1;
            const struct lex_entry *c = lex_match(&m->roles, d->t, e, i, &nw);
            const struct lex_entry *v = d->d[i].hit;
            bool violence = strong_violence(v);
            bool under_intent = since_intent != UINT32_MAX && since_intent < intent_window;
            bool under_refer = since_refer != UINT32_MAX && since_refer < REFER_WINDOW;
            if (part == 2) {
                /* beyond the lead only collective actors count */
                if (c && c->cat == RC_COLLECTIVE) {
                    h->cue[2][RC_COLLECTIVE]++;
                    h->collective[2] += !under_refer;
                }
                if (c && nw > 1)
                    i += (uint32_t)nw - 1;
                if (c && c->cat == RC_REFER)
                    since_refer = 0;
                else if (since_refer != UINT32_MAX)
                    since_refer++;
                continue;
            }
            /* "dibakar warga", "dihajar warga": the crowd did it */
            if (!c && i > b && strcmp(d->t[i].lower, "warga") == 0 &&
                strong_violence(d->d[i - 1].hit))
                h->collective[part]++;
            if (v && v->sig == SIG_VIOLENCE)
                h->violence_any++;
            if (v && v->sig == SIG_SPORT && part == 0)
                h->sport_title = true;
            if (violence) {
                if (under_intent)
                    h->violence_intent[part]++;
                else if (!under_refer)
                    h->violence_live[part]++;
            }
            if (c && c->cat) {
                int cls = c->cat;
                if (!h->cue[part][cls]) {
                    h->cue_tok[part][cls] = i;
                    h->cue_len[part][cls] = (uint8_t)nw;
                }
                h->cue[part][cls]++;
                if (cls == RC_COLLECTIVE && !under_refer)
                    h->collective[part]++;
                if (cls == RC_OCCUR && !under_intent)
                    h->occur_live++;
                if (cls == RC_INTENT) {
                    since_intent = 0;
                    intent_window = (unsigned)c->sig_w;
                    if (!h->has_intent_tok) {
                        h->intent_tok = i;
                        h->has_intent_tok = true;
                    }
                } else if (cls == RC_REFER || cls == RC_COURT) {
                    /* "sidang vonis rusuh Temanggung" is the trial of a riot */
                    since_refer = 0;
                }
                if (nw > 1) {
                    i += (uint32_t)nw - 1;
                    if (since_intent != UINT32_MAX && cls != RC_INTENT)
                        since_intent += (uint32_t)nw - 1;
                    if (since_refer != UINT32_MAX && cls != RC_REFER)
                        since_refer += (uint32_t)nw - 1;
                }
                if (cls == RC_INTENT || cls == RC_REFER || cls == RC_COURT)
                    continue;
            } else if (v && d->d[i].hitlen > 1) {
                /* a multi-word violence cue ("saling serang") is one step */
                i += d->d[i].hitlen - 1u;
            }
            if (since_intent != UINT32_MAX)
                since_intent++;
            if (since_refer != UINT32_MAX)
                since_refer++;
        }
    }
}

static unsigned both(const struct head *h, enum role_cue c)
{
    return h->cue[0][c] + h->cue[1][c];
}

/* The cue of class c (title first), for the evidence quote: first token and words. */
static uint32_t cue_token(const struct head *h, enum role_cue c)
{
    return h->cue[0][c] ? h->cue_tok[0][c] : h->cue_tok[1][c];
}
static unsigned cue_words(const struct head *h, enum role_cue c)
{
    return h->cue[0][c] ? h->cue_len[0][c] : h->cue_len[1][c];
}

/* Set the role; the cue is nw words from token tok (has_tok false: no cue in the text). */
static void set_role(struct ddoc *d, struct detect_event *ev, enum detect_role role, bool has_tok,
                     uint32_t tok, unsigned nw, const char *why)
{
    ev->role = role;
    if (has_tok && tok < d->n) {
        uint32_t last = tok + (nw ? nw : 1) - 1;
        if (last >= d->n)
            last = (uint32_t)d->n - 1;
        size_t off = d->t[tok].off, len = d->t[last].off + d->t[last].len - off;
        char *cue = arena_strndup(d->a, d->text + off, len);
        ev->role_cue = cue ? cue : why;
        evidence_add(
            d, ev, off, len,
            arena_printf(d->a, "role %s: %s '%s'", detect_role_name(role), why, ev->role_cue));
    } else {
        ev->role_cue = why;
        evidence_add(d, ev, 0, 0, arena_printf(d->a, "role %s: %s", detect_role_name(role), why));
    }
}

/* The role of an article that reports violence (the classifier said so). */
static void role_of_event(struct ddoc *d, struct detect_event *ev, const struct head *h)
{
    bool title_live = h->violence_live[0] > 0;
    bool head_live = title_live || h->violence_live[1] > 0;
    bool head_crowd = h->collective[0] + h->collective[1] > 0;
    bool collective = head_crowd || h->collective[2] > 0;

    if (h->cue[0][RC_PEACE] || (h->cue[1][RC_PEACE] && !title_live)) {
        ev->reconciliation = true;
        set_role(d, ev, ROLE_FOLLOWUP, true, cue_token(h, RC_PEACE), cue_words(h, RC_PEACE),
                 "peace or reconciliation");
        return;
    }
    if (h->cue[0][RC_DRILL] || (h->cue[1][RC_DRILL] && !title_live)) {
        set_role(d, ev, ROLE_PREVENTION, true, cue_token(h, RC_DRILL), cue_words(h, RC_DRILL),
                 "drill or exercise");
        return;
    }
    if (h->cue[0][RC_DRILL] == 0 && (h->cue[0][RC_ARREST] || h->cue[1][RC_ARREST]) &&
        both(h, RC_PAST) && !title_live) {
        set_role(d, ev, ROLE_FOLLOWUP, true, cue_token(h, RC_PAST), cue_words(h, RC_PAST),
                 "arrest for an event months back");
        return;
    }
    /* a look back or statistics over a period: the headline reports no incident of its own */
    if ((h->cue[0][RC_RETRO] || h->cue[0][RC_STATISTIC]) && !title_live) {
        enum role_cue c = h->cue[0][RC_RETRO] ? RC_RETRO : RC_STATISTIC;
        set_role(d, ev, ROLE_OTHER, true, h->cue_tok[0][c], h->cue_len[0][c],
                 c == RC_RETRO ? "a look back" : "statistics over a period");
        return;
    }
    if (h->sport_title && !both(h, RC_FANS) && !h->occur_live) {
        set_role(d, ev, ROLE_OTHER, false, 0, 0, "sports match, no crowd violence");
        return;
    }
    if ((h->cue[0][RC_DENIAL] || (h->cue[0][RC_RUMOUR] && !title_live)) && !h->cue[0][RC_OCCUR]) {
        enum role_cue c = h->cue[0][RC_DENIAL] ? RC_DENIAL : RC_RUMOUR;
        set_role(d, ev, ROLE_PREVENTION, true, h->cue_tok[0][c], h->cue_len[0][c], "rumour denied");
        return;
    }
    if ((h->violence_intent[0] || h->violence_intent[1]) && !title_live && !h->occur_live) {
        set_role(d, ev, ROLE_PREVENTION, h->has_intent_tok, h->intent_tok, 1,
                 "violence about to happen, none that did");
        return;
    }
    if (!title_live) {
        static const struct {
            enum role_cue c;
            enum detect_role role;
            const char *why;
        } quiet[] = {
            {RC_COURT, ROLE_FOLLOWUP, "court"},
            {RC_FUNERAL, ROLE_FOLLOWUP, "funeral or victims identified"},
        };
        for (size_t k = 0; k < WSP_ARRAY_LEN(quiet) && !head_live && !head_crowd; k++)
            if (h->cue[0][quiet[k].c]) {
                set_role(d, ev, quiet[k].role, true, h->cue_tok[0][quiet[k].c],
                         h->cue_len[0][quiet[k].c], quiet[k].why);
                return;
            }
        if (!h->occur_live) {
            static const struct {
                enum role_cue c;
                const char *why;
            } prev[] = {
                {RC_PEACEFUL, "peaceful demonstration"},
                {RC_SECURITY, "security preparations"},
                {RC_FORUM, "meeting or forum"},
            };
            for (size_t k = 0; k < WSP_ARRAY_LEN(prev); k++)
                if (h->cue[0][prev[k].c] || (prev[k].c == RC_PEACEFUL && h->cue[1][prev[k].c])) {
                    set_role(d, ev, ROLE_PREVENTION, true, cue_token(h, prev[k].c),
                             cue_words(h, prev[k].c), prev[k].why);
                    return;
                }
        }
    }
    unsigned personal = both(h, RC_KIN) + both(h, RC_MOTIVE) + both(h, RC_CRIMETYPE);
    unsigned personal_title = h->cue[0][RC_KIN] + h->cue[0][RC_MOTIVE] + h->cue[0][RC_CRIMETYPE];
    if (!collective && (personal_title || personal >= 2)) {
        enum role_cue c = both(h, RC_KIN) ? RC_KIN : both(h, RC_MOTIVE) ? RC_MOTIVE : RC_CRIMETYPE;
        set_role(d, ev, ROLE_CRIME, true, cue_token(h, c), cue_words(h, c),
                 "personal crime, no collective actor");
        return;
    }
    if (h->cue[0][RC_ACCIDENT] && !title_live && !collective) {
        set_role(d, ev, ROLE_OTHER, true, h->cue_tok[0][RC_ACCIDENT], h->cue_len[0][RC_ACCIDENT],
                 "accident, no attacker");
        return;
    }
    ev->role = ROLE_EVENT;
}

/* The role of an article the classifier did not take for violence: the strongest framing in
 * its headline, for analysts (the roles of everyday news). */
static void role_of_other(struct ddoc *d, struct detect_event *ev, const struct head *h)
{
    if (both(h, RC_PEACE) && (both(h, RC_COLLECTIVE) || both(h, RC_TOPIC))) {
        ev->reconciliation = true;
        set_role(d, ev, ROLE_FOLLOWUP, true, cue_token(h, RC_PEACE), cue_words(h, RC_PEACE),
                 "peace or reconciliation");
        return;
    }
    static const struct {
        enum role_cue c;
        enum detect_role role;
        const char *why;
    } order[] = {
        {RC_DRILL, ROLE_PREVENTION, "drill or exercise"},
        {RC_COURT, ROLE_FOLLOWUP, "court"},
        {RC_FUNERAL, ROLE_FOLLOWUP, "funeral or victims identified"},
        {RC_PEACEFUL, ROLE_PREVENTION, "peaceful demonstration"},
        {RC_FORUM, ROLE_PREVENTION, "meeting or forum"},
        {RC_SECURITY, ROLE_PREVENTION, "security preparations"},
        {RC_DENIAL, ROLE_PREVENTION, "rumour denied"},
        {RC_CRIMETYPE, ROLE_CRIME, "crime"},
        {RC_MOTIVE, ROLE_CRIME, "personal motive"},
        {RC_KIN, ROLE_CRIME, "family or personal relation"},
    };
    bool collective = h->collective[0] + h->collective[1] > 0;
    /* forums, patrols and court on any subject are everyday news: prevention and followup
     * need conflict or violence as the subject */
    bool conflict_topic =
        h->violence_any || both(h, RC_COLLECTIVE) || both(h, RC_TOPIC) || both(h, RC_PEACEFUL);
    for (int part = 0; part < 2; part++)
        for (size_t k = 0; k < WSP_ARRAY_LEN(order); k++)
            if (h->cue[part][order[k].c] &&
                (order[k].role == ROLE_CRIME ? !collective : conflict_topic)) {
                set_role(d, ev, order[k].role, true, h->cue_tok[part][order[k].c],
                         h->cue_len[part][order[k].c], order[k].why);
                return;
            }
    if (h->violence_intent[0] || h->violence_intent[1]) {
        set_role(d, ev, ROLE_PREVENTION, h->has_intent_tok, h->intent_tok, 1,
                 "violence about to happen");
        return;
    }
    ev->role = ROLE_OTHER;
}

void role_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev,
                  bool not_article)
{
    ev->reconciliation = false;
    ev->role_cue = NULL;
    struct head h;
    read_head(m, d, &h);
    if (not_article) {
        set_role(d, ev, ROLE_NOT_ARTICLE, false, 0, 0,
                 "link lists and short headlines, no article");
    } else if (ev->abroad && (ev->is_conflict_event || h.violence_any || both(&h, RC_COLLECTIVE) ||
                              both(&h, RC_OCCUR))) {
        /* abroad is a story of violence or conflict there; a phone made in China is other */
        ev->role = ROLE_ABROAD;
        ev->role_cue = ev->abroad;
    } else {
        if (!ev->is_conflict_event)
            role_of_other(d, ev, &h);
        else if (!ev->province)
            set_role(d, ev, ROLE_OTHER, false, 0, 0, "no place in Indonesia found");
        else
            role_of_event(d, ev, &h);
    }
    if (ev->role != ROLE_EVENT && ev->is_conflict_event) {
        ev->is_conflict_event = false;
        ev->category = CAT_NONE;
        ev->snpk_issue = NULL;
    }
}
