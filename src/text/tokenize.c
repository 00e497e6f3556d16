/*
 * Tokenizer: one pass over the bytes, words / numbers / punctuation, lower-case forms with
 * slang expanded through the resources' hash table, and sentence starts.
 */
#include <string.h>
#include <utf8proc.h>

#include "text/text_internal.h"

#define LOWER_STACK 256

enum { CH_SPACE, CH_NEWLINE, CH_LETTER, CH_MARK, CH_DIGIT, CH_OTHER, CH_INVALID };

/* Decode the character at s[i]: its class, code point and byte length. */
static int char_at(const unsigned char *s, size_t len, size_t i, utf8proc_int32_t *cp, size_t *clen)
{
    unsigned char b = s[i];
    *clen = 1;
    if (b < 0x80) {
        *cp = b;
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z'))
            return CH_LETTER;
        if (b >= '0' && b <= '9')
            return CH_DIGIT;
        if (b == '\n')
            return CH_NEWLINE;
        if (b <= ' ' || b == 0x7F)
            return CH_SPACE;
        return CH_OTHER;
    }
    utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), cp);
    if (r < 0)
        return CH_INVALID;
    *clen = (size_t)r;
    switch (utf8proc_category(*cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return CH_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CH_MARK;
    case UTF8PROC_CATEGORY_ZS:
        return CH_SPACE;
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return CH_NEWLINE;
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
        return CH_SPACE; /* invisible: separates, makes no token */
    default:
        return CH_OTHER;
    }
}

static bool is_upper(utf8proc_int32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    utf8proc_category_t cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

/* Lower-case s[0..n) into out (capacity at least 3*n: a code point's lower case never takes
 * more than 3 times its bytes); returns the length. */
static size_t lower_into(const unsigned char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        if (b < 0x80) {
            out[o++] = (char)(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
            i++;
            continue;
        }
        utf8proc_int32_t c;
        utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &c);
        if (r < 0) { /* cannot happen inside a token, which holds decoded characters only */
            i++;
            continue;
        }
        o += (size_t)utf8proc_encode_char(utf8proc_tolower(c), (utf8proc_uint8_t *)out + o);
        i += (size_t)r;
    }
    return o;
}

/* Small strings for the lower forms: carved from arena blocks, no alignment padding. */
struct strpool {
    struct arena *a;
    char *p;
    size_t left;
};

static char *pool_dup(struct strpool *sp, const char *s, size_t n)
{
    if (!sp->p || n + 1 > sp->left) {
        size_t sz = n + 1 > 8192 ? n + 1 : 8192;
        sp->p = arena_alloc(sp->a, sz);
        if (!sp->p) {
            sp->left = 0;
            return NULL;
        }
        sp->left = sz;
    }
    char *r = sp->p;
    memcpy(r, s, n);
    r[n] = '\0';
    sp->p += n + 1;
    sp->left -= n + 1;
    return r;
}

/* Lower forms of the printable ASCII characters that can be PUNCT tokens ('!' .. '~', each
 * as a string), so most PUNCT tokens cost no allocation. */
static const char punct_str[][2] = {
    "!", "\"", "#",  "$", "%", "&", "'", "(", ")", "*", "+", ",", "-", ".", "/", "0", "1", "2", "3",
    "4", "5",  "6",  "7", "8", "9", ":", ";", "<", "=", ">", "?", "@", "A", "B", "C", "D", "E", "F",
    "G", "H",  "I",  "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y",
    "Z", "[",  "\\", "]", "^", "_", "`", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l",
    "m", "n",  "o",  "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "{", "|", "}", "~"};

enum { BRK_NONE, BRK_HARD, BRK_SOFT };

static bool is_closer(const char *lower)
{
    return lower[1] == '\0' &&
           (lower[0] == '"' || lower[0] == '\'' || lower[0] == ')' || lower[0] == ']');
}

static bool is_terminal(const char *lower)
{
    return lower[1] == '\0' && (lower[0] == '.' || lower[0] == '!' || lower[0] == '?');
}

int text_tokenize(const struct text_resources *res, const char *str, size_t len, struct arena *a,
                  struct text_token **out, size_t *n, struct error *err)
{
    const unsigned char *s = (const unsigned char *)str;
    struct text_token *toks = NULL;
    size_t ntok = 0, cap = 0;
    struct strpool sp = {a, NULL, 0};
    char stackbuf[LOWER_STACK * 3 + 2];
    int brk = BRK_HARD;
    size_t prev_end = 0;
    bool suppress_dot = false; /* the next '.' follows an initial ("A. Yani") */

    *out = NULL;
    *n = 0;
    if (!res)
        return error_set(err, WSP_EINVAL, "no text resources");
    if (!s && len)
        return error_set(err, WSP_EINVAL, "no text");
    cap = len / 5 + 16;
    toks = arena_alloc(a, cap * sizeof(*toks));
    if (!toks)
        goto nomem;

    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        size_t clen;
        int cls = char_at(s, len, i, &cp, &clen);
        if (cls == CH_SPACE || cls == CH_INVALID || cls == CH_MARK) {
            i += clen;
            continue;
        }
        if (cls == CH_NEWLINE) {
            brk = BRK_HARD;
            i += clen;
            continue;
        }
        struct text_token t = {0};
        t.off = i;
        const struct text_entry *e = NULL;
        const char *lower = NULL;
        size_t lowlen = 0;
        bool absorbed = false, initial = false;

        if (cls == CH_LETTER) {
            size_t j = i + clen, ncp = 1;
            t.kind = TOK_WORD;
            t.capitalized = is_upper(cp);
            while (j < len) {
                unsigned char b = s[j];
                if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') { /* ASCII letter: the common case */
                    j++;
                    ncp++;
                    continue;
                }
                utf8proc_int32_t c2;
                size_t l2;
                int k = char_at(s, len, j, &c2, &l2);
                if (k == CH_LETTER || k == CH_MARK) {
                    j += l2;
                    ncp++;
                    continue;
                }
                if ((s[j] == '-' || s[j] == '\'') && j + 1 < len) {
                    utf8proc_int32_t c3;
                    size_t l3;
                    if (char_at(s, len, j + 1, &c3, &l3) == CH_LETTER) {
                        j += 1 + l3;
                        ncp += 2;
                        continue;
                    }
                }
                break;
            }
            size_t wlen = j - i;
            /* lower-case with room for a trailing '.' */
            char *lb = wlen <= LOWER_STACK ? stackbuf : arena_alloc(a, wlen * 3 + 2);
            if (!lb)
                goto nomem;
            lowlen = lower_into(s + i, wlen, lb);
            if (j < len && s[j] == '.') {
                lb[lowlen] = '.';
                e = text_lookup(res, lb, lowlen + 1);
                if (e && e->expand) {
                    absorbed = true;
                    j++;
                } else {
                    e = NULL;
                    initial = ncp == 1;
                }
            }
            if (!e)
                e = text_lookup(res, lb, lowlen);
            if (e && e->expand) {
                lower = e->expand;
                lowlen = strlen(lower);
            } else {
                lower = lb;
            }
            if (e) {
                t.num_kind = e->num_kind;
                t.num_value = e->num_value;
            }
            t.len = j - i;
            if (!(t.lower = pool_dup(&sp, lower, lowlen)))
                goto nomem;
        } else if (cls == CH_DIGIT) {
            size_t j = i + 1;
            for (;;) {
                while (j < len && s[j] >= '0' && s[j] <= '9')
                    j++;
                if (j + 1 < len && (s[j] == '.' || s[j] == ',') && s[j + 1] >= '0' &&
                    s[j + 1] <= '9') {
                    j++;
                    continue;
                }
                break;
            }
            t.kind = TOK_NUMBER;
            t.len = j - i;
            if (!(t.lower = pool_dup(&sp, str + i, t.len)))
                goto nomem;
        } else {
            t.kind = TOK_PUNCT;
            t.len = clen;
            if (cp > 0x20 && cp < 0x7F) {
                t.lower = punct_str[cp - 0x21];
            } else {
                size_t l = lower_into(s + i, clen, stackbuf);
                if (!(t.lower = pool_dup(&sp, stackbuf, l)))
                    goto nomem;
            }
        }

        /* sentence starts */
        if (brk == BRK_HARD) {
            t.sentence_start = true;
            brk = BRK_NONE;
        } else if (brk == BRK_SOFT) {
            if (t.kind == TOK_PUNCT &&
                ((is_closer(t.lower) && t.off == prev_end) || is_terminal(t.lower))) {
                /* a closing quote or more dots still belong to the sentence that ended */
            } else {
                if (!(t.kind == TOK_WORD && !t.capitalized))
                    t.sentence_start = true;
                brk = BRK_NONE;
            }
        }
        if (t.kind == TOK_PUNCT && is_terminal(t.lower)) {
            if (!(t.lower[0] == '.' && suppress_dot))
                brk = BRK_SOFT;
        } else if (absorbed && (e->flags & TE_FINAL)) {
            brk = BRK_SOFT;
        }
        suppress_dot = initial;
        if (ntok == 0)
            t.sentence_start = true;

        if (!(toks = text_grow(a, toks, &cap, ntok, sizeof(*toks))))
            goto nomem;
        toks[ntok++] = t;
        prev_end = t.off + t.len;
        i = prev_end;
    }
    *out = toks;
    *n = ntok;
    return 0;
nomem:
    return error_set(err, WSP_ENOMEM, "text arena is full (tokenizing %zu bytes)", len);
}

int text_sentences(const char *s, size_t len, const struct text_token *toks, size_t ntoks,
                   struct arena *a, struct text_span **out, size_t *n)
{
    WSP_UNUSED(s);
    *out = NULL;
    *n = 0;
    size_t count = 0;
    for (size_t i = 0; i < ntoks; i++)
        count += i == 0 || toks[i].sentence_start;
    if (!count)
        return 0;
    struct text_span *sp = arena_alloc(a, count * sizeof(*sp));
    if (!sp)
        return WSP_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < ntoks; i++) {
        size_t end = toks[i].off + toks[i].len;
        if (end > len || (i && toks[i].off < toks[i - 1].off))
            return WSP_EINVAL; /* tokens of another text */
        if (i == 0 || toks[i].sentence_start) {
            sp[k].off = toks[i].off;
            sp[k].len = toks[i].len;
            k++;
        } else {
            sp[k - 1].len = end - sp[k - 1].off;
        }
    }
    *out = sp;
    *n = count;
    return 0;
}
