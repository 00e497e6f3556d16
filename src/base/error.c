/* Errors: a code and a message, filled by the failing function for its caller. */
#include <stdio.h>
#include <string.h>

#include "base/base.h"

/* Parenthesised name: not the analyzer-only macro of the same name in base.h. */
int(error_set)(struct error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}

void error_clear(struct error *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}

const char *error_code_name(int code)
{
    switch (code) {
    case WSP_OK:
        return "ok";
    case WSP_EINVAL:
        return "invalid";
    case WSP_ENOTFOUND:
        return "not_found";
    case WSP_EEXIST:
        return "conflict";
    case WSP_EPERM:
        return "forbidden";
    case WSP_EAUTH:
        return "unauthorized";
    case WSP_ERATE:
        return "rate_limited";
    case WSP_ETOOBIG:
        return "too_large";
    case WSP_EIO:
        return "io_error";
    case WSP_ENOMEM:
        return "out_of_memory";
    case WSP_EDB:
        return "database_error";
    case WSP_EBUSY:
        return "busy";
    default:
        return "internal";
    }
}
