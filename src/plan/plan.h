/*
 * plan: the domain rules of conflict-handling plans and their control, with no SQL and no HTTP.
 *
 *  - Timdu (Tim Terpadu Penanganan Konflik Sosial): the integrated team of a region, formed by a
 *    decree (SK). A region "has a Timdu" on a date when one of its SKs is dated on or before that
 *    date and not expired (valid_until empty or on/after the date).
 *  - RAD (Rencana Aksi Daerah): one yearly action plan per region, year and type: "pks" (social
 *    conflict handling) or "p3aks" (protection and empowerment of women and children in social
 *    conflict). Workflow: draft -> diajukan (submitted) -> dikembalikan (returned with review
 *    notes) | disetujui (approved); dikembalikan -> diajukan. The region's officers write and
 *    submit; the national desk (pusat) returns or approves; admin may do everything.
 *  - Reporting calendar: period types "b4" (four-monthly B-04 Jan-Apr, B-08 May-Aug, B-12
 *    Sep-Dec), "quarter" (TW1..TW4) and "month" (M01..M12). The deadline of a period is its last
 *    day + deadline_days; a report is on time when submitted on or before deadline +
 *    grace_days. Which type, deadline and grace apply to a plan type is data (the store's
 *    calendar table), passed in here.
 *  - Compliance (DHIS2-style completeness): see plan_compliance_compute().
 *  - Conflict cases with status potensi -> aktif -> dihentikan -> pemulihan -> selesai and an
 *    optional Status Keadaan Konflik, which lasts at most 90 days.
 *
 * Dates are days since 1970-01-01 (int64, proleptic Gregorian) or "YYYY-MM-DD" strings.
 * Submission instants (epoch seconds) are turned into dates in WIB (UTC+7), the national
 * office time.
 *
 * Memory: functions fill caller-owned structs; plan_compliance_compute allocates its result
 * rows from the caller's arena; an export table owns its cells until plan_table_release().
 * Errors: 0 or a negative WSP_E* code with err filled; CSV validation messages are in
 * Indonesian because operators read them.
 */
#ifndef WSP_PLAN_H
#define WSP_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/base.h"
#include "p3aks/p3aks.h"

struct store;

/* ---- dates ------------------------------------------------------------------------------ */

/* "YYYY-MM-DD" (a real date, years 1900..9999) -> days; WSP_EINVAL otherwise. */
int plan_date_parse(const char *s, int64_t *days);
/* days -> "YYYY-MM-DD" (out at least 11 bytes). */
void plan_date_format(int64_t days, char *out, size_t outsz);
/* The WIB (UTC+7) calendar day of an epoch-seconds instant. */
int64_t plan_day_of_time(int64_t t);

/* ---- reporting periods ------------------------------------------------------------------ */

enum plan_period_type { PLAN_PERIOD_B4 = 0, PLAN_PERIOD_QUARTER, PLAN_PERIOD_MONTH };

/* "b4", "quarter", "month"; -1 when unknown. */
int plan_period_type_parse(const char *s);
const char *plan_period_type_name(enum plan_period_type t);
/* Periods per year: 3, 4 or 12. */
int plan_period_count(enum plan_period_type t);
/* Code of period idx (0-based): "B-04", "TW2", "M07". */
void plan_period_code(enum plan_period_type t, int idx, char *out, size_t outsz);
/* Code -> idx; -1 when the code is not a period of this type. */
int plan_period_parse(enum plan_period_type t, const char *code);
/* First and last day of period idx of year. */
void plan_period_bounds(enum plan_period_type t, int year, int idx, int64_t *first, int64_t *last);
/* Period (of the given year's calendar) containing the date. */
int plan_period_of(enum plan_period_type t, int64_t day, int *year, int *idx);

/* Reporting calendar entry for one plan type (the store's calendar table). */
struct plan_calendar {
    char plan_type[8]; /* "pks", "p3aks" */
    enum plan_period_type period_type;
    int deadline_days; /* after the last day of the period */
    int grace_days;    /* tolerance after the deadline that still counts as on time */
};

/* Deadline (last day + deadline_days) and due day (deadline + grace) of period idx of year. */
int64_t plan_period_deadline(const struct plan_calendar *c, int year, int idx);
int64_t plan_period_due(const struct plan_calendar *c, int year, int idx);
/* True when a report submitted on day `submitted` is on time for period idx of year. */
bool plan_report_on_time(const struct plan_calendar *c, int year, int idx, int64_t submitted);

/* ---- plan vocabulary -------------------------------------------------------------------- */

bool plan_type_valid(const char *s);    /* "pks", "p3aks" */
bool plan_phase_valid(const char *s);   /* "pencegahan", "penghentian", "pemulihan" */
bool plan_focus_valid(const char *s);   /* "konflik_faktual", "potensi_konflik" or a theme slug */
bool plan_subteam_valid(const char *s); /* the three phases */
bool plan_forum_kind_valid(const char *s); /* "fkdm", "forkopimda", "fkub", "fkb" */
bool plan_rad_status_valid(const char *s); /* "draft", "diajukan", "dikembalikan", "disetujui" */

/* ---- RAD workflow ----------------------------------------------------------------------- */

enum plan_rad_action { PLAN_RAD_SUBMIT = 0, PLAN_RAD_RETURN, PLAN_RAD_APPROVE };

/* "submit", "return", "approve"; -1 when unknown. */
int plan_rad_action_parse(const char *s);

/*
 * May a user (role, scope) apply `action` to a RAD of `region` whose status is `from`?
 * 0 with *to set to the new status, WSP_EPERM when the user may not (err says why), or
 * WSP_EEXIST when the workflow does not allow it from that status. Returning needs non-empty
 * notes (WSP_EINVAL otherwise).
 *   submit:  draft|dikembalikan -> diajukan; the region's own officer (provinsi of a province
 *            plan, kabkota of its regency plan) or admin
 *   return:  diajukan -> dikembalikan, with notes; pusat or admin
 *   approve: diajukan -> disetujui; pusat or admin
 */
int plan_rad_transition(enum plan_rad_action action, const char *from, enum auth_role role,
                        const char *scope, const char *region, const char *notes, const char **to,
                        struct error *err);

/* May this user change the content of plans, Timdu, forums and cases of `region`? admin
 * always; provinsi and kabkota only for their own region exactly (a province operator reads
 * its regencies' data but does not write it). */
bool plan_may_edit(enum auth_role role, const char *scope, const char *region);
/* May this user read plan data of `region`? admin and pusat all; provinsi/kabkota inside their
 * scope; pelapor and anonymous never. */
bool plan_may_read(enum auth_role role, const char *scope, const char *region);
/* May this user see personal contact data (phone, e-mail) of people in `region`'s Timdu and
 * forums? admin and pusat; provinsi/kabkota of exactly that region. */
bool plan_may_see_contacts(enum auth_role role, const char *scope, const char *region);
/* May this user see victims' personal data of a case in `region`? admin, and provinsi/kabkota
 * whose scope covers the region (the victim's region). Not pusat: it gets counts only. */
bool plan_may_see_victims(enum auth_role role, const char *scope, const char *region);
/* Content of a RAD can change only while it is "draft" or "dikembalikan". */
bool plan_rad_editable(const char *status);

/* ---- conflict cases --------------------------------------------------------------------- */

/* "potensi", "aktif", "dihentikan", "pemulihan", "selesai". */
bool plan_case_status_valid(const char *s);
/* potensi -> aktif|selesai; aktif -> dihentikan; dihentikan -> pemulihan|aktif|selesai;
 * pemulihan -> selesai|aktif; selesai -> aktif (the conflict flares up again). */
bool plan_case_transition_allowed(const char *from, const char *to);
/* SNPK issue typology: "sumber_daya", "tata_kelola", "pemilihan_jabatan", "identitas",
 * "main_hakim_sendiri", "separatisme", "lainnya". */
bool plan_case_issue_valid(const char *s);
/* A reconciliation reported after an event (peace agreement, ikrar damai, patah panah)
 * proposes moving the event's case to phase pemulihan; an officer decides, nothing moves by
 * itself. case_status is the status of the event's case, NULL when it has none yet (the
 * proposal then waits on the event for a case opened from it). Returns the proposed phase
 * ("pemulihan"), or NULL when there is nothing to propose: the case is already in pemulihan or
 * closed (selesai; news of peace does not reopen a case). */
const char *plan_case_reconciliation_proposal(const char *case_status);
/* Accepting a proposed phase for a case in status `from`: *to is the status the case moves
 * to. Phase pemulihan moves to "pemulihan" from dihentikan (the workflow's own move) and from
 * aktif (a peace agreement reports that the violence has stopped, so the case passes
 * dihentikan at once). WSP_EEXIST with the reason for any other status (potensi: no violence
 * to recover from yet; pemulihan, selesai: nothing to move); WSP_EINVAL for another phase. */
int plan_case_proposal_accept(const char *from, const char *phase, const char **to,
                              struct error *err);
/* Whether a case of case_region may be opened from (linked to) an event placed at
 * event_region (its most precise code: place, else regency, else province; NULL = no place):
 * the event lies inside the case's region, or the case lies inside the event's regency (a
 * district's case from an event known at regency level). So a case never shows another
 * region's event, its follow-ups or proposals; an event known only at province level belongs
 * to no regency's case, and an event without a place to no case. */
bool plan_case_event_in_region(const char *case_region, const char *event_region);
/* Status Keadaan Konflik level: "kabupaten_kota", "provinsi", "nasional". */
bool plan_skk_level_valid(const char *s);
/* Start and end as "YYYY-MM-DD": start <= end <= start + 90 days. */
int plan_skk_validate(const char *start, const char *end, struct error *err);

#define PLAN_SKK_MAX_DAYS 90

/* ---- compliance ------------------------------------------------------------------------- */

/* One action expecting progress reports (from an approved RAD of the region). */
struct plan_comp_action {
    size_t region; /* index into the region array */
    int64_t id;
    int64_t first, last; /* active days (the plan year when not given) */
};

/* One submitted progress report. */
struct plan_comp_report {
    int64_t action_id;
    int period; /* index in the calendar's period type */
    int64_t submitted_day;
};

struct plan_comp_region {
    const char *code, *name;
    bool timdu;             /* a valid SK on the reference date */
    const char *rad_status; /* NULL = no RAD ("belum") */
};

struct plan_comp_row {
    const char *code, *name;
    bool timdu;
    const char *rad_status; /* "belum" when there is none */
    long expected, submitted, on_time, late;
    double reporting_rate; /* percent, one decimal; 0 when expected = 0 */
    double on_time_rate;
    double score; /* 0..100, one decimal */
    int rank;     /* 1 = best; ties share a rank (1, 2, 2, 4) */
};

/*
 * Completeness the way DHIS2 counts it, per region for one year and plan type:
 *   expected  = sum over actions of approved RADs of the periods the action is active in whose
 *               due day (deadline + grace) is before the reference day (closed periods only, so
 *               nobody is counted late for a period still open)
 *   submitted = reports for expected (action, period) pairs
 *   on_time   = those submitted on or before the due day; late = submitted - on_time
 *   reporting_rate = 100 * submitted / expected; on_time_rate = 100 * on_time / expected
 * Score, in tenths of points, from 0 to 1000 (shown as 0.0 .. 100.0):
 *   Timdu formed 200
 *   RAD: disetujui 300, diajukan or dikembalikan 150, draft 75, none 0
 *   reporting: round(300 * submitted / expected)   (0 when expected = 0)
 *   on time:   round(200 * on_time / expected)     (0 when expected = 0)
 * Rows are sorted by score, then reporting rate (both descending), then region code; equal
 * scores share a rank. out comes from arena, one row per region.
 */
int plan_compliance_compute(const struct plan_calendar *cal, int year, int64_t ref_day,
                            const struct plan_comp_region *regions, size_t nregions,
                            const struct plan_comp_action *actions, size_t nactions,
                            const struct plan_comp_report *reports, size_t nreports,
                            struct arena *arena, struct plan_comp_row **out, struct error *err);

/* Score parts in tenths of points (exposed for tests and the printable report). */
int plan_score_rad_tenths(const char *rad_status);

/* Alerts of a region and how soon they were answered (plan_answer_count, issue 16). */
struct plan_answer_counts {
    long alerts, answered_24h, answered_72h, answered, unanswered;
};

struct plan_compliance {
    int year;
    char plan_type[8];
    char ref_date[11];
    struct plan_calendar cal;
    struct plan_comp_row *rows;
    size_t n;
    /* "belum menyusun RAD" and "belum membentuk Timdu": indexes into rows */
    size_t *no_rad, n_no_rad;
    size_t *no_timdu, n_no_timdu;
    long expected, submitted, on_time; /* totals */
    /* Alerts of the year answered (plan_answer_count): one per row, in rows' order, and the
     * total of the alerts under the view's region (issue 16). */
    struct plan_answer_counts *answers;
    struct plan_answer_counts answers_total;
};

/*
 * Load everything from the store and compute. region: NULL or "" = every province; a province
 * code = that province and its regencies/cities; a regency code = that regency. ref_date NULL =
 * today (WIB); the Timdu check uses min(ref, 31 December of year). Strings from arena.
 */
int plan_compliance_load(struct store *s, int year, const char *plan_type, const char *region,
                         const char *ref_date, struct arena *arena, struct plan_compliance *out,
                         struct error *err);

/* ---- exports: compliance, plans and reports as CSV or XLSX ------------------------------ */

/*
 * One writer for every export, used by `waspada export` and the HTTP export endpoints, so a
 * file downloaded from the web is the file the CLI writes. A table is a header row and rows
 * of text cells; a column marked numeric becomes a number cell in XLSX when its text parses
 * as one (CSV is text anyway). The table owns its cells (malloc'd); sheet, head and kinds
 * are static. plan_table_release() frees the cells; a zeroed table is empty and valid.
 */
enum plan_cell_kind { PLAN_CELL_TEXT = 0, PLAN_CELL_NUM };

struct plan_table {
    const char *sheet; /* XLSX sheet name: "Kepatuhan", "Rencana Aksi", "Laporan Kemajuan" */
    size_t ncols;
    const char *const *head;
    const enum plan_cell_kind *kinds;
    char **cells; /* nrows * ncols, row-major */
    size_t nrows, cap;
    struct plan_table *next; /* a further table (malloc'd, owned): CSV after a blank line,
                              * XLSX its own sheet */
};

void plan_table_release(struct plan_table *t);

/* What to export: the options of `waspada export` plus the caller's scope. */
struct plan_export_query {
    int year;              /* 2000..2100 */
    const char *plan_type; /* "pks", "p3aks"; NULL = pks for compliance, every type otherwise */
    const char *region;    /* NULL = everything (compliance: every province); else that region
                            * and the regions under it (see plan_compliance_load) */
    const char *scope;     /* plans, reports: only regions under this prefix (NULL or "" = all);
                            * compliance ignores it: pass the scope as region instead */
    const char *date;      /* compliance reference date "YYYY-MM-DD"; NULL = today (WIB) */
};

/* One row per region: region_code, region, timdu (ya/tidak), rad_status ("belum" when there
 * is no plan), expected, submitted, on_time, late, reporting_rate, on_time_rate (percent, one
 * decimal), score (one decimal), rank, then the alerts of the year answered as the compliance
 * view counts them (plan_compliance.answers): alerts, answered_24h, answered_72h, answered,
 * unanswered. Sheet "Kepatuhan". For plan type p3aks a second table
 * follows, sheet "P3AKS": the P3AKS figures of the same region and year as of the same date
 * (plan_p3aks_load): one row per child region, the region's own cases when it has any, and
 * the total; exact counts (the export is for officers), no list of services. */
int plan_export_compliance(struct store *s, const struct plan_export_query *q,
                           struct plan_table *out, struct error *err);
/* One row per action of every plan (the columns of the import plus the plan's region, year,
 * type, status and version). Sheet "Rencana Aksi". */
int plan_export_plans(struct store *s, const struct plan_export_query *q, struct plan_table *out,
                      struct error *err);
/* One row per progress report. Sheet "Laporan Kemajuan". */
int plan_export_reports(struct store *s, const struct plan_export_query *q, struct plan_table *out,
                        struct error *err);

/* The P3AKS figures (p3aks_figures_compute) of a region and year as the API and the export
 * show them: the cases recorded in year under region (NULL or "" = the nation), one row per
 * child region (the provinces of the nation, the regencies/cities of a province; a regency is
 * its own one row), the cases recorded at the region itself (own, for a province: not in any
 * row) and the total, as of ref_day; and the overdue needs and referrals. Strings and arrays
 * from arena. WSP_EINVAL for a region below regency level, WSP_ENOTFOUND for an unknown one. */
struct plan_p3aks_view {
    int year;
    int64_t ref_day;
    const char *region, *region_name; /* "" and "Indonesia" for the nation */
    size_t n;
    const char **codes, **names; /* n child regions */
    struct p3aks_figures *rows;  /* n */
    struct p3aks_figures own, total;
    struct p3aks_overdue *overdue; /* p3aks_overdue_list; callers decide who sees it */
    size_t noverdue;
};
int plan_p3aks_load(struct store *s, const char *region, int year, int64_t ref_day,
                    struct arena *arena, struct plan_p3aks_view *out, struct error *err);

/* Append the table as CSV (RFC 4180: CRLF line ends, fields with , " CR or LF quoted) after a
 * UTF-8 BOM, so spreadsheet programs read the Indonesian names right; each further table
 * (next) follows after an empty line. WSP_ENOMEM when out reaches its cap. */
int plan_table_csv(const struct plan_table *t, struct buf *out, struct error *err);
/* One CSV cell of that writer appended to b: quoted when it holds , " CR or LF, and a leading '
 * when a spreadsheet would run it as a formula (= + - @ tab CR, but plain numbers). For other
 * exports that write their rows one by one (src/export). */
void plan_csv_cell(struct buf *b, const char *v);
/* Write the table as an XLSX workbook (libxlsxwriter) to path: bold frozen header row,
 * autofilter, numbers as number cells; each further table (next) on a sheet of its own. */
int plan_table_xlsx(const struct plan_table *t, const char *path, struct error *err);
/* The same workbook appended to out: written to a temporary file in $TMPDIR (or /tmp), read
 * back and unlinked. WSP_ENOMEM when out reaches its cap. */
int plan_table_xlsx_buf(const struct plan_table *t, struct buf *out, struct error *err);

#define PLAN_CSV_TYPE "text/csv; charset=utf-8"
#define PLAN_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* ---- CSV import of a RAD action matrix -------------------------------------------------- */

enum plan_csv_col {
    PLAN_CSV_FASE = 0,
    PLAN_CSV_PROGRAM,
    PLAN_CSV_KEGIATAN,
    PLAN_CSV_INDIKATOR,
    PLAN_CSV_TARGET,
    PLAN_CSV_SATUAN,
    PLAN_CSV_ANGGARAN,
    PLAN_CSV_SUMBER_DANA,
    PLAN_CSV_OPD,
    PLAN_CSV_INSTANSI_TERKAIT,
    PLAN_CSV_FOKUS,
    PLAN_CSV_P3AKS,
    PLAN_CSV_MULAI,
    PLAN_CSV_SELESAI,
    PLAN_CSV_NCOLS
};

const char *plan_csv_col_name(enum plan_csv_col c);

/* Which input column holds each known column (-1 = missing). */
struct plan_csv_map {
    int col[PLAN_CSV_NCOLS];
    size_t ncols; /* columns in the header */
};

/* Check the header row (row 1): every column known, none twice, none missing. Messages:
 * "baris 1, kolom 'x': kolom tidak dikenal", "baris 1, kolom fase: kolom ganda",
 * "baris 1: kolom wajib 'fase' tidak ada". */
int plan_csv_header(const char *const *fields, size_t n, struct plan_csv_map *map,
                    struct error *err);

/* One validated action (strings point into the row's fields). */
struct plan_action_in {
    const char *phase, *program, *kegiatan, *indikator;
    double target;
    const char *unit;
    int64_t anggaran; /* rupiah */
    const char *sumber_dana, *opd, *instansi_terkait, *focus;
    bool p3aks;
    const char *start, *end; /* "YYYY-MM-DD" or NULL */
};

/*
 * Validate data row `row` (1-based line number, so the first data row is 2) against the plan
 * year. On failure err->msg is e.g. "baris 3, kolom fase: 'pencegahn' bukan fase yang
 * dikenal" and the result is WSP_EINVAL.
 */
int plan_csv_row(size_t row, const char *const *fields, size_t n, const struct plan_csv_map *map,
                 int year, struct plan_action_in *out, struct error *err);

/* Parse "1500000" / "1.500.000" (Indonesian thousands dots) as rupiah. */
int plan_parse_rupiah(const char *s, int64_t *out);
/* Parse "12", "12.5" or "12,5" (Indonesian decimal comma). */
int plan_parse_number(const char *s, double *out);

/* ---- evidence files --------------------------------------------------------------------- */

#define PLAN_EVIDENCE_MAX (10 << 20) /* bytes; the server's body_max also applies */
#define PLAN_EVIDENCE_NAME_MAX 120

/* Check an upload: a plain file name (letters, digits, space, . _ - ( )), a size of 1 byte to
 * PLAN_EVIDENCE_MAX, an allowed extension (pdf, jpg/jpeg, png, docx, xlsx) and content that
 * starts like that type (so a renamed executable is refused). *content_type is static. */
int plan_evidence_check(const char *filename, const void *data, size_t len,
                        const char **content_type, struct error *err);
/* Hex SHA-256 of the content. */
void plan_evidence_hash(const void *data, size_t len, char out[65]);
/* Write the content to "<files_dir>/<sha256>" (atomically; an identical file already there is
 * kept; the directory is created when missing) and return its hash. */
int plan_evidence_save(const char *files_dir, const void *data, size_t len, char sha256[65],
                       struct error *err);
/* Path of a stored file. */
int plan_evidence_path(const char *files_dir, const char *sha256, char *out, size_t outsz);

/* ---- alert -> response (response.c; issue 16, item 1) ------------------------------------
 *
 * Which approved RAD actions answer an alert. The phase an alert calls for: penghentian for
 * awas (its highest level) or while a declared Status Keadaan Konflik covers its region on one
 * of its days, pencegahan for waspada and siaga, none for normal. The candidates are the
 * actions of the approved plans (pks and p3aks) of the alert's region and, for a regency, of
 * its province, for the year of the alert's last day (a region with no approved plan of that
 * year: its approved plan of the year before, since a RAD is often approved months into its
 * year). A candidate fits when its phase is the alert's; its focus then decides its rank:
 *   theme   the focus names a category of the alert's events or its SNPK issue
 *           (plan_issue_of_category: land_resource -> sumber_daya, ...)      score 4
 *   p3aks   a P3AKS action while women or children are among the victims     score +2
 *   fokus   the general focus that fits the phase: potensi_konflik for
 *           pencegahan, konflik_faktual for penghentian                      score +1
 *   a focus naming another theme (another category, issue or any other slug such as
 *   covid19) does not fit and is left out; any other general focus scores 0.
 * Ranked by score (highest first), then the alert's own region before its province, then pks
 * before p3aks, then the action's order in its plan (seq), then id.
 */

/* "penghentian", "pencegahan" or NULL (normal or unknown). */
const char *plan_alert_phase(const char *max_level, bool skk);
/* The SNPK issue slug a case of an event of this category would carry ("lainnya" for none or
 * unknown): the same starting point as the web app's new-case form. */
const char *plan_issue_of_category(const char *category);
/* Does a declared status of status_region from start to end (NULL = start + 90 days) cover an
 * alert of alert_region from first_day to last_day? The status's region covers the alert's or
 * lies inside it (a regency's status puts its province's alert under it too), and the days
 * overlap. Dates "YYYY-MM-DD"; false for a bad date. */
bool plan_skk_covers(const char *status_region, const char *start, const char *end,
                     const char *alert_region, const char *first_day, const char *last_day);

struct plan_alert_facts {
    const char *region;            /* the alert's region */
    const char *max_level;         /* its highest level */
    bool skk;                      /* a declared status covers it (plan_skk_covers) */
    const char *const *categories; /* of its events */
    size_t ncategories;
    bool women_children; /* women or children among its events' victims */
};

struct plan_alert_candidate {
    int64_t id;
    const char *rad_region, *plan_type; /* the plan's region and type */
    int seq;
    const char *phase, *focus; /* focus NULL = none */
    bool p3aks;
};

struct plan_alert_pick {
    size_t index; /* into the candidates */
    int score;
    const char *fit; /* "tema", "p3aks", "fokus" or "fase": the strongest reason it fits */
};

/* The fitting candidates ranked as above, from arena (*out NULL when none fit). */
int plan_alert_suggest(const struct plan_alert_facts *f, const struct plan_alert_candidate *c,
                       size_t n, struct arena *arena, struct plan_alert_pick **out, size_t *nout,
                       struct error *err);

/* A suggested (or, in plan_alert_view.all, any candidate) action with its plan and this
 * period's progress: the period of the plan type's calendar that holds today (the plan
 * year's last period for a past year's plan), its report if any, and the latest report. */
struct plan_suggestion {
    int64_t action_id, rad_id;
    const char *rad_region, *rad_region_name, *plan_type;
    int rad_year, seq;
    const char *phase, *program, *kegiatan, *focus, *opd, *instansi_terkait;
    bool p3aks;
    int score;
    const char *fit;
    const char *period; /* this period's code */
    bool reported;      /* a report of this period exists */
    double physical_pct;
    const char *last_period; /* latest report's period, NULL = none */
    double last_physical_pct;
};

struct plan_alert_view {
    const char *phase; /* plan_alert_phase, NULL = none */
    bool skk;
    int year;                      /* the plan year looked at */
    struct plan_suggestion *items; /* ranked suggestions */
    size_t n;
    struct plan_suggestion *all; /* every candidate in any phase: what a response may name */
    size_t nall;
};

struct store_alert;
/* Load what plan_alert_suggest needs for alert a (its events, the declared statuses, the
 * approved plans, their actions and progress; today is a WIB day, plan_day_of_time) and
 * rank. Strings and arrays from arena. A national alert has no plans and no suggestions. */
int plan_alert_suggestions_load(struct store *s, const struct store_alert *a, int64_t today,
                                struct arena *arena, struct plan_alert_view *out,
                                struct error *err);

/* Answer times of alerts per region, for the compliance view and the dashboard: of the
 * verified alerts of a region (the region and the regions under it), those with a first
 * response at most 24 h and at most 72 h after the alert's clock started (verified, else
 * created; a response before it counts as at once), with any response, and without one. */
struct plan_alert_answer {
    const char *region;
    int64_t start_at, first_response_at; /* epoch seconds; 0 = no response */
};
void plan_answer_count(const char *region, const struct plan_alert_answer *a, size_t n,
                       struct plan_answer_counts *out);

/* ---- demo ------------------------------------------------------------------------------- */

/* Write the demo Timdu, forums, RADs (every workflow state), progress reports (on time, late,
 * missing) and cases for several provinces. Idempotent: does nothing when the demo marker
 * plan exists. Written by us; names are invented. */
int plan_demo_seed(struct store *s, struct error *err);

/* Verify (as the demo officer) the events of some demo articles that are still waiting, so the
 * public portal shows figures after `init --demo`; run after the demo articles' ingest. */
int plan_demo_verify(struct store *s, struct error *err);

#endif
