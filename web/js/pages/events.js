// Events list: filters (region, category, status, date range, full text), paginated table.
// Filters live in the hash query (#/events?status=menunggu&region=32) so views can be shared.
// Unverified leads below lead_min_confidence are left out unless "show low-confidence leads
// too" is ticked (low=1 in the hash query).
import { api } from '../api.js';
import { t, fmtNumber } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, statusBadge, categoryName, regionLabel, date, table, announce, mount } from '../ui.js';
import { setQuery } from '../router.js';
import { regionPicker } from '../region-picker.js';
import { leadMinConfidence, lowLeadsToggle } from '../leads.js';

export const CATEGORIES = ['land_resource', 'inter_group_clash', 'riot_protest', 'identity_religious_ethnic',
  'political_election', 'separatist_armed', 'vigilante', 'other_violence', 'none'];
export const STATUSES = ['menunggu', 'terverifikasi', 'ditolak', 'dalam_penanganan', 'selesai'];
const PAGE = 25;

export async function render(main, ctx) {
  const q = { ...ctx.query };
  const region = regionPicker({ value: q.region || '', placeholder: t('events.region_ph') });
  const category = select([['', t('common.all')], ...CATEGORIES.map((c) => [c, categoryName(c)])], q.category);
  const status = select([['', t('common.all')], ...STATUSES.map((s) => [s, t('status.' + s)])], q.status);
  const from = h('input', { type: 'date', value: q.from || '' });
  const to = h('input', { type: 'date', value: q.to || '' });
  const text = h('input', { type: 'search', value: q.q || '', maxlength: '200', placeholder: t('events.q_ph') });
  const minConf = await leadMinConfidence();
  if (!ctx.isCurrent()) return;
  let showLow = q.low === '1';
  const lowToggle = lowLeadsToggle(showLow, minConf, (on) => { showLow = on; offset = 0; load(); });
  const results = h('div', { id: 'event-results', 'aria-live': 'polite' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('events.filters') },
    field(t('events.q'), text), field(t('events.region'), region.input), region.list,
    field(t('events.category'), category), field(t('events.status'), status),
    field(t('events.from'), from), field(t('events.to'), to), lowToggle,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')),
      h('button', { type: 'reset', class: 'btn' }, t('common.reset'))));
  let offset = Number(q.offset) || 0;

  async function load() {
    const params = { q: text.value.trim(), region: region.code, category: category.value, status: status.value,
      from: from.value, to: to.value, offset: offset || '', limit: PAGE };
    setQuery({ ...params, limit: '', low: showLow ? '1' : '' });
    // The API's min_confidence applies to every status: ask it only where leads can be.
    if (!showLow && minConf > 0 && (!status.value || status.value === 'menunggu')) params.min_confidence = minConf;
    mount(results, loading());
    let r;
    try {
      r = await api.get('/events', params);
    } catch (err) {
      mount(results, errorBox(err));
      return;
    }
    if (!ctx.isCurrent()) return;
    const items = r.items || [];
    if (!items.length) { mount(results, emptyState(t('events.none_match'))); announce(t('events.none_match')); return; }
    const rows = items.map((e) => h('tr', {},
      h('td', {}, date(e.event_date)),
      h('td', {}, h('a', { href: '#/events/' + e.id }, categoryName(e.category))),
      h('td', {}, regionLabel(e)),
      h('td', { class: 'num' }, victims(e)),
      h('td', {}, statusBadge(e.status)),
      h('td', { class: 'num' }, Math.round((e.confidence || 0) * 100) + '%'),
      h('td', { class: 'num' }, fmtNumber(e.source_count))));
    const total = r.total ?? items.length;
    // Past a thousand the server stops counting (total_exact false): "more than 1,000".
    const exact = r.total_exact !== false;
    const more = 'next' in r ? r.next != null : offset + items.length < total;
    const info = t('events.showing', { from: offset + 1, to: offset + items.length,
      total: exact ? total : t('events.total_more', { n: fmtNumber(total) }) });
    mount(results, h('p', { class: 'small muted' }, info),
      table([t('events.col_date'), t('events.col_category'), t('events.col_region'), t('events.col_victims'),
        t('events.col_status'), t('events.col_confidence'), t('events.col_sources')], rows, { caption: t('events.title') }),
      pager(total, exact, more));
    announce(info);
  }

  function pager(total, exact, more) {
    const prev = h('button', { type: 'button', class: 'btn', disabled: offset === 0,
      onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, t('common.prev'));
    const next = h('button', { type: 'button', class: 'btn', disabled: !more,
      onclick: () => { offset += PAGE; load(); } }, t('common.next'));
    const page = Math.floor(offset / PAGE) + 1;
    return h('nav', { class: 'pager', 'aria-label': t('common.pages') }, prev,
      h('span', {}, exact ? t('common.page_of', { page, pages: Math.max(1, Math.ceil(total / PAGE)) })
        : t('common.page', { page })), next);
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); offset = 0; load(); });
  form.addEventListener('reset', () => { setTimeout(() => { region.set(''); showLow = false; offset = 0; load(); }, 0); });
  mount(main, h('h1', {}, t('events.title')), h('p', { class: 'muted' }, t('events.intro')), form, results);
  await load();
}

export function victims(e) {
  const parts = [];
  if (e.killed) parts.push(t('events.killed_n', { n: e.killed }));
  if (e.injured) parts.push(t('events.injured_n', { n: e.injured }));
  if (e.women_children_victims) parts.push(t('events.women_children'));
  return parts.join(', ') || '–';
}
