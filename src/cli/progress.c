/* The progress line of the store's long operations on a terminal (import, backup): the
 * store reports its phase and counts (store_set_progress), base's progress_line shows them. */
#include <inttypes.h>

#include "cli/cli.h"
#include "store/store.h"

static void on_store_progress(void *ud, const char *phase, int64_t done, int64_t total)
{
    struct cli_progress *p = ud;
    bool force = !str_eq(phase, p->phase);
    p->phase = phase;
    if (total > 0)
        progress_line_show(&p->line, force, "%s: %s %" PRId64 " of %" PRId64 " (%d%%)", p->what,
                           phase, done, total, (int)(100 * done / total));
    else
        progress_line_show(&p->line, force, "%s: %s %" PRId64, p->what, phase, done);
}

void cli_progress_start(struct cli_progress *p, struct store *s, const char *what)
{
    progress_line_init(&p->line, stderr);
    p->what = what;
    p->phase = "";
    if (p->line.on)
        store_set_progress(s, on_store_progress, p);
}

void cli_progress_end(struct cli_progress *p, struct store *s)
{
    store_set_progress(s, NULL, NULL);
    progress_line_clear(&p->line);
}
