/* p3aks: the rules of the protection and empowerment of women and children in social conflict
 * (RAD P3AKS), pure and tested on values (no SQL, no HTTP).
 *
 * Three parts, one file each: the services a named victim needs and receives (services.c),
 * the figures of access to and quality of those services per region and period (figures.c),
 * and the registry of safe public spaces for women and children (spaces.c). The store saves
 * and loads what these rules decide; http serves them.
 *
 * Every returned string points into static tables or the caller's values unless said.
 */
#ifndef WSP_P3AKS_H
#define WSP_P3AKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* ---- services of a victim (services.c) ----------------------------------------------------- */

/* Types of service a victim may need: kesehatan (health care), psikososial (psychosocial
 * support), bantuan_hukum (legal aid), rumah_aman (safe house), pendidikan (schooling),
 * pemulangan (return home), reintegrasi (reintegration), lainnya (other); each with its
 * Indonesian and English label. */
enum { P3AKS_NSERVICE_TYPES = 8 };
struct p3aks_service_type {
    const char *code, *label_id, *label_en;
};
extern const struct p3aks_service_type p3aks_service_types[P3AKS_NSERVICE_TYPES];
bool p3aks_service_type_valid(const char *type);
/* 0 when known, else WSP_EINVAL "unknown service type '<t>' (kesehatan, ..., lainnya)". */
int p3aks_service_type_check(const char *type, struct error *err);
/* The label of a type in Indonesian, or English when english; NULL when unknown. */
const char *p3aks_service_type_label(const char *type, bool english);

/* The statuses of a service: dibutuhkan (needed) -> dirujuk (referred to a provider) ->
 * diterima (received by the victim) -> selesai (completed); or ditolak (refused, by the
 * provider or the victim, with a reason) from dibutuhkan or dirujuk. A new service is needed. */
enum { P3AKS_NSERVICE_STATUSES = 5 };
extern const char *const p3aks_service_statuses[P3AKS_NSERVICE_STATUSES];
#define P3AKS_SERVICE_INITIAL "dibutuhkan"
bool p3aks_service_status_valid(const char *status);
/* 0 when known, else WSP_EINVAL "unknown service status '<s>' (dibutuhkan, ..., ditolak)". */
int p3aks_service_status_check(const char *status, struct error *err);
/* The status after `status` on the way to selesai; NULL for selesai, ditolak and unknown. */
const char *p3aks_service_next(const char *status);
/* True when from -> to is one step of the workflow (the next status, or ditolak from
 * dibutuhkan or dirujuk). */
bool p3aks_service_transition_allowed(const char *from, const char *to);
/* 0 when service id may move from -> to, else WSP_EEXIST "service <id> is '<from>': it can
 * go on to '<next>' or 'ditolak', not '<to>'" (or "... is '<from>', a final status"). */
int p3aks_service_transition_check(int64_t id, const char *from, const char *to, struct error *err);

/* Limits of the free-text fields, in bytes. */
#define P3AKS_PROVIDER_MAX 200
#define P3AKS_NOTE_MAX 2000
#define P3AKS_REASON_MAX 1000

/* A service as the rules see it. Days are "YYYY-MM-DD" or NULL: needed_on is the day the need
 * was recorded, the others the day of the step into dirujuk, diterima, selesai, ditolak.
 * provider, note and refusal_reason: NULL or "" = none. */
struct p3aks_service {
    const char *type, *status, *provider;
    const char *needed_on, *referred_on, *received_on, *completed_on, *refused_on;
    const char *refusal_reason, *note;
};

/* The day field of the step into status (needed_on for dibutuhkan, ...), NULL for an unknown
 * status. */
const char **p3aks_service_day_field(struct p3aks_service *s, const char *status);

/* Whether a whole service holds together, with today the caller's day (days since
 * 1970-01-01, UTC): a known type and status; provider, note and reason within their limits;
 * every day a real YYYY-MM-DD; the day of each step up to the status present and none after
 * it; each day not before the one of the step before it and not after today + 1 (Indonesia
 * is 7 to 9 hours ahead of UTC, so its today may be UTC's tomorrow); from dirujuk on a
 * provider; ditolak with its day and a reason, and neither received nor completed. 0 or
 * WSP_EINVAL with a message naming the field. */
int p3aks_service_check(const struct p3aks_service *s, int64_t today, struct error *err);

/* A change to a service asked by an officer: status NULL = no step, else the next status
 * (day = the day of that step, required; reason required for ditolak). provider and note
 * change when their set_ flag is true (NULL or "" clears them). */
struct p3aks_service_change {
    const char *status, *day, *refusal_reason;
    const char *provider, *note;
    bool set_provider, set_note;
};

/* old with the change applied into *out (strings point into old and ch), then checked with
 * p3aks_service_check. id names the service in messages. WSP_EEXIST for a step the workflow
 * does not allow, WSP_EINVAL for a missing or bad day, a missing reason, a day given
 * without a step, or a field p3aks_service_check refuses. */
int p3aks_service_apply(int64_t id, const struct p3aks_service *old,
                        const struct p3aks_service_change *ch, int64_t today,
                        struct p3aks_service *out, struct error *err);

/* Whether a victim counts for P3AKS: a woman or girl (sex "p") or a child (age 0..17; age -1
 * = unknown). */
bool p3aks_victim_is_woman_or_child(const char *sex, int age);

/* ---- figures (figures.c) -------------------------------------------------------------------- */

/*
 * Figures that show access to and quality of the services for women and child victims, per
 * region and period (the period is the year a case was recorded). docs/p3aks.md quotes these
 * definitions; change both together.
 *
 *  - Women and child victims (counted): from each case's counts table (case_victim_counts),
 *    every female victim of any age group plus the male children: p/anak + p/dewasa +
 *    p/lansia + l/anak. These are all the victims officers counted, named or not.
 *  - Named women and child victims: the case's named victims (case_victims) who are a woman or
 *    girl, or a child (p3aks_victim_is_woman_or_child: sex 'p', or age 0..17). They are the
 *    victims officers could identify, normally a part of the counted ones; services are
 *    recorded per named victim, so every figure below rests on them. The two are not
 *    reconciled: both are shown as recorded.
 *  - With a need: named women and child victims with at least one recorded service (any
 *    status: every row is a need).
 *  - All needs served: of those, the victims whose every recorded need is served, served
 *    meaning diterima or selesai. ditolak counts as not served: the need was not met, whether
 *    the provider turned the victim away or the victim declined, and the reason that tells
 *    which is sealed personal text that figures never read; leaving refusals out would make a
 *    refused referral raise the share. A need still dibutuhkan or dirujuk is not served yet.
 *    The share is all served / with a need.
 *  - Median days to receipt: over the services of named women and child victims with both a
 *    needed_on and a received_on day, the median of received_on - needed_on (the mean of the
 *    two middle values for an even number); a receipt dated before its need is a recording
 *    error and left out. Its base is the number of distinct victims of those services.
 *  - Open referrals older than 14 days: services of named women and child victims in status
 *    dirujuk whose referred_on (needed_on when no referral day is recorded) is more than 14
 *    days before the reference day. Needs still dibutuhkan more than 14 days after needed_on
 *    are counted separately (waiting needs).
 *
 * Public figures: counts 1 and 2 are shown as "<3" (0 as 0), regions go down to regencies at
 * most, a median is shown only when its base is at least 3 victims, a share only when at least
 * 3 victims have a need and the count of those all served is shown as itself (a share of a
 * "<3" count would give the count away).
 *
 * Days are days since 1970-01-01 (date_days_from_civil); the caller picks the reference day.
 */

/* Needs and referrals open longer than this many days are overdue. */
#define P3AKS_OVERDUE_DAYS 14
/* The smallest count the public sees as itself; 1..P3AKS_PUBLIC_MIN-1 are shown as "<3". */
#define P3AKS_PUBLIC_MIN 3

/* A case as the figures see it: id, primary region, and its counts table by sex and age
 * group, index sex * 3 + age with sex l = 0, p = 1 and age anak = 0, dewasa = 1, lansia = 2
 * (the store's STORE_VICTIM_GROUPS order). */
enum { P3AKS_COUNT_GROUPS = 6 };
struct p3aks_fig_case {
    int64_t id;
    const char *region;
    long counts[P3AKS_COUNT_GROUPS];
};

/* A named victim: ids, sex and age only (never the name, address or condition). */
struct p3aks_fig_victim {
    int64_t id, case_id;
    const char *sex; /* "l", "p" or NULL */
    int age;         /* -1 = unknown */
};

/* A service of a named victim: what the figures need of it (never the note or the reason).
 * Days are "YYYY-MM-DD" or NULL; a day that is not a real date counts as unknown. */
struct p3aks_fig_service {
    int64_t id, victim_id;
    const char *type, *provider, *status;
    const char *needed_on, *referred_on, *received_on;
};

/* The rows of a region and period. Victims of no listed case and services of no listed victim
 * are left out. */
struct p3aks_fig_rows {
    const struct p3aks_fig_case *cases;
    size_t ncases;
    const struct p3aks_fig_victim *victims;
    size_t nvictims;
    const struct p3aks_fig_service *services;
    size_t nservices;
};

struct p3aks_figures {
    long counted;          /* women and child victims in the counts tables */
    long counted_women;    /* p/dewasa + p/lansia */
    long counted_girls;    /* p/anak */
    long counted_boys;     /* l/anak */
    long named;            /* named women and child victims */
    long with_need;        /* ... with at least one recorded need */
    long all_served;       /* ... whose every need is served (diterima, selesai) */
    long received;         /* services in the median */
    long received_victims; /* distinct victims of those services: the median's base */
    double median_days;    /* 0 when received is 0 */
    long open_referrals;   /* dirujuk for more than P3AKS_OVERDUE_DAYS days */
    long waiting_needs;    /* dibutuhkan for more than P3AKS_OVERDUE_DAYS days */
};

/* The figures of rows as of ref_day, per group and in total. groups[0..ngroups) are region
 * codes; a case counts in the first group whose code covers its region on whole segments
 * ("32" covers "32.73", not "320"), else in *rest (e.g. a case recorded at the parent region
 * itself), and always in *total. per holds ngroups elements; rest may be NULL. Work memory
 * comes from a (WSP_ENOMEM when it is full). */
int p3aks_figures_compute(const struct p3aks_fig_rows *rows, const char *const *groups,
                          size_t ngroups, int64_t ref_day, struct arena *a,
                          struct p3aks_figures *per, struct p3aks_figures *rest,
                          struct p3aks_figures *total, struct error *err);

/* The share of victims with a need whose every need is served, in percent; -1 when no victim
 * has a need. */
double p3aks_share_served(const struct p3aks_figures *f);

/* An overdue need or referral (no names: ids, type, provider and how long it is open). */
struct p3aks_overdue {
    int64_t service_id, case_id, victim_id;
    const char *type, *provider, *status; /* status: dirujuk or dibutuhkan */
    const char *region;                   /* the case's, for scope checks */
    long days_open;                       /* since referred_on (dirujuk) or needed_on */
};

/* The overdue services of named women and child victims of rows as of ref_day (the open
 * referrals and the waiting needs of p3aks_figures), longest open first, then by service id.
 * *out comes from a (NULL when none); WSP_ENOMEM when a is full. */
int p3aks_overdue_list(const struct p3aks_fig_rows *rows, int64_t ref_day, struct arena *a,
                       struct p3aks_overdue **out, size_t *n, struct error *err);

/* A count as the public sees it: NULL when it is shown as itself (0, or P3AKS_PUBLIC_MIN and
 * more), else the text to show instead ("<3"). */
const char *p3aks_public_count_label(long n);
/* Whether the public may see the median / the share of f (see above). */
bool p3aks_public_median_ok(const struct p3aks_figures *f);
bool p3aks_public_share_ok(const struct p3aks_figures *f);
/* Whether public figures may name region code: "" (the nation), a province or a regency. */
bool p3aks_public_region_ok(const char *code);

/* ---- safe public spaces (spaces.c) ---------------------------------------------------------- */

/* Ruang publik ramah perempuan dan anak: a public space safe for women and children (a child-
 * friendly playground, a park, a family learning centre, ...) that a region's RAD P3AKS
 * builds or runs. A space belongs to the plan of a regency or province (region_code), lies in
 * a desa/kelurahan of that region (village_code, four segments: "32.73.01.1001") and may be
 * linked to the P3AKS action that builds or runs it. Region codes are compared on whole
 * segments: "32.73" covers "32.73.01.1001", not "32.730". */

/* The kinds of space: ruang_bermain_ramah_anak (child-friendly playground, RBRA), taman
 * (park), pusat_pembelajaran_keluarga (family learning centre, PUSPAGA), pos_pelayanan
 * (service post), balai_warga (community hall), rumah_ibadah (house of worship), sekolah
 * (school), lainnya (other); and the statuses: direncanakan (planned), aktif (open),
 * tidak_aktif (closed). Each with its Indonesian and English label, in the schema's order. */
enum { P3AKS_SPACE_NKINDS = 8, P3AKS_SPACE_NSTATUSES = 3 };
struct p3aks_space_label {
    const char *code, *label_id, *label_en;
};
extern const struct p3aks_space_label p3aks_space_kinds[P3AKS_SPACE_NKINDS];
extern const struct p3aks_space_label p3aks_space_statuses[P3AKS_SPACE_NSTATUSES];
/* A new space is planned; only open spaces are shown to the public. */
#define P3AKS_SPACE_INITIAL "direncanakan"
#define P3AKS_SPACE_PUBLIC "aktif"

bool p3aks_space_kind_valid(const char *kind);
bool p3aks_space_status_valid(const char *status);
/* 0 when known, else WSP_EINVAL "unknown space kind '<k>' (ruang_bermain_ramah_anak, ...,
 * lainnya)" / "unknown space status '<s>' (direncanakan, aktif, tidak_aktif)". */
int p3aks_space_kind_check(const char *kind, struct error *err);
int p3aks_space_status_check(const char *status, struct error *err);
/* The label of a kind / status in Indonesian, or English when english; NULL when unknown. */
const char *p3aks_space_kind_label(const char *kind, bool english);
const char *p3aks_space_status_label(const char *status, bool english);

/* Limits of the text fields, in bytes. */
#define P3AKS_SPACE_NAME_MAX 200
#define P3AKS_SPACE_NOTES_MAX 2000

/* Indonesia's extent (with its outer islands and a margin): a space outside it has its
 * coordinates swapped or mistyped. */
#define P3AKS_LAT_MIN (-11.5)
#define P3AKS_LAT_MAX 6.5
#define P3AKS_LNG_MIN 94.5
#define P3AKS_LNG_MAX 141.5

/* A space as the rules see it. village_code and notes: NULL or "" = none. */
struct p3aks_space {
    const char *region_code; /* the province or regency whose plan it belongs to */
    const char *village_code;
    const char *name, *kind, *status; /* status NULL = P3AKS_SPACE_INITIAL */
    bool has_coords;
    double latitude, longitude;
    const char *notes;
};

/* The checks before a space is written, in this order, each WSP_EINVAL:
 * "region '<r>' is not a province or regency code", "missing space name" (empty or blank),
 * "space name is longer than 200 bytes", p3aks_space_kind_check, p3aks_space_status_check,
 * "village '<v>' is not a village code (desa/kelurahan: NN.NN.NN.NNNN)",
 * "village '<v>' is not inside region '<r>'", "latitude <x> is outside -90..90",
 * "longitude <y> is outside -180..180", "coordinates <x>, <y> are outside Indonesia
 * (latitude -11.5..6.5, longitude 94.5..141.5): swapped?", "notes are longer than 2000
 * bytes". */
int p3aks_space_check(const struct p3aks_space *sp, struct error *err);

/* The action a space is linked to, as the rules see it: its own P3AKS flag, and the region
 * and type ("pks", "p3aks") of its plan. */
struct p3aks_space_action {
    int64_t id;
    bool p3aks;
    const char *rad_region, *rad_type;
};

/* Whether an action is a P3AKS action: one of a RAD P3AKS, or one flagged P3AKS in a RAD
 * PKS (the women-and-children actions of the conflict plan). */
bool p3aks_space_action_is_p3aks(const struct p3aks_space_action *a);
/* Whether a plan of plan_region may hold the spaces of space_region: the same region, or the
 * province of a regency's space. */
bool p3aks_space_plan_covers(const char *plan_region, const char *space_region);
/* 0 when a space of space_region may be linked to action a, else WSP_EINVAL "action <id> is
 * not a P3AKS action" or "action <id> belongs to the plan of region '<p>', not of '<r>' or
 * its province". */
int p3aks_space_action_check(const char *space_region, const struct p3aks_space_action *a,
                             struct error *err);

#endif
