/*
 * detect internals shared by the files of the module (not a public header).
 *
 * The model (struct detect_model) is built once by detect_model_load() from data/detect/ TSV files
 * and is read-only afterwards. A document (struct ddoc) is the per-article working state: the
 * tokens of "title \n body", the sentence of each token and the lexicon hits; everything in it
 * lives in the document arena.
 */
#ifndef WSP_DETECT_INTERNAL_H
#define WSP_DETECT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/detect.h"

/* ---- lexicon: a hash map from a lower-case term ("rapat koordinasi", "~bakar" for a stem)
 * to its entries. One term may carry several entries (a signal and a category cue). ---- */

enum sig_class {
    SIG_NONE = 0,
    SIG_VIOLENCE, /* bentrok, tawuran, membakar, menyerang ... */
    SIG_GROUP,    /* warga, massa, kelompok, ormas, KKB ... */
    SIG_CASUALTY, /* tewas, luka, korban ... */
    SIG_MEETING,  /* rapat koordinasi, FGD, sosialisasi, seminar ... */
    SIG_SPORT,    /* pertandingan, liga, skor ... */
    SIG_DISASTER, /* gempa, banjir, longsor, BNPB ... */
    SIG_ACCIDENT, /* kecelakaan, tabrakan ... */
    SIG_COURT,    /* sidang, divonis, terdakwa ... */
    SIG_PEACE,    /* damai, tertib, kondusif ... */
    SIG_ECONOMY,  /* harga, inflasi ... */
    SIG_CRIME,    /* individual crime: pencurian, curanmor, menikam tetangga ... */
    SIG_PREVENT,  /* nyaris, hendak, dicegah, antisipasi ... */
    SIG_ANALYSIS, /* jurnal, penelitian, abstrak, opini ... */
    SIG_FOREIGN,  /* Gaza, Myanmar, Ukraina ... */
    SIG_POLICY,   /* menteri mengatakan, imbauan, deteksi dini ... */
    SIG_COUNT
};

struct lex_entry {
    const char *term; /* words separated by one space; "~stem" for stem entries */
    uint16_t len;     /* strlen(term) */
    uint8_t nwords;
    bool real;   /* a term of the file (false: only a prefix of longer terms) */
    bool prefix; /* some longer term starts with this one plus a space */
    uint8_t sig; /* enum sig_class or 0 */
    uint8_t cat; /* enum detect_category or 0 */
    float sig_w;
    float cat_w;
    /* cause or framing trigger ("dipicu", "pemicu", "berlainan"): the issue cues within this
     * many words after it (and before it too when cause_back) name what the violence was about
     * (categories.tsv classes "cause" and "cause_both"); 0 = not a trigger */
    uint8_t cause;
    bool cause_back;
};

struct lexicon {
    struct lex_entry *e;
    size_t n, cap;
    uint32_t *slots; /* index+1 into e, 0 = empty; power-of-two size */
    size_t nslots;
    unsigned maxwords;
};

uint64_t lex_hash_bytes(uint64_t h, const char *s, size_t n);
#define LEX_HASH_INIT 1469598103934665603ULL
const struct lex_entry *lex_get(const struct lexicon *lx, const char *term);
/* The entry of term[0..len) whether real or only a word prefix of longer terms (check ->real
 * and ->prefix), or NULL when no term is or starts with it. */
const struct lex_entry *lex_find(const struct lexicon *lx, const char *term, size_t len);

/* ---- places ---------------------------------------------------------------------------- */

/* Normalized name -> regions with that name (all levels), plus aliases. */
struct place_list {
    const struct geo_region **r;
    uint32_t n;
    const struct geo_foreign *foreign; /* a place abroad of this name (only when no Indonesian
                                          province or regency has it), or NULL */
    bool weak;   /* name is also a common word: needs an explicit prefix or "di" */
    bool prefix; /* a longer name starts with this one plus a space */
};

struct place_index {
    char **keys;
    struct place_list *vals;
    size_t nslots;
    unsigned maxwords;
};

const struct place_list *place_lookup(const struct place_index *pi, const char *norm);

/* ---- dates ----------------------------------------------------------------------------- */

enum date_word_kind {
    DW_NONE = 0,
    DW_MONTH,    /* value 1..12 */
    DW_WEEKDAY,  /* value 0 = Minggu (Sunday) .. 6 = Sabtu */
    DW_REL_DAY,  /* value = days before published: kemarin 1, hari ini 0 */
    DW_REL_WEEK, /* pekan lalu: 7 days, approximate */
    DW_AGO,      /* "lalu", "yang lalu", "silam" after "N hari" */
    DW_UNIT_DAY, /* "hari" */
    DW_NUMBER,   /* number words for "dua hari lalu" */
    /* context words: not dates themselves, they say what a nearby date is the date of */
    DW_REPORT,     /* kata, ujarnya, dikonfirmasi: the date of a statement, not of the event */
    DW_OCCUR,      /* terjadi, berlangsung, pecah: "bentrok terjadi pada Senin (1/3)" */
    DW_CAUSE,      /* dipicu, berawal dari: a date after them is the trigger's */
    DW_UNTIL,      /* hingga, sampai: "hingga Ahad (29/8)" is how long a state lasted */
    DW_CAPTION,    /* ilustrasi, foto: a photo caption, often of another day */
    DW_PLACE_HEAD, /* pasar, jalan: "Pasar Minggu" is a place, not Sunday */
    DW_ATTRIB,     /* kepada wartawan, saat: between a statement verb and its date */
    DW_PAST        /* pernah, serupa: "juga pernah terjadi pada ...", an earlier incident */
};

struct date_words {
    struct lexicon lx; /* term -> cat field holds kind, sig_w holds value */
};

/* ---- model ----------------------------------------------------------------------------- */

enum vic_kind {
    VIC_NONE = 0,
    VIC_KILLED,      /* tewas, meninggal dunia, gugur */
    VIC_INJURED,     /* luka-luka, terluka, dirawat */
    VIC_ZERO_KILLED, /* "tidak ada korban jiwa" */
    VIC_ZERO_INJURED,
    VIC_NONPERSON,   /* rumah, unit, hektare: a count of things, not people */
    VIC_WOMEN_CHILD, /* perempuan, anak-anak, balita, siswi */
    VIC_NOT_WC,      /* "anak buah", "ibu kota": not women/children */
    VIC_VICTIM_CTX,  /* korban, mengungsi, dianiaya: a sentence about victims */
    VIC_PERSON,      /* orang, warga, anggota: a count of people */
    VIC_WOUND,       /* luka tusuk, luka bacok: injured, but "7 luka tusuk" counts wounds */
    VIC_GROUP,       /* ormas, kelompok: "2 ormas" counts groups ("anggota ormas" is people) */
    VIC_IDENT,       /* RW, RT, Yonif, nomor: the number after it is a name ("RW 12") */
    VIC_BACKGROUND   /* pernah, simpang siur: a sentence about another incident or a rumour */
};

#define FEAT_MAX 32
#define CALIB_MAX 128 /* points per calibration map */

struct detect_model {
    const struct text_resources *res;
    const struct geo_gazetteer *geo;
    struct lexicon lex;     /* signals.tsv + categories.tsv */
    struct lexicon victims; /* victims.tsv: cat field holds enum vic_kind */
    struct lexicon actors;  /* actors.tsv: heads of actor phrases */
    struct lexicon roles;   /* roles.tsv: cat holds the cue class, sig_w an intent window */
    struct date_words dates;
    struct place_index places;
    /* logistic model (model.tsv) */
    char *feat_name[FEAT_MAX];
    double feat_w[FEAT_MAX];
    size_t nfeat;
    double bias;
    double threshold;
    const char *cat_snpk[CAT_COUNT]; /* SNPK issue name per category */
    /* calibration.tsv (calibrate.c): [0] the map for articles decided non-event, [1] for events;
     * no points = identity */
    struct detect_calibration_point calib[2][CALIB_MAX];
    size_t ncalib[2];
    struct arena mem; /* everything above lives here */
};

struct stem_cache;

struct detect_worker {
    const struct detect_model *m;
    struct text_stemmer *stemmer;
    struct stem_cache *cache;
};

/* ---- a document ------------------------------------------------------------------------ */

struct dtok {
    const struct lex_entry *hit; /* lexicon entry starting here (longest match) or NULL */
    uint8_t hitlen;              /* words covered by hit */
    uint32_t sent;               /* sentence index; 0 is the title when there is one */
};

struct ddoc {
    const char *text; /* "title\nbody" */
    size_t len;
    size_t title_len; /* bytes of the title part (0 when none) */
    bool has_title;
    struct text_token *t;
    struct dtok *d;
    size_t n;
    uint32_t nsent;
    uint32_t *sent_first; /* first token of each sentence (nsent+1 entries) */
    uint32_t body_first_sent;
    /* per-sentence signal sums */
    float (*sent_sig)[SIG_COUNT];
    bool *sent_event;      /* violence + (group or casualty) in the sentence */
    uint32_t dateline_end; /* tokens [body start, dateline_end) are a dateline, else 0 */
    uint32_t dateline_start;
    const char *published; /* YYYY-MM-DD or NULL */
    const char *url;       /* source address or NULL (its /YYYY/MM/ path dates the article) */
    bool *sent_background; /* sentence is about another incident (set by date and victims) */
    struct arena *a;
};

/* tokens of sentence s */
static inline uint32_t ddoc_sent_begin(const struct ddoc *d, uint32_t s)
{
    return d->sent_first[s];
}
static inline uint32_t ddoc_sent_end(const struct ddoc *d, uint32_t s)
{
    return d->sent_first[s + 1];
}

/* model.c */
int lex_add(struct lexicon *lx, struct arena *a, const char *term, size_t len,
            struct lex_entry **out);
int detect_read_tsv(const char *name,
                    int (*row)(void *ctx, char **f, size_t nf, size_t line, struct error *err),
                    void *ctx, struct error *err);
const char *worker_stem(struct detect_worker *w, const char *lower, struct arena *a);

/* Longest lexicon match starting at token i over consecutive word tokens. */
const struct lex_entry *lex_match(const struct lexicon *lx, const struct text_token *t, size_t n,
                                  size_t i, size_t *nwords);

/* classify.c */
void classify_article(struct detect_worker *w, struct ddoc *d, struct detect_event *ev,
                      double *features);
void classify_prepare(struct detect_worker *w, struct ddoc *d);

/* role.c: sets ev->role (and clears is_conflict_event when the role is not ROLE_EVENT) */
int role_lexicon_load(struct detect_model *m, struct error *err);
void role_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev,
                  bool not_article);

/* calibrate.c: load data/detect/calibration.tsv into m (a missing file leaves the identity);
 * set ev->raw_confidence to ev->confidence and ev->confidence to its calibrated value */
int calibrate_load(struct detect_model *m, struct error *err);
void calibrate_event(const struct detect_model *m, struct detect_event *ev);

/* place.c */
void place_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev);
int place_index_build(struct detect_model *m, struct error *err);

/* date.c */
void date_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev);

/* victims.c */
void victims_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev);

/* actors.c */
void actors_resolve(const struct detect_model *m, struct ddoc *d, struct detect_event *ev);

/* evidence */
void evidence_add(struct ddoc *d, struct detect_event *ev, size_t off, size_t len, const char *why);
/* A short quote around [off, off+len): the whole sentence when short, else a window of whole
 * words around the span. */
const char *evidence_quote(struct ddoc *d, uint32_t sent, size_t off, size_t len);

#endif
