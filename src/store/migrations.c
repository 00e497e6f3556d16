/* Versioned schema migrations and their runner.
 *
 * Each migration is applied in one transaction together with its schema_migrations row, so a
 * database is always exactly at some version. Migrations are append-only: never edit one that
 * has shipped; add a new version instead. The SQL sticks to types and syntax PostgreSQL also
 * understands (INTEGER, TEXT, CHECK, REFERENCES ... ON DELETE); timestamps are integer seconds
 * since the epoch supplied by the program (time_now()), never CURRENT_TIMESTAMP. A PostgreSQL
 * backend keeps its own list with the same versions (it spells "INTEGER PRIMARY KEY" row ids
 * as identity columns).
 */
#include <stdio.h>

#include "base/base.h"
#include "store/store.h"
#include "store/migrations_pg.h"
#include "store/store_internal.h"

struct migration {
    int version;
    const char *description;
    const char *sql;
};

static const struct migration migrations[] = {
    {1, "regions, users, audit log",
     /* Official region codes (Kemendagri): 1 provinsi, 2 kabupaten/kota, 3 kecamatan,
      * 4 desa/kelurahan. Names are matched in memory by geo, so no normalized-name column. */
     "CREATE TABLE regions ("
     " code TEXT PRIMARY KEY,"
     " parent_code TEXT REFERENCES regions(code),"
     " level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),"
     " name TEXT NOT NULL);"
     "CREATE INDEX regions_parent_idx ON regions(parent_code);"
     "CREATE INDEX regions_level_idx ON regions(level);"
     /* username is stored lower-cased by the store (ASCII), so a plain UNIQUE gives
      * case-insensitive uniqueness on every backend. region_code NULL = national scope. */
     "CREATE TABLE users ("
     " id INTEGER PRIMARY KEY,"
     " username TEXT NOT NULL UNIQUE,"
     " role TEXT NOT NULL"
     "  CHECK (role IN ('admin', 'pusat', 'provinsi', 'kabkota', 'pelapor')),"
     " region_code TEXT REFERENCES regions(code),"
     " full_name TEXT NOT NULL DEFAULT '',"
     " password_hash TEXT NOT NULL,"
     " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX users_region_idx ON users(region_code);"
     /* No foreign key on user_id: the log outlives users. user_id NULL = system/cli. */
     "CREATE TABLE audit_log ("
     " id INTEGER PRIMARY KEY,"
     " at INTEGER NOT NULL,"
     " user_id INTEGER,"
     " username TEXT NOT NULL,"
     " client TEXT,"
     " action TEXT NOT NULL,"
     " object_type TEXT NOT NULL,"
     " object_id TEXT,"
     " before_json TEXT,"
     " after_json TEXT);"
     "CREATE INDEX audit_log_action_idx ON audit_log(action, id);"
     "CREATE INDEX audit_log_object_idx ON audit_log(object_type, object_id, id);"
     "CREATE INDEX audit_log_user_idx ON audit_log(user_id, id);"
     "CREATE INDEX audit_log_at_idx ON audit_log(at);"},
    {2, "sessions",
     /* token_hash: hex SHA-256 of the session token; the token itself is never stored. */
     "CREATE TABLE sessions ("
     " token_hash TEXT PRIMARY KEY,"
     " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     " created_at INTEGER NOT NULL,"
     " expires_at INTEGER NOT NULL,"
     " last_seen_at INTEGER NOT NULL,"
     " client TEXT);"
     "CREATE INDEX sessions_expires_idx ON sessions(expires_at);"
     "CREATE INDEX sessions_user_idx ON sessions(user_id);"},
    {3, "articles with full-text index, events and their sources, reports, feeds",
     /* Articles: dedup keys are canonical_url (NULLs never collide) and content_hash (hex
      * SHA-256 of the normalized body). published is "YYYY-MM-DD" text. */
     "CREATE TABLE articles ("
     " id INTEGER PRIMARY KEY,"
     " source_type TEXT NOT NULL CHECK (source_type IN ('news', 'feed', 'report', 'file')),"
     " url TEXT,"
     " canonical_url TEXT UNIQUE,"
     " content_hash TEXT NOT NULL UNIQUE,"
     " title TEXT,"
     " body TEXT NOT NULL,"
     " published TEXT,"
     " fetched_at INTEGER NOT NULL,"
     " lang TEXT NOT NULL DEFAULT 'id');"
     "CREATE INDEX articles_published_idx ON articles(published);"
     /* FTS5 over title/body with external content; the triggers keep it in step inside the
      * writing transaction. (A PostgreSQL backend uses a tsvector column instead.) */
     "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles',"
     " content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
     "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN"
     " INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);"
     " END;"
     "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN"
     " INSERT INTO articles_fts(articles_fts, rowid, title, body)"
     " VALUES ('delete', old.id, old.title, old.body);"
     " END;"
     "CREATE TRIGGER articles_fts_au AFTER UPDATE ON articles BEGIN"
     " INSERT INTO articles_fts(articles_fts, rowid, title, body)"
     " VALUES ('delete', old.id, old.title, old.body);"
     " INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);"
     " END;"
     /* Events. region_code is the region key: regency_code, else province_code; scopes and
      * region filters are prefix ranges on it. killed/injured NULL = not stated. simhash is
      * the 64-bit SimHash stored as a signed integer. verified_by has no foreign key: like
      * the audit log it outlives accounts. */
     "CREATE TABLE events ("
     " id INTEGER PRIMARY KEY,"
     " category TEXT NOT NULL CHECK (category IN ('land_resource', 'inter_group_clash',"
     "  'riot_protest', 'identity_religious_ethnic', 'political_election', 'separatist_armed',"
     "  'vigilante', 'other_violence', 'none')),"
     " province_code TEXT REFERENCES regions(code),"
     " regency_code TEXT REFERENCES regions(code),"
     " place_code TEXT REFERENCES regions(code),"
     " region_code TEXT REFERENCES regions(code),"
     " event_date TEXT,"
     " killed INTEGER CHECK (killed IS NULL OR killed >= 0),"
     " injured INTEGER CHECK (injured IS NULL OR injured >= 0),"
     " women_children_victims INTEGER NOT NULL DEFAULT 0"
     "  CHECK (women_children_victims IN (0, 1)),"
     " confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),"
     " status TEXT NOT NULL DEFAULT 'menunggu' CHECK (status IN ('menunggu', 'terverifikasi',"
     "  'ditolak', 'dalam_penanganan', 'selesai')),"
     " status_note TEXT,"
     " verified_by INTEGER,"
     " simhash INTEGER,"
     " evidence_json TEXT,"
     " detail_json TEXT,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX events_region_idx ON events(region_code, event_date);"
     "CREATE INDEX events_province_date_idx ON events(province_code, event_date);"
     "CREATE INDEX events_date_idx ON events(event_date);"
     "CREATE INDEX events_category_idx ON events(category, event_date);"
     "CREATE INDEX events_status_idx ON events(status, event_date);"
     "CREATE INDEX events_confidence_idx ON events(confidence);"
     "CREATE INDEX events_created_idx ON events(created_at);"
     "CREATE TABLE event_sources ("
     " event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
     " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
     " added_at INTEGER NOT NULL,"
     " PRIMARY KEY (event_id, article_id));"
     "CREATE INDEX event_sources_article_idx ON event_sources(article_id);"
     /* Community reports: who reported lives only here, never on the article or the event. */
     "CREATE TABLE reports ("
     " id INTEGER PRIMARY KEY,"
     " article_id INTEGER NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,"
     " reporter_user_id INTEGER NOT NULL REFERENCES users(id),"
     " anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),"
     " region_code TEXT REFERENCES regions(code),"
     " fields_json TEXT NOT NULL,"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX reports_reporter_idx ON reports(reporter_user_id);"
     "CREATE TABLE feeds ("
     " id INTEGER PRIMARY KEY,"
     " url TEXT NOT NULL UNIQUE,"
     " title TEXT,"
     " etag TEXT,"
     " last_modified TEXT,"
     " last_polled_at INTEGER,"
     " next_poll_at INTEGER NOT NULL DEFAULT 0,"
     " failures INTEGER NOT NULL DEFAULT 0,"
     " last_error TEXT,"
     " created_at INTEGER NOT NULL);"},
    {4,
     "plan and control: reporting calendar, timdu, forums, rad, actions, pokja, progress "
     "reports, evidence, conflict cases",
     /* Reporting calendar per plan type (data, not code): period type b4 (B-04/B-08/B-12),
      * quarter or month; deadline = last day of the period + deadline_days; reports up to
      * grace_days after the deadline still count as on time. */
     "CREATE TABLE plan_calendar ("
     " plan_type TEXT PRIMARY KEY CHECK (plan_type IN ('pks', 'p3aks')),"
     " period_type TEXT NOT NULL CHECK (period_type IN ('b4', 'quarter', 'month')),"
     " deadline_days INTEGER NOT NULL CHECK (deadline_days BETWEEN 0 AND 120),"
     " grace_days INTEGER NOT NULL CHECK (grace_days BETWEEN 0 AND 120),"
     " updated_at INTEGER NOT NULL);"
     "INSERT INTO plan_calendar (plan_type, period_type, deadline_days, grace_days, updated_at)"
     " VALUES ('pks', 'b4', 10, 5, 0), ('p3aks', 'b4', 10, 5, 0);"
     /* Timdu (integrated team) decrees of a region; dates are "YYYY-MM-DD". */
     "CREATE TABLE timdu ("
     " id INTEGER PRIMARY KEY,"
     " region_code TEXT NOT NULL REFERENCES regions(code),"
     " sk_number TEXT NOT NULL,"
     " sk_date TEXT NOT NULL,"
     " signed_by TEXT NOT NULL DEFAULT '',"
     " valid_until TEXT,"
     " chair_name TEXT NOT NULL DEFAULT '',"
     " chair_title TEXT NOT NULL DEFAULT '',"
     " notes TEXT,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX timdu_region_idx ON timdu(region_code, sk_date);"
     "CREATE TABLE timdu_members ("
     " id INTEGER PRIMARY KEY,"
     " timdu_id INTEGER NOT NULL REFERENCES timdu(id) ON DELETE CASCADE,"
     " name TEXT NOT NULL,"
     " position TEXT NOT NULL DEFAULT '',"
     " agency TEXT NOT NULL DEFAULT '',"
     " agency_type TEXT NOT NULL DEFAULT 'opd' CHECK (agency_type IN ('opd', 'polri', 'tni',"
     "  'kejaksaan', 'pengadilan', 'kemenag', 'masyarakat', 'lainnya')),"
     " subteam TEXT CHECK (subteam IS NULL OR subteam IN ('pencegahan', 'penghentian',"
     "  'pemulihan')),"
     " phone TEXT,"
     " email TEXT);"
     "CREATE INDEX timdu_members_timdu_idx ON timdu_members(timdu_id);"
     "CREATE TABLE forums ("
     " id INTEGER PRIMARY KEY,"
     " region_code TEXT NOT NULL REFERENCES regions(code),"
     " kind TEXT NOT NULL CHECK (kind IN ('fkdm', 'forkopimda', 'fkub', 'fkb')),"
     " name TEXT NOT NULL,"
     " sk_number TEXT,"
     " contact_name TEXT,"
     " contact_phone TEXT,"
     " contact_email TEXT,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX forums_region_idx ON forums(region_code);"
     /* One RAD per region, year and type; version counts every change (see rad_versions). */
     "CREATE TABLE rad ("
     " id INTEGER PRIMARY KEY,"
     " region_code TEXT NOT NULL REFERENCES regions(code),"
     " year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),"
     " plan_type TEXT NOT NULL CHECK (plan_type IN ('pks', 'p3aks')),"
     " title TEXT NOT NULL,"
     " status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'diajukan',"
     "  'dikembalikan', 'disetujui')),"
     " review_notes TEXT,"
     " version INTEGER NOT NULL DEFAULT 1,"
     " submitted_at INTEGER,"
     " reviewed_at INTEGER,"
     " reviewed_by TEXT,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL,"
     " UNIQUE (region_code, year, plan_type));"
     "CREATE INDEX rad_year_idx ON rad(year, plan_type, status);"
     "CREATE TABLE rad_actions ("
     " id INTEGER PRIMARY KEY,"
     " rad_id INTEGER NOT NULL REFERENCES rad(id) ON DELETE CASCADE,"
     " seq INTEGER NOT NULL,"
     " phase TEXT NOT NULL CHECK (phase IN ('pencegahan', 'penghentian', 'pemulihan')),"
     " program TEXT NOT NULL,"
     " kegiatan TEXT NOT NULL,"
     " indikator TEXT NOT NULL DEFAULT '',"
     " target REAL NOT NULL DEFAULT 0,"
     " unit TEXT NOT NULL DEFAULT '',"
     " targets_json TEXT,"
     " anggaran INTEGER NOT NULL DEFAULT 0 CHECK (anggaran >= 0),"
     " sumber_dana TEXT,"
     " opd TEXT NOT NULL,"
     " instansi_terkait TEXT,"
     " focus TEXT NOT NULL DEFAULT 'potensi_konflik',"
     " p3aks INTEGER NOT NULL DEFAULT 0 CHECK (p3aks IN (0, 1)),"
     " start_date TEXT,"
     " end_date TEXT,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX rad_actions_rad_idx ON rad_actions(rad_id, seq);"
     "CREATE INDEX rad_actions_opd_idx ON rad_actions(opd);"
     "CREATE TABLE pokja_members ("
     " id INTEGER PRIMARY KEY,"
     " rad_id INTEGER NOT NULL REFERENCES rad(id) ON DELETE CASCADE,"
     " name TEXT NOT NULL,"
     " agency TEXT NOT NULL DEFAULT '',"
     " role TEXT NOT NULL DEFAULT 'anggota');"
     "CREATE INDEX pokja_members_rad_idx ON pokja_members(rad_id);"
     /* Version history: a snapshot (plan, actions, pokja as JSON) after every change. */
     "CREATE TABLE rad_versions ("
     " id INTEGER PRIMARY KEY,"
     " rad_id INTEGER NOT NULL REFERENCES rad(id) ON DELETE CASCADE,"
     " version INTEGER NOT NULL,"
     " status TEXT NOT NULL,"
     " change TEXT NOT NULL,"
     " note TEXT,"
     " username TEXT NOT NULL,"
     " at INTEGER NOT NULL,"
     " snapshot_json TEXT NOT NULL,"
     " UNIQUE (rad_id, version));"
     /* Conflict cases: primary region for scope, more regions in case_regions. */
     "CREATE TABLE cases ("
     " id INTEGER PRIMARY KEY,"
     " title TEXT NOT NULL,"
     " region_code TEXT NOT NULL REFERENCES regions(code),"
     " issue TEXT NOT NULL CHECK (issue IN ('sumber_daya', 'tata_kelola', 'pemilihan_jabatan',"
     "  'identitas', 'main_hakim_sendiri', 'separatisme', 'lainnya')),"
     " parties TEXT,"
     " status TEXT NOT NULL DEFAULT 'potensi' CHECK (status IN ('potensi', 'aktif',"
     "  'dihentikan', 'pemulihan', 'selesai')),"
     " origin TEXT NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'event', 'alert')),"
     " event_id INTEGER,"
     " alert_ref TEXT,"
     " skk_level TEXT CHECK (skk_level IS NULL OR skk_level IN ('kabupaten_kota', 'provinsi',"
     "  'nasional')),"
     " skk_decree TEXT,"
     " skk_start TEXT,"
     " skk_end TEXT,"
     " public_summary TEXT,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX cases_region_idx ON cases(region_code, status);"
     "CREATE TABLE case_regions ("
     " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
     " region_code TEXT NOT NULL REFERENCES regions(code),"
     " PRIMARY KEY (case_id, region_code));"
     "CREATE TABLE case_actions ("
     " id INTEGER PRIMARY KEY,"
     " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
     " phase TEXT NOT NULL CHECK (phase IN ('pencegahan', 'penghentian', 'pemulihan')),"
     " action_date TEXT NOT NULL,"
     " description TEXT NOT NULL,"
     " agency TEXT NOT NULL DEFAULT '',"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX case_actions_case_idx ON case_actions(case_id, action_date);"
     "CREATE TABLE case_victim_counts ("
     " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
     " sex TEXT NOT NULL CHECK (sex IN ('l', 'p')),"
     " age_group TEXT NOT NULL CHECK (age_group IN ('anak', 'dewasa', 'lansia')),"
     " count INTEGER NOT NULL CHECK (count >= 0),"
     " PRIMARY KEY (case_id, sex, age_group));"
     /* Victims' personal data: served only to the roles plan_may_see_victims() allows. */
     "CREATE TABLE case_victims ("
     " id INTEGER PRIMARY KEY,"
     " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
     " name TEXT NOT NULL,"
     " sex TEXT CHECK (sex IS NULL OR sex IN ('l', 'p')),"
     " age INTEGER CHECK (age IS NULL OR age BETWEEN 0 AND 130),"
     " address TEXT,"
     " condition TEXT);"
     "CREATE INDEX case_victims_case_idx ON case_victims(case_id);"
     "CREATE TABLE action_cases ("
     " action_id INTEGER NOT NULL REFERENCES rad_actions(id) ON DELETE CASCADE,"
     " case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,"
     " PRIMARY KEY (action_id, case_id));"
     /* Progress report per action per period (period codes of the plan type's calendar). */
     "CREATE TABLE progress_reports ("
     " id INTEGER PRIMARY KEY,"
     " action_id INTEGER NOT NULL REFERENCES rad_actions(id) ON DELETE CASCADE,"
     " period TEXT NOT NULL,"
     " physical_pct REAL NOT NULL DEFAULT 0 CHECK (physical_pct >= 0 AND physical_pct <= 100),"
     " budget_realized INTEGER NOT NULL DEFAULT 0 CHECK (budget_realized >= 0),"
     " narrative TEXT,"
     " kendala TEXT,"
     " tindak_lanjut TEXT,"
     " submitted_at INTEGER NOT NULL,"
     " submitted_by TEXT NOT NULL,"
     " updated_at INTEGER NOT NULL,"
     " UNIQUE (action_id, period));"
     /* Evidence files live on disk, content-addressed by sha256; the row is the metadata. */
     "CREATE TABLE evidence_files ("
     " id INTEGER PRIMARY KEY,"
     " report_id INTEGER NOT NULL REFERENCES progress_reports(id) ON DELETE CASCADE,"
     " filename TEXT NOT NULL,"
     " content_type TEXT NOT NULL,"
     " size INTEGER NOT NULL CHECK (size >= 0),"
     " sha256 TEXT NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " created_by TEXT NOT NULL);"
     "CREATE INDEX evidence_files_report_idx ON evidence_files(report_id);"},
    {5, "early warning: alerts and their history, webhooks and deliveries, event change feed",
     /* Alerts: one per region and episode of the early-warning engine (src/warn). region_code
      * is a regency, a province or "ID" (the nation, not a row of regions, so no foreign key).
      * level / max_level / is_open / days / explanation follow the engine; status is the
      * human workflow baru -> ditindaklanjuti -> selesai. Days are "YYYY-MM-DD". */
     "CREATE TABLE alerts ("
     " id INTEGER PRIMARY KEY,"
     " region_code TEXT NOT NULL,"
     " level TEXT NOT NULL CHECK (level IN ('normal', 'waspada', 'siaga', 'awas')),"
     " max_level TEXT NOT NULL CHECK (max_level IN ('normal', 'waspada', 'siaga', 'awas')),"
     " status TEXT NOT NULL DEFAULT 'baru' CHECK (status IN ('baru', 'ditindaklanjuti',"
     "  'selesai')),"
     " is_open INTEGER NOT NULL DEFAULT 1 CHECK (is_open IN (0, 1)),"
     " retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)),"
     " first_day TEXT NOT NULL,"
     " last_day TEXT NOT NULL,"
     " close_day TEXT,"
     " score REAL NOT NULL DEFAULT 0,"
     " method TEXT NOT NULL DEFAULT 'none',"
     " explanation_id TEXT NOT NULL DEFAULT '',"
     " explanation_en TEXT NOT NULL DEFAULT '',"
     " event_ids TEXT NOT NULL DEFAULT '[]',"
     " escalated_to TEXT CHECK (escalated_to IS NULL OR escalated_to IN ('province',"
     "  'national')),"
     " escalated_at INTEGER,"
     " acked_at INTEGER,"
     " acked_by TEXT,"
     " closed_at INTEGER,"
     " closed_by TEXT,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX alerts_region_idx ON alerts(region_code, first_day);"
     "CREATE INDEX alerts_status_idx ON alerts(status, created_at);"
     "CREATE INDEX alerts_first_day_idx ON alerts(first_day);"
     "CREATE TABLE alert_history ("
     " id INTEGER PRIMARY KEY,"
     " alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"
     " at INTEGER NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN ('opened', 'level', 'closed', 'reopened', 'retracted',"
     "  'ack', 'close', 'escalate')),"
     " level TEXT,"
     " day TEXT,"
     " note TEXT,"
     " username TEXT NOT NULL);"
     "CREATE INDEX alert_history_alert_idx ON alert_history(alert_id, id);"
     /* Webhook subscriptions: secret signs the body (HMAC-SHA256); region_prefix "" = all.
      * Removing a subscription deactivates it so that its delivery log stays. */
     "CREATE TABLE webhooks ("
     " id INTEGER PRIMARY KEY,"
     " url TEXT NOT NULL,"
     " secret TEXT NOT NULL,"
     " region_prefix TEXT NOT NULL DEFAULT '',"
     " min_level TEXT NOT NULL DEFAULT 'waspada' CHECK (min_level IN ('waspada', 'siaga',"
     "  'awas')),"
     " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
     " created_by TEXT NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE TABLE webhook_deliveries ("
     " id INTEGER PRIMARY KEY,"
     " webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
     " alert_id INTEGER REFERENCES alerts(id) ON DELETE SET NULL,"
     " event TEXT NOT NULL,"
     " payload TEXT NOT NULL,"
     " state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered',"
     "  'failed')),"
     " attempt INTEGER NOT NULL DEFAULT 0,"
     " status_code INTEGER,"
     " error TEXT,"
     " next_attempt_at INTEGER NOT NULL,"
     " delivered_at INTEGER,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries(state, next_attempt_at);"
     "CREATE INDEX webhook_deliveries_hook_idx ON webhook_deliveries(webhook_id, id);"
     /* Event change feed for the server's early-warning service: one row per event, moved to
      * a new, never reused sequence number (AUTOINCREMENT) whenever the event is written, in
      * commit order because SQLite has one writer at a time. (A PostgreSQL backend would use
      * a commit-ordered log instead.) */
     "CREATE TABLE event_changes ("
     " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
     " event_id INTEGER NOT NULL UNIQUE,"
     " deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));"
     "INSERT INTO event_changes (event_id) SELECT id FROM events ORDER BY id;"
     "CREATE TRIGGER events_change_ai AFTER INSERT ON events BEGIN"
     " INSERT OR REPLACE INTO event_changes (event_id, deleted) VALUES (new.id, 0);"
     " END;"
     "CREATE TRIGGER events_change_au AFTER UPDATE ON events BEGIN"
     " INSERT OR REPLACE INTO event_changes (event_id, deleted) VALUES (new.id, 0);"
     " END;"
     "CREATE TRIGGER events_change_ad AFTER DELETE ON events BEGIN"
     " INSERT OR REPLACE INTO event_changes (event_id, deleted) VALUES (old.id, 1);"
     " END;"},
    {6, "article roles, follow-ups of events, phase proposals",
     /* The detector's role of an article (NULL for articles stored before roles existed and
      * for community reports) and the cue that set it, so non-events can be told apart. */
     "ALTER TABLE articles ADD COLUMN role TEXT CHECK (role IS NULL OR role IN ('event',"
     " 'followup', 'prevention', 'crime', 'abroad', 'not_article', 'other'));"
     "ALTER TABLE articles ADD COLUMN role_cue TEXT;"
     "CREATE INDEX articles_role_idx ON articles(role, published);"
     /* Later news of an event (arrests, funerals, trials, peace): linked apart from
      * event_sources, so a follow-up never counts as a source and never changes the event.
      * article_date is the date the match used (published, else the article's event date). */
     "CREATE TABLE event_followups ("
     " event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
     " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
     " article_date TEXT,"
     " reconciliation INTEGER NOT NULL DEFAULT 0 CHECK (reconciliation IN (0, 1)),"
     " cue TEXT,"
     " why TEXT,"
     " score REAL NOT NULL DEFAULT 0,"
     " added_at INTEGER NOT NULL,"
     " PRIMARY KEY (event_id, article_id));"
     "CREATE INDEX event_followups_article_idx ON event_followups(article_id);"
     /* A proposed move of the event's case to another phase (today: pemulihan after a
      * reconciliation), made by ingest and decided by an officer. It sits on the event, so
      * a case opened from the event later shows it too. At most one open per event. */
     "CREATE TABLE phase_proposals ("
     " id INTEGER PRIMARY KEY,"
     " event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
     " article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,"
     " phase TEXT NOT NULL CHECK (phase IN ('pencegahan', 'penghentian', 'pemulihan')),"
     " note TEXT NOT NULL,"
     " state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'dismissed')),"
     " proposed_by TEXT NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL,"
     " decided_by TEXT,"
     " decided_at INTEGER,"
     " decision_note TEXT);"
     "CREATE UNIQUE INDEX phase_proposals_open_idx ON phase_proposals(event_id)"
     " WHERE state = 'open';"
     "CREATE INDEX phase_proposals_event_idx ON phase_proposals(event_id, id);"},
    {7, "alerts resting on unverified leads only (belum terverifikasi)",
     /* unverified: the engine's episode rests on hard rules fired by unverified leads alone;
      * such an alert is not escalated, not public and sent to no webhook until verified_at,
      * when an event behind it is verified (the escalation clock starts then). Alerts from
      * before are taken as verified from their creation. */
     "ALTER TABLE alerts ADD COLUMN unverified INTEGER NOT NULL DEFAULT 0"
     " CHECK (unverified IN (0, 1));"
     "ALTER TABLE alerts ADD COLUMN verified_at INTEGER;"
     "UPDATE alerts SET verified_at = created_at;"
     /* Two more history kinds, 'verified' and 'unverified' (the mark went or came back): a
      * CHECK cannot be altered in place, so the table is copied (nothing references it). */
     "CREATE TABLE alert_history_v7 ("
     " id INTEGER PRIMARY KEY,"
     " alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"
     " at INTEGER NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN ('opened', 'level', 'closed', 'reopened', 'retracted',"
     "  'ack', 'close', 'escalate', 'verified', 'unverified')),"
     " level TEXT,"
     " day TEXT,"
     " note TEXT,"
     " username TEXT NOT NULL);"
     "INSERT INTO alert_history_v7 (id, alert_id, at, kind, level, day, note, username)"
     " SELECT id, alert_id, at, kind, level, day, note, username FROM alert_history;"
     "DROP TABLE alert_history;"
     "ALTER TABLE alert_history_v7 RENAME TO alert_history;"
     "CREATE INDEX alert_history_alert_idx ON alert_history(alert_id, id);"},
    {8, "events imported from other datasets: their source and id there",
     /* `waspada import events`: an event from a dataset (SNPK, ACLED, UCDP) keeps the name
      * the importer gave the dataset and its id in it, the key that makes re-importing a file
      * change nothing. Both NULL for every other event; the partial index holds only the
      * imported ones (PostgreSQL has partial unique indexes too). */
     "ALTER TABLE events ADD COLUMN import_source TEXT;"
     "ALTER TABLE events ADD COLUMN import_id INTEGER;"
     "CREATE UNIQUE INDEX events_import_idx ON events(import_source, import_id)"
     " WHERE import_source IS NOT NULL;"},
    {9, "event lists in every scope and order from an index",
     /* GET /events pages in one of three orders (date, confidence, created; each then id, the
      * index's implicit last column) in one of three scopes (national, a province by
      * province_code, a regency by region_code). Date had its index in each scope since v3;
      * confidence and created had one nationally only, so a province's or a regency's list
      * sorted all its events on every page. */
     "CREATE INDEX events_province_confidence_idx ON events(province_code, confidence);"
     "CREATE INDEX events_region_confidence_idx ON events(region_code, confidence);"
     "CREATE INDEX events_province_created_idx ON events(province_code, created_at);"
     "CREATE INDEX events_region_created_idx ON events(region_code, created_at);"},
    {10, "event lists of a category or status inside a scope from an index",
     /* A province's or regency's list of one category or status, in date order: v9 walked
      * the scope's date index past every other category (a province at a million events
      * holds some 50,000, and a total counts up to 1000 matches: a status nobody has read
      * all of them). Each index here is a second or so of a million-event import. */
     "CREATE INDEX events_province_category_idx ON events(province_code, category, event_date);"
     "CREATE INDEX events_region_category_idx ON events(region_code, category, event_date);"
     "CREATE INDEX events_province_status_idx ON events(province_code, status, event_date);"
     "CREATE INDEX events_region_status_idx ON events(region_code, status, event_date);"},
    {11, "throttle state shared by the servers of one database",
     /* The login counters and write buckets of auth (auth.h), one row a key (store/throttle.c
      * says which), so that the servers of one PostgreSQL database count an attacker's
      * attempts together and a restart forgets nothing. n, t1_ms, t2_ms hold the fields of
      * the key's state; times are wall-clock milliseconds. expires_ms: from then on the row
      * means what no row means (a new, zero state), so it may be deleted; the index finds
      * those. A SQLite server keeps this state in memory (one server per file). */
     "CREATE TABLE throttle ("
     " key TEXT NOT NULL PRIMARY KEY,"
     " n INTEGER NOT NULL DEFAULT 0,"
     " t1_ms INTEGER NOT NULL DEFAULT 0,"
     " t2_ms INTEGER NOT NULL DEFAULT 0,"
     " expires_ms INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX throttle_expires_idx ON throttle(expires_ms);"},
    {12, "news of written events and alert changes for the servers of one database",
     /* PostgreSQL only: statement triggers NOTIFY the servers (LISTEN, store_wait_news) when
      * the event change feed or the alert history grows, so they follow at once instead of
      * at their next poll. A SQLite database has one server, which polls. */
     "SELECT 1"},
    {13, "P3AKS: services for women and child victims, safe public spaces, sealed fields",
     /* A need of a named victim and the service that answers it (issue 14): type, provider,
      * status dibutuhkan -> dirujuk -> diterima -> selesai, or ditolak with a reason (the
      * rules are src/p3aks); the day of each step, "YYYY-MM-DD". note and refusal_reason are
      * sealed like the victim's name (store_bind_sealed). A victim's services go with it. */
     "CREATE TABLE victim_services ("
     " id INTEGER PRIMARY KEY,"
     " victim_id INTEGER NOT NULL REFERENCES case_victims(id) ON DELETE CASCADE,"
     " type TEXT NOT NULL CHECK (type IN ('kesehatan', 'psikososial', 'bantuan_hukum',"
     "  'rumah_aman', 'pendidikan', 'pemulangan', 'reintegrasi', 'lainnya')),"
     " provider TEXT NOT NULL DEFAULT '',"
     " status TEXT NOT NULL DEFAULT 'dibutuhkan' CHECK (status IN ('dibutuhkan', 'dirujuk',"
     "  'diterima', 'selesai', 'ditolak')),"
     " needed_on TEXT NOT NULL,"
     " referred_on TEXT,"
     " received_on TEXT,"
     " completed_on TEXT,"
     " refused_on TEXT,"
     " refusal_reason TEXT,"
     " note TEXT,"
     " created_at INTEGER NOT NULL,"
     " created_by TEXT NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX victim_services_victim_idx ON victim_services(victim_id);"
     "CREATE INDEX victim_services_status_idx ON victim_services(status, referred_on);"
     /* Ruang publik ramah perempuan dan anak: region_code is the regency (or province) whose
      * plan it belongs to, village_code the desa/kelurahan where it is; action_id the RAD
      * P3AKS action that builds or runs it. */
     "CREATE TABLE safe_spaces ("
     " id INTEGER PRIMARY KEY,"
     " region_code TEXT NOT NULL REFERENCES regions(code),"
     " village_code TEXT REFERENCES regions(code),"
     " name TEXT NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN ('ruang_bermain_ramah_anak', 'taman',"
     "  'pusat_pembelajaran_keluarga', 'pos_pelayanan', 'balai_warga', 'rumah_ibadah',"
     "  'sekolah', 'lainnya')),"
     " status TEXT NOT NULL DEFAULT 'direncanakan' CHECK (status IN ('direncanakan', 'aktif',"
     "  'tidak_aktif')),"
     " action_id INTEGER REFERENCES rad_actions(id) ON DELETE SET NULL,"
     " latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),"
     " longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),"
     " notes TEXT,"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX safe_spaces_region_idx ON safe_spaces(region_code);"
     "CREATE INDEX safe_spaces_action_idx ON safe_spaces(action_id);"
     /* One row once personal fields are sealed (src/seal): the fingerprint of the key that
      * seals them and a sealed known text, so a server given no key or another key refuses
      * to start instead of writing fields nobody can open. */
     "CREATE TABLE seal_state ("
     " id INTEGER PRIMARY KEY CHECK (id = 1),"
     " key_id TEXT NOT NULL,"
     " verifier TEXT NOT NULL,"
     " updated_at INTEGER NOT NULL);"},
    {14, "responses to alerts: the RAD actions activated, a note, who and when",
     /* An officer's response to an alert (issue 16): who, when, a note, and the approved RAD
      * actions it activated, one row each in a table of their own rather than a JSON list, so
      * the database keeps every id a real action (a foreign key on both engines) and "which
      * alerts activated this action, which OPD acted" is a plain join. Each activated action
      * keeps its phase, kegiatan and OPD as they read when it was activated. */
     "CREATE TABLE alert_responses ("
     " id INTEGER PRIMARY KEY,"
     " alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"
     " note TEXT,"
     " username TEXT NOT NULL,"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX alert_responses_alert_idx ON alert_responses(alert_id, created_at);"
     "CREATE TABLE alert_response_actions ("
     " id INTEGER PRIMARY KEY,"
     " response_id INTEGER NOT NULL REFERENCES alert_responses(id) ON DELETE CASCADE,"
     " action_id INTEGER REFERENCES rad_actions(id) ON DELETE SET NULL,"
     " phase TEXT NOT NULL,"
     " kegiatan TEXT NOT NULL,"
     " opd TEXT NOT NULL,"
     " UNIQUE (response_id, action_id));"
     "CREATE INDEX alert_response_actions_action_idx ON alert_response_actions(action_id);"
     /* One more history kind, 'response': the table is copied as in version 7. */
     "CREATE TABLE alert_history_v14 ("
     " id INTEGER PRIMARY KEY,"
     " alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"
     " at INTEGER NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN ('opened', 'level', 'closed', 'reopened', 'retracted',"
     "  'ack', 'close', 'escalate', 'verified', 'unverified', 'response')),"
     " level TEXT,"
     " day TEXT,"
     " note TEXT,"
     " username TEXT NOT NULL);"
     "INSERT INTO alert_history_v14 (id, alert_id, at, kind, level, day, note, username)"
     " SELECT id, alert_id, at, kind, level, day, note, username FROM alert_history;"
     "DROP TABLE alert_history;"
     "ALTER TABLE alert_history_v14 RENAME TO alert_history;"
     "CREATE INDEX alert_history_alert_idx ON alert_history(alert_id, id);"},
    {15, "field messages in: intake channels, reporters' phones, messages and leads",
     /* Issue 16, item 3 (src/intake, store/intake.c). A channel is a gateway posting SMS or
      * WhatsApp messages, with the secret that signs them (sealed: the server needs it to
      * check each MAC). phone_key holds the key of the phones' lookup hashes, 32 random
      * bytes in hex, sealed like a personal field: a copy of the database without the key
      * file cannot test the few billion possible numbers against phone_hash. A reporter's
      * phone is sealed for display and keyed-hashed for lookup (one user per number).
      * intake_messages keeps the first answer to each gateway message id, so a resend gets
      * it again and stores nothing. A message from a number nobody registered is an
      * unverified lead (never public): its number sealed, its region when it gave a code. */
     "CREATE TABLE intake_channels ("
     " id INTEGER PRIMARY KEY,"
     " name TEXT NOT NULL UNIQUE,"
     " secret TEXT,"
     " rate_per_minute INTEGER NOT NULL DEFAULT 60 CHECK (rate_per_minute >= 0),"
     " disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE TABLE phone_key ("
     " id INTEGER PRIMARY KEY CHECK (id = 1),"
     " key TEXT,"
     " created_at INTEGER NOT NULL);"
     "CREATE TABLE user_phones ("
     " id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
     " phone TEXT,"
     " phone_hash TEXT NOT NULL UNIQUE,"
     " updated_at INTEGER NOT NULL);"
     "CREATE TABLE intake_leads ("
     " id INTEGER PRIMARY KEY,"
     " channel_id INTEGER NOT NULL REFERENCES intake_channels(id),"
     " phone TEXT,"
     " phone_hash TEXT NOT NULL,"
     " region_code TEXT REFERENCES regions(code),"
     " text TEXT NOT NULL,"
     " via TEXT,"
     " received_at INTEGER NOT NULL,"
     " status TEXT NOT NULL DEFAULT 'baru' CHECK (status IN ('baru', 'dipromosikan',"
     "  'dibuang')),"
     " report_id INTEGER REFERENCES reports(id),"
     " decided_by TEXT,"
     " decided_at INTEGER,"
     " note TEXT,"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX intake_leads_status_idx ON intake_leads(status, region_code);"
     "CREATE INDEX intake_leads_phone_idx ON intake_leads(phone_hash);"
     "CREATE TABLE intake_messages ("
     " id INTEGER PRIMARY KEY,"
     " channel_id INTEGER NOT NULL REFERENCES intake_channels(id),"
     " message_id TEXT NOT NULL,"
     " status INTEGER NOT NULL,"
     " answer TEXT NOT NULL,"
     " report_id INTEGER REFERENCES reports(id),"
     " lead_id INTEGER REFERENCES intake_leads(id),"
     " created_at INTEGER NOT NULL,"
     " UNIQUE (channel_id, message_id));"},
};

int store_schema_latest(void)
{
    return migrations[WSP_ARRAY_LEN(migrations) - 1].version;
}

int store_schema_version(struct store *s, int *version, struct error *err)
{
    *version = 0;
    struct db_stmt *st;
    int rc =
        stmt_get(s, STMT_HAS_MIGRATIONS,
                 s->engine == DB_SQLITE ? "SELECT COUNT(*) FROM sqlite_master"
                                          " WHERE type = 'table' AND name = 'schema_migrations'"
                                        : "SELECT COUNT(*) FROM information_schema.tables"
                                          " WHERE table_schema = current_schema()"
                                          " AND table_name = 'schema_migrations'",
                 &st, err);
    if (rc != 0)
        return rc;
    rc = db_step(st);
    int have = rc == DB_ROW ? (int)db_column_int64(st, 0) : 0;
    stmt_done(st);
    if (rc != DB_ROW)
        return store_fail(s, rc, err, "read schema version", NULL, NULL);
    if (!have)
        return 0;

    rc = stmt_get(s, STMT_VERSION, "SELECT MAX(version) FROM schema_migrations", &st, err);
    if (rc != 0)
        return rc;
    rc = db_step(st);
    if (rc == DB_ROW)
        *version = (int)db_column_int64(st, 0); /* NULL (no rows) reads as 0 */
    stmt_done(st);
    if (rc != DB_ROW)
        return store_fail(s, rc, err, "read schema version", NULL, NULL);
    return 0;
}

static int check_not_newer(int version, struct error *err)
{
    if (version > store_schema_latest())
        return error_set(err, WSP_EINVAL,
                         "database schema version %d is newer than this program supports "
                         "(%d): upgrade waspada",
                         version, store_schema_latest());
    return 0;
}

static int apply_one(struct store *s, const struct migration *m, struct error *err)
{
    int rc = store_begin(s, err);
    if (rc != 0)
        return rc;

    /* Read the version again under the write lock: another process may have migrated
     * between our first look and BEGIN IMMEDIATE. PostgreSQL's BEGIN takes no lock: a
     * transaction-scoped advisory lock serialises the nodes that start together. */
    if (s->engine == DB_POSTGRES) {
        int src = db_exec(s->db, "SELECT pg_advisory_xact_lock(" STORE_PG_LOCK_MIGRATE ")");
        if (src != DB_OK)
            rc = store_fail(s, src, err, "lock the schema for a migration", NULL, NULL);
    }
    int version = 0;
    if (rc == 0)
        rc = store_schema_version(s, &version, err);
    if (rc == 0)
        rc = check_not_newer(version, err);
    if (rc != 0 || version >= m->version)
        goto out;

    const char *sql = m->sql;
    if (s->engine == DB_POSTGRES && !(sql = store_migration_pg_sql(m->version))) {
        rc = error_set(err, WSP_EINTERNAL, "migration %d ('%s') has no PostgreSQL text", m->version,
                       m->description);
        goto out;
    }
    int src =
        db_exec(s->db, s->engine == DB_SQLITE ? "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                                " version INTEGER PRIMARY KEY,"
                                                " description TEXT NOT NULL,"
                                                " applied_at INTEGER NOT NULL)"
                                              : "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                                " version BIGINT PRIMARY KEY,"
                                                " description TEXT NOT NULL,"
                                                " applied_at BIGINT NOT NULL)");
    if (src == DB_OK)
        src = db_exec(s->db, sql);
    if (src != DB_OK) {
        rc = error_set(err, src == DB_EBUSY ? WSP_EBUSY : WSP_EDB, "migration %d ('%s'): %s",
                       m->version, m->description, db_errmsg(s->db));
        goto out;
    }

    struct db_stmt *st;
    rc = stmt_get(s, STMT_MIGRATION_INSERT,
                  "INSERT INTO schema_migrations (version, description, applied_at)"
                  " VALUES (?1, ?2, ?3)",
                  &st, err);
    if (rc != 0)
        goto out;
    db_bind_int64(st, 1, m->version);
    stmt_bind_text(st, 2, m->description);
    db_bind_int64(st, 3, time_now());
    src = db_step(st);
    stmt_done(st);
    if (src != DB_DONE)
        rc = store_fail(s, src, err, "record migration", NULL, NULL);
out:
    if (rc == 0) {
        rc = store_commit(s, err);
        if (rc == 0 && version < m->version)
            LOG_I("store", "applied migration %d (%s)", m->version, m->description);
    } else {
        store_rollback(s);
    }
    return rc;
}

int store_migrate(struct store *s, int target, struct error *err)
{
    if (target < 0 || target > store_schema_latest())
        return error_set(err, WSP_EINVAL, "unknown schema version '%d' (latest is %d)", target,
                         store_schema_latest());
    if (s->depth != 0)
        return error_set(err, WSP_EINVAL, "cannot migrate inside a transaction");

    int version;
    int rc = store_schema_version(s, &version, err);
    if (rc != 0)
        return rc;
    rc = check_not_newer(version, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < WSP_ARRAY_LEN(migrations) && rc == 0; i++) {
        const struct migration *m = &migrations[i];
        if (m->version > version && m->version <= target)
            rc = apply_one(s, m, err);
    }
    return rc;
}
