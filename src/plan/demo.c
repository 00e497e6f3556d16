/* Demo content for `waspada init --demo`: Timdu, forums, plans in every workflow state,
 * progress reports on time, late and missing, and conflict cases, for several provinces.
 * Written by us: people, decrees and numbers are invented. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "plan/plan.h"
#include "store/store.h"

static const struct store_actor demo_actor = {0, "demo", NULL};

/*
 * People. Every person in the demo (Timdu chairs and members, forum contacts, Pokja members,
 * case victims) gets an invented name put together from these pools, which hold no name of a
 * national hero, official or other public figure, so nobody real is named. Person n of the
 * demo (region index x WHO_COUNT + role) is given name n mod 11 of a pool by sex and family
 * name n mod 13: by the Chinese remainder theorem no two of the first 143 people share a full
 * name, so every region has its own people.
 */
static const char *const men[] = {
    "Arkananta", "Bayuaji",    "Dirgantoro", "Fathurahim", "Haryasena", "Jatiraga",
    "Mahesworo", "Prabaswara", "Rakaswara",  "Tanuarga",   "Wiranata",
};
static const char *const women[] = {
    "Arsanti",  "Cahyaning", "Endarwati", "Galuhsari",  "Indraswari",  "Kinanthi",
    "Laksmita", "Nugrahini", "Rarasati",  "Sekarwangi", "Tunjungsari",
};
static const char *const family_names[] = {
    "Adiwangsa",   "Bratakusuma", "Cakrawinata", "Darmasetya",  "Ekaputra",
    "Gunawibawa",  "Jayasentika", "Kartawiguna", "Mangkuprojo", "Nataprawira",
    "Sastrowiryo", "Tirtamulya",  "Yudakencana",
};

enum demo_who {
    WHO_CHAIR = 0,
    WHO_SEKRETARIS,
    WHO_POLRI,
    WHO_TNI,
    WHO_JAKSA,
    WHO_DINSOS,
    WHO_FKDM,
    WHO_FKUB,
    WHO_POKJA_KETUA,
    WHO_POKJA_SEKRETARIS,
    WHO_POKJA_ANGGOTA,
    WHO_VICTIM,
    WHO_COUNT
};

/* Titles of a role for a man and for a woman (NULL = none); suffix: a degree or "". */
struct demo_title {
    const char *man, *woman, *suffix;
};

/* Name of person `who` of the demo region with index region (see above). The victim is a
 * girl (her sex is recorded as "p"); otherwise two in five people are women. */
static void person(size_t region, enum demo_who who, const struct demo_title *t, char *out,
                   size_t outsz)
{
    size_t n = region * WHO_COUNT + (size_t)who;
    bool woman = who == WHO_VICTIM || n % 5 == 1 || n % 5 == 3;
    const char *given = woman ? women[n % WSP_ARRAY_LEN(women)] : men[n % WSP_ARRAY_LEN(men)];
    const char *title = t ? (woman ? t->woman : t->man) : NULL;
    snprintf(out, outsz, "%s%s%s %s%s", title ? title : "", title ? " " : "", given,
             family_names[n % WSP_ARRAY_LEN(family_names)], t && t->suffix ? t->suffix : "");
}

struct demo_action {
    const char *phase, *program, *kegiatan, *indikator;
    double target;
    const char *unit;
    int64_t anggaran;
    const char *opd, *terkait, *focus;
    bool p3aks;
};

static const struct demo_action pks_actions[] = {
    {"pencegahan", "Sistem Peringatan Dini", "Pemetaan wilayah rawan konflik sosial",
     "Peta kerawanan per kecamatan", 1, "dokumen", 150000000, "Badan Kesbangpol",
     "Polda, Kodam, Bappeda", "potensi_konflik", false},
    {"pencegahan", "Penguatan Forum", "Rapat koordinasi FKDM dan FKUB",
     "Rapat koordinasi terlaksana", 12, "kali", 90000000, "Badan Kesbangpol",
     "Kantor Wilayah Kementerian Agama", "potensi_konflik", false},
    {"penghentian", "Penanganan Cepat", "Simulasi penanganan konflik bersama Forkopimda",
     "Simulasi terlaksana", 2, "kali", 120000000, "Satpol PP", "Polda, Kodam", "konflik_faktual",
     false},
    {"pemulihan", "Rehabilitasi Sosial", "Pendampingan psikososial perempuan dan anak korban",
     "Korban didampingi", 60, "orang", 200000000, "Dinas Sosial",
     "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "konflik_faktual", true},
};

static const struct demo_action p3aks_actions[] = {
    {"pencegahan", "Perlindungan Perempuan dan Anak", "Sosialisasi pencegahan kekerasan",
     "Desa tersosialisasi", 40, "desa", 80000000,
     "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "Badan Kesbangpol", "potensi_konflik",
     true},
    {"pemulihan", "Pemberdayaan Ekonomi", "Pelatihan usaha bagi perempuan di wilayah pascakonflik",
     "Peserta pelatihan", 100, "orang", 175000000, "Dinas Koperasi dan UMKM", "Dinas Sosial",
     "konflik_faktual", true},
};

/* How a region's plan looks in the demo. reports: per action and period, 'o' on time,
 * 'l' late, '-' missing (periods B-04, B-08, B-12). */
struct demo_region {
    const char *code, *title;
    const char *timdu_until; /* NULL = no Timdu; "" = no end date */
    const char *pks_status;  /* NULL = no plan */
    size_t npks;
    const char *reports[4];
    const char *p3aks_status;
};

static const struct demo_region regions[] = {
    {"32",
     "RAD Penanganan Konflik Sosial Provinsi Jawa Barat",
     "",
     "disetujui",
     4,
     {"oo", "oo", "ol", "o-"},
     "diajukan"},
    {"32.73", "RAD Penanganan Konflik Sosial Kota Bandung", "", "disetujui", 2, {"oo", "o-"}, NULL},
    {"31", "RAD Penanganan Konflik Sosial Provinsi DKI Jakarta", "", "dikembalikan", 3, {0}, NULL},
    {"35",
     "RAD Penanganan Konflik Sosial Provinsi Jawa Timur",
     "expired",
     "disetujui",
     3,
     {"ll", "l-", "--"},
     NULL},
    {"33", "RAD Penanganan Konflik Sosial Provinsi Jawa Tengah", NULL, "draft", 2, {0}, NULL},
    {"73", "RAD Penanganan Konflik Sosial Provinsi Sulawesi Selatan", "", "diajukan", 4, {0}, NULL},
    {"72",
     "RAD Penanganan Konflik Sosial Provinsi Sulawesi Tengah",
     "",
     "disetujui",
     4,
     {"oo", "oo", "oo", "oo"},
     "disetujui"},
    {"11", NULL, "", NULL, 0, {0}, NULL},
};

/* Everyone gets a full name of their own (see person()): the regions' people and the cases'. */
_Static_assert((WSP_ARRAY_LEN(regions) + 1) * WHO_COUNT <= (size_t)11 * 13 &&
                   WSP_ARRAY_LEN(men) == 11 && WSP_ARRAY_LEN(women) == 11 &&
                   WSP_ARRAY_LEN(family_names) == 13,
               "demo names would repeat");

static int demo_year(void)
{
    int y, m, d;
    date_civil_from_days(plan_day_of_time(time_now()), &y, &m, &d);
    /* From October on, B-04 and B-08 of this year are closed and every demo report of them
     * (the late ones come by 21 September) is in the past; before that, show last year. */
    return m >= 10 ? y : y - 1;
}

static int move(struct store *s, int64_t id, const char *target, struct error *err)
{
    if (str_eq(target, "draft"))
        return 0;
    int rc = store_rad_set_status(s, id, "draft", "diajukan", "submit", NULL, &demo_actor, err);
    if (rc || str_eq(target, "diajukan"))
        return rc;
    if (str_eq(target, "dikembalikan"))
        return store_rad_set_status(s, id, "diajukan", "dikembalikan", "return",
                                    "Indikator kegiatan pemulihan belum terukur; lengkapi target "
                                    "per periode dan sumber dana.",
                                    &demo_actor, err);
    return store_rad_set_status(s, id, "diajukan", "disetujui", "approve", NULL, &demo_actor, err);
}

static int add_plan(struct store *s, size_t idx, const char *region, int year, const char *type,
                    const char *title, const struct demo_action *acts, size_t n, const char *status,
                    const char *const *reports, const struct plan_calendar *cal, struct error *err)
{
    struct store_rad r = {.region_code = region, .year = year, .plan_type = type, .title = title};
    int64_t rad_id;
    int rc = store_rad_create(s, &r, &demo_actor, &rad_id, err);
    int64_t ids[8] = {0};
    char sd[24], ed[24];
    snprintf(sd, sizeof(sd), "%04d-01-01", year);
    snprintf(ed, sizeof(ed), "%04d-12-31", year);
    for (size_t i = 0; !rc && i < n && i < 8; i++) {
        const struct demo_action *d = &acts[i];
        struct store_rad_action a = {.phase = d->phase,
                                     .program = d->program,
                                     .kegiatan = d->kegiatan,
                                     .indikator = d->indikator,
                                     .target = d->target,
                                     .unit = d->unit,
                                     .anggaran = d->anggaran,
                                     .sumber_dana = "APBD",
                                     .opd = d->opd,
                                     .instansi_terkait = d->terkait,
                                     .focus = d->focus,
                                     .p3aks = d->p3aks,
                                     .start_date = sd,
                                     .end_date = ed};
        rc = store_rad_action_add(s, rad_id, &a, &demo_actor, &ids[i], err);
    }
    if (!rc) {
        static const struct {
            enum demo_who who;
            struct demo_title title;
            const char *agency, *role;
        } pokja[] = {
            {WHO_POKJA_KETUA, {"Drs.", "Dra.", NULL}, "Badan Kesbangpol", "ketua"},
            {WHO_POKJA_SEKRETARIS, {NULL, NULL, ", S.Sos."}, "Bappeda", "sekretaris"},
            {WHO_POKJA_ANGGOTA, {"AKBP", "AKBP", NULL}, "Polda", "anggota"},
        };
        for (size_t i = 0; !rc && i < WSP_ARRAY_LEN(pokja); i++) {
            char name[96];
            person(idx, pokja[i].who, &pokja[i].title, name, sizeof(name));
            struct store_pokja p = {
                .rad_id = rad_id, .name = name, .agency = pokja[i].agency, .role = pokja[i].role};
            rc = store_pokja_add(s, &p, &demo_actor, NULL, err);
        }
    }
    if (!rc)
        rc = move(s, rad_id, status, err);
    int64_t today = plan_day_of_time(time_now());
    for (size_t i = 0; !rc && reports && i < n && reports[i]; i++) {
        for (int p = 0; !rc && reports[i][p]; p++) {
            char mark = reports[i][p];
            if (mark == '-')
                continue;
            int64_t due = plan_period_due(cal, year, p);
            int64_t day = mark == 'o' ? plan_period_deadline(cal, year, p) - 3 : due + 6;
            if (day >= today)
                continue;
            struct store_progress pr = {0};
            char period[8];
            plan_period_code(cal->period_type, p, period, sizeof(period));
            pr.action_id = ids[i];
            pr.period = period;
            pr.physical_pct = (double)(30 + 30 * p) > 100 ? 100 : (double)(30 + 30 * p);
            pr.budget_realized = acts[i].anggaran / 4;
            pr.narrative = "Kegiatan terlaksana sesuai jadwal bersama OPD terkait.";
            pr.kendala = mark == 'l' ? "Pencairan anggaran terlambat." : NULL;
            pr.tindak_lanjut = mark == 'l' ? "Koordinasi dengan BPKAD." : NULL;
            pr.submitted_at = day * 86400 + (int64_t)5 * 3600; /* 12:00 WIB */
            rc = store_progress_add(s, &pr, &demo_actor, NULL, err);
        }
    }
    return rc;
}

static int add_timdu(struct store *s, size_t idx, const char *code, const char *until, int year,
                     struct error *err)
{
    char skdate[24], untildate[24], sk[64], chair[96], title[64];
    snprintf(skdate, sizeof(skdate), "%04d-02-10", year - 1);
    snprintf(untildate, sizeof(untildate), "%04d-12-31", year - 1);
    snprintf(sk, sizeof(sk), "SK %s/KESBANGPOL/%d", code, year - 1);
    /* The regional head chairs the Timdu and signs its decree: codes XX.7Y are cities. */
    const char *dot = strchr(code, '.');
    snprintf(title, sizeof(title), "%s, Ketua Timdu PKS",
             !dot            ? "Gubernur"
             : dot[1] == '7' ? "Wali Kota"
                             : "Bupati");
    person(idx, WHO_CHAIR, NULL, chair, sizeof(chair));
    struct store_timdu t = {.region_code = code,
                            .sk_number = sk,
                            .sk_date = skdate,
                            .signed_by = chair,
                            .valid_until = str_eq(until, "expired") ? untildate : NULL,
                            .chair_name = chair,
                            .chair_title = title};
    int64_t id;
    int rc = store_timdu_add(s, &t, &demo_actor, &id, err);
    static const struct {
        enum demo_who who;
        struct demo_title title;
        const char *position, *agency, *type, *subteam, *phone;
    } members[] = {
        {WHO_SEKRETARIS,
         {"Drs.", "Dra.", ", M.Si."},
         "Sekretaris",
         "Badan Kesbangpol",
         "opd",
         "pencegahan",
         "0812000101"},
        {WHO_POLRI,
         {"Kombes Pol.", "Kombes Pol.", NULL},
         "Anggota",
         "Polda",
         "polri",
         "penghentian",
         "0812000102"},
        {WHO_TNI,
         {"Kolonel Inf.", "Kolonel Inf.", NULL},
         "Anggota",
         "Korem",
         "tni",
         "penghentian",
         "0812000103"},
        {WHO_JAKSA,
         {NULL, NULL, ", S.H."},
         "Anggota",
         "Kejaksaan Tinggi",
         "kejaksaan",
         "penghentian",
         NULL},
        {WHO_DINSOS,
         {"Ir.", "Ir.", NULL},
         "Anggota",
         "Dinas Sosial",
         "opd",
         "pemulihan",
         "0812000105"},
    };
    for (size_t i = 0; !rc && i < WSP_ARRAY_LEN(members); i++) {
        char name[96];
        person(idx, members[i].who, &members[i].title, name, sizeof(name));
        struct store_timdu_member m = {.timdu_id = id,
                                       .name = name,
                                       .position = members[i].position,
                                       .agency = members[i].agency,
                                       .agency_type = members[i].type,
                                       .subteam = members[i].subteam,
                                       .phone = members[i].phone};
        rc = store_timdu_member_add(s, &m, &demo_actor, NULL, err);
    }
    if (!rc) {
        char name[96];
        static const struct demo_title haji = {"H.", "Hj.", NULL};
        person(idx, WHO_FKDM, &haji, name, sizeof(name));
        struct store_forum f = {.region_code = code,
                                .kind = "fkdm",
                                .name = "Forum Kewaspadaan Dini Masyarakat",
                                .contact_name = name,
                                .contact_phone = "0813000201"};
        rc = store_forum_add(s, &f, &demo_actor, NULL, err);
    }
    if (!rc) {
        char name[96];
        static const struct demo_title kyai = {"KH.", "Hj.", NULL};
        person(idx, WHO_FKUB, &kyai, name, sizeof(name));
        struct store_forum f = {.region_code = code,
                                .kind = "fkub",
                                .name = "Forum Kerukunan Umat Beragama",
                                .contact_name = name,
                                .contact_email = "sekretariat.fkub@example.org"};
        rc = store_forum_add(s, &f, &demo_actor, NULL, err);
    }
    return rc;
}

/* Safe public spaces for women and children of the RAD P3AKS of Jawa Barat and Sulawesi
 * Tengah (invented names; villages from data/wilayah), linked to their first action. Left out
 * when the database lacks the villages (tests that load only provinces and regencies). */
static int add_spaces(struct store *s, int year, struct error *err)
{
    static const struct {
        const char *plan, *region, *village, *name, *kind, *status;
        double lat, lng; /* 0 = none */
    } spaces[] = {
        {"32", "32.73", "32.73.01.1001", "Ruang Bermain Ramah Anak Taman Sukarasa",
         "ruang_bermain_ramah_anak", "aktif", -6.8711, 107.5878},
        {"32", "32.73", "32.73.02.1001", "Pusat Pembelajaran Keluarga Cipaganti",
         "pusat_pembelajaran_keluarga", "direncanakan", 0, 0},
        {"72", "72.71", "72.71.01.1004", "Taman Ramah Perempuan dan Anak Besusu", "taman", "aktif",
         -0.8918, 119.8774},
    };
    int rc = 0;
    for (size_t i = 0; !rc && i < WSP_ARRAY_LEN(spaces); i++) {
        struct arena a;
        arena_init(&a, 1 << 20);
        struct store_rad rad;
        struct store_rad_action *acts = NULL;
        size_t n = 0;
        if (store_region_exists(s, spaces[i].village, NULL) == 0 &&
            store_rad_find(s, spaces[i].plan, year, "p3aks", &a, &rad, NULL) == 0 &&
            store_rad_actions(s, rad.id, &a, &acts, &n, NULL) == 0 && n > 0) {
            struct store_space sp = {.region_code = spaces[i].region,
                                     .village_code = spaces[i].village,
                                     .name = spaces[i].name,
                                     .kind = spaces[i].kind,
                                     .status = spaces[i].status,
                                     .action_id = acts[0].id,
                                     .has_coords = spaces[i].lat != 0,
                                     .latitude = spaces[i].lat,
                                     .longitude = spaces[i].lng};
            rc = store_space_add(s, &sp, &demo_actor, NULL, err);
        }
        arena_release(&a);
    }
    return rc;
}

/* idx: the person index of the cases' people (after those of the regions). */
static int add_cases(struct store *s, size_t idx, int year, struct error *err)
{
    char start[24], end[24], d1[24], d2[24];
    snprintf(start, sizeof(start), "%04d-03-02", year);
    snprintf(end, sizeof(end), "%04d-05-30", year);
    snprintf(d1, sizeof(d1), "%04d-03-01", year);
    snprintf(d2, sizeof(d2), "%04d-06-15", year);
    const char *more[] = {"72.71"};
    struct store_case c = {
        .title = "Sengketa lahan perkebunan antarwarga di Kabupaten Poso",
        .region_code = "72.02",
        .regions = more,
        .nregions = 1,
        .issue = "sumber_daya",
        .parties = "Warga Desa A; Warga Desa B; perusahaan perkebunan",
        .status = "pemulihan",
        .skk_level = "kabupaten_kota",
        .skk_decree = "Keputusan Bupati tentang Status Keadaan "
                      "Konflik (contoh)",
        .skk_start = start,
        .skk_end = end,
        .public_summary = "Bentrokan antarwarga terkait batas lahan; kekerasan telah dihentikan "
                          "dan pemulihan berjalan."};
    int64_t id;
    int rc = store_case_add(s, &c, &demo_actor, &id, err);
    if (!rc) {
        struct store_case_action a = {.case_id = id,
                                      .phase = "penghentian",
                                      .action_date = d1,
                                      .description = "Pengamanan lokasi oleh Polres dan Kodim",
                                      .agency = "Polres"};
        rc = store_case_action_add(s, &a, &demo_actor, NULL, err);
    }
    if (!rc) {
        struct store_case_action a = {.case_id = id,
                                      .phase = "pemulihan",
                                      .action_date = d2,
                                      .description = "Dialog rekonsiliasi difasilitasi FKUB",
                                      .agency = "Badan Kesbangpol"};
        rc = store_case_action_add(s, &a, &demo_actor, NULL, err);
    }
    if (!rc) {
        long counts[STORE_VICTIM_GROUPS] = {1, 4, 0, 2, 3, 1};
        char name[96];
        person(idx, WHO_VICTIM, NULL, name, sizeof(name));
        struct store_victim v[] = {{0, name, "p", 14, "Desa A", "luka ringan"}};
        rc = store_case_victims_set(s, id, counts, v, 1, &demo_actor, err);
    }
    if (!rc) {
        struct store_case c2 = {
            .title = "Potensi gesekan massa pendukung menjelang pemilihan kepala daerah",
            .region_code = "32.73",
            .issue = "pemilihan_jabatan",
            .parties = "Massa pendukung dua pasangan calon",
            .status = "potensi",
            .public_summary = "Pemantauan bersama FKDM; belum ada kekerasan."};
        rc = store_case_add(s, &c2, &demo_actor, NULL, err);
    }
    return rc;
}

int plan_demo_seed(struct store *s, struct error *err)
{
    int year = demo_year();
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_rad existing;
    int rc = store_rad_find(s, "32", year, "pks", &a, &existing, NULL);
    arena_release(&a);
    if (rc == 0)
        return 0; /* seeded already */
    struct store_calendar sc;
    struct plan_calendar cal = {
        .period_type = PLAN_PERIOD_B4, .deadline_days = 10, .grace_days = 5};
    rc = store_calendar_get(s, "pks", &sc, err);
    if (rc)
        return rc;
    int pt = plan_period_type_parse(sc.period_type);
    cal.period_type = pt < 0 ? PLAN_PERIOD_B4 : (enum plan_period_type)pt;
    cal.deadline_days = sc.deadline_days;
    cal.grace_days = sc.grace_days;

    rc = store_begin(s, err);
    for (size_t i = 0; !rc && i < WSP_ARRAY_LEN(regions); i++) {
        const struct demo_region *r = &regions[i];
        if (r->timdu_until)
            rc = add_timdu(s, i, r->code, r->timdu_until, year, err);
        if (!rc && r->pks_status)
            rc = add_plan(s, i, r->code, year, "pks", r->title, pks_actions, r->npks, r->pks_status,
                          r->reports, &cal, err);
        if (!rc && r->p3aks_status) {
            char title[160];
            snprintf(title, sizeof(title), "RAD P3AKS %s",
                     r->title + strlen("RAD Penanganan "
                                       "Konflik Sosial "));
            static const char *const rep[] = {"oo", "o-", NULL};
            rc = add_plan(s, i, r->code, year, "p3aks", title, p3aks_actions,
                          WSP_ARRAY_LEN(p3aks_actions), r->p3aks_status, rep, &cal, err);
        }
    }
    if (!rc)
        rc = add_cases(s, WSP_ARRAY_LEN(regions), year, err);
    if (!rc)
        rc = add_spaces(s, year, err);
    if (rc) {
        store_rollback(s);
        return rc;
    }
    return store_commit(s, err);
}

/* The demo articles (data/demo/articles.jsonl) whose events init --demo verifies, as an officer
 * would after checking them, so the public portal (verified events only) has figures in six
 * provinces; the other events stay leads (menunggu) for officers to verify in the demo. */
static const char *const verified_articles[] = {"demo-001", "demo-003", "demo-008",
                                                "demo-010", "demo-013", "demo-017"};

static bool demo_article_verified(const char *url)
{
    const char *slash = url ? strrchr(url, '/') : NULL;
    for (size_t i = 0; slash && i < WSP_ARRAY_LEN(verified_articles); i++)
        if (str_eq(slash + 1, verified_articles[i]))
            return true;
    return false;
}

int plan_demo_verify(struct store *s, struct error *err)
{
    struct arena a;
    arena_init(&a, 1 << 20);
    struct store_event_query q = {.status = "menunggu", .limit = 500, .no_total = true};
    struct store_event *ev = NULL;
    struct store_event_ref *refs = NULL;
    size_t n = 0, nrefs = 0;
    int rc = store_event_list(s, &q, &a, &ev, &n, NULL, err);
    int64_t *ids = rc || !n ? NULL : arena_alloc(&a, n * sizeof(*ids));
    for (size_t i = 0; ids && i < n; i++)
        ids[i] = ev[i].id;
    if (ids)
        rc = store_event_source_refs(s, ids, n, &a, &refs, &nrefs, err);
    for (size_t i = 0; !rc && i < nrefs; i++) {
        /* refs are ordered by event: an event told by two outlets is moved once */
        if (i > 0 && refs[i].event_id == refs[i - 1].event_id)
            continue;
        bool verify = false;
        for (size_t j = i; j < nrefs && refs[j].event_id == refs[i].event_id; j++)
            verify = verify || demo_article_verified(refs[j].url);
        if (verify)
            rc = store_event_set_status(s, refs[i].event_id, "terverifikasi",
                                        "Demo: diverifikasi oleh init --demo", &demo_actor, err);
    }
    arena_release(&a);
    return rc;
}
