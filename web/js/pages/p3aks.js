// P3AKS figures (issue 14, item 2): access to and quality of the services for women and child
// victims, per child region of the chosen region and year, from GET /api/v1/p3aks (the
// definitions are the server's, docs/p3aks.md). Officers see exact figures; the list of
// overdue services (ids, type, provider, days open; never a name) comes only when the server
// sends it (admin and the case's regional officers), pusat gets the counts. The exports are
// the compliance export of plan type p3aks (CSV section / XLSX sheet "P3AKS").
import { api } from '../api.js';
import { t, fmtNumber, fmtDate } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, mount } from '../ui.js';
import { setQuery } from '../router.js';
import { regionPicker } from '../region-picker.js';
import { years, pct } from '../plan.js';

export async function render(main, ctx) {
  const q = { ...ctx.query };
  const user = ctx.user;
  const national = user.role === 'admin' || user.role === 'pusat';
  const year = select(years().map((y) => [y, String(y)]), q.year || new Date().getFullYear(), { name: 'year' });
  const region = regionPicker({ value: q.region || '', placeholder: national ? t('p3aks.region_all') : user.region });
  if (user.role === 'kabkota') { region.set(user.region); region.input.readOnly = true; }
  const results = h('div', { 'aria-live': 'polite', 'data-testid': 'p3aks' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('p3aks.filters') },
    field(t('rad.year'), year),
    field(t('rad.region'), region.input, { hint: t('p3aks.region_hint') }), region.list,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('rad.show'))));

  async function load() {
    const params = { year: year.value, region: region.code };
    setQuery(params);
    mount(results, loading());
    let f;
    try { f = await api.get('/p3aks', params); } catch (err) { mount(results, errorBox(err)); return; }
    if (!ctx.isCurrent()) return;
    mount(results, view(f, params, national));
    announce(t('p3aks.loaded', { region: f.region, year: f.year }));
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  mount(main, h('h1', {}, t('p3aks.title')), h('p', { class: 'muted' }, t('p3aks.intro')), form, results);
  await load();
}

const n = (x) => fmtNumber(x);
const days = (x) => (x === null || x === undefined ? '–' : t('p3aks.days', { n: fmtNumber(Math.round(x * 10) / 10) }));

// The columns of a row of figures: [label, value of a row, numeric].
function columns() {
  return [
    [t('p3aks.col.counted'), (r) => n(r.women_children_victims)],
    [t('p3aks.col.split'), (r) => `${n(r.women)} / ${n(r.girls)} / ${n(r.boys)}`],
    [t('p3aks.col.named'), (r) => n(r.named_victims)],
    [t('p3aks.col.with_need'), (r) => n(r.with_need)],
    [t('p3aks.col.all_served'), (r) => n(r.all_needs_served)],
    [t('p3aks.col.share'), (r) => pct(r.share_served)],
    [t('p3aks.col.median'), (r) => (r.median_days_to_receipt === null ? '–'
      : [days(r.median_days_to_receipt), h('div', { class: 'small muted' }, t('p3aks.based_on', { n: n(r.received_victims) }))])],
    [t('p3aks.col.open'), (r) => n(r.open_referrals)],
    [t('p3aks.col.waiting'), (r) => n(r.waiting_needs)],
  ];
}

function row(r, head, attrs = {}) {
  return h('tr', { 'data-region': r.region_code, ...attrs },
    h('th', { scope: 'row', class: 'rowhead' }, head || r.region, h('div', { class: 'small muted' }, r.region_code || 'ID')),
    columns().map(([, get]) => h('td', { class: 'num' }, get(r))));
}

function overdueList(block, id, kind) {
  const items = block.items;
  const title = t('p3aks.' + kind + '_title');
  const head = h('h2', { id: id + '-h' }, title, ' ', h('span', { class: 'badge' }, n(block.count)));
  if (!items) {
    return h('section', { class: 'card', 'aria-labelledby': id + '-h', 'data-testid': id }, head,
      h('p', { class: 'muted' }, t('p3aks.list_hidden')));
  }
  return h('section', { class: 'card', 'aria-labelledby': id + '-h', 'data-testid': id }, head,
    items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, title),
      h('thead', {}, h('tr', {}, [t('p3aks.l.service'), t('p3aks.l.case'), t('p3aks.l.victim'), t('p3aks.l.type'),
        t('p3aks.l.provider'), t('p3aks.l.region'), t('p3aks.l.days')]
        .map((x, i) => h('th', { scope: 'col', class: i === 6 ? 'num' : null }, x)))),
      h('tbody', {}, items.map((x) => h('tr', { 'data-service': x.service_id },
        h('td', {}, '#' + x.service_id),
        h('td', {}, h('a', { href: `#/cases/${x.case_id}` }, t('p3aks.l.case') + ' ' + x.case_id)),
        h('td', {}, '#' + x.victim_id),
        h('td', {}, t('p3aks.type.' + x.type)),
        h('td', {}, x.provider || '–'),
        h('td', {}, x.region_code),
        h('td', { class: 'num' }, n(x.days_open)))))))
      : h('p', { class: 'muted' }, t('p3aks.none_overdue')));
}

function view(f, params, national) {
  const tot = f.total;
  const stat = (num, lbl, id) => h('div', { class: 'stat', 'data-stat': id }, h('span', { class: 'num' }, num), h('span', { class: 'lbl' }, lbl));
  const exportLink = (format, label) => h('a', { class: 'btn', download: true, 'data-export': format,
    href: api.url('/compliance/export', { year: f.year, type: 'p3aks', region: params.region, format }) }, label);
  const rows = (f.rows || []).map((r) => row(r, national && !r.region_code.includes('.') && !params.region
    ? h('a', { href: `#/p3aks?year=${f.year}&region=${r.region_code}`, title: t('p3aks.drill') }, r.region) : null));
  if (f.own) rows.push(row(f.own, t('p3aks.own', { region: f.region }), { class: 'muted' }));
  return h('div', {},
    h('p', { class: 'small muted' }, t('p3aks.as_of', { region: f.region, year: f.year, date: fmtDate(f.reference_day) }),
      params.region && national ? [' · ', h('a', { href: `#/p3aks?year=${f.year}` }, t('p3aks.all_provinces'))] : null),
    h('div', { class: 'cards' },
      stat(n(tot.women_children_victims), t('p3aks.col.counted'), 'counted'),
      stat(n(tot.with_need), t('p3aks.col.with_need'), 'with_need'),
      stat(pct(tot.share_served), t('p3aks.col.share'), 'share'),
      stat(days(tot.median_days_to_receipt), t('p3aks.col.median'), 'median'),
      stat(n(tot.open_referrals), t('p3aks.col.open'), 'open'),
      stat(n(tot.waiting_needs), t('p3aks.col.waiting'), 'waiting')),
    h('div', { class: 'actions', 'data-testid': 'exports' },
      exportLink('csv', t('p3aks.export_csv')), exportLink('xlsx', t('p3aks.export_xlsx'))),
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table wrap-heads', 'data-testid': 'p3aks-table' },
      h('caption', { class: 'visually-hidden' }, t('p3aks.title')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('rad.region')),
        columns().map(([label]) => h('th', { scope: 'col', class: 'num' }, label)))),
      h('tbody', {}, rows),
      h('tfoot', {}, row(tot, t('p3aks.total', { region: f.region }), { 'data-total': 'true' })))) : emptyState(),
    overdueList(f.open_referrals, 'p3aks-referrals', 'referrals'),
    overdueList(f.waiting_needs, 'p3aks-waiting', 'waiting'),
    h('details', { class: 'card', 'data-testid': 'p3aks-definitions' },
      h('summary', {}, t('p3aks.definitions')),
      h('ul', {}, ['counted', 'named', 'served', 'ditolak', 'median', 'overdue'].map((k) => h('li', {}, t('p3aks.def.' + k))))));
}
