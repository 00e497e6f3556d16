/* Validation of a RAD action matrix read from CSV. Messages are in Indonesian, because the
 * operators who fix the file read them: "baris 3, kolom fase: 'pencegahn' bukan fase yang
 * dikenal". Row numbers are line numbers of the file: the header is baris 1. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "plan/plan.h"

static const char *const col_names[PLAN_CSV_NCOLS] = {
    "fase",        "program", "kegiatan",         "indikator", "target", "satuan", "anggaran",
    "sumber_dana", "opd",     "instansi_terkait", "fokus",     "p3aks",  "mulai",  "selesai",
};

const char *plan_csv_col_name(enum plan_csv_col c)
{
    return (unsigned)c < PLAN_CSV_NCOLS ? col_names[c] : "";
}

/* Header cells may carry a UTF-8 BOM, spaces and capitals. */
static void norm_header(const char *in, char *out, size_t outsz)
{
    if ((unsigned char)in[0] == 0xEF && (unsigned char)in[1] == 0xBB &&
        (unsigned char)in[2] == 0xBF)
        in += 3;
    while (*in == ' ' || *in == '\t')
        in++;
    size_t n = 0;
    for (; *in && n + 1 < outsz; in++) {
        char c = *in;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        out[n++] = c;
    }
    /* cut inside a character: drop all of it, so a message quoting the name stays UTF-8 */
    if (((unsigned char)*in & 0xC0) == 0x80) {
        while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0)
            n--;
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t' || out[n - 1] == '\r'))
        n--;
    out[n] = '\0';
}

int plan_csv_header(const char *const *fields, size_t n, struct plan_csv_map *map,
                    struct error *err)
{
    for (size_t c = 0; c < PLAN_CSV_NCOLS; c++)
        map->col[c] = -1;
    map->ncols = n;
    for (size_t i = 0; i < n; i++) {
        char name[64];
        const char *f = fields[i] ? fields[i] : "";
        if (!utf8_valid(f, strlen(f)))
            return error_set(err, WSP_EINVAL, "baris 1, kolom ke-%zu: bukan teks UTF-8 yang sah",
                             i + 1);
        norm_header(f, name, sizeof(name));
        size_t c = 0;
        while (c < PLAN_CSV_NCOLS && strcmp(col_names[c], name) != 0)
            c++;
        if (c == PLAN_CSV_NCOLS)
            return error_set(err, WSP_EINVAL, "baris 1, kolom '%s': kolom tidak dikenal", name);
        if (map->col[c] >= 0)
            return error_set(err, WSP_EINVAL, "baris 1, kolom %s: kolom ganda", name);
        map->col[c] = (int)i;
    }
    for (size_t c = 0; c < PLAN_CSV_NCOLS; c++)
        if (map->col[c] < 0)
            return error_set(err, WSP_EINVAL, "baris 1: kolom wajib '%s' tidak ada", col_names[c]);
    return 0;
}

int plan_parse_rupiah(const char *s, int64_t *out)
{
    if (!s || !*s)
        return WSP_EINVAL;
    /* Either plain digits or groups of three separated by dots: 1500000 or 1.500.000. */
    int64_t v = 0;
    size_t group = 0;
    bool dots = strchr(s, '.') != NULL;
    for (const char *p = s; *p; p++) {
        if (*p == '.') {
            if (p == s || group == 0 || (p != strchr(s, '.') && group != 3) || group > 3)
                return WSP_EINVAL;
            group = 0;
            continue;
        }
        if (*p < '0' || *p > '9')
            return WSP_EINVAL;
        if (v > (INT64_MAX - 9) / 10)
            return WSP_EINVAL;
        v = v * 10 + (*p - '0');
        group++;
    }
    if (dots && group != 3)
        return WSP_EINVAL;
    *out = v;
    return 0;
}

int plan_parse_number(const char *s, double *out)
{
    if (!s || !*s || strlen(s) > 32)
        return WSP_EINVAL;
    char buf[40];
    str_copy(buf, s, sizeof(buf));
    int seps = 0;
    for (char *p = buf; *p; p++) {
        if (*p == ',')
            *p = '.';
        if (*p == '.')
            seps++;
        else if (*p < '0' || *p > '9')
            return WSP_EINVAL;
    }
    if (seps > 1 || buf[0] == '.' || buf[strlen(buf) - 1] == '.')
        return WSP_EINVAL;
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    if (errno || *end || !isfinite(v))
        return WSP_EINVAL;
    *out = v;
    return 0;
}

/* A value as a message quotes it: at most SHOWN_MAX bytes, cut at a character boundary and
 * followed by "..." when cut, so a message stays short and valid UTF-8 (a cell may hold 2000
 * bytes, a message 512). v is valid UTF-8. */
#define SHOWN_MAX 60
static const char *shown(const char *v, char buf[SHOWN_MAX + 4])
{
    size_t n = strlen(v);
    if (n <= SHOWN_MAX)
        return v;
    n = SHOWN_MAX;
    while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
        n--;
    memcpy(buf, v, n);
    memcpy(buf + n, "...", 4);
    return buf;
}

/* Trimmed copy of a cell is not needed: libcsv already strips unquoted spaces. */
static const char *cell(const char *const *fields, size_t n, const struct plan_csv_map *map,
                        enum plan_csv_col c)
{
    int i = map->col[c];
    if (i < 0 || (size_t)i >= n || !fields[i])
        return "";
    return fields[i];
}

#define FAIL(col, ...)                                                                             \
    do {                                                                                           \
        char msg_[400];                                                                            \
        snprintf(msg_, sizeof(msg_), __VA_ARGS__);                                                 \
        return error_set(err, WSP_EINVAL, "baris %zu, kolom %s: %s", row, col_names[col], msg_);   \
    } while (0)

int plan_csv_row(size_t row, const char *const *fields, size_t n, const struct plan_csv_map *map,
                 int year, struct plan_action_in *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    char sb[SHOWN_MAX + 4];
    if (n != map->ncols)
        return error_set(err, WSP_EINVAL, "baris %zu: ada %zu kolom, seharusnya %zu", row, n,
                         map->ncols);
    static const enum plan_csv_col required[] = {
        PLAN_CSV_FASE,   PLAN_CSV_PROGRAM,  PLAN_CSV_KEGIATAN, PLAN_CSV_INDIKATOR, PLAN_CSV_TARGET,
        PLAN_CSV_SATUAN, PLAN_CSV_ANGGARAN, PLAN_CSV_OPD,      PLAN_CSV_FOKUS,     PLAN_CSV_P3AKS,
    };
    for (size_t i = 0; i < WSP_ARRAY_LEN(required); i++)
        if (!*cell(fields, n, map, required[i]))
            FAIL(required[i], "wajib diisi");
    for (size_t c = 0; c < PLAN_CSV_NCOLS; c++) {
        const char *v = cell(fields, n, map, (enum plan_csv_col)c);
        if (!utf8_valid(v, strlen(v)))
            FAIL(c, "bukan teks UTF-8 yang sah");
        if (strlen(v) > 2000)
            FAIL(c, "lebih dari 2000 karakter");
    }

    const char *v = cell(fields, n, map, PLAN_CSV_FASE);
    if (!plan_phase_valid(v))
        FAIL(PLAN_CSV_FASE, "'%s' bukan fase yang dikenal", shown(v, sb));
    out->phase = v;
    out->program = cell(fields, n, map, PLAN_CSV_PROGRAM);
    out->kegiatan = cell(fields, n, map, PLAN_CSV_KEGIATAN);
    out->indikator = cell(fields, n, map, PLAN_CSV_INDIKATOR);
    v = cell(fields, n, map, PLAN_CSV_TARGET);
    if (plan_parse_number(v, &out->target) != 0)
        FAIL(PLAN_CSV_TARGET, "'%s' bukan angka", shown(v, sb));
    out->unit = cell(fields, n, map, PLAN_CSV_SATUAN);
    v = cell(fields, n, map, PLAN_CSV_ANGGARAN);
    if (plan_parse_rupiah(v, &out->anggaran) != 0)
        FAIL(PLAN_CSV_ANGGARAN, "'%s' bukan jumlah rupiah (bilangan bulat, mis. 150000000)",
             shown(v, sb));
    v = cell(fields, n, map, PLAN_CSV_SUMBER_DANA);
    out->sumber_dana = *v ? v : NULL;
    out->opd = cell(fields, n, map, PLAN_CSV_OPD);
    v = cell(fields, n, map, PLAN_CSV_INSTANSI_TERKAIT);
    out->instansi_terkait = *v ? v : NULL;
    v = cell(fields, n, map, PLAN_CSV_FOKUS);
    if (!plan_focus_valid(v))
        FAIL(PLAN_CSV_FOKUS,
             "'%s' bukan fokus yang dikenal (konflik_faktual, potensi_konflik, atau tema "
             "huruf kecil seperti covid19)",
             shown(v, sb));
    out->focus = v;
    v = cell(fields, n, map, PLAN_CSV_P3AKS);
    if (strcmp(v, "ya") == 0)
        out->p3aks = true;
    else if (strcmp(v, "tidak") == 0)
        out->p3aks = false;
    else
        FAIL(PLAN_CSV_P3AKS, "'%s' harus 'ya' atau 'tidak'", shown(v, sb));

    int64_t d0 = 0, d1 = 0;
    int64_t y0 = date_days_from_civil(year, 1, 1), y1 = date_days_from_civil(year, 12, 31);
    v = cell(fields, n, map, PLAN_CSV_MULAI);
    if (*v) {
        if (plan_date_parse(v, &d0) != 0)
            FAIL(PLAN_CSV_MULAI, "'%s' bukan tanggal ISO (YYYY-MM-DD)", shown(v, sb));
        if (d0 < y0 || d0 > y1)
            FAIL(PLAN_CSV_MULAI, "'%s' di luar tahun rencana %d", v, year);
        out->start = v;
    }
    v = cell(fields, n, map, PLAN_CSV_SELESAI);
    if (*v) {
        if (plan_date_parse(v, &d1) != 0)
            FAIL(PLAN_CSV_SELESAI, "'%s' bukan tanggal ISO (YYYY-MM-DD)", shown(v, sb));
        if (d1 < y0 || d1 > y1)
            FAIL(PLAN_CSV_SELESAI, "'%s' di luar tahun rencana %d", v, year);
        if (out->start && d1 < d0)
            FAIL(PLAN_CSV_SELESAI, "'%s' sebelum tanggal mulai '%s'", v, out->start);
        out->end = v;
    }
    return 0;
}
