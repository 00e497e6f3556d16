/* base: the one progress line of long command-line runs (see base.h). */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "base/base.h"

#define PROGRESS_EVERY_MS 200

void progress_line_init(struct progress_line *p, FILE *f)
{
    p->f = f;
    p->on = f && isatty(fileno(f));
    p->shown = false;
    p->last_ms = 0;
}

void progress_line_show(struct progress_line *p, bool force, const char *fmt, ...)
{
    if (!p->on)
        return;
    int64_t now = time_mono_ms();
    if (!force && p->shown && now - p->last_ms < PROGRESS_EVERY_MS)
        return;
    p->last_ms = now;
    fputs("\r\033[K", p->f);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->f, fmt, ap);
    va_end(ap);
    fflush(p->f);
    p->shown = true;
}

void progress_line_clear(struct progress_line *p)
{
    if (p->on && p->shown) {
        fputs("\r\033[K", p->f);
        fflush(p->f);
        p->shown = false;
    }
}

void progress_line_end(struct progress_line *p)
{
    if (p->on && p->shown) {
        fputc('\n', p->f);
        fflush(p->f);
        p->shown = false;
    }
}
