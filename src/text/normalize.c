/*
 * Normalization: valid UTF-8 in NFC, typographic punctuation as ASCII, no control or
 * invisible format characters, one space between words, "\n" between paragraphs.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/text_internal.h"

enum { C_KEEP, C_SPACE, C_NEWLINE, C_DROP, C_REPLACE };

/* What to do with a non-ASCII code point; *rep gets the ASCII replacement for C_REPLACE. */
static int classify(utf8proc_int32_t c, const char **rep)
{
    switch (c) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0x2035:
    case 0x02BC:
    case 0xFF07:
        *rep = "'";
        return C_REPLACE;
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
    case 0x00AB:
    case 0x00BB:
    case 0x2039:
    case 0x203A:
    case 0xFF02:
        *rep = "\"";
        return C_REPLACE;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0xFE58:
    case 0xFE63:
    case 0xFF0D:
        *rep = "-";
        return C_REPLACE;
    case 0x2026:
        *rep = "...";
        return C_REPLACE;
    case 0x2022:
    case 0x00B7:
    case 0x2027:
        *rep = "-";
        return C_REPLACE;
    case 0x0085:
    case 0x2028:
    case 0x2029:
        return C_NEWLINE;
    default:
        break;
    }
    if (c < 0xA0)
        return C_DROP; /* C1 controls */
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_ZS:
        return C_SPACE;
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF: /* soft hyphen, zero-width space/joiners, BOM, bidi marks */
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CN: /* unassigned, noncharacters */
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return C_DROP;
    default:
        return C_KEEP;
    }
}

/* Pass 1 writes into out (at least len+1 bytes: no mapping makes the text longer) and says
 * whether a composition pass is needed. */
static size_t clean(const unsigned char *s, size_t len, char *out, bool *need_nfc)
{
    size_t o = 0;
    int pending = 0; /* 0 none, 1 space, 2 newline: separators are written lazily */
    size_t i = 0;
    *need_nfc = false;
    while (i < len) {
        unsigned char b = s[i];
        const char *rep = NULL;
        int cls;
        size_t clen = 1;
        if (b < 0x80) {
            if (b > ' ' && b != 0x7F) {
                if (pending && o)
                    out[o++] = pending == 2 ? '\n' : ' ';
                pending = 0;
                out[o++] = (char)b;
                i++;
                /* copy the rest of an ASCII word in one go */
                while (i < len && s[i] > ' ' && s[i] < 0x7F)
                    out[o++] = (char)s[i++];
                continue;
            }
            if (b == '\n' || b == '\r' || b == '\v' || b == '\f')
                cls = C_NEWLINE;
            else if (b == ' ' || b == '\t')
                cls = C_SPACE;
            else
                cls = C_DROP;
        } else {
            utf8proc_int32_t c;
            utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &c);
            if (r < 0) {
                i++; /* invalid byte: dropped */
                continue;
            }
            clen = (size_t)r;
            cls = classify(c, &rep);
            if (cls == C_KEEP && c >= 0x300)
                *need_nfc = true; /* a mark or a character that may compose or decompose */
        }
        switch (cls) {
        case C_SPACE:
            if (!pending)
                pending = 1;
            break;
        case C_NEWLINE:
            pending = 2;
            break;
        case C_DROP:
            break;
        case C_REPLACE:
        case C_KEEP:
            if (pending && o)
                out[o++] = pending == 2 ? '\n' : ' ';
            pending = 0;
            if (cls == C_REPLACE) {
                size_t rl = strlen(rep);
                memcpy(out + o, rep, rl);
                o += rl;
            } else {
                memcpy(out + o, s + i, clen);
                o += clen;
            }
            break;
        }
        i += clen;
    }
    out[o] = '\0';
    return o;
}

char *text_normalize(const char *s, size_t len, struct arena *a, size_t *outlen)
{
    if (outlen)
        *outlen = 0;
    if (!s)
        len = 0;
    char *out = arena_alloc(a, len + 1);
    if (!out)
        return NULL;
    bool need_nfc;
    size_t n = len ? clean((const unsigned char *)s, len, out, &need_nfc) : 0;
    if (len && need_nfc) {
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)out, (utf8proc_ssize_t)n, &nfc,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (r >= 0) {
            /* clean again: NFC may map a character to one we replace (U+0387 -> U+00B7) */
            if ((size_t)r > len && !(out = arena_alloc(a, (size_t)r + 1))) {
                free(nfc);
                return NULL;
            }
            n = clean(nfc, (size_t)r, out, &need_nfc);
        }
        free(nfc);
    }
    if (outlen)
        *outlen = n;
    return out;
}
