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

#endif
