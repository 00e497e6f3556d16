/* Community reports (FKDM field reports): the text becomes an article of source type "report",
 * the lead an event; the reporter's identity is kept only in the reports table. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "base/base.h"
#include "store/store.h"
#include "store/store_internal.h"

/* The report (and its event) already stored for this article, if any. */
static int find_report(struct store *s, int64_t article_id, int64_t *report_id, int64_t *event_id,
                       struct error *err)
{
    struct db_stmt *st;
    int rc = stmt_get(s, STMT_REPORT_BY_ARTICLE,
                      "SELECT r.id, (SELECT MIN(es.event_id) FROM event_sources es"
                      " WHERE es.article_id = r.article_id)"
                      " FROM reports r WHERE r.article_id = ?1",
                      &st, err);
    if (rc != 0)
        return rc;
    db_bind_int64(st, 1, article_id);
    int src = db_step(st);
    if (src == DB_ROW) {
        *report_id = db_column_int64(st, 0);
        *event_id = db_column_int64(st, 1);
        rc = 0;
    } else if (src == DB_DONE) {
        rc = error_set(err, WSP_ENOTFOUND, "no report for article '%" PRId64 "'", article_id);
    } else {
        rc = store_fail(s, src, err, "find report", NULL, NULL);
    }
    stmt_done(st);
    return rc;
}

/* The reporter asked, by sending the same report again with "anonymous": true, that it be
 * anonymous: mark it, and take the reporter's name, id and address out of the audit rows
 * their report wrote (the report, its article, its event; officers' rows stay). Nothing when
 * it already is anonymous. */
static int make_anonymous(struct store *s, int64_t report_id, int64_t article_id, int64_t event_id,
                          const struct store_actor *actor, struct error *err)
{
    struct db_stmt *st = NULL;
    int64_t reporter = 0;
    int src = db_prepare(s->db,
                         "UPDATE reports SET anonymous = 1 WHERE id = ?1 AND anonymous = 0"
                         " RETURNING reporter_user_id",
                         false, &st);
    if (src == DB_OK) {
        db_bind_int64(st, 1, report_id);
        src = db_step(st);
        if (src == DB_ROW) {
            reporter = db_column_int64(st, 0);
            src = db_step(st);
        }
    }
    db_finalize(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "make report anonymous", NULL, NULL);
    if (!reporter)
        return 0; /* anonymous already */
    char rid[24], aid[24], eid[24];
    snprintf(rid, sizeof(rid), "%" PRId64, report_id);
    snprintf(aid, sizeof(aid), "%" PRId64, article_id);
    snprintf(eid, sizeof(eid), "%" PRId64, event_id);
    src = db_prepare(s->db,
                     "UPDATE audit_log SET user_id = NULL, username = 'anonymous',"
                     " client = NULL WHERE user_id = ?1 AND ((object_type = 'report' AND"
                     " object_id = ?2) OR (object_type = 'article' AND object_id = ?3) OR"
                     " (object_type = 'event' AND object_id = ?4))",
                     false, &st);
    if (src == DB_OK) {
        db_bind_int64(st, 1, reporter);
        stmt_bind_text(st, 2, rid);
        stmt_bind_text(st, 3, aid);
        stmt_bind_text(st, 4, eid);
        src = db_step(st);
    }
    db_finalize(st);
    if (src != DB_DONE)
        return store_fail(s, src, err, "make report anonymous", NULL, NULL);
    return store_audit_add(s, actor, "report.anonymous", "report", rid, "{\"anonymous\":false}",
                           "{\"anonymous\":true}", err);
}

int store_report_create(struct store *s, const struct store_article *a,
                        const struct store_report *r, const struct store_event *lead,
                        const struct store_actor *actor, int64_t *report_id, int64_t *event_id,
                        bool *existed, struct error *err)
{
    *report_id = 0;
    *event_id = 0;
    if (existed)
        *existed = false;
    if (!a || !str_eq(a->source_type, "report"))
        return error_set(err, WSP_EINVAL, "a report's article must have source type 'report'");
    if (r->reporter_user_id <= 0)
        return error_set(err, WSP_EINVAL, "a report needs its reporter");
    if (!r->fields_json || !*r->fields_json)
        return error_set(err, WSP_EINVAL, "a report needs its fields");
    char key[48];
    snprintf(key, sizeof(key), "report:%" PRId64 ":", r->reporter_user_id);

    int rc = store_tx_begin(s, err);
    if (rc != 0)
        return rc;
    int64_t article_id = 0;
    bool dup = false;
    rc = store_article_put_keyed(s, a, key, actor, &article_id, &dup, err);
    if (rc != 0)
        goto out;
    if (dup) {
        rc = find_report(s, article_id, report_id, event_id, err);
        if (rc == 0 && existed)
            *existed = true;
        if (rc == 0 && r->anonymous)
            rc = make_anonymous(s, *report_id, article_id, *event_id, actor, err);
        goto out;
    }
    struct db_stmt *st;
    rc = stmt_get(s, STMT_REPORT_INSERT,
                  "INSERT INTO reports (article_id, reporter_user_id, anonymous, region_code,"
                  " fields_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                  &st, err);
    if (rc != 0)
        goto out;
    db_bind_int64(st, 1, article_id);
    db_bind_int64(st, 2, r->reporter_user_id);
    db_bind_int64(st, 3, r->anonymous ? 1 : 0);
    stmt_bind_text(st, 4, r->region_code && *r->region_code ? r->region_code : NULL);
    stmt_bind_text(st, 5, r->fields_json);
    db_bind_int64(st, 6, time_now());
    int src = db_step(st);
    if (src == DB_ROW) {
        *report_id = db_column_int64(st, 0);
        src = db_step(st);
    }
    stmt_done(st);
    if (src != DB_DONE) {
        rc = store_fail(s, src, err, "add report", NULL, "unknown reporter or region in report");
        goto out;
    }
    char oid[24], after[160];
    snprintf(oid, sizeof(oid), "%" PRId64, *report_id);
    /* Who reported is the audit row's actor; the payload says nothing personal. */
    snprintf(after, sizeof(after),
             "{\"article_id\":%" PRId64 ",\"anonymous\":%s,\"region_code\":%s%s%s}", article_id,
             r->anonymous ? "true" : "false", r->region_code ? "\"" : "",
             r->region_code ? r->region_code : "null", r->region_code ? "\"" : "");
    rc = store_audit_add(s, actor, "report.add", "report", oid, NULL, after, err);
    if (rc == 0) {
        struct store_event e = *lead;
        if (!e.status)
            e.status = "menunggu";
        rc = store_event_insert(s, &e, article_id, actor, event_id, err);
    }
out:
    rc = store_tx_end(s, rc, err);
    if (rc != 0) {
        *report_id = 0;
        *event_id = 0;
    }
    return rc;
}
