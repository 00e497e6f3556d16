// Safe public spaces for women and children (ruang publik ramah perempuan dan anak) of RAD
// P3AKS: the list of the spaces in the user's scope with filters (#/spaces?region=&status=&
// kind=), a new space (#/spaces/new?region=&action=, from the RAD page's P3AKS actions) and
// one space with its edit form (#/spaces/12). Every signed-in role reads inside its scope;
// admin, provinsi and kabkota write the spaces of the plans inside theirs (the server decides:
// its 400/403 are shown). A space links to a P3AKS action of its region's plan or of its
// province's.
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, setFieldError, mount } from '../ui.js';
import { setQuery } from '../router.js';
import { regionPicker } from '../region-picker.js';
import { SPACE_KINDS, SPACE_STATUSES, canWriteSpaces, spaceStatusBadge } from '../spaces.js';

export async function render(main, ctx) {
  if (ctx.route.path === '/spaces/new') return renderForm(main, ctx, null);
  if (ctx.params.id) return renderOne(main, ctx);
  return renderList(main, ctx);
}

const back = () => h('p', { class: 'small' }, h('a', { href: '#/spaces' }, '← ', t('spaces.back')));

// ---- list -----------------------------------------------------------------------------------

async function renderList(main, ctx) {
  const q = { ...ctx.query };
  const region = regionPicker({ value: q.region || '', placeholder: t('rad.region_ph') });
  const status = select([['', t('common.all')], ...SPACE_STATUSES.map((s) => [s, t('spaces.status.' + s)])], q.status || '', { name: 'status' });
  const kind = select([['', t('common.all')], ...SPACE_KINDS.map((k) => [k, t('spaces.kind.' + k)])], q.kind || '', { name: 'kind' });
  const results = h('div', { 'aria-live': 'polite', 'data-testid': 'spaces-results' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('spaces.title') },
    field(t('rad.region'), region.input), region.list, field(t('spaces.status_label'), status), field(t('spaces.kind_label'), kind),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('rad.show'))));
  const writer = ['admin', 'provinsi', 'kabkota'].includes(ctx.user.role);

  async function load(after) {
    setQuery({ region: region.code, status: status.value, kind: kind.value });
    if (!after) mount(results, loading());
    let r;
    try {
      r = await api.get('/spaces', { region: region.code, status: status.value, kind: kind.value, after, limit: 100 });
    } catch (err) { mount(results, errorBox(err)); return; }
    if (!ctx.isCurrent()) return;
    const rows = (r.items || []).map((s) => h('tr', { 'data-space-id': s.id },
      h('td', {}, h('a', { href: '#/spaces/' + s.id }, s.name)),
      h('td', {}, t('spaces.kind.' + s.kind)),
      h('td', {}, spaceStatusBadge(s.status)),
      h('td', {}, s.village_name || '–', h('div', { class: 'small muted' }, s.region_name)),
      h('td', {}, s.action ? h('a', { href: '#/rad/' + s.action.rad_id }, s.action.kegiatan) : '–')));
    const more = r.next_after ? h('button', { type: 'button', class: 'btn', 'data-action': 'more',
      onclick: () => { more.remove(); load(r.next_after); } }, t('common.next')) : null;
    if (after) {
      const body = results.querySelector('tbody');
      if (body) body.append(...rows);
      if (more) results.append(more);
      return;
    }
    mount(results, rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'spaces-table' },
      h('caption', { class: 'visually-hidden' }, t('spaces.title')),
      h('thead', {}, h('tr', {}, [t('spaces.name'), t('spaces.kind_label'), t('spaces.status_label'), t('spaces.col_place'), t('spaces.action')]
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows))) : emptyState(t('spaces.none')), more);
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  mount(main, h('h1', {}, t('spaces.title')), h('p', { class: 'muted' }, t('spaces.intro')),
    writer ? h('p', {}, h('a', { class: 'btn btn-primary', href: '#/spaces/new' + (region.code ? '?region=' + encodeURIComponent(region.code) : ''),
      'data-action': 'new-space' }, t('spaces.add'))) : null,
    form, results);
  await load();
}

// ---- one space ------------------------------------------------------------------------------

async function renderOne(main, ctx) {
  mount(main, back(), h('h1', {}, t('spaces.detail_title')), loading());
  let s;
  try {
    s = (await api.get('/spaces/' + encodeURIComponent(ctx.params.id))).space;
  } catch (err) {
    if (err.status !== 403 && err.status !== 404 && err.status !== 400) throw err;
    mount(main, back(), h('h1', {}, t(err.status === 403 ? 'error.forbidden_title' : 'error.not_found')), errorBox(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  const meta = h('dl', { class: 'meta', 'data-testid': 'space-meta' },
    h('dt', {}, t('spaces.kind_label')), h('dd', {}, t('spaces.kind.' + s.kind)),
    h('dt', {}, t('spaces.status_label')), h('dd', {}, spaceStatusBadge(s.status)),
    h('dt', {}, t('spaces.region')), h('dd', {}, s.region_name, ' (', s.region, ')'),
    h('dt', {}, t('spaces.village')), h('dd', {}, s.village ? [s.village_name, ' (', s.village, ')'] : '–'),
    h('dt', {}, t('spaces.action')), h('dd', {}, s.action ? h('a', { href: '#/rad/' + s.action.rad_id }, s.action.kegiatan) : '–'),
    h('dt', {}, t('spaces.latitude') + ', ' + t('spaces.longitude')),
    h('dd', {}, s.latitude !== null ? s.latitude + ', ' + s.longitude : '–'),
    h('dt', {}, t('spaces.notes')), h('dd', {}, s.notes || '–'),
    h('dt', {}, t('rad.col_updated')), h('dd', {}, fmtDate(s.updated_at)));
  const box = h('div', {});
  const parts = [back(), h('h1', {}, s.name), meta, box];
  if (s.may_edit) {
    const edit = h('button', { type: 'button', class: 'btn', 'data-action': 'edit-space', onclick: () => renderForm(main, ctx, s) }, t('spaces.edit'));
    const del = h('button', { type: 'button', class: 'btn btn-danger', 'data-action': 'delete-space', onclick: async () => {
      if (!window.confirm(t('spaces.confirm_delete', { name: s.name }))) return;
      try {
        await api.del('/spaces/' + s.id);
        announce(t('spaces.deleted'));
        ctx.navigate('/spaces');
      } catch (err) { mount(box, errorBox(err)); announce(err.message, 'assertive'); }
    } }, t('spaces.delete'));
    parts.push(h('div', { class: 'actions' }, edit, del));
  }
  mount(main, ...parts);
}

// ---- the form -------------------------------------------------------------------------------

// P3AKS actions a space of region may link to: of the plans of region and of its province
// (those the user may read), as [id, label] options.
async function actionOptions(region) {
  if (!region) return [];
  const prov = region.slice(0, 2);
  const lists = await Promise.allSettled([api.get('/rad', { region }), region !== prov ? api.get('/rad', { region: prov }) : null]);
  const plans = [];
  for (const l of lists) {
    if (l.status !== 'fulfilled' || !l.value) continue;
    for (const p of l.value.items || []) if ((p.region === region || p.region === prov) && !plans.some((x) => x.id === p.id)) plans.push(p);
  }
  const details = await Promise.allSettled(plans.map((p) => api.get('/rad/' + p.id)));
  const out = [];
  for (const d of details) {
    if (d.status !== 'fulfilled') continue;
    const p = d.value.rad;
    for (const a of p.action_list || []) {
      if (a.p3aks || p.type === 'p3aks') out.push([String(a.id), a.kegiatan + ' — RAD ' + p.type.toUpperCase() + ' ' + p.region + ' ' + p.year]);
    }
  }
  return out;
}

async function renderForm(main, ctx, s) {
  const creating = !s;
  const v = s || { region: ctx.query.region || (ctx.user.role !== 'admin' ? ctx.user.region : ''), action_id: ctx.query.action ? Number(ctx.query.action) : null, status: 'direncanakan' };
  const title = creating ? t('spaces.new_title') : s.name;
  if (!canWriteSpaces(ctx.user, v.region || ctx.user.region || '')) {
    mount(main, back(), h('h1', {}, title), errorBox({ status: 403 }));
    return;
  }
  const region = regionPicker({ value: v.region || '', placeholder: t('rad.region_ph'), required: true });
  if (!creating) region.input.disabled = true;
  const village = regionPicker({ value: v.village || '', label: v.village_name || '', level: 'village', parent: v.region || undefined });
  const name = h('input', { name: 'name', value: v.name || '', required: true, maxlength: '200', autocomplete: 'off' });
  const kind = select(SPACE_KINDS.map((k) => [k, t('spaces.kind.' + k)]), v.kind || 'ruang_bermain_ramah_anak', { name: 'kind' });
  const status = select(SPACE_STATUSES.map((x) => [x, t('spaces.status.' + x)]), v.status, { name: 'status' });
  const action = select([['', t('spaces.no_action')]], '', { name: 'action_id' });
  const lat = h('input', { name: 'latitude', inputmode: 'decimal', value: v.latitude ?? '', autocomplete: 'off' });
  const lng = h('input', { name: 'longitude', inputmode: 'decimal', value: v.longitude ?? '', autocomplete: 'off' });
  const notes = h('textarea', { name: 'notes', rows: '3', maxlength: '2000' }, v.notes || '');
  const msg = h('div', { 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'save-space' }, t('common.save'));

  async function fillActions(code) {
    const opts = await actionOptions(code);
    if (!ctx.isCurrent()) return;
    const want = v.action_id ? String(v.action_id) : action.value;
    mount(action, ...[['', t('spaces.no_action')], ...opts].map(([val, label]) => h('option', { value: val, selected: val === want }, label)));
  }
  region.onchange = (code) => { fillActions(code); };
  const form = h('form', { class: 'form-grid card', 'data-testid': 'space-form', novalidate: true },
    field(t('spaces.region'), region.input, { hint: t('spaces.region_hint') }), region.list,
    field(t('spaces.name'), name, { wide: true }),
    field(t('spaces.kind_label'), kind), field(t('spaces.status_label'), status),
    field(t('spaces.village'), village.input, { hint: t('spaces.village_hint') }), village.list,
    field(t('spaces.action'), action, { wide: true }),
    field(t('spaces.latitude'), lat, { hint: t('spaces.coords_hint') }), field(t('spaces.longitude'), lng),
    field(t('spaces.notes'), notes, { wide: true }),
    h('div', { class: 'actions' }, save,
      h('a', { class: 'btn', href: '#/spaces' + (creating ? '' : '/' + s.id) }, t('rad.cancel'))), msg);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    let bad = null;
    const code = region.code;
    setFieldError(region.input, null); setFieldError(name, null); setFieldError(lat, null);
    if (creating && !/^\d{2}(\.\d{2})?$/.test(code)) { setFieldError(region.input, t('spaces.err_region')); bad = bad || region.input; }
    if (!name.value.trim()) { setFieldError(name, t('spaces.err_name')); bad = bad || name; }
    const la = lat.value.trim().replace(',', '.'), lo = lng.value.trim().replace(',', '.');
    if ((la === '') !== (lo === '') || (la && (!Number.isFinite(Number(la)) || !Number.isFinite(Number(lo))))) {
      setFieldError(lat, t('spaces.err_coords')); bad = bad || lat;
    }
    if (bad) { bad.focus(); return; }
    const body = {
      name: name.value.trim(), kind: kind.value, status: status.value,
      village: village.code || null, action_id: action.value ? Number(action.value) : null,
      latitude: la ? Number(la) : null, longitude: lo ? Number(lo) : null, notes: notes.value.trim() || null,
    };
    if (creating) body.region = code;
    save.disabled = true;
    try {
      const r = creating ? await api.post('/spaces', body) : await api.patch('/spaces/' + s.id, body);
      announce(t('spaces.saved'));
      ctx.navigate('/spaces/' + r.space.id);
    } catch (err) {
      save.disabled = false;
      mount(msg, errorBox(err));
      announce(err.message, 'assertive');
    }
  });
  mount(main, back(), h('h1', {}, title), form);
  if (v.region) await fillActions(v.region);
}
