/* One line per event on stderr: "time level module msg". */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"

static _Atomic int current_level = LOG_INFO;

void log_set_level(enum log_level level)
{
    current_level = (int)level;
}

enum log_level log_get_level(void)
{
    return (enum log_level)current_level;
}

int log_parse_level(const char *s)
{
    static const char *names[] = {"debug", "info", "warn", "error", "off"};
    for (size_t i = 0; i < WSP_ARRAY_LEN(names); i++)
        if (str_eq(s, names[i]))
            return (int)i;
    return -1;
}

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if ((int)level < current_level || level >= LOG_OFF)
        return;
    char ts[32];
    char line[2048];
    time_format_iso(time_now(), ts, sizeof(ts));
    int n = snprintf(line, sizeof(line), "%s %s %s ", ts, names[level], module);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    /* One fputs per line keeps lines from different threads whole. */
    size_t len = strlen(line);
    if (len + 1 < sizeof(line)) {
        line[len] = '\n';
        line[len + 1] = '\0';
    }
    fputs(line, stderr);
}
