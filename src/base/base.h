/*
 * base: the ground floor every other module stands on. Knows nothing of the domain.
 *
 * - Errors: functions that can fail return int (0 ok, a negative WSP_E* code) and fill an
 *   optional caller-owned struct error. error_set() returns its code so a failure is one line:
 *       return error_set(err, WSP_EINVAL, "unknown role '%s'", role);
 *   Messages are lower-case, no final period, the failing thing quoted.
 * - Memory: x*alloc abort on out-of-memory (a server that cannot allocate a few bytes cannot
 *   do anything useful). An arena owns everything allocated from it until arena_release().
 *   A buf owns its data; it has a hard cap and a sticky `oom` flag (set when the cap or memory
 *   ran out) so callers check once at the end.
 * - Logging: one line per event to stderr, "time level module msg". Never log secrets or
 *   personal data.
 * - Time: time_now() is the one clock of the program; tests may override it.
 * - Data: reference files (regions, lexicons, boundaries) are embedded in the binary at build
 *   time; data_set_dir() makes data_read() prefer files from a directory instead.
 *
 * Thread safety: everything here is safe to call from several threads, except the setters
 * (log_set_level, time_set_override, data_set_dir) which are meant for start-up and tests.
 */
#ifndef WSP_BASE_H
#define WSP_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WSP_VERSION "0.1.0"

#define WSP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define WSP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define WSP_UNUSED(x) ((void)(x))

/* ---- errors ---------------------------------------------------------------------------- */

enum wsp_status {
    WSP_OK = 0,
    WSP_EINVAL = -1,    /* bad input from the user: 400 / exit 2 */
    WSP_ENOTFOUND = -2, /* no such object: 404 */
    WSP_EEXIST = -3,    /* conflicts with existing state: 409 */
    WSP_EPERM = -4,     /* authenticated but not allowed (role, scope, CSRF): 403 */
    WSP_EAUTH = -5,     /* not authenticated or bad credentials: 401 */
    WSP_ERATE = -6,     /* too many attempts: 429 */
    WSP_ETOOBIG = -7,   /* input over a size limit: 413 */
    WSP_EIO = -8,       /* file or network failure: 500 */
    WSP_ENOMEM = -9,    /* out of memory or over an arena/buffer cap: 500 */
    WSP_EDB = -10,      /* database failure: 500 (or 503 when busy) */
    WSP_EBUSY = -11,    /* database locked or server overloaded: 503 */
    WSP_EINTERNAL = -12 /* a bug: 500 */
};

struct error {
    int code;      /* one of enum wsp_status; 0 when no error was recorded */
    char msg[512]; /* lower-case message, no final period */
};

/* Record an error (if err is non-NULL) and return code. */
int error_set(struct error *err, int code, const char *fmt, ...) WSP_PRINTF(3, 4);
#ifdef __clang_analyzer__
/* The static analyzer (clang-tidy) sees one file at a time, so it does not know that
 * error_set() returns `code` and follows impossible paths where a failure returns 0 and
 * out-parameters are then read uninitialised. Spell the contract out for it; the build never
 * sees this (every `code` argument is free of side effects). */
#define error_set(err, code, ...) (error_set((err), (code), __VA_ARGS__), (code))
/* WSP_ANALYZER_FAILS(call): for the analyzer only, the value of `call`, a call to a function
 * of another file that always returns a negative status (store_fail, http_reply_error...). */
#define WSP_ANALYZER_FAILS(call)                                                                   \
    __extension__({                                                                                \
        int wsp_analyzer_rc_ = (call);                                                             \
        if (wsp_analyzer_rc_ >= 0)                                                                 \
            __builtin_unreachable();                                                               \
        wsp_analyzer_rc_;                                                                          \
    })
#endif
/* Stable lower-case name of a status ("invalid", "not_found", ...), used as API error code. */
const char *error_code_name(int code);
void error_clear(struct error *err);

/* ---- memory ---------------------------------------------------------------------------- */

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) WSP_PRINTF(1, 2); /* caller frees */

/* Arena: bump allocator in chunks, with a hard cap on total bytes. Allocation beyond the cap
 * returns NULL and sets `oom`. Everything is freed at once by arena_release(). */
struct arena {
    struct arena_chunk *head;
    size_t used;  /* bytes handed out, for accounting */
    size_t limit; /* 0 = unlimited */
    bool oom;
};

void arena_init(struct arena *a, size_t limit);
void *arena_alloc(struct arena *a, size_t n);       /* 16-byte aligned, zeroed; NULL on cap */
char *arena_strdup(struct arena *a, const char *s); /* NULL in, NULL out */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) WSP_PRINTF(2, 3);
void arena_release(struct arena *a); /* frees everything; the arena can be reused after */

/* Growable byte buffer, always NUL-terminated, with a hard cap (0 = 1 GiB). */
struct buf {
    char *data; /* NULL until first append; use buf_cstr() for a safe "" */
    size_t len;
    size_t cap;
    size_t max;
    bool oom; /* sticky: set when an append would exceed max */
};

void buf_init(struct buf *b, size_t max);
void buf_append(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_put_i64(struct buf *b, int64_t v); /* decimal, as "%" PRId64 without printf's cost */
void buf_printf(struct buf *b, const char *fmt, ...) WSP_PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
const char *buf_cstr(const struct buf *b);
char *buf_detach(struct buf *b, size_t *len); /* caller frees; buffer is reset */
void buf_reset(struct buf *b);                /* keep memory, len = 0, oom cleared */
void buf_release(struct buf *b);              /* free memory */

/* ---- strings --------------------------------------------------------------------------- */

/* Copy at most dstsz-1 bytes and NUL-terminate; returns strlen(src) like strlcpy. */
size_t str_copy(char *dst, const char *src, size_t dstsz);
bool str_starts_with(const char *s, const char *prefix);
bool str_eq(const char *a, const char *b); /* NULL-safe */
/* Parse a whole string as a base-10 integer in [min, max]; 0 ok, WSP_EINVAL otherwise. */
int str_to_long(const char *s, long min, long max, long *out);
/* True when s is valid UTF-8 of length n. */
bool utf8_valid(const char *s, size_t n);

/* ---- logging --------------------------------------------------------------------------- */

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parse "debug", "info", "warn", "error", "off"; -1 when unknown. */
int log_parse_level(const char *s);
void log_msg(enum log_level level, const char *module, const char *fmt, ...) WSP_PRINTF(3, 4);

#define LOG_D(mod, ...) log_msg(LOG_DEBUG, mod, __VA_ARGS__)
#define LOG_I(mod, ...) log_msg(LOG_INFO, mod, __VA_ARGS__)
#define LOG_W(mod, ...) log_msg(LOG_WARN, mod, __VA_ARGS__)
#define LOG_E(mod, ...) log_msg(LOG_ERROR, mod, __VA_ARGS__)

/* ---- progress of long command-line runs ---------------------------------------------------- */

/* One line on a terminal, rewritten in place at most five times a second ("import: 45% ...");
 * nothing at all when the stream is not a terminal (a log, a pipe, a systemd journal). Not
 * thread-safe: callers with threads hold their own lock. */
struct progress_line {
    FILE *f;
    bool on;    /* f is a terminal */
    bool shown; /* a line is on screen, to be cleared or ended */
    int64_t last_ms;
};
void progress_line_init(struct progress_line *p, FILE *f);
/* Show the line (printf format); skipped when the last one is under 200 ms old unless force. */
void progress_line_show(struct progress_line *p, bool force, const char *fmt, ...) WSP_PRINTF(3, 4);
/* Erase the line (before printing a message under it). */
void progress_line_clear(struct progress_line *p);
/* Leave the last line on screen and go to the next. */
void progress_line_end(struct progress_line *p);

/* ---- time ------------------------------------------------------------------------------ */

/* Seconds since the epoch (UTC), or the override when one is set. */
int64_t time_now(void);
/* Milliseconds on a monotonic clock, for durations (never overridden). */
int64_t time_mono_ms(void);
/* The same clock in microseconds, for short durations (request latencies). */
int64_t time_mono_us(void);
/* Tests: freeze the clock at t (seconds); 0 removes the override. */
void time_set_override(int64_t t);
/* "2026-11-29T07:30:05Z" into out (at least 21 bytes). */
void time_format_iso(int64_t t, char *out, size_t outsz);
/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC); 0 ok, WSP_EINVAL otherwise. */
int time_parse_iso(const char *s, int64_t *out);

/* Calendar dates as whole days since 1970-01-01 (proleptic Gregorian calendar, H. Hinnant's
 * algorithms): the one copy of this arithmetic for the detector, the warning engine and the
 * store. Each caller keeps its own range of plausible years. */
bool date_leap_year(int y);
/* Days in month m (1..12) of year y. */
int date_month_days(int y, int m);
/* Whether d is a day of month m (1..12) of year y. */
bool date_ymd_valid(int y, int m, int d);
int64_t date_days_from_civil(int y, int m, int d);
void date_civil_from_days(int64_t days, int *y, int *m, int *d);
/* 0 = Sunday (Minggu) .. 6 = Saturday (Sabtu). */
int date_weekday(int64_t days);
/* Whether s is exactly "YYYY-MM-DD" of a real day (years 1900..9999). */
bool date_iso_valid(const char *s);
/* "YYYY-MM-DD" of days (years 0..9999) into out (at least 11 bytes). */
void date_format(int64_t days, char *out, size_t outsz);

/* ---- reference data -------------------------------------------------------------------- */

/* A read-only view of a data file. Owned by the data layer: embedded files live for the
 * process; files read from a directory are owned by the blob and freed by data_blob_free. */
struct data_blob {
    const char *data; /* data[len] is always '\0', so text files are C strings */
    size_t len;
    char *owned; /* non-NULL when read from disk */
};

/* Prefer files under dir (e.g. "/usr/local/share/waspada/data"); NULL = embedded only.
 * The string is copied. */
void data_set_dir(const char *dir);
const char *data_get_dir(void); /* NULL when using the embedded copy */
/* name is relative to data/, e.g. "wilayah/provinces.csv". */
int data_read(const char *name, struct data_blob *out, struct error *err);
void data_blob_free(struct data_blob *b);
/* Read a tab-separated data file line by line: blank lines and lines starting with '#' are
 * skipped, a final '\r' is dropped, and row() gets up to 8 fields (the strings are valid only
 * during the call) with the 1-based line number. A non-zero return of row() stops the reading
 * and is returned, with "name:line: " put in front of err's message. */
int data_read_tsv(const char *name,
                  int (*row)(void *ctx, char **f, size_t nf, size_t line, struct error *err),
                  void *ctx, struct error *err);
/* Names of the embedded files, for `waspada --version` and tests. */
size_t data_embedded_count(void);
const char *data_embedded_name(size_t i);

#include "banned.h"

#endif
