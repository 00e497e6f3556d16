// Conflict cases registry: list with filters (region, status, issue) and the "Kasus baru" form
// (#/cases/new), which can start from an event (#/cases/new?event=12) or an alert
// (#/cases/new?alert=3) so detection leads to handling. The server decides who may write a
// case in which region (admin; provinsi/kabkota inside their scope); its 403 is shown as a
// message. pusat reads only.
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, setFieldError, mount, categoryName, regionLabel } from '../ui.js';
import { setQuery } from '../router.js';
import { regionPicker } from '../region-picker.js';
import { regionNames, regionText } from '../plan.js';

export const ISSUES = ['sumber_daya', 'tata_kelola', 'pemilihan_jabatan', 'identitas', 'main_hakim_sendiri', 'separatisme', 'lainnya'];
export const CASE_STATUSES = ['potensi', 'aktif', 'dihentikan', 'pemulihan', 'selesai'];
// The case workflow (src/plan/rules.c plan_case_transition_allowed); the server checks it too.
export const CASE_MOVES = {
  potensi: ['aktif', 'selesai'],
  aktif: ['dihentikan'],
  dihentikan: ['pemulihan', 'aktif', 'selesai'],
  pemulihan: ['selesai', 'aktif'],
  selesai: ['aktif'],
};
// Event category -> SNPK issue (a starting point; the officer may change it).
export const ISSUE_OF_CATEGORY = {
  land_resource: 'sumber_daya', inter_group_clash: 'identitas', riot_protest: 'tata_kelola',
  identity_religious_ethnic: 'identitas', political_election: 'pemilihan_jabatan', separatist_armed: 'separatisme',
  vigilante: 'main_hakim_sendiri', other_violence: 'lainnya', other: 'lainnya', none: 'lainnya',
};
export function issueOf(category) { return ISSUE_OF_CATEGORY[category] || 'lainnya'; }

const WRITERS = ['admin', 'provinsi', 'kabkota'];
// May this user write cases of this region? admin always; provinsi/kabkota for their own region
// and the regions below it. The server decides; this only hides buttons.
export function canWriteCase(user, region) {
  if (!user || !WRITERS.includes(user.role)) return false;
  if (user.role === 'admin') return true;
  return !!region && !!user.region && (region === user.region || region.startsWith(user.region + '.'));
}
export function canWriteCases(user) { return !!user && WRITERS.includes(user.role); }

export function caseBadge(status) {
  return h('span', { class: 'badge case-' + (status || 'potensi'), 'data-status': status }, t('case.' + status));
}

export async function render(main, ctx) {
  if (ctx.route.path === '/cases/new') return renderNew(main, ctx);
  const q = { ...ctx.query };
  const region = regionPicker({ value: q.region || '', placeholder: t('cases.region_ph') });
  const status = select([['', t('common.all')], ...CASE_STATUSES.map((s) => [s, t('case.' + s)])], q.status);
  const issue = select([['', t('common.all')], ...ISSUES.map((s) => [s, t('issue.' + s)])], q.issue);
  const results = h('div', { 'aria-live': 'polite', 'data-testid': 'case-results' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('cases.filters') },
    field(t('cases.region'), region.input), region.list, field(t('cases.status'), status), field(t('cases.issue'), issue),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')),
      h('button', { type: 'reset', class: 'btn' }, t('common.reset'))));

  async function load() {
    setQuery({ region: region.code, status: status.value, issue: issue.value });
    mount(results, loading());
    let r;
    try { r = await api.get('/cases', { region: region.code, status: status.value, issue: issue.value }); } catch (err) {
      mount(results, errorBox(err));
      return;
    }
    const items = r.items || [];
    const names = await regionNames([...items.map((c) => c.region), region.code]);
    if (region.code && names.has(region.code) && document.activeElement !== region.input) region.set(region.code, names.get(region.code));
    if (!ctx.isCurrent()) return;
    if (!items.length) { mount(results, emptyState(t('cases.none'))); announce(t('cases.none')); return; }
    const rows = items.map((c) => h('tr', { 'data-case': c.id, 'data-status': c.status },
      h('td', { class: 'col-wide' }, h('a', { href: '#/cases/' + c.id }, c.title)),
      h('td', {}, regionText(c.region), c.regions && c.regions.length ? h('div', { class: 'small muted' }, t('cases.more_regions', { n: c.regions.length })) : null),
      h('td', {}, t('issue.' + c.issue)),
      h('td', {}, caseBadge(c.status)),
      h('td', {}, c.status_keadaan_konflik ? h('span', { class: 'badge case-skk' }, t('cases.skk_level.' + c.status_keadaan_konflik.level)) : '–'),
      h('td', {}, t('cases.origin.' + (c.origin || 'manual'))),
      h('td', { class: 'nowrap' }, fmtDate(c.updated_at))));
    mount(results, h('p', { class: 'small muted' }, t('cases.count', { n: items.length })),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'cases-table' },
        h('caption', { class: 'visually-hidden' }, t('cases.title')),
        h('thead', {}, h('tr', {}, [t('cases.col_title'), t('cases.region'), t('cases.issue'), t('cases.status'), t('cases.skk_short'),
          t('cases.col_origin'), t('cases.col_updated')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows))));
    announce(t('cases.count', { n: items.length }));
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  form.addEventListener('reset', () => { setTimeout(() => { region.set(''); load(); }, 0); });
  mount(main, h('h1', {}, t('cases.title')), h('p', { class: 'muted' }, t('cases.intro')),
    canWriteCases(ctx.user) ? h('p', {}, h('a', { class: 'btn btn-primary', href: '#/cases/new', 'data-testid': 'case-new' }, t('cases.new'))) : null,
    form, results);
  await load();
}

// The new-case form, prefilled from an event or an alert when the URL names one.
async function renderNew(main, ctx) {
  mount(main, h('h1', {}, t('cases.new_title')), loading());
  const pre = { title: '', region: '', regionName: '', issue: '', parties: '', origin: 'manual', event_id: null, alert_ref: null, source: null };
  if (ctx.query.event) {
    const ev = await api.get('/events/' + encodeURIComponent(ctx.query.event));
    Object.assign(pre, { title: categoryName(ev.category) + ' – ' + regionLabel(ev), region: ev.regency_code || ev.province_code || '',
      regionName: regionLabel(ev), issue: issueOf(ev.category), origin: 'event', event_id: ev.id,
      parties: ev.detail && Array.isArray(ev.detail.actors) ? ev.detail.actors.join('; ') : '',
      source: h('a', { href: '#/events/' + ev.id }, t('cases.source_event', { id: ev.id }), ' · ', categoryName(ev.category), ', ', fmtDate(ev.event_date)) });
  } else if (ctx.query.alert) {
    const a = await api.get('/alerts/' + encodeURIComponent(ctx.query.alert));
    const cats = {};
    for (const e of a.events || []) if (e.category) cats[e.category] = (cats[e.category] || 0) + 1;
    const top = Object.entries(cats).sort((x, y) => y[1] - x[1])[0];
    Object.assign(pre, { title: t('cases.title_from_alert', { region: a.region || a.region_code }) + (top ? ' – ' + categoryName(top[0]) : ''),
      region: a.region_code || '', regionName: a.region || '', issue: top ? issueOf(top[0]) : 'lainnya', origin: 'alert', alert_ref: String(a.id),
      source: h('a', { href: '#/alerts/' + a.id }, t('cases.source_alert', { id: a.id }), ' · ', a.region || a.region_code) });
  } else if (ctx.user.role !== 'admin' && ctx.user.region) {
    await regionNames([ctx.user.region]);
    pre.region = ctx.user.region;
  }
  if (!ctx.isCurrent()) return;

  const title = h('input', { type: 'text', maxlength: '500', name: 'title', value: pre.title });
  const region = regionPicker({ value: pre.region, label: pre.regionName || (pre.region ? regionText(pre.region) : ''), placeholder: t('cases.region_ph') });
  const regions = h('input', { type: 'text', maxlength: '600', name: 'regions', placeholder: '32.73, 32.04' });
  const issue = select([['', t('cases.choose')], ...ISSUES.map((s) => [s, t('issue.' + s)])], pre.issue, { name: 'issue' });
  const status = select(['potensi', 'aktif'].map((s) => [s, t('case.' + s)]), 'potensi', { name: 'status' });
  const parties = h('textarea', { rows: '3', maxlength: '2000', name: 'parties' });
  parties.value = pre.parties;
  const msg = h('div', { 'aria-live': 'polite', 'data-testid': 'case-msg' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'case-form' },
    field(t('cases.col_title'), title, { wide: true }),
    field(t('cases.region'), region.input, { hint: t('cases.region_hint') }), region.list,
    field(t('cases.regions_more'), regions, { hint: t('cases.regions_hint') }),
    field(t('cases.issue'), issue, { hint: t('cases.issue_hint') }),
    field(t('cases.initial_status'), status, { hint: t('cases.initial_status_hint') }),
    field(t('cases.parties'), parties, { wide: true, hint: t('cases.parties_hint') }),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('cases.create'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    const more = regions.value.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
    setFieldError(title, title.value.trim() ? '' : t('cases.err_required'));
    setFieldError(region.input, region.code ? '' : t('cases.err_region'));
    setFieldError(regions, more.every((x) => /^\d{2}(\.\d{2}){0,3}$/.test(x)) ? '' : t('cases.err_regions'));
    setFieldError(issue, issue.value ? '' : t('cases.err_issue'));
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); announce(t('cases.err_form'), 'assertive'); return; }
    const body = { title: title.value.trim(), region: region.code, issue: issue.value, status: status.value,
      parties: parties.value.trim() || null, origin: pre.origin };
    if (more.length) body.regions = more;
    if (pre.event_id) body.event_id = pre.event_id;
    if (pre.alert_ref) body.alert_ref = pre.alert_ref;
    try {
      const r = await api.post('/cases', body);
      announce(t('cases.created'));
      ctx.navigate('/cases/' + r.case.id);
    } catch (err) { mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
  });
  mount(main, h('p', { class: 'small' }, h('a', { href: '#/cases' }, '← ', t('cases.back'))),
    h('h1', {}, t('cases.new_title')),
    h('p', { class: 'muted' }, t('cases.new_intro')),
    pre.source ? h('p', { class: 'notice', 'data-testid': 'case-source' }, t('cases.from_' + pre.origin), ' ', pre.source) : null,
    h('section', { class: 'card' }, form));
}
