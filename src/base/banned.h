/*
 * Functions we never call, after git's banned.h: they overflow buffers, are not thread-safe,
 * or hide parse errors. Use str_copy, buf_printf/xasprintf/snprintf, str_to_long, gmtime_r.
 *
 * Included at the end of base.h, so include system headers before project headers.
 */
#ifndef WSP_BANNED_H
#define WSP_BANNED_H

#define WSP_BANNED(func) sorry_##func##_is_banned_in_waspada

#undef strcpy
#define strcpy(x, y) WSP_BANNED(strcpy)
#undef strcat
#define strcat(x, y) WSP_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) WSP_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) WSP_BANNED(strncat)
#undef strtok
#define strtok(x, y) WSP_BANNED(strtok)
#undef sprintf
#define sprintf(...) WSP_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) WSP_BANNED(vsprintf)
#undef gmtime
#define gmtime(t) WSP_BANNED(gmtime)
#undef localtime
#define localtime(t) WSP_BANNED(localtime)
#undef ctime
#define ctime(t) WSP_BANNED(ctime)
#undef asctime
#define asctime(t) WSP_BANNED(asctime)
#undef atoi
#define atoi(x) WSP_BANNED(atoi)
#undef atol
#define atol(x) WSP_BANNED(atol)

#endif
