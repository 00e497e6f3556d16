/*
 * libFuzzer target for the RAD CSV import: the file read with libcsv exactly as `waspada import
 * rad` reads it (strict quoting, ';' when the first line has more semicolons than commas),
 * then plan_csv_header on row 1 and plan_csv_row on every other row, and the number parsers
 * (plan_parse_rupiah, plan_parse_number) on every cell.
 *
 * Invariants: never crash or read out of bounds; the header map names each known column once,
 * inside the row; a row either fills a plan_action_in that keeps the rules (a known phase and
 * focus, target and anggaran from their cells, dates inside the plan year, start before end)
 * or fails with WSP_EINVAL and "baris N..." of its own line; every message is valid UTF-8 (the
 * operator reads it in a terminal); the number parsers agree with strtoll/strtod on what they
 * accept.
 */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "plan/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define MAX_ROWS 64 /* the CLI takes 10000; a few are enough to reach every rule */
#define YEAR 2026

struct rows {
    char **cells[MAX_ROWS];
    size_t ncells[MAX_ROWS];
    size_t n;
    char **cur;
    size_t ncur, cap;
};

static void on_field(void *s, size_t len, void *ctx)
{
    struct rows *r = ctx;
    if (r->ncur == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->cur = xrealloc(r->cur, r->cap * sizeof(*r->cur));
    }
    r->cur[r->ncur++] = xstrndup(s ? s : "", s ? len : 0);
}

static void free_cells(char **cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(cells[i]);
    free(cells);
}

static void on_row(int c, void *ctx)
{
    WSP_UNUSED(c);
    struct rows *r = ctx;
    if (r->n < MAX_ROWS) {
        r->cells[r->n] = r->cur;
        r->ncells[r->n] = r->ncur;
        r->n++;
    } else {
        free_cells(r->cur, r->ncur);
    }
    r->cur = NULL;
    r->ncur = r->cap = 0;
}

static void check_msg(const struct error *err, int rc)
{
    CHECK(err->code == rc);
    CHECK(strlen(err->msg) > 0);
    CHECK(utf8_valid(err->msg, strlen(err->msg)));
}

/* plan_parse_rupiah accepts digits, or groups of three after dots, and gives their value. */
static void check_rupiah(const char *s)
{
    int64_t v = -1;
    if (plan_parse_rupiah(s, &v) != 0)
        return;
    CHECK(v >= 0);
    char plain[64]; /* the digits without dots and leading zeros */
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        CHECK((*p >= '0' && *p <= '9') || *p == '.');
        if (*p != '.' && !(n == 0 && *p == '0') && n + 1 < sizeof(plain))
            plain[n++] = *p;
    }
    plain[n] = '\0';
    CHECK(n < 20);
    errno = 0;
    long long w = strtoll(plain, NULL, 10);
    CHECK(errno == 0 && w == v);
    if (strchr(s, '.')) {
        const char *last = strrchr(s, '.');
        CHECK(strlen(last + 1) == 3);
    }
}

/* plan_parse_number accepts "12", "12.5" or "12,5" and gives a finite value >= 0. */
static void check_number(const char *s)
{
    double v = -1;
    if (plan_parse_number(s, &v) != 0)
        return;
    CHECK(isfinite(v) && v >= 0);
    char copy[40];
    CHECK(strlen(s) < sizeof(copy));
    str_copy(copy, s, sizeof(copy));
    for (char *p = copy; *p; p++) {
        CHECK((*p >= '0' && *p <= '9') || *p == '.' || *p == ',');
        if (*p == ',')
            *p = '.';
    }
    CHECK(strtod(copy, NULL) == v);
}

static void check_row(size_t line, char *const *cells, size_t n, const struct plan_csv_map *map)
{
    struct plan_action_in in;
    struct error err = {0};
    int rc = plan_csv_row(line, (const char *const *)cells, n, map, YEAR, &in, &err);
    if (rc != 0) {
        CHECK(rc == WSP_EINVAL);
        check_msg(&err, rc);
        char want[32];
        snprintf(want, sizeof(want), "baris %zu", line);
        CHECK(str_starts_with(err.msg, want));
        return;
    }
    CHECK(n == map->ncols);
    CHECK(plan_phase_valid(in.phase));
    CHECK(plan_focus_valid(in.focus));
    CHECK(*in.program && *in.kegiatan && *in.indikator && *in.unit && *in.opd);
    CHECK(str_eq(in.phase, cells[map->col[PLAN_CSV_FASE]]));
    double target = -1;
    CHECK(plan_parse_number(cells[map->col[PLAN_CSV_TARGET]], &target) == 0);
    CHECK(target == in.target);
    int64_t ang = -1;
    CHECK(plan_parse_rupiah(cells[map->col[PLAN_CSV_ANGGARAN]], &ang) == 0);
    CHECK(ang == in.anggaran);
    int64_t d0 = 0, d1 = 0;
    int64_t y0 = date_days_from_civil(YEAR, 1, 1), y1 = date_days_from_civil(YEAR, 12, 31);
    if (in.start) {
        CHECK(plan_date_parse(in.start, &d0) == 0 && d0 >= y0 && d0 <= y1);
        char back[16];
        plan_date_format(d0, back, sizeof(back));
        CHECK(str_eq(back, in.start));
    }
    if (in.end) {
        CHECK(plan_date_parse(in.end, &d1) == 0 && d1 >= y0 && d1 <= y1);
        CHECK(!in.start || d0 <= d1);
    }
    const char *texts[] = {in.program, in.kegiatan,    in.indikator,        in.unit,
                           in.opd,     in.sumber_dana, in.instansi_terkait, in.focus};
    for (size_t i = 0; i < WSP_ARRAY_LEN(texts); i++)
        if (texts[i])
            CHECK(utf8_valid(texts[i], strlen(texts[i])) && strlen(texts[i]) <= 2000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the CLI reads the file into a NUL-terminated buffer */
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        abort();
    size_t first = strcspn(text, "\n"), commas = 0, semis = 0;
    for (size_t i = 0; i < first; i++) {
        commas += text[i] == ',';
        semis += text[i] == ';';
    }
    if (semis > commas)
        csv_set_delim(&p, ';');
    struct rows r = {0};
    bool ok = csv_parse(&p, text, size, on_field, on_row, &r) == size &&
              csv_fini(&p, on_field, on_row, &r) == 0;
    csv_free(&p);

    if (ok && r.n > 0) {
        struct plan_csv_map map;
        struct error err = {0};
        int rc = plan_csv_header((const char *const *)r.cells[0], r.ncells[0], &map, &err);
        if (rc == 0) {
            CHECK(map.ncols == r.ncells[0]);
            for (size_t c = 0; c < PLAN_CSV_NCOLS; c++) {
                CHECK(map.col[c] >= 0 && (size_t)map.col[c] < map.ncols);
                for (size_t d = 0; d < c; d++)
                    CHECK(map.col[c] != map.col[d]);
            }
            for (size_t i = 1; i < r.n; i++)
                check_row(i + 1, r.cells[i], r.ncells[i], &map);
        } else {
            CHECK(rc == WSP_EINVAL);
            check_msg(&err, rc);
            CHECK(str_starts_with(err.msg, "baris 1"));
        }
    }
    for (size_t i = 0; i < r.n; i++) {
        for (size_t j = 0; j < r.ncells[i]; j++) {
            check_rupiah(r.cells[i][j]);
            check_number(r.cells[i][j]);
        }
        free_cells(r.cells[i], r.ncells[i]);
    }
    free_cells(r.cur, r.ncur);
    free(text);
    return 0;
}
