/*
 * warn: hard rules. They need no statistics and fire even in the quietest region:
 *  - a death in an event coded to the region itself              -> death_level (siaga)
 *  - an attack on a house of worship coded to the region itself   -> worship_level (siaga)
 *  - a day with deaths that brings the region's killed within mass_window days to mass_killed
 *    or more (regency and province series, not the nation)        -> mass_level (awas)
 *  - a declared Status Keadaan Konflik in force on the day        -> status_level (siaga), and
 *    awas when violence goes on under it: a shown level of siaga or more from the other rules
 *    (a death within hold_days days) or the statistics (applied in levels.c, after the hold).
 *    The status is a human decision the engine only records.
 * "Coded to the region itself": an event known at regency level fires the rules of its regency,
 * not of its province and the nation, which would otherwise be at siaga nearly every day; those
 * see the event through their series. With rules_need_verified, unverified leads never fire.
 * verified_only evaluates the same rules over verified events alone: what the day would show
 * without the rules unverified leads fire (the verified backing of an episode, levels.c).
 */
#include "warn/warn_internal.h"

enum warn_level warn__rules(const struct warn_params *p, const struct wregion *r, int32_t t,
                            bool verified_only, enum warn_method *method, int *window)
{
    const struct wday *d = &r->d[t];
    enum warn_level lvl = WARN_NORMAL;
    enum warn_method m = WARN_M_NONE;
    int w = 0;
    int32_t own_killed = verified_only ? d->vown_killed : d->own_killed;
    unsigned flags = verified_only ? (unsigned)d->own_flags >> WARN_VFLAGS_SHIFT
                                   : d->own_flags & ((1u << WARN_VFLAGS_SHIFT) - 1);
    if (own_killed > 0 && p->death_level > (int)lvl) {
        lvl = (enum warn_level)p->death_level;
        m = WARN_M_RULE_DEATH;
        w = 1;
    }
    if ((flags & WARN_F_HOUSE_OF_WORSHIP) && p->worship_level > (int)lvl) {
        lvl = (enum warn_level)p->worship_level;
        m = WARN_M_RULE_WORSHIP;
        w = 1;
    }
    if (r->geo != WARN_GEO_NATIONAL && (verified_only ? d->vrk : d->rk) > 0 &&
        p->mass_level > (int)lvl) {
        int64_t k = 0;
        int32_t a = t - (int32_t)p->mass_window + 1;
        for (int32_t j = a < 0 ? 0 : a; j <= t; j++)
            k += verified_only ? r->d[j].vrk : r->d[j].rk;
        if (k >= p->mass_killed) {
            lvl = (enum warn_level)p->mass_level;
            m = WARN_M_RULE_MASS;
            w = (int)p->mass_window;
        }
    }
    *method = m;
    *window = w;
    return lvl;
}
