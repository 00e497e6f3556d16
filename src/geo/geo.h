/*
 * geo: the gazetteer of official Kemendagri region codes (wilayah) and name lookup.
 *
 * Levels: province (2 digits, "32"), regency/city (kabupaten/kota, "32.73"), district
 * (kecamatan, "32.73.01"), village (desa/kelurahan, "32.73.01.1001"). Every region but a
 * province has a parent; the code of a region always starts with its parent's code.
 *
 * Ownership: a gazetteer is loaded once per process (from the data/wilayah CSV files through
 * data_read) and is then read-only: every const pointer it returns lives until geo_free(), and
 * all lookups are safe from any number of threads at once. No SQL, no HTTP here.
 *
 * Names: geo_normalize_name() is the one definition of "the same name": case-folded, accents
 * and punctuation removed, whitespace collapsed, administrative prefixes (Provinsi, Kabupaten,
 * Kab., Kota, Kecamatan, Kec., Desa, Ds., Kelurahan, Kel.) stripped. Common short names of
 * provinces (Jabar, Jateng, Jatim, DKI, DIY, NTB, NTT, Sumut, Sulsel, Kalbar, ...) are aliases.
 */
#ifndef WSP_GEO_H
#define WSP_GEO_H

#include <stddef.h>
#include <stdbool.h>

#include "base/base.h"

enum geo_level { GEO_PROVINCE = 1, GEO_REGENCY = 2, GEO_DISTRICT = 3, GEO_VILLAGE = 4 };

/* Kind of a regency-level region, from its official name. */
enum geo_kind { GEO_KIND_NONE = 0, GEO_KIND_KABUPATEN, GEO_KIND_KOTA };

struct geo_region {
    const char *code; /* "32.73" */
    const char *name; /* official name: "Kota Bandung" */
    const char *norm; /* normalized core name: "bandung" */
    enum geo_level level;
    enum geo_kind kind;              /* regencies only */
    const struct geo_region *parent; /* NULL for provinces */
};

struct geo_gazetteer; /* opaque */

/* Load the gazetteer from the data files. 0 ok; on error *out is NULL and err says why
 * (which file, which line). */
int geo_load(struct geo_gazetteer **out, struct error *err);
void geo_free(struct geo_gazetteer *g);

/* Counts per level (level 0 = all). */
size_t geo_count(const struct geo_gazetteer *g, enum geo_level level);
/* Region by exact dotted code as in the official list ("32.73"); NULL when unknown. */
const struct geo_region *geo_get(const struct geo_gazetteer *g, const char *code);
/* The i-th region of a level in code order (for listing); NULL past the end. */
const struct geo_region *geo_at(const struct geo_gazetteer *g, enum geo_level level, size_t i);

/* Ancestor of r at the given level (r itself if r->level == level); NULL if above r. */
const struct geo_region *geo_ancestor(const struct geo_region *r, enum geo_level level);
/* "Kota Bandung, Jawa Barat" (name and parent chain up to the province) into out. */
void geo_format_chain(const struct geo_region *r, char *out, size_t outsz);
/* "province", "regency", "district", "village"; geo_parse_level returns 0 when unknown. */
const char *geo_level_name(enum geo_level level);
enum geo_level geo_parse_level(const char *s);
/* True when code looks like a region code of some level (digits and dots in the right
 * places); says nothing about whether it exists. */
bool geo_code_valid(const char *code);

/* A place outside Indonesia (data/geo/foreign-places.tsv): countries, their capitals and big
 * cities, and the foreign regions Indonesian news names most, in Indonesian spellings. Used to
 * tell events abroad from events at home; an Indonesian region of the same name always wins. */
struct geo_foreign {
    const char *name;    /* as written in the file: "Papua Nugini", "Enga" */
    const char *norm;    /* geo_normalize_name(name) */
    const char *country; /* "Papua Nugini" */
};
size_t geo_foreign_count(const struct geo_gazetteer *g);
/* The i-th foreign place in file order; NULL past the end. */
const struct geo_foreign *geo_foreign_at(const struct geo_gazetteer *g, size_t i);

/* Search filters. level 0 = any; parent NULL or "" = anywhere, else a code prefix on whole
 * segments: "32" covers 32 itself and "32.73", but not "320". */
struct geo_query {
    const char *q; /* free text; NULL or "" matches everything (then ordered by level,
                    * then code); text with no letters or digits matches nothing */
    enum geo_level level;
    const char *parent;
    size_t offset;
    size_t limit; /* 0 = no limit */
};

/*
 * Find regions whose name matches q. Matching is on normalized names. Provinces and
 * regencies/cities come before districts and villages (a name usually means the larger place);
 * within each of those two groups an exact match of the whole name or of an alias ranks first,
 * then names starting with the query, then names containing it as whole words. Within a rank,
 * higher levels (province before village) and then code order come first, except that a leading
 * administrative word in q ("Kota Bandung", "Kab. Bandung", "Provinsi ...", "Kecamatan ...", "Desa
 * ...") puts regions of that kind first within each rank. Stores up to min(max, limit) results
 * (after offset) into out (out may be NULL to count only) and returns the total number of matches
 * (for pagination). Thread-safe.
 */
size_t geo_find(const struct geo_gazetteer *g, const struct geo_query *query,
                const struct geo_region **out, size_t max);

/*
 * Normalize a place name into out (always NUL-terminated, truncated to outsz-1 bytes at a
 * character boundary). Returns the length written. Pure; safe on any bytes, including invalid
 * UTF-8 (invalid bytes are dropped). Examples:
 *   "Kab. Bandung Barat"  -> "bandung barat"
 *   "KOTA  Bandung!"      -> "bandung"
 *   "Provinsi D.I. Yogyakarta" -> "di yogyakarta"
 *   "Kota"                -> "kota"  (a prefix word that is the whole name stays)
 * A dot after a single letter joins initials ("D.I." -> "di"); apostrophes and quotes vanish
 * ("Ra'as" -> "raas"); other punctuation separates words. Leading prefix words are all stripped
 * ("Kabupaten Kota Baru" -> "baru"), so normalizing twice changes nothing.
 */
size_t geo_normalize_name(const char *in, size_t inlen, char *out, size_t outsz);

/* The centroid of a province or regency/city (code "32" or "32.73"), from the boundary files
 * (data/geo, loaded once per process on first use; thread-safe). False when the code has
 * none (districts and villages have no boundaries here). */
bool geo_centroid(const char *code, double *lat, double *lng);

#endif
