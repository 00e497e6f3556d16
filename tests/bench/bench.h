/* Benchmarks shared declarations (make bench). */
#ifndef WSP_BENCH_H
#define WSP_BENCH_H

#include "base/base.h"

/* The lexicon whose positive terms (classes violence, group, casualty) form the `rg` floor of
 * the extraction benchmark. */
#define BENCH_LEXICON "detect/signals.tsv"

/* Corpus generation and end-to-end extract/ingest timings of the binary at `bin`. */
void bench_pipeline(const char *bin);
/* Early-warning engine: full recompute and incremental update (bench_warn.c). */
void bench_warn(void);
/* Run argv (stdin /dev/null, stdout discarded): wall seconds and the child's peak RSS in MiB;
 * the exit status, -1 when it could not run (bench_pipeline.c). */
int bench_run(char *const argv[], double *secs, double *rss_mib);
struct geo_gazetteer;
/* `waspada import events` of BENCH_IMPORT_N generated events (default 1,000,000) into a new
 * database, then the same file again (bench_import.c). */
void bench_import(const char *bin, const struct geo_gazetteer *g);

#endif
