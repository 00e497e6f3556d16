// Compliance (kepatuhan): per region, Timdu formed, RAD status, expected/submitted/on-time
// reports (DHIS2-style rates), score and rank; the "belum menyusun RAD" and "belum membentuk
// Timdu" lists; alerts of the year answered within 24/72 hours and without any response, per
// region (each row's "alerts"); exports: CSV and XLSX from the server's /api/v1/compliance/export (the same
// writer as `waspada export compliance`, so the files are the CLI's), and its printable HTML
// report. The exports are plain links: the session cookie goes along and the server names
// the file.
import { api } from '../api.js';
import { t, fmtNumber, fmtDate } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, mount } from '../ui.js';
import { setQuery } from '../router.js';
import { regionPicker } from '../region-picker.js';
import { PLAN_TYPES, radStatusBadge, yesNoBadge, years, pct, regionNames, regionText } from '../plan.js';

export async function render(main, ctx) {
  const q = { ...ctx.query };
  const user = ctx.user;
  const national = user.role === 'admin' || user.role === 'pusat';
  const year = select(years().map((y) => [y, String(y)]), q.year || new Date().getFullYear(), { name: 'year' });
  const type = select(PLAN_TYPES.map((x) => [x, t('rad.type.' + x)]), q.type || 'pks', { name: 'type' });
  const region = regionPicker({ value: q.region || '', placeholder: national ? t('compliance.region_all') : user.region });
  if (user.role === 'kabkota') { region.set(user.region); region.input.readOnly = true; }
  const date = h('input', { type: 'date', name: 'date', value: q.date || '' });
  const results = h('div', { 'aria-live': 'polite', 'data-testid': 'compliance' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('compliance.filters') },
    field(t('rad.year'), year), field(t('rad.type'), type),
    field(t('rad.region'), region.input, { hint: national ? t('compliance.region_hint') : t('compliance.region_hint_own') }), region.list,
    field(t('compliance.date'), date, { hint: t('compliance.date_hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('rad.show'))));

  async function load() {
    const params = { year: year.value, type: type.value, region: region.code, date: date.value };
    setQuery(params);
    mount(results, loading());
    let c;
    try { c = await api.get('/compliance', params); } catch (err) { mount(results, errorBox(err)); return; }
    if (region.code) await regionNames([region.code]);
    if (!ctx.isCurrent()) return;
    mount(results, view(c, params, national));
    announce(t('compliance.loaded', { n: (c.items || []).length }));
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  mount(main, h('h1', {}, t('compliance.title')), h('p', { class: 'muted' }, t('compliance.intro')), form, results);
  await load();
}

// A bar for the score (decorative: the number is next to it). Width set through the CSSOM so a
// strict Content-Security-Policy without inline styles still allows it.
function meter(score) {
  const bar = h('span', {});
  bar.style.width = Math.max(0, Math.min(100, score)) + '%';
  return h('span', { class: 'meter', 'aria-hidden': 'true' }, bar);
}

function view(c, params, national) {
  const items = c.items || [];
  const tot = c.totals || { expected: 0, submitted: 0, on_time: 0 };
  const rate = (a, b) => (b ? Math.round((1000 * a) / b) / 10 : null);
  const stat = (num, lbl, id) => h('div', { class: 'stat', 'data-stat': id }, h('span', { class: 'num' }, num), h('span', { class: 'lbl' }, lbl));
  const reportUrl = api.url('/compliance/report', params);
  const exportLink = (format, label) => h('a', { class: 'btn', href: api.url('/compliance/export', { ...params, format }),
    download: true, 'data-export': format }, label);
  const exportBar = h('div', { class: 'actions', 'data-testid': 'exports' },
    exportLink('csv', t('compliance.export_csv')),
    exportLink('xlsx', t('compliance.export_xlsx')),
    h('a', { class: 'btn', href: reportUrl, target: '_blank', rel: 'noopener', 'data-export': 'html' }, t('compliance.export_html'),
      h('span', { class: 'visually-hidden' }, ' ' + t('compliance.new_window'))));
  const rows = items.map((r) => h('tr', { 'data-region': r.region_code },
    h('td', { class: 'num' }, String(r.rank)),
    h('th', { scope: 'row', class: 'rowhead' }, national && !r.region_code.includes('.') && !params.region
      ? h('a', { href: `#/compliance?year=${c.year}&type=${c.type}&region=${r.region_code}`, title: t('compliance.drill') }, r.region) : r.region,
      h('div', { class: 'small muted' }, r.region_code)),
    h('td', { 'data-col': 'timdu' }, yesNoBadge(r.timdu)),
    h('td', { 'data-col': 'rad' }, radStatusBadge(r.rad_status)),
    h('td', { class: 'num' }, fmtNumber(r.expected)),
    h('td', { class: 'num' }, fmtNumber(r.submitted)),
    h('td', { class: 'num' }, fmtNumber(r.on_time)),
    h('td', { class: 'num' }, fmtNumber(r.late)),
    h('td', { class: 'num' }, r.expected ? pct(r.reporting_rate) : '–'),
    h('td', { class: 'num' }, r.expected ? pct(r.on_time_rate) : '–'),
    h('td', { class: 'num', 'data-col': 'score' }, h('span', { class: 'score' }, fmtNumber(r.score)),
      meter(r.score))));
  const list = (arr, key, id) => h('section', { class: 'card', 'aria-labelledby': id + '-h', 'data-testid': id },
    h('h2', { id: id + '-h' }, t(key), ' ', h('span', { class: 'badge' }, String(arr.length))),
    arr.length ? h('ul', { class: 'cols' }, arr.map((x) => h('li', { 'data-region': x.code }, x.name, ' ', h('span', { class: 'small muted' }, x.code))))
      : h('p', { class: 'muted' }, t('compliance.none_missing')));
  return h('div', {},
    h('p', { class: 'small muted' }, t('compliance.as_of', { date: fmtDate(c.date), type: t('rad.type.' + c.type), year: c.year }),
      params.region ? [' · ', regionText(params.region)] : null,
      params.region && national ? [' · ', h('a', { href: `#/compliance?year=${c.year}&type=${c.type}` }, t('compliance.all_provinces'))] : null),
    h('div', { class: 'cards' },
      stat(fmtNumber(tot.expected), t('compliance.expected'), 'expected'), stat(fmtNumber(tot.submitted), t('compliance.submitted'), 'submitted'),
      stat(fmtNumber(tot.on_time), t('compliance.on_time'), 'on_time'),
      stat(pct(rate(tot.submitted, tot.expected)), t('compliance.reporting_rate'), 'reporting_rate'),
      stat(pct(rate(tot.on_time, tot.expected)), t('compliance.on_time_rate'), 'on_time_rate')),
    exportBar,
    items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table wrap-heads', 'data-testid': 'compliance-table' },
      h('caption', { class: 'visually-hidden' }, t('compliance.title')),
      h('thead', {}, h('tr', {}, [t('compliance.rank'), t('rad.region'), 'Timdu', t('compliance.rad_status'), t('compliance.expected'), t('compliance.submitted'),
        t('compliance.on_time'), t('compliance.late'), t('compliance.reporting_rate'), t('compliance.on_time_rate'), t('compliance.score')]
        .map((x, i) => h('th', { scope: 'col', class: i === 0 || i >= 4 ? 'num' : null }, x)))),
      h('tbody', {}, rows))) : emptyState(),
    h('p', { class: 'small muted' }, t('compliance.formula', { deadline: c.calendar ? c.calendar.deadline_days : '', grace: c.calendar ? c.calendar.grace_days : '' })),
    answersTable(c),
    h('div', { class: 'grid-2' }, list(c.belum_rad || [], 'compliance.belum_rad', 'belum-rad'), list(c.belum_timdu || [], 'compliance.belum_timdu', 'belum-timdu')));
}

// Alerts of the year per region: answered within 24 and 72 hours of their start, answered at
// all, without any response (verified alerts; a region with the regions under it). Regions
// without an alert are left out.
function answersTable(c) {
  const items = (c.items || []).filter((r) => r.alerts && r.alerts.alerts > 0);
  const tot = (c.totals && c.totals.alerts) || null;
  if (!tot) return null;
  if (!items.length) {
    return h('section', { class: 'card', 'aria-labelledby': 'answers-h', 'data-testid': 'alert-answers' },
      h('h2', { id: 'answers-h' }, t('answers.title', { year: c.year })), emptyState(t('answers.none')));
  }
  const cells = (x) => [x.alerts, x.answered_24h, x.answered_72h, x.answered, x.unanswered].map((n, i) => h('td', { class: 'num', 'data-col': ['alerts', 'answered_24h', 'answered_72h', 'answered', 'unanswered'][i] }, fmtNumber(n)));
  return h('section', { class: 'card', 'aria-labelledby': 'answers-h', 'data-testid': 'alert-answers' },
    h('h2', { id: 'answers-h' }, t('answers.title', { year: c.year })),
    h('p', { class: 'small muted' }, t('answers.note')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, t('answers.title', { year: c.year })),
      h('thead', {}, h('tr', {}, [t('rad.region'), t('answers.alerts'), t('answers.answered_24h'), t('answers.answered_72h'), t('answers.answered'), t('answers.unanswered')]
        .map((x, i) => h('th', { scope: 'col', class: i ? 'num' : null }, x)))),
      h('tbody', {}, items.map((r) => h('tr', { 'data-region': r.region_code }, h('th', { scope: 'row', class: 'rowhead' }, r.region, h('div', { class: 'small muted' }, r.region_code)), cells(r.alerts))),
        tot ? h('tr', { 'data-region': 'total' }, h('th', { scope: 'row', class: 'rowhead' }, t('answers.total')), cells(tot)) : null))));
}
