// Per-OPD view: what each agency owes across all plans of a region and year (the actions it
// leads with their last reported progress, and the actions of others it supports).
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, mount } from '../ui.js';
import { setQuery } from '../router.js';
import { regionPicker } from '../region-picker.js';
import { regionNames, regionText, rupiah, pct, radStatusBadge, years } from '../plan.js';

export async function render(main, ctx) {
  const q = { ...ctx.query };
  const region = regionPicker({ value: q.region || ctx.user.region || '', placeholder: t('rad.region_ph') });
  const year = select(years().map((y) => [y, String(y)]), q.year || new Date().getFullYear());
  const results = h('div', { 'aria-live': 'polite', 'data-testid': 'opd-results' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('rad.filters') },
    field(t('rad.region'), region.input), region.list, field(t('rad.year'), year),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('rad.show'))));

  async function load() {
    if (!region.code) { mount(results, emptyState(t('rad.opd_pick_region'))); return; }
    setQuery({ region: region.code, year: year.value });
    mount(results, loading());
    let r;
    try { r = await api.get('/opd', { region: region.code, year: year.value }); } catch (err) { mount(results, errorBox(err)); return; }
    await regionNames([r.region]);
    if (!ctx.isCurrent()) return;
    const items = r.items || [];
    if (!items.length) { mount(results, emptyState(t('rad.opd_none'))); announce(t('rad.opd_none')); return; }
    const info = t('rad.opd_count', { n: items.length, region: regionText(r.region), year: r.year });
    mount(results, h('p', { class: 'small muted' }, info), items.map((o) => h('section', { class: 'card', 'data-opd': o.opd },
      h('h2', {}, o.opd),
      h('p', { class: 'small' }, t('rad.opd_summary', { n: o.actions, budget: rupiah(o.anggaran), realized: rupiah(o.budget_realized) })),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, t('rad.opd_lead', { opd: o.opd })),
        h('thead', {}, h('tr', {}, [t('rad.kegiatan'), t('rad.type'), t('rad.status'), t('rad.phase'), t('rad.anggaran'), t('rad.opd_realized'), t('rad.opd_last')]
          .map((x, i) => h('th', { scope: 'col', class: i >= 4 ? 'num' : null }, x)))),
        h('tbody', {}, (o.lead || []).map((a) => h('tr', {},
          h('td', { class: 'col-wide' }, h('a', { href: '#/rad/' + a.rad_id }, a.kegiatan)),
          h('td', {}, t('rad.type.' + a.plan_type)), h('td', {}, radStatusBadge(a.plan_status)), h('td', {}, t('rad.phase.' + a.phase)),
          h('td', { class: 'num money' }, rupiah(a.anggaran)), h('td', { class: 'num money' }, rupiah(a.budget_realized)),
          h('td', { class: 'num' }, a.last_period ? a.last_period + ': ' + pct(a.last_physical_pct) : t('rad.opd_no_report'))))))),
      o.supporting && o.supporting.length ? [h('h3', {}, t('rad.opd_supporting')), h('ul', {}, o.supporting.map((s) =>
        h('li', {}, s.kegiatan, ' ', h('span', { class: 'small muted' }, '(' + t('rad.opd_led_by', { opd: s.lead_opd }) + ', ' + t('rad.type.' + s.plan_type) + ')'))))] : null)));
    announce(info);
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  mount(main, h('p', { class: 'small' }, h('a', { href: '#/rad' }, '← ', t('rad.back'))),
    h('h1', {}, t('rad.opd_title')), h('p', { class: 'muted' }, t('rad.opd_intro')), form, results);
  await load();
}
