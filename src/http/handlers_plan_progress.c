/* Plan and control API, part 3: progress reports, evidence files and compliance.
 *
 *   GET  /api/v1/progress?region=&year=&type=&period=&rad=&action=
 *   POST /api/v1/actions/{id}/progress            own region, approved plans only, a period of
 *                                                 the plan type's calendar that has started
 *   GET|PATCH /api/v1/progress/{id}
 *   POST /api/v1/progress/{id}/evidence?filename=NAME
 *        The raw file is the request body (any Content-Type; the type is decided by the file
 *        name's extension and checked against the content's first bytes). Allowed: pdf, jpg,
 *        png, docx, xlsx, at most 10 MiB (the route's body cap, HTTP_UPLOAD_MAX). The body is
 *        received into a temporary file (server.c), not memory. Stored as
 *        "<database>.files/<sha256>".
 *   GET  /api/v1/evidence/{id}                    the file, to whoever may read the report
 *   GET  /api/v1/compliance?year=&type=&region=&date=
 *   GET  /api/v1/compliance/report?...            the same as a printable HTML page
 *   (CSV and XLSX exports of compliance, plans and reports: handlers_plan_export.c)
 * Compliance without region: national roles get every province, provinsi its province with
 * its regencies/cities, kabkota its own regency/city.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/plan_http.h"

#define J plan_jstr_or_null

static json_t *progress_json(const struct store_progress *p)
{
    return json_pack(
        "{s:I,s:I,s:I,s:o,s:i,s:o,s:o,s:o,s:o,s:f,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "id",
        (json_int_t)p->id, "action_id", (json_int_t)p->action_id, "rad_id", (json_int_t)p->rad_id,
        "region", J(p->region_code), "year", p->year, "type", J(p->plan_type), "kegiatan",
        J(p->kegiatan), "opd", J(p->opd), "period", J(p->period), "physical_pct", p->physical_pct,
        "budget_realized", (json_int_t)p->budget_realized, "narrative", J(p->narrative), "kendala",
        J(p->kendala), "tindak_lanjut", J(p->tindak_lanjut), "submitted_at",
        http_json_time(p->submitted_at), "submitted_by", J(p->submitted_by), "updated_at",
        http_json_time(p->updated_at), "evidence_files", (json_int_t)p->nevidence);
}

void http_handle_progress_list(struct http_request *rq)
{
    const char *region = NULL;
    int year = 0;
    if (plan_http_officer(rq) || plan_http_region_filter(rq, &region) ||
        plan_http_year(rq, false, &year))
        return;
    struct store_progress_query q = {.scope = plan_http_scope(rq),
                                     .region = region,
                                     .year = year,
                                     .plan_type = http_query(rq, "type"),
                                     .period = http_query(rq, "period")};
    long v;
    const char *rad = http_query(rq, "rad"), *act = http_query(rq, "action");
    if (rad) {
        if (str_to_long(rad, 1, INT32_MAX, &v) != 0) {
            http_reply_error(rq, WSP_EINVAL, "rad must be a plan id");
            return;
        }
        q.rad_id = v;
    }
    if (act) {
        if (str_to_long(act, 1, INT32_MAX, &v) != 0) {
            http_reply_error(rq, WSP_EINVAL, "action must be an action id");
            return;
        }
        q.action_id = v;
    }
    struct store *st = http_store(rq);
    if (!st)
        return;
    struct store_progress *list;
    size_t n;
    struct error err = {0};
    if (store_progress_list(st, &q, &rq->arena, &list, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, progress_json(&list[i]));
    http_reply_json(rq, MHD_HTTP_OK,
                    json_pack("{s:I,s:o}", "total", (json_int_t)n, "items", items));
}

static void reply_progress(struct http_request *rq, struct store *st, unsigned status, int64_t id)
{
    struct store_progress p;
    struct store_evidence *ev;
    size_t n;
    struct error err = {0};
    if (store_progress_get(st, id, &rq->arena, &p, &err) != 0 ||
        store_evidence_list(st, id, &rq->arena, &ev, &n, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    json_t *o = progress_json(&p);
    json_t *files = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            files,
            json_pack("{s:I,s:o,s:o,s:I,s:o,s:o,s:o,s:o}", "id", (json_int_t)ev[i].id, "filename",
                      J(ev[i].filename), "content_type", J(ev[i].content_type), "size",
                      (json_int_t)ev[i].size, "sha256", J(ev[i].sha256), "created_at",
                      http_json_time(ev[i].created_at), "created_by", J(ev[i].created_by), "url",
                      json_string(
                          arena_printf(&rq->arena, "/api/v1/evidence/%lld", (long long)ev[i].id))));
    json_object_set_new(o, "evidence", files);
    http_reply_json(rq, status, json_pack("{s:o}", "progress", o));
}

/* The calendar of a plan type. */
static int load_calendar(struct http_request *rq, struct store *st, const char *type,
                         struct plan_calendar *cal)
{
    struct store_calendar sc;
    struct error err = {0};
    if (store_calendar_get(st, type, &sc, &err) != 0)
        return http_reply_err(rq, &err);
    int pt = plan_period_type_parse(sc.period_type);
    str_copy(cal->plan_type, sc.plan_type, sizeof(cal->plan_type));
    cal->period_type = pt < 0 ? PLAN_PERIOD_B4 : (enum plan_period_type)pt;
    cal->deadline_days = sc.deadline_days;
    cal->grace_days = sc.grace_days;
    return 0;
}

static int progress_fields(struct http_request *rq, json_t *body, struct store_progress *p)
{
    long long b = 0;
    bool present;
    if (plan_json_num(rq, body, "physical_pct", false, 0, 100, &p->physical_pct, NULL) ||
        plan_json_int(rq, body, "budget_realized", false, 0, 1000000000000000LL, &b, &present))
        return -1;
    if (present)
        p->budget_realized = b;
    const char *v;
#define PF(key, field)                                                                             \
    if (plan_json_str(rq, body, key, false, 8000, &v))                                             \
        return -1;                                                                                 \
    if (v || json_object_get(body, key))                                                           \
        p->field = v;
    PF("narrative", narrative)
    PF("kendala", kendala)
    PF("tindak_lanjut", tindak_lanjut)
#undef PF
    return 0;
}

void http_handle_progress_add(struct http_request *rq)
{
    json_t *body;
    int64_t aid = 0;
    struct store *st = NULL;
    if (plan_http_officer(rq) || http_request_json(rq, &body) ||
        plan_http_id(rq, 0, "action", &aid) || !(st = http_store(rq)))
        return;
    struct store_rad_action a;
    struct store_rad r;
    struct error err = {0};
    if (store_rad_action_get(st, aid, &rq->arena, &a, &r, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (plan_http_may_read(rq, r.region_code) || plan_http_may_edit(rq, r.region_code))
        return;
    if (!str_eq(r.status, "disetujui")) {
        http_reply_error(rq, WSP_EEXIST,
                         "plan %lld is '%s': progress is reported on approved plans only",
                         (long long)r.id, r.status);
        return;
    }
    struct store_progress p = {.action_id = aid};
    struct plan_calendar cal;
    if (plan_json_str(rq, body, "period", true, 8, &p.period) || progress_fields(rq, body, &p) ||
        load_calendar(rq, st, r.plan_type, &cal))
        return;
    int idx = plan_period_parse(cal.period_type, p.period);
    if (idx < 0) {
        char first[8], last[8];
        plan_period_code(cal.period_type, 0, first, sizeof(first));
        plan_period_code(cal.period_type, plan_period_count(cal.period_type) - 1, last,
                         sizeof(last));
        http_reply_error(rq, WSP_EINVAL, "'%s' is not a %s reporting period (%s .. %s)", p.period,
                         plan_period_type_name(cal.period_type), first, last);
        return;
    }
    int64_t first, last;
    plan_period_bounds(cal.period_type, r.year, idx, &first, &last);
    if (plan_day_of_time(time_now()) < first) {
        http_reply_error(rq, WSP_EINVAL, "period %s of %d has not started yet", p.period, r.year);
        return;
    }
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    int64_t id = 0;
    if (store_progress_add(st, &p, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_progress(rq, st, MHD_HTTP_CREATED, id);
}

static int load_progress(struct http_request *rq, struct store *st, bool edit,
                         struct store_progress *p)
{
    int64_t id = 0;
    if (plan_http_id(rq, 0, "progress report", &id))
        return -1;
    struct error err = {0};
    if (store_progress_get(st, id, &rq->arena, p, &err) != 0)
        return http_reply_err(rq, &err);
    if (plan_http_may_read(rq, p->region_code))
        return -1;
    return edit ? plan_http_may_edit(rq, p->region_code) : 0;
}

void http_handle_progress_get(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_progress p;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_progress(rq, st, false, &p))
        return;
    reply_progress(rq, st, MHD_HTTP_OK, p.id);
}

void http_handle_progress_patch(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_progress p;
    json_t *body;
    if (plan_http_officer(rq) || http_request_json(rq, &body) || !(st = http_store(rq)) ||
        load_progress(rq, st, true, &p) || progress_fields(rq, body, &p))
        return;
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    struct error err = {0};
    if (store_progress_update(st, &p, &actor, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    reply_progress(rq, st, MHD_HTTP_OK, p.id);
}

void http_handle_evidence_add(struct http_request *rq)
{
    struct store *st = NULL;
    struct store_progress p;
    if (plan_http_officer(rq) || !(st = http_store(rq)) || load_progress(rq, st, true, &p))
        return;
    const char *name = http_query(rq, "filename");
    const char *type;
    const void *data;
    size_t len;
    struct error err = {0};
    /* The body waits in a temporary file (server.c), mapped here, never copied to memory. */
    if (http_request_upload(rq, &data, &len))
        return;
    if (plan_evidence_check(name, data, len, &type, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    char sha[65];
    if (plan_evidence_save(rq->srv->files_dir, data, len, sha, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    struct store_evidence e = {.report_id = p.id,
                               .filename = name,
                               .content_type = type,
                               .sha256 = sha,
                               .size = (int64_t)len};
    struct store_actor actor;
    plan_http_actor(rq, &actor);
    int64_t id = 0;
    if (store_evidence_add(st, &e, &actor, &id, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    http_reply_json(
        rq, MHD_HTTP_CREATED,
        json_pack("{s:{s:I,s:I,s:s,s:s,s:I,s:s,s:o}}", "evidence", "id", (json_int_t)id,
                  "report_id", (json_int_t)p.id, "filename", name, "content_type", type, "size",
                  (json_int_t)len, "sha256", sha, "url",
                  json_string(arena_printf(&rq->arena, "/api/v1/evidence/%lld", (long long)id))));
}

void http_handle_evidence_get(struct http_request *rq)
{
    struct store *st = NULL;
    int64_t id = 0;
    if (plan_http_officer(rq) || plan_http_id(rq, 0, "evidence", &id) || !(st = http_store(rq)))
        return;
    struct store_evidence e;
    struct store_progress p;
    struct error err = {0};
    if (store_evidence_get(st, id, &rq->arena, &e, &err) != 0 ||
        store_progress_get(st, e.report_id, &rq->arena, &p, &err) != 0) {
        http_reply_err(rq, &err);
        return;
    }
    if (plan_http_may_read(rq, p.region_code))
        return;
    char path[4096];
    struct stat sb;
    int fd = -1;
    if (plan_evidence_path(rq->srv->files_dir, e.sha256, path, sizeof(path)) == 0)
        fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0)
            close(fd);
        http_reply_error(rq, WSP_EIO, "evidence file %lld is missing on disk", (long long)id);
        return;
    }
    rq->replied = true;
    rq->api = false;
    rq->status = MHD_HTTP_OK;
    rq->resp_type = e.content_type;
    rq->resp_fd = fd;
    rq->resp_fd_size = (size_t)sb.st_size;
    http_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-store");
    http_add_header(rq, "Content-Disposition",
                    arena_printf(&rq->arena, "attachment; filename=\"%s\"", e.filename));
    http_add_header(rq, "X-Content-SHA256", e.sha256);
}

/* ---- compliance ------------------------------------------------------------------------- */

int plan_http_compliance_query(struct http_request *rq, struct plan_export_query *q)
{
    *q = (struct plan_export_query){0};
    if (plan_http_officer(rq) || plan_http_year(rq, true, &q->year) ||
        plan_http_region_filter(rq, &q->region))
        return -1;
    if (!q->region && (rq->role == AUTH_ROLE_PROVINSI || rq->role == AUTH_ROLE_KABKOTA))
        q->region = plan_http_scope(rq);
    q->plan_type = http_query(rq, "type");
    if (!q->plan_type || !*q->plan_type)
        q->plan_type = "pks";
    if (!plan_type_valid(q->plan_type))
        return http_reply_error(rq, WSP_EINVAL, "unknown plan type '%s' (pks, p3aks)",
                                q->plan_type);
    q->date = http_query(rq, "date");
    if (q->date && !*q->date)
        q->date = NULL;
    return 0;
}

/* Compliance of a request's region, year, type and date; replies on error. */
static int compliance_query(struct http_request *rq, struct plan_compliance *c)
{
    struct plan_export_query q;
    if (plan_http_compliance_query(rq, &q))
        return -1;
    struct store *st = http_store(rq);
    if (!st)
        return -1;
    struct error err = {0};
    if (plan_compliance_load(st, q.year, q.plan_type, q.region, q.date, &rq->arena, c, &err) != 0)
        return http_reply_err(rq, &err);
    return 0;
}

/* Alerts of the year answered (issue 16). */
static json_t *answers_json(const struct plan_answer_counts *a)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:I}", "alerts", (json_int_t)a->alerts, "answered_24h",
                     (json_int_t)a->answered_24h, "answered_72h", (json_int_t)a->answered_72h,
                     "answered", (json_int_t)a->answered, "unanswered", (json_int_t)a->unanswered);
}

static json_t *row_json(const struct plan_comp_row *r)
{
    return json_pack("{s:i,s:s,s:s,s:b,s:s,s:I,s:I,s:I,s:I,s:f,s:f,s:f}", "rank", r->rank,
                     "region_code", r->code, "region", r->name, "timdu", r->timdu, "rad_status",
                     r->rad_status, "expected", (json_int_t)r->expected, "submitted",
                     (json_int_t)r->submitted, "on_time", (json_int_t)r->on_time, "late",
                     (json_int_t)r->late, "reporting_rate", r->reporting_rate, "on_time_rate",
                     r->on_time_rate, "score", r->score);
}

void http_handle_compliance(struct http_request *rq)
{
    struct plan_compliance c;
    if (compliance_query(rq, &c))
        return;
    json_t *rows = json_array(), *no_rad = json_array(), *no_timdu = json_array();
    for (size_t i = 0; i < c.n; i++) {
        json_t *row = row_json(&c.rows[i]);
        json_object_set_new(row, "alerts", answers_json(&c.answers[i]));
        json_array_append_new(rows, row);
    }
    for (size_t i = 0; i < c.n_no_rad; i++)
        json_array_append_new(no_rad, json_pack("{s:s,s:s}", "code", c.rows[c.no_rad[i]].code,
                                                "name", c.rows[c.no_rad[i]].name));
    for (size_t i = 0; i < c.n_no_timdu; i++)
        json_array_append_new(no_timdu, json_pack("{s:s,s:s}", "code", c.rows[c.no_timdu[i]].code,
                                                  "name", c.rows[c.no_timdu[i]].name));
    json_t *totals = json_pack("{s:I,s:I,s:I,s:o}", "expected", (json_int_t)c.expected, "submitted",
                               (json_int_t)c.submitted, "on_time", (json_int_t)c.on_time, "alerts",
                               answers_json(&c.answers_total));
    http_reply_json(
        rq, MHD_HTTP_OK,
        json_pack("{s:i,s:s,s:s,s:{s:s,s:i,s:i},s:s,s:o,s:o,s:o,s:o}", "year", c.year, "type",
                  c.plan_type, "date", c.ref_date, "calendar", "period_type",
                  plan_period_type_name(c.cal.period_type), "deadline_days", c.cal.deadline_days,
                  "grace_days", c.cal.grace_days, "score_formula",
                  "timdu 20 + rad (disetujui 30, diajukan/dikembalikan 15, draft 7.5) + 30 x "
                  "submitted/expected + 20 x on_time/expected",
                  "totals", totals, "items", rows, "belum_rad", no_rad, "belum_timdu", no_timdu));
}

static void html_text(struct buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        default:
            buf_putc(b, *s);
        }
    }
}

void http_handle_compliance_report(struct http_request *rq)
{
    struct plan_compliance c;
    if (compliance_query(rq, &c))
        return;
    struct buf b;
    buf_init(&b, 8u << 20);
    buf_printf(&b,
               "<!doctype html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
               "<title>Kepatuhan RAD %s %d</title>"
               "<link rel=\"stylesheet\" href=\"/css/report.css\"></head><body>\n"
               "<h1>Laporan Kepatuhan RAD %s tahun %d</h1>\n"
               "<p>Per tanggal %s. Periode pelaporan: %s, batas %d hari setelah akhir periode, "
               "toleransi %d hari. Laporan diharapkan: %ld, masuk: %ld, tepat waktu: %ld.</p>\n"
               "<p>Skor = Timdu 20 + RAD (disetujui 30, diajukan/dikembalikan 15, draft 7,5) + "
               "30 &times; tingkat pelaporan + 20 &times; tingkat ketepatan waktu.</p>\n"
               "<table><thead><tr><th>Peringkat</th><th>Kode</th><th>Wilayah</th><th>Timdu</th>"
               "<th>Status RAD</th><th>Diharapkan</th><th>Masuk</th><th>Tepat waktu</th>"
               "<th>Terlambat</th><th>Tingkat pelaporan (%%)</th><th>Ketepatan (%%)</th>"
               "<th>Skor</th></tr></thead><tbody>\n",
               str_eq(c.plan_type, "pks") ? "PKS" : "P3AKS", c.year,
               str_eq(c.plan_type, "pks") ? "PKS" : "P3AKS", c.year, c.ref_date,
               plan_period_type_name(c.cal.period_type), c.cal.deadline_days, c.cal.grace_days,
               c.expected, c.submitted, c.on_time);
    for (size_t i = 0; i < c.n; i++) {
        const struct plan_comp_row *r = &c.rows[i];
        buf_printf(&b, "<tr><td class=n>%d</td><td>", r->rank);
        html_text(&b, r->code);
        buf_puts(&b, "</td><td>");
        html_text(&b, r->name);
        buf_printf(&b,
                   "</td><td>%s</td><td>%s</td><td class=n>%ld</td><td class=n>%ld</td>"
                   "<td class=n>%ld</td><td class=n>%ld</td><td class=n>%.1f</td>"
                   "<td class=n>%.1f</td><td class=n>%.1f</td></tr>\n",
                   r->timdu ? "ya" : "tidak", r->rad_status, r->expected, r->submitted, r->on_time,
                   r->late, r->reporting_rate, r->on_time_rate, r->score);
    }
    buf_puts(&b, "</tbody></table>\n<h2>Belum menyusun RAD</h2><ul>");
    for (size_t i = 0; i < c.n_no_rad; i++) {
        buf_puts(&b, "<li>");
        html_text(&b, c.rows[c.no_rad[i]].name);
        buf_puts(&b, "</li>");
    }
    buf_puts(&b, "</ul>\n<h2>Belum membentuk Timdu</h2><ul>");
    for (size_t i = 0; i < c.n_no_timdu; i++) {
        buf_puts(&b, "<li>");
        html_text(&b, c.rows[c.no_timdu[i]].name);
        buf_puts(&b, "</li>");
    }
    buf_puts(&b, "</ul>\n</body></html>\n");
    if (b.oom) {
        buf_release(&b);
        http_reply_error(rq, WSP_ENOMEM, "report too large");
        return;
    }
    http_reply_raw(rq, MHD_HTTP_OK, "text/html; charset=utf-8", buf_cstr(&b), b.len);
    http_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    http_add_header(rq, "Content-Security-Policy", HTTP_PAGE_CSP);
    buf_release(&b);
}
