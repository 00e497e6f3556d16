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
