// RAD list: regional action plans in reach, filtered by region, year, type and status, and a
// form to start a plan for one's own region (provinsi, kabkota; admin for any region).
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, table, announce, setFieldError, mount } from '../ui.js';
import { setQuery } from '../router.js';
import { regionPicker } from '../region-picker.js';
import { PLAN_TYPES, RAD_STATUSES, canWriteSome, regionNames, regionText, rupiah, radStatusBadge, years } from '../plan.js';

export async function render(main, ctx) {
  const q = { ...ctx.query };
  const user = ctx.user;
  const region = regionPicker({ value: q.region || '', placeholder: t('rad.region_ph') });
  const year = select([['', t('common.all')], ...years().map((y) => [y, String(y)])], q.year);
  const type = select([['', t('common.all')], ...PLAN_TYPES.map((x) => [x, t('rad.type.' + x)])], q.type);
  const status = select([['', t('common.all')], ...RAD_STATUSES.map((s) => [s, t('rad.status.' + s)])], q.status);
  const results = h('div', { id: 'rad-results', 'aria-live': 'polite' });
  const filters = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('rad.filters') },
    field(t('rad.region'), region.input), region.list, field(t('rad.year'), year), field(t('rad.type'), type),
    field(t('rad.status'), status),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')),
      h('button', { type: 'reset', class: 'btn' }, t('common.reset'))));

  async function load() {
    const params = { region: region.code, year: year.value, type: type.value, status: status.value };
    setQuery(params);
    mount(results, loading());
    let r;
    try { r = await api.get('/rad', params); } catch (err) { mount(results, errorBox(err)); return; }
    if (!ctx.isCurrent()) return;
    const items = r.items || [];
    if (!items.length) { mount(results, emptyState(t('rad.none'))); announce(t('rad.none')); return; }
    await regionNames(items.map((p) => p.region));
    const rows = items.map((p) => h('tr', { 'data-rad': p.id },
      h('td', { class: 'col-wide' }, h('a', { href: '#/rad/' + p.id }, p.title)),
      h('td', {}, regionText(p.region)),
      h('td', { class: 'num' }, String(p.year)),
      h('td', {}, t('rad.type.' + p.type)),
      h('td', {}, radStatusBadge(p.status)),
      h('td', { class: 'num' }, String(p.actions)),
      h('td', { class: 'num money' }, rupiah(p.anggaran)),
      h('td', { class: 'num' }, String(p.version)),
      h('td', {}, fmtDate(p.updated_at))));
    const info = t('rad.count', { n: items.length });
    mount(results, h('p', { class: 'small muted' }, info),
      table([t('rad.col_title'), t('rad.region'), t('rad.year'), t('rad.type'), t('rad.status'), t('rad.col_actions'),
        t('rad.col_budget'), t('rad.col_version'), t('rad.col_updated')], rows, { caption: t('rad.title') }));
    announce(info);
  }
  filters.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  filters.addEventListener('reset', () => { setTimeout(() => { region.set(''); load(); }, 0); });

  const opdLink = user.region || q.region
    ? h('a', { href: '#/rad/opd?region=' + encodeURIComponent(q.region || user.region) }, t('rad.opd_link')) : h('a', { href: '#/rad/opd' }, t('rad.opd_link'));
  mount(main, h('h1', {}, t('rad.title')), h('p', { class: 'muted' }, t('rad.intro')),
    h('p', { class: 'small' }, opdLink, ' · ', h('a', { href: '#/panduan/rad' }, t('rad.guide_link'))),
    filters, results, canWriteSome(user) ? createForm(ctx) : null);
  await load();
}

function createForm(ctx) {
  const user = ctx.user;
  const fixed = user.role !== 'admin';
  const region = regionPicker({ value: fixed ? user.region : '', placeholder: t('rad.region_ph') });
  if (fixed) {
    region.input.readOnly = true;
    regionNames([user.region]).then((m) => { if (m.has(user.region)) region.set(user.region, m.get(user.region)); });
  }
  const year = h('input', { type: 'number', min: '2000', max: '2100', step: '1', value: String(new Date().getFullYear() + 1), required: true });
  const type = select(PLAN_TYPES.map((x) => [x, t('rad.type.' + x)]), 'pks');
  const title = h('input', { type: 'text', maxlength: '300', required: true, autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'polite' });
  const suggest = () => { if (!title.dataset.touched) title.value = t('rad.title_default_' + type.value, { year: year.value }); };
  title.addEventListener('input', () => { title.dataset.touched = '1'; });
  type.addEventListener('change', suggest);
  year.addEventListener('input', suggest);
  suggest();
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'rad-create' },
    field(t('rad.region'), region.input, { hint: fixed ? t('rad.region_own') : t('rad.region_hint') }), region.list,
    field(t('rad.year'), year), field(t('rad.type'), type), field(t('rad.col_title'), title, { wide: true }),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('rad.create'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    let ok = true;
    const y = Number(year.value);
    setFieldError(region.input, region.code ? '' : (ok = false, t('rad.err_region')));
    setFieldError(year, Number.isInteger(y) && y >= 2000 && y <= 2100 ? '' : (ok = false, t('rad.err_year')));
    setFieldError(title, title.value.trim() ? '' : (ok = false, t('rad.err_required')));
    if (!ok) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    try {
      const r = await api.post('/rad', { region: region.code, year: y, type: type.value, title: title.value.trim() });
      announce(t('rad.created'));
      ctx.navigate('/rad/' + r.rad.id);
    } catch (err) {
      mount(msg, errorBox(err));
      announce(err.message, 'assertive');
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'rad-create-h' }, h('h2', { id: 'rad-create-h' }, t('rad.create_title')),
    h('p', { class: 'small muted' }, t('rad.create_help')), form);
}
