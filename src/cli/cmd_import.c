/* waspada import rad: import a RAD action matrix from CSV (libcsv), all or nothing.
 * waspada import events: historical events from JSON Lines, all or nothing, idempotent. */
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>
#include <jansson.h>

#include "cli/cli.h"
#include "geo/geo.h"
#include "plan/plan.h"
#include "store/store.h"
#include "warn/warn.h"

static const char rad_usage[] =
    "usage: waspada import rad --region CODE --year YEAR --type pks|p3aks [--title TEXT] FILE.csv\n"
    "\n"
    "Import the action matrix of a regional action plan (RAD). The first row names the\n"
    "columns, in any order: fase, program, kegiatan, indikator, target, satuan, anggaran,\n"
    "sumber_dana, opd, instansi_terkait, fokus, p3aks (ya/tidak), mulai, selesai (YYYY-MM-DD).\n"
    "Values: fase is pencegahan, penghentian or pemulihan; anggaran is whole rupiah\n"
    "(150000000 or 150.000.000); target may use a decimal comma; fokus is konflik_faktual,\n"
    "potensi_konflik or a lower-case theme such as covid19. Comma or semicolon separated.\n"
    "\n"
    "Every row is checked before anything is written: on any error each problem is printed\n"
    "as 'baris N, kolom K: ...' and nothing changes (exit 3). A new plan is created as draft;\n"
    "an existing draft or returned (dikembalikan) plan has its actions replaced; a submitted\n"
    "or approved plan is refused (exit 5).\n"
    "\n"
    "  --region CODE  province or regency/city code (e.g. 32 or 32.73)\n"
    "  --year YEAR    plan year\n"
    "  --type TYPE    pks (social conflict handling) or p3aks (women and children)\n"
    "  --title TEXT   title of a new plan (default 'RAD <TYPE> <region name> <year>')\n";

static const char events_usage[] =
    "usage: waspada import events [--source NAME] FILE.jsonl\n"
    "\n"
    "Import historical conflict events (SNPK, ACLED or UCDP exports converted to JSON Lines),\n"
    "one per line in the format of 'waspada warn backtest --events':\n"
    "  {\"id\": 7, \"region_code\": \"72.02\", \"date\": \"2000-05-23\", \"killed\": 3,\n"
    "   \"injured\": 0, \"category\": \"identity_religious_ethnic\", \"verified\": true,\n"
    "   \"source_url\": \"https://example.org/ged/7\"}\n"
    "id (a whole number >= 1, once per file), region_code (an official code of a province,\n"
    "regency or finer) and date (YYYY-MM-DD, from 1945-01-01 on) are required; category\n"
    "(default none), killed and injured (default 0), verified (default true),\n"
    "house_of_worship (default false) and source_url (http or https) are optional. Empty\n"
    "lines are skipped; FILE '-' reads standard input.\n"
    "\n"
    "Every line is checked before anything is written: on any error each problem is printed\n"
    "as 'baris N: ...' and nothing changes (exit 3). The events are then written in one\n"
    "transaction with one audit row (event.import). Importing is idempotent on source and id:\n"
    "the same file again changes nothing, a changed line updates its event. Verified events\n"
    "count as verified for early warning, the others as leads; an officer's later decisions\n"
    "(ditolak, dalam_penanganan, selesai) are kept.\n"
    "\n"
    "  --source NAME  the dataset the ids belong to (default 'import'): 1..32 of a-z, 0-9,\n"
    "                 '.', '_', '-', e.g. snpk, acled, ucdp-ged\n";

#define MAX_ERRORS 50
#define MAX_ROWS 10000
#define MAX_FILE (32u << 20)

/* A file with nerr problems (the first MAX_ERRORS printed already): nothing is imported. */
static int refuse_file(const char *file, size_t nerr)
{
    if (nerr > MAX_ERRORS)
        fprintf(stderr, "waspada: %s: ... dan %zu kesalahan lain\n", file, nerr - MAX_ERRORS);
    return cli_error(WSP_EINVAL,
                     "%s: %zu kesalahan; tidak ada yang disimpan (perbaiki lalu impor ulang)", file,
                     nerr);
}

struct csv_rows {
    char ***rows;
    size_t *nfields;
    size_t n, cap;
    char **cur;
    size_t ncur, capcur;
    bool too_many;
};

static void on_field(void *s, size_t len, void *data)
{
    struct csv_rows *r = data;
    if (r->ncur == r->capcur) {
        r->capcur = r->capcur ? r->capcur * 2 : 16;
        r->cur = xrealloc(r->cur, r->capcur * sizeof(*r->cur));
    }
    r->cur[r->ncur++] = xstrndup(s ? s : "", s ? len : 0);
}

static void on_row(int c, void *data)
{
    WSP_UNUSED(c);
    struct csv_rows *r = data;
    if (r->n >= MAX_ROWS + 1) {
        r->too_many = true;
        for (size_t i = 0; i < r->ncur; i++)
            free(r->cur[i]);
        free(r->cur);
    } else {
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 64;
            r->rows = xrealloc(r->rows, r->cap * sizeof(*r->rows));
            r->nfields = xrealloc(r->nfields, r->cap * sizeof(*r->nfields));
        }
        r->rows[r->n] = r->cur;
        r->nfields[r->n] = r->ncur;
        r->n++;
    }
    r->cur = NULL;
    r->ncur = r->capcur = 0;
}

static void rows_free(struct csv_rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        for (size_t j = 0; j < r->nfields[i]; j++)
            free(r->rows[i][j]);
        free(r->rows[i]);
    }
    for (size_t j = 0; j < r->ncur; j++)
        free(r->cur[j]);
    free(r->cur);
    free(r->rows);
    free(r->nfields);
}

static int read_file(const char *path, char **out, size_t *len, struct error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return error_set(err, WSP_ENOTFOUND, "cannot open '%s'", path);
    struct buf b;
    buf_init(&b, MAX_FILE);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || b.oom) {
        buf_release(&b);
        return error_set(err, bad ? WSP_EIO : WSP_ETOOBIG, "cannot read '%s'%s", path,
                         bad ? "" : ": file over 32 MiB");
    }
    *out = buf_detach(&b, len);
    return 0;
}

static int parse_csv(const char *data, size_t len, struct csv_rows *rows, struct error *err)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return error_set(err, WSP_ENOMEM, "cannot start the CSV parser");
    /* Spreadsheets with a decimal comma (Indonesian locale) export ';'-separated files. */
    size_t first = strcspn(data, "\n");
    size_t commas = 0, semis = 0;
    for (size_t i = 0; i < first; i++) {
        commas += data[i] == ',';
        semis += data[i] == ';';
    }
    if (semis > commas)
        csv_set_delim(&p, ';');
    int rc = 0;
    if (csv_parse(&p, data, len, on_field, on_row, rows) != len ||
        csv_fini(&p, on_field, on_row, rows) != 0)
        rc = error_set(err, WSP_EINVAL, "berkas CSV tidak sah: %s", csv_strerror(csv_error(&p)));
    csv_free(&p);
    if (!rc && rows->too_many)
        rc = error_set(err, WSP_ETOOBIG, "berkas berisi lebih dari %d baris kegiatan", MAX_ROWS);
    return rc;
}

static int import_rad(struct cli_ctx *ctx, const char *region, long year, const char *type,
                      const char *title, const char *file)
{
    struct error err = {0};
    char *data = NULL;
    size_t len = 0;
    struct csv_rows rows = {0};
    struct store *s = NULL;
    struct store_rad_action *acts = NULL;
    struct arena arena;
    arena_init(&arena, 0);
    int code = CLI_OK;

    int rc = read_file(file, &data, &len, &err);
    if (!rc)
        rc = parse_csv(data, len, &rows, &err);
    if (!rc)
        rc = cli_store_open(ctx, CLI_KEY_USE, false, &s, &err);
    const char *region_name = NULL;
    if (!rc)
        rc = store_region_name(s, region, &arena, &region_name, &err);
    if (rc == WSP_ENOTFOUND && s)
        rc = error_set(&err, WSP_EINVAL, "unknown region '%s'", region);
    if (rc) {
        code = cli_error(rc, "%s", err.msg);
        goto out;
    }
    if (rows.n == 0) {
        code = cli_error(WSP_EINVAL, "%s: berkas kosong (baris 1 harus berisi nama kolom)", file);
        goto out;
    }
    struct plan_csv_map map;
    if (plan_csv_header((const char *const *)rows.rows[0], rows.nfields[0], &map, &err) != 0) {
        code = cli_error(WSP_EINVAL, "%s: %s", file, err.msg);
        goto out;
    }
    if (rows.n == 1) {
        code = cli_error(WSP_EINVAL, "%s: tidak ada baris kegiatan setelah baris 1", file);
        goto out;
    }
    acts = xcalloc(rows.n, sizeof(*acts));
    size_t nerr = 0;
    for (size_t i = 1; i < rows.n; i++) {
        struct plan_action_in in;
        error_clear(&err);
        if (plan_csv_row(i + 1, (const char *const *)rows.rows[i], rows.nfields[i], &map, (int)year,
                         &in, &err) != 0) {
            if (nerr < MAX_ERRORS)
                fprintf(stderr, "waspada: %s: %s\n", file, err.msg);
            nerr++;
            continue;
        }
        struct store_rad_action *a = &acts[i - 1];
        a->phase = in.phase;
        a->program = in.program;
        a->kegiatan = in.kegiatan;
        a->indikator = in.indikator;
        a->target = in.target;
        a->unit = in.unit;
        a->anggaran = in.anggaran;
        a->sumber_dana = in.sumber_dana;
        a->opd = in.opd;
        a->instansi_terkait = in.instansi_terkait;
        a->focus = in.focus;
        a->p3aks = in.p3aks;
        a->start_date = in.start;
        a->end_date = in.end;
    }
    if (nerr > 0) {
        code = refuse_file(file, nerr);
        goto out;
    }
    char deftitle[256];
    snprintf(deftitle, sizeof(deftitle), "RAD %s %s %ld", str_eq(type, "pks") ? "PKS" : "P3AKS",
             region_name, year);
    struct store_rad r = {.region_code = region,
                          .year = (int)year,
                          .plan_type = type,
                          .title = title ? title : deftitle};
    const struct store_actor actor = {0, "cli", NULL};
    int64_t rad_id = 0;
    bool created = false;
    rc = store_rad_import(s, &r, acts, rows.n - 1, &actor, &rad_id, &created, &err);
    if (rc) {
        code = cli_error(rc, "%s", err.msg);
        goto out;
    }
    printf("plan %lld (%s %s %ld): %zu actions imported%s\n", (long long)rad_id, type, region, year,
           rows.n - 1, created ? ", new draft plan" : ", actions replaced");
out:
    free(acts);
    rows_free(&rows);
    free(data);
    store_close(s);
    arena_release(&arena);
    return code;
}

/* ---- import events ---------------------------------------------------------------------- */

#define EVENTS_DEFAULT_SOURCE "import"
#define URL_MAX 2048
/* warn_event_from_json gives a missing "id" the line number: read with this as the line
 * number, a missing id is told apart from any id this command accepts (>= 1). */
#define NO_ID LONG_MIN

/* Line numbers by source id, to refuse an id given twice (open addressing, grows at half). */
struct id_set {
    int64_t *ids;
    long *lines;
    size_t cap, n;
};

static size_t id_slot(const struct id_set *h, int64_t id)
{
    uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(x >> 17) & (h->cap - 1);
    while (h->lines[i] && h->ids[i] != id)
        i = (i + 1) & (h->cap - 1);
    return i;
}

/* 0 when added; else the line that had id first. */
static long id_set_add(struct id_set *h, int64_t id, long line)
{
    if (2 * (h->n + 1) > h->cap) {
        struct id_set g = {.cap = h->cap ? 2 * h->cap : 1024};
        g.ids = xcalloc(g.cap, sizeof(*g.ids));
        g.lines = xcalloc(g.cap, sizeof(*g.lines));
        for (size_t i = 0; i < h->cap; i++)
            if (h->lines[i]) {
                size_t j = id_slot(&g, h->ids[i]);
                g.ids[j] = h->ids[i];
                g.lines[j] = h->lines[i];
            }
        g.n = h->n;
        free(h->ids);
        free(h->lines);
        *h = g;
    }
    size_t i = id_slot(h, id);
    if (h->lines[i])
        return h->lines[i];
    h->ids[i] = id;
    h->lines[i] = line;
    h->n++;
    return 0;
}

static void id_set_release(struct id_set *h)
{
    free(h->ids);
    free(h->lines);
}

/* source_url of a line, when it has one: NULL and no error when absent or null. Only lines that
 * name the key pay for a second parse (a JSON string cannot hold the unescaped key). */
static int line_source_url(const char *line, size_t len, struct arena *a, const char **out,
                           struct error *err)
{
    *out = NULL;
    static const char key[] = "\"source_url\"";
    if (!memmem(line, len, key, sizeof(key) - 1))
        return 0;
    json_t *o = json_loadb(line, len, 0, NULL);
    json_t *v = json_object_get(o, "source_url");
    int rc = 0;
    if (v && !json_is_null(v)) {
        const char *u = json_string_value(v);
        if (!u || json_string_length(v) > URL_MAX ||
            !(str_starts_with(u, "http://") || str_starts_with(u, "https://")) ||
            strlen(u) != json_string_length(v))
            rc = error_set(err, WSP_EINVAL,
                           "\"source_url\" harus tautan http:// atau https:// (paling panjang %d "
                           "bita)",
                           URL_MAX);
        else if (!(*out = arena_strdup(a, u)))
            rc = error_set(err, WSP_ENOMEM, "out of memory");
    }
    json_decref(o);
    return rc;
}

/* The day of time_now(), for the plausible-date check. */
static int32_t today(void)
{
    int64_t t = time_now();
    return (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

/* Read one line into *row (strings in a; region codes are the gazetteer's). On a problem err
 * says what, without the line number. */
static int parse_event_line(const char *line, size_t len, const struct geo_gazetteer *g,
                            int32_t day_max, struct arena *a, struct store_event_import *row,
                            struct error *err)
{
    char region[WARN_CODE_MAX], cat[32];
    struct warn_event e;
    int rc = warn_event_from_json(line, len, NO_ID, &e, region, cat, err);
    if (rc) {
        /* "line N: msg" with N = NO_ID: keep msg */
        const char *colon = strstr(err->msg, ": ");
        if (colon) {
            char msg[sizeof(err->msg)];
            str_copy(msg, colon + 2, sizeof(msg));
            str_copy(err->msg, msg, sizeof(err->msg));
        }
        return rc;
    }
    if (e.id == NO_ID)
        return error_set(err, WSP_EINVAL, "\"id\" wajib ada (bilangan bulat >= 1)");
    if (e.id < 1)
        return error_set(err, WSP_EINVAL, "\"id\" %lld bukan bilangan bulat >= 1", (long long)e.id);
    const struct geo_region *r = geo_get(g, region);
    if (!r)
        return error_set(err, WSP_EINVAL,
                         "kode wilayah '%s' tidak ada dalam daftar wilayah Kemendagri", region);
    char date[16];
    warn_day_format(e.day, date, sizeof(date));
    if (!warn_event_day_plausible(e.day, day_max))
        return error_set(err, WSP_EINVAL, "tanggal %s di luar %s sampai hari ini", date,
                         WARN_EVENT_DAY_MIN);
    memset(row, 0, sizeof(*row));
    if ((rc = line_source_url(line, len, a, &row->source_url, err)))
        return rc;
    row->source_id = e.id;
    row->region_code = r->code;
    if (!(row->event_date = arena_strdup(a, date)))
        return error_set(err, WSP_ENOMEM, "out of memory");
    row->category = NULL; /* "none" */
    for (int i = 0; i < WARN_NCATEGORIES; i++)
        if (e.category && strcmp(e.category, warn_category_names[i]) == 0)
            row->category = warn_category_names[i];
    row->killed = e.killed;
    row->injured = e.injured;
    row->verified = e.verified;
    row->house_of_worship = (e.flags & WARN_F_HOUSE_OF_WORSHIP) != 0;
    return 0;
}

struct event_rows {
    struct store_event_import *items;
    size_t n, cap;
};

/* A problem on a line, kept to be printed in line order. */
struct line_error {
    long line;
    char msg[200];
};

/* A part of the file read and checked on its own thread: its rows (strings in its arena), the
 * line of each, and its first MAX_ERRORS problems. Lines are counted from the part's start. */
struct read_part {
    const char *start, *end;
    const struct geo_gazetteer *g;
    int32_t day_max;
    struct event_rows rows;
    long *lines;
    struct arena arena;
    struct line_error errs[MAX_ERRORS];
    size_t nerr, nlines;
    int rc; /* WSP_ENOMEM only: a bad line is a problem, not a failure */
    struct error err;
};

static void part_problem(struct read_part *p, long line, const char *msg)
{
    if (p->nerr < MAX_ERRORS) {
        p->errs[p->nerr].line = line;
        str_copy(p->errs[p->nerr].msg, msg, sizeof(p->errs[p->nerr].msg));
    }
    p->nerr++;
}

static void *read_part_main(void *arg)
{
    struct read_part *p = arg;
    size_t cap = 0;
    for (const char *line = p->start; line < p->end && p->rc == 0;) {
        const char *nl = memchr(line, '\n', (size_t)(p->end - line));
        const char *next = nl ? nl + 1 : p->end;
        size_t len = (size_t)((nl ? nl : p->end) - line);
        long lineno = (long)++p->nlines;
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
            len--;
        if (len > 0) {
            if (p->rows.n == cap) {
                cap = cap ? 2 * cap : 4096;
                p->rows.items = xrealloc(p->rows.items, cap * sizeof(*p->rows.items));
                p->lines = xrealloc(p->lines, cap * sizeof(*p->lines));
            }
            struct error e = {0};
            int rc = parse_event_line(line, len, p->g, p->day_max, &p->arena,
                                      &p->rows.items[p->rows.n], &e);
            if (rc == WSP_ENOMEM)
                p->rc = error_set(&p->err, rc, "%s", e.msg);
            else if (rc)
                part_problem(p, lineno, e.msg);
            else
                p->lines[p->rows.n++] = lineno;
        }
        line = next;
    }
    return NULL;
}

static int cmp_line_error(const void *a, const void *b)
{
    long x = ((const struct line_error *)a)->line, y = ((const struct line_error *)b)->line;
    return (x > y) - (x < y);
}

/* The whole of file (or standard input) in *data: mapped when it is a regular file. */
static int slurp(const char *file, char **data, size_t *len, bool *mapped, struct error *err)
{
    *mapped = false;
    int fd = str_eq(file, "-") ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, WSP_ENOTFOUND, "cannot open '%s'", file);
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
            *data = m;
            *len = (size_t)st.st_size;
            *mapped = true;
            if (fd != STDIN_FILENO)
                close(fd);
            return 0;
        }
    }
    struct buf b;
    buf_init(&b, 0);
    char chunk[1 << 16];
    ssize_t got;
    while ((got = read(fd, chunk, sizeof(chunk))) > 0)
        buf_append(&b, chunk, (size_t)got);
    if (fd != STDIN_FILENO)
        close(fd);
    if (got < 0 || b.oom) {
        buf_release(&b);
        return error_set(err, WSP_EIO, "cannot read '%s'", file);
    }
    *len = b.len;
    *data = b.data ? b.data : xstrdup(""); /* an empty file: no NULL + 0 later */
    return 0;
}

#define READ_PARTS_MAX 4
#define READ_PART_MIN (1u << 20) /* a smaller file is read on one thread */

/* Read and check every line of file, in parts on up to as many threads as there are cores
 * (a million events: 4.3 s on one, 2.3 s on two); print each problem (up to MAX_ERRORS, in
 * line order) as "waspada: FILE: baris N: ..." and count them in *nerr. The rows' strings are
 * in the parts' arenas, released by read_parts_release. */
struct read_parts {
    struct read_part part[READ_PARTS_MAX];
    size_t n;
};

static void read_parts_release(struct read_parts *rp)
{
    for (size_t i = 0; i < rp->n; i++) {
        free(rp->part[i].rows.items);
        free(rp->part[i].lines);
        arena_release(&rp->part[i].arena);
    }
    rp->n = 0;
}

static int read_events(const char *file, const struct geo_gazetteer *g, struct read_parts *rp,
                       struct event_rows *rows, size_t *nerr, struct error *err)
{
    char *data = NULL;
    size_t len = 0;
    bool mapped = false;
    int rc = slurp(file, &data, &len, &mapped, err);
    if (rc)
        return rc;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = len < 2 * READ_PART_MIN || cores < 2 ? 1
               : cores < READ_PARTS_MAX             ? (size_t)cores
                                                    : READ_PARTS_MAX;
    int32_t day_max = today();
    const char *at = data, *end = data + len;
    rp->n = n;
    for (size_t i = 0; i < n; i++) {
        struct read_part *p = &rp->part[i];
        memset(p, 0, sizeof(*p));
        arena_init(&p->arena, 0);
        p->g = g;
        p->day_max = day_max;
        p->start = at;
        /* each part ends after a newline (the last at the end of the file) */
        const char *cut = i + 1 == n ? end : data + len / n * (i + 1);
        if (cut < at)
            cut = at;
        const char *nl = cut < end ? memchr(cut, '\n', (size_t)(end - cut)) : NULL;
        p->end = i + 1 == n || !nl ? end : nl + 1;
        at = p->end;
    }
    pthread_t tids[READ_PARTS_MAX];
    bool started[READ_PARTS_MAX] = {false};
    for (size_t i = 1; i < n; i++)
        started[i] = pthread_create(&tids[i], NULL, read_part_main, &rp->part[i]) == 0;
    read_part_main(&rp->part[0]);
    for (size_t i = 1; i < n; i++) {
        if (started[i])
            pthread_join(tids[i], NULL);
        else
            read_part_main(&rp->part[i]);
    }
    /* the rows in file order, each part's lines counted on from the last; ids once per file */
    struct line_error *errs = xcalloc(MAX_ERRORS * (n + 1), sizeof(*errs));
    size_t kept = 0, total = 0, dups = 0, cap = 0;
    long base = 0;
    struct id_set ids = {0};
    for (size_t i = 0; i < n; i++) {
        struct read_part *p = &rp->part[i];
        if (p->rc && !rc)
            rc = error_set(err, p->rc, "%s", p->err.msg);
        for (size_t k = 0; k < p->nerr && k < MAX_ERRORS; k++) {
            errs[kept] = p->errs[k];
            errs[kept++].line += base;
        }
        total += p->nerr;
        if (rows->n + p->rows.n > cap) {
            cap = rows->n + p->rows.n;
            rows->items = xrealloc(rows->items, (cap ? cap : 1) * sizeof(*rows->items));
        }
        for (size_t k = 0; k < p->rows.n; k++) {
            long line = base + p->lines[k];
            long first = id_set_add(&ids, p->rows.items[k].source_id, line);
            if (first) {
                if (dups < MAX_ERRORS) {
                    struct line_error *e = &errs[MAX_ERRORS * n + dups];
                    e->line = line;
                    snprintf(e->msg, sizeof(e->msg), "\"id\" %lld sudah ada di baris %ld",
                             (long long)p->rows.items[k].source_id, first);
                }
                dups++;
                continue;
            }
            rows->items[rows->n++] = p->rows.items[k];
        }
        base += (long)p->nlines;
    }
    id_set_release(&ids);
    size_t ndup = dups < MAX_ERRORS ? dups : MAX_ERRORS;
    memmove(errs + kept, errs + MAX_ERRORS * n, ndup * sizeof(*errs));
    kept += ndup;
    total += dups;
    qsort(errs, kept, sizeof(*errs), cmp_line_error);
    for (size_t k = 0; k < kept && k < MAX_ERRORS && !rc; k++)
        fprintf(stderr, "waspada: %s: baris %ld: %s\n", file, errs[k].line, errs[k].msg);
    free(errs);
    *nerr = total;
    if (mapped)
        munmap(data, len);
    else
        free(data);
    return rc;
}

static int import_events(struct cli_ctx *ctx, const char *source, const char *file)
{
    struct error err = {0};
    struct geo_gazetteer *g = NULL;
    struct store *s = NULL;
    struct event_rows rows = {0};
    struct read_parts parts = {0};
    int code = CLI_OK;
    size_t nerr = 0, regions = 0;

    int rc = cli_store_open(ctx, CLI_KEY_USE, false, &s, &err);
    if (!rc)
        rc = store_region_count(s, 0, &regions, &err);
    if (!rc && regions == 0)
        rc = error_set(&err, WSP_EINVAL,
                       "database '%s' has no regions: run 'waspada --db %s init' first",
                       ctx->cfg.db, ctx->cfg.db);
    if (!rc)
        rc = geo_load(&g, &err);
    int64_t t0 = time_mono_ms();
    struct cli_progress progress;
    progress_line_init(&progress.line, stderr);
    progress_line_show(&progress.line, true, "import: reading and checking %s", file);
    if (!rc)
        rc = read_events(file, g, &parts, &rows, &nerr, &err);
    progress_line_clear(&progress.line);
    LOG_D("import", "%s: read and checked in %" PRId64 " ms", file, time_mono_ms() - t0);
    if (rc) {
        code = cli_error(rc, "%s", err.msg);
        goto out;
    }
    if (nerr > 0) {
        code = refuse_file(file, nerr);
        goto out;
    }
    const struct store_actor actor = {0, "cli", NULL};
    struct store_import_stats st;
    cli_progress_start(&progress, s, "import");
    rc = store_event_import(s, source, file, rows.items, rows.n, &actor, &st, &err);
    cli_progress_end(&progress, s);
    if (rc) {
        code = cli_error(rc, "%s: %s", file, err.msg);
        goto out;
    }
    printf("%s: %zu events from '%s': %zu new, %zu updated, %zu unchanged\n", file, rows.n, source,
           st.inserted, st.updated, st.unchanged);
out:
    free(rows.items);
    read_parts_release(&parts);
    geo_free(g);
    store_close(s);
    return code;
}

static int cmd_import_events(struct cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"source", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *source = EVENTS_DEFAULT_SOURCE;
    int c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            source = optarg;
            break;
        case 'h':
            fputs(events_usage, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("import", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("import", "events needs exactly one JSON Lines file");
    if (!store_import_source_valid(source))
        return cli_usage_error(
            "import", "--source '%s' is not a name of 1..32 of a-z, 0-9, '.', '_', '-'", source);
    return import_events(ctx, source, argv[optind]);
}

int cmd_import(struct cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2 || str_eq(argv[1], "--help") || str_eq(argv[1], "-h")) {
        if (argc >= 2) {
            printf("%s\n%s", rad_usage, events_usage);
            return CLI_OK;
        }
        return cli_usage_error("import", "missing what to import (rad or events)");
    }
    if (str_eq(argv[1], "events"))
        return cmd_import_events(ctx, argc - 1, argv + 1);
    if (!str_eq(argv[1], "rad"))
        return cli_usage_error("import", "unknown import '%s' (rad or events)", argv[1]);
    static const struct option opts[] = {
        {"region", required_argument, NULL, 'r'}, {"year", required_argument, NULL, 'y'},
        {"type", required_argument, NULL, 't'},   {"title", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *region = NULL, *year_s = NULL, *type = NULL, *title = NULL;
    int c;
    opterr = 0;
    optind = 0;
    argc--;
    argv++;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            region = optarg;
            break;
        case 'y':
            year_s = optarg;
            break;
        case 't':
            type = optarg;
            break;
        case 'T':
            title = optarg;
            break;
        case 'h':
            fputs(rad_usage, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("import", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (!region || !year_s || !type)
        return cli_usage_error("import", "rad needs --region, --year and --type");
    if (optind + 1 != argc)
        return cli_usage_error("import", "rad needs exactly one CSV file");
    long year;
    if (str_to_long(year_s, 2000, 2100, &year) != 0)
        return cli_usage_error("import", "--year '%s' is not a year (2000-2100)", year_s);
    if (!plan_type_valid(type))
        return cli_usage_error("import", "--type '%s' is not pks or p3aks", type);
    return import_rad(ctx, region, year, type, title, argv[optind]);
}
