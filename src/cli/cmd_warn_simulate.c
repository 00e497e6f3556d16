/* waspada warn simulate: the early-warning engine on planted scenarios (src/sim). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "geo/geo.h"
#include "sim/sim.h"
#include "warn/warn.h"

static const char usage_text[] =
    "usage: waspada warn simulate [--seeds LIST] [--cases N] [--years N] [--regencies N]\n"
    "                             [--params FILE] [--oracle] [--check] [--json]\n"
    "\n"
    "Generate background years of conflict events for the regencies of Indonesia (about 1.5\n"
    "a regency a year, a tenth of regencies five times noisier, some events in pairs), plant\n"
    "outbreaks in the last year and run everything day by day through the early-warning\n"
    "engine with the current parameters. Scenarios, N cases each:\n"
    "  spike     5-8 clashes in 3 days                     siaga within 2 days\n"
    "  buildup   8 land disputes in about 3 weeks, gaps\n"
    "            shrinking from 4 days to 1, quiet regency  waspada within 10 days\n"
    "  killing   one event with one killed                 siaga the same day\n"
    "  seasonal  a province's regencies 4x for 60 days     waspada (province) while it\n"
    "                                                      lasts (within 59 days)\n"
    "  outlet    one protest reported 10 times in 3 days   nothing (near-duplicates merge)\n"
    "  step      a quiet regency to 36 events a year       waspada within 90 days, then one\n"
    "                                                      alert, not one per cluster\n"
    "Prints per seed and in total: cases detected at the expected level in time, the median\n"
    "and largest delay from the onset, cases alarmed at all, extra alerts, the mean days a\n"
    "region stays at waspada or above after the last planted event (held: the engine's\n"
    "memory), and false alarms per quiet regency-year, noisy regency-year and province-year\n"
    "(regions without a scenario, last year).\n"
    "\n"
    "  --seeds LIST    random seeds, comma separated, or ranges like 1-30 (default 1,2,3;\n"
    "                  at most 1000)\n"
    "  --cases N       cases per scenario and seed (default 10)\n"
    "  --years N       simulated years, the first ones history (default 2)\n"
    "  --regencies N   use N regencies spread over the country (default all)\n"
    "  --params FILE   parameters on top of data/warn/params.ini\n"
    "  --oracle        also run the CUSUM that knows every region's rate and the planted\n"
    "                  change (the optimal detector of a known change), set for 0.02 false\n"
    "                  alarms a quiet regency-year and 0.07 a province-year: how many step\n"
    "                  and seasonal cases any detector can find by 60/90 and 45/59 days\n"
    "  --check         exit 1 unless every scenario is detected in >= 95% of cases, the\n"
    "                  outlet raises nothing and quiet regencies see <= 0.02 false alarms a\n"
    "                  year\n"
    "  --json          one JSON document with \"seeds\" and \"total\"\n";

#define MAX_SEEDS 1000

/* "1,2,3", "1-30" or both ("1-10,21-30") */
static int parse_seeds(const char *s, uint64_t *out, size_t *n)
{
    *n = 0;
    while (*s) {
        char tmp[48];
        size_t k = strcspn(s, ",");
        long lo, hi;
        if (k == 0 || k >= sizeof(tmp))
            return -1;
        memcpy(tmp, s, k);
        tmp[k] = '\0';
        char *dash = strchr(tmp, '-');
        if (dash)
            *dash = '\0';
        if (str_to_long(tmp, 0, 1000000000L, &lo))
            return -1;
        hi = lo;
        if (dash && (str_to_long(dash + 1, 0, 1000000000L, &hi) || hi < lo))
            return -1;
        for (long v = lo; v <= hi; v++) {
            if (*n == MAX_SEEDS)
                return -1;
            out[(*n)++] = (uint64_t)v;
        }
        s += k;
        if (*s == ',')
            s++;
    }
    return *n ? 0 : -1;
}

/* Delays of every seed, for the total's median. */
struct delays {
    int *v;
    size_t n;
};

static void add_result(struct sim_result *t, struct delays *all, const struct sim_result *r)
{
    for (int k = 0; k < SIM_NKINDS; k++) {
        if (sim_expected_level((enum sim_kind)k) != WARN_NORMAL) {
            all[k].v = xrealloc(all[k].v,
                                (all[k].n + (size_t)r->kind[k].detected + 1) * sizeof(*all[k].v));
            memcpy(all[k].v + all[k].n, r->kind[k].delay,
                   (size_t)r->kind[k].detected * sizeof(*all[k].v));
            all[k].n += (size_t)r->kind[k].detected;
        }
        t->kind[k].cases += r->kind[k].cases;
        t->kind[k].detected += r->kind[k].detected;
        t->kind[k].alarmed += r->kind[k].alarmed;
        t->kind[k].extra += r->kind[k].extra;
        t->kind[k].held_cases += r->kind[k].held_cases;
        t->kind[k].held_days += r->kind[k].held_days;
        if (r->kind[k].max_delay > t->kind[k].max_delay)
            t->kind[k].max_delay = r->kind[k].max_delay;
    }
    t->events += r->events;
    t->outlet_copies += r->outlet_copies;
    t->outlet_merged += r->outlet_merged;
    t->quiet_regions += r->quiet_regions;
    t->fa_quiet += r->fa_quiet;
    t->noisy_regions += r->noisy_regions;
    t->fa_noisy += r->fa_noisy;
    t->provinces += r->provinces;
    t->fa_province += r->fa_province;
    t->fa_national += r->fa_national;
    t->oracle.step += r->oracle.step;
    t->oracle.step60 += r->oracle.step60;
    t->oracle.step90 += r->oracle.step90;
    t->oracle.seasonal += r->oracle.seasonal;
    t->oracle.seasonal45 += r->oracle.seasonal45;
    t->oracle.seasonal59 += r->oracle.seasonal59;
}

static double per(int n, int d)
{
    return d > 0 ? (double)n / d : 0;
}

static void print_rows(const char *seed, const struct sim_result *r)
{
    for (int k = 0; k < SIM_NKINDS; k++) {
        const struct sim_kind_result *kr = &r->kind[k];
        char med[16] = "-", mx[16] = "-";
        if (kr->median_delay >= 0)
            snprintf(med, sizeof(med), "%.1f d", kr->median_delay);
        if (kr->max_delay >= 0)
            snprintf(mx, sizeof(mx), "%d d", kr->max_delay);
        char held[16] = "-";
        if (kr->held_cases > 0)
            snprintf(held, sizeof(held), "%.1f d", (double)kr->held_days / kr->held_cases);
        printf("%-6s %-9s %4d/%-4d %6.2f %8s %6s %7d %6d %8s\n", seed,
               sim_kind_name((enum sim_kind)k), kr->detected, kr->cases,
               per(kr->detected, kr->cases), med, mx, kr->alarmed, kr->extra, held);
    }
    printf("%-6s false alarms a year: quiet regencies %.4f (%d in %d), noisy %.3f (%d in %d), "
           "provinces %.3f (%d in %d), nation %d; %zu events, outlet %zu of %zu copies merged\n",
           seed, per(r->fa_quiet, r->quiet_regions), r->fa_quiet, r->quiet_regions,
           per(r->fa_noisy, r->noisy_regions), r->fa_noisy, r->noisy_regions,
           per(r->fa_province, r->provinces), r->fa_province, r->provinces, r->fa_national,
           r->events, r->outlet_merged, r->outlet_copies);
    if (r->oracle.step + r->oracle.seasonal > 0)
        printf("%-6s oracle: step %d/%d within 60 days, %d/%d within 90; seasonal %d/%d within 45 "
               "days, %d/%d within 59\n",
               seed, r->oracle.step60, r->oracle.step, r->oracle.step90, r->oracle.step,
               r->oracle.seasonal45, r->oracle.seasonal, r->oracle.seasonal59, r->oracle.seasonal);
}

static json_t *result_json(const struct sim_result *r)
{
    json_t *kinds = json_object();
    for (int k = 0; k < SIM_NKINDS; k++) {
        const struct sim_kind_result *kr = &r->kind[k];
        json_object_set_new(
            kinds, sim_kind_name((enum sim_kind)k),
            json_pack(
                "{s:i, s:i, s:f, s:o, s:o, s:i, s:i, s:s, s:i, s:o}", "cases", kr->cases,
                "detected", kr->detected, "rate", per(kr->detected, kr->cases), "median_delay_days",
                kr->median_delay >= 0 ? json_real(kr->median_delay) : json_null(), "max_delay_days",
                kr->max_delay >= 0 ? json_integer(kr->max_delay) : json_null(), "alarmed",
                kr->alarmed, "extra_alarms", kr->extra, "expected_level",
                warn_level_name(sim_expected_level((enum sim_kind)k)), "expected_days",
                sim_expected_days((enum sim_kind)k), "held_days_mean",
                kr->held_cases > 0 ? json_real((double)kr->held_days / kr->held_cases)
                                   : json_null()));
    }
    json_t *doc =
        json_pack("{s:o, s:{s:i, s:i, s:f, s:i, s:i, s:f, s:i, s:i, s:f, s:i}, s:I, s:I, s:I}",
                  "scenarios", kinds, "false_alarms", "quiet_regency_years", r->quiet_regions,
                  "quiet", r->fa_quiet, "quiet_per_year", per(r->fa_quiet, r->quiet_regions),
                  "noisy_regency_years", r->noisy_regions, "noisy", r->fa_noisy, "noisy_per_year",
                  per(r->fa_noisy, r->noisy_regions), "province_years", r->provinces, "province",
                  r->fa_province, "province_per_year", per(r->fa_province, r->provinces),
                  "national", r->fa_national, "events", (json_int_t)r->events, "outlet_copies",
                  (json_int_t)r->outlet_copies, "outlet_merged", (json_int_t)r->outlet_merged);
    if (r->oracle.step + r->oracle.seasonal > 0)
        json_object_set_new(
            doc, "oracle",
            json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "step_cases", r->oracle.step,
                      "step_within_60", r->oracle.step60, "step_within_90", r->oracle.step90,
                      "seasonal_cases", r->oracle.seasonal, "seasonal_within_45",
                      r->oracle.seasonal45, "seasonal_within_59", r->oracle.seasonal59));
    return doc;
}

/* The targets of --check; a message per miss into msg. */
static bool meets_targets(const struct sim_result *t, char *msg, size_t msgsz)
{
    size_t used = 0;
    msg[0] = '\0';
    for (int k = 0; k < SIM_NKINDS; k++) {
        const struct sim_kind_result *kr = &t->kind[k];
        if (kr->cases && per(kr->detected, kr->cases) < 0.95 && used < msgsz)
            used += (size_t)snprintf(msg + used, msgsz - used, "%s%s detected in %d of %d",
                                     used ? "; " : "", sim_kind_name((enum sim_kind)k),
                                     kr->detected, kr->cases);
    }
    if (t->kind[SIM_OUTLET].alarmed && used < msgsz)
        used += (size_t)snprintf(msg + used, msgsz - used, "%soutlet raised %d alerts",
                                 used ? "; " : "", t->kind[SIM_OUTLET].alarmed);
    if (per(t->fa_quiet, t->quiet_regions) > 0.02 && used < msgsz)
        used +=
            (size_t)snprintf(msg + used, msgsz - used, "%s%.4f false alarms per quiet regency-year",
                             used ? "; " : "", per(t->fa_quiet, t->quiet_regions));
    return used == 0;
}

int cmd_warn_simulate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seeds", required_argument, NULL, 's'},  {"cases", required_argument, NULL, 'c'},
        {"years", required_argument, NULL, 'y'},  {"regencies", required_argument, NULL, 'r'},
        {"params", required_argument, NULL, 'p'}, {"check", no_argument, NULL, 'k'},
        {"oracle", no_argument, NULL, 'o'},       {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    uint64_t seeds[MAX_SEEDS] = {1, 2, 3};
    size_t nseeds = 3;
    long cases = 10, years = 2, nreg = 0;
    const char *pfile = NULL;
    bool check = false, json = false, oracle = false;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (parse_seeds(optarg, seeds, &nseeds))
                return cli_usage_error("warn",
                                       "--seeds needs up to %d seeds like 1,2,3 or 1-30, not '%s'",
                                       MAX_SEEDS, optarg);
            break;
        case 'c':
            if (str_to_long(optarg, 1, 100, &cases))
                return cli_usage_error("warn", "--cases needs a number 1..100, not '%s'", optarg);
            break;
        case 'y':
            if (str_to_long(optarg, 2, 20, &years))
                return cli_usage_error("warn", "--years needs a number 2..20, not '%s'", optarg);
            break;
        case 'r':
            if (str_to_long(optarg, 50, 100000, &nreg))
                return cli_usage_error("warn", "--regencies needs a number from 50, not '%s'",
                                       optarg);
            break;
        case 'p':
            pfile = optarg;
            break;
        case 'k':
            check = true;
            break;
        case 'j':
            json = true;
            break;
        case 'o':
            oracle = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        default:
            return cli_usage_error("warn", "unknown option or missing value in '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("warn", "unexpected argument '%s'", argv[optind]);

    struct error err = {0};
    struct warn_params p;
    int rc = cli_warn_params(&p, pfile, &err);
    if (rc)
        return cli_error(rc, "%s", err.msg);
    struct geo_gazetteer *g = NULL;
    if ((rc = geo_load(&g, &err)))
        return cli_error(rc, "%s", err.msg);
    size_t all = geo_count(g, GEO_REGENCY);
    size_t n = nreg > 0 && (size_t)nreg < all ? (size_t)nreg : all;
    const char **codes = xcalloc(n ? n : 1, sizeof(*codes));
    for (size_t i = 0; i < n; i++) /* spread evenly over the code order: every province */
        codes[i] = geo_at(g, GEO_REGENCY, i * all / n)->code;

    struct sim_result total = {0};
    struct delays dl[SIM_NKINDS] = {0};
    for (int k = 0; k < SIM_NKINDS; k++)
        total.kind[k].max_delay = -1;
    json_t *jseeds = json_array();
    if (!json)
        printf("seed   scenario  detected   rate   median    max alarmed  extra     held\n");
    for (size_t i = 0; i < nseeds && rc == 0; i++) {
        struct sim_config cfg;
        sim_config_default(&cfg);
        cfg.seed = seeds[i];
        cfg.regencies = codes;
        cfg.nregencies = n;
        cfg.cases = (int)cases;
        cfg.years = (int)years;
        cfg.oracle = oracle;
        struct sim_result r;
        rc = sim_run(&p, &cfg, &r, &err);
        if (rc)
            break;
        add_result(&total, dl, &r);
        if (json) {
            json_t *o = result_json(&r);
            json_object_set_new(o, "seed", json_integer((json_int_t)seeds[i]));
            json_array_append_new(jseeds, o);
        } else {
            char s[24];
            snprintf(s, sizeof(s), "%llu", (unsigned long long)seeds[i]);
            print_rows(s, &r);
        }
    }
    for (int k = 0; k < SIM_NKINDS; k++) {
        total.kind[k].median_delay = sim_median(dl[k].v, dl[k].n);
        free(dl[k].v);
    }
    free(codes);
    geo_free(g);
    if (rc) {
        json_decref(jseeds);
        return cli_error(rc, "%s", err.msg);
    }
    if (json) {
        json_t *doc = json_pack("{s:o, s:o}", "seeds", jseeds, "total", result_json(&total));
        json_dumpf(doc, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(doc);
    } else {
        json_decref(jseeds);
        print_rows("total", &total);
    }
    char msg[512];
    if (check && !meets_targets(&total, msg, sizeof(msg)))
        return cli_error(CLI_FAIL, "targets missed: %s", msg);
    return CLI_OK;
}
