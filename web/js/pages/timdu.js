// Timdu registry: the integrated teams' decrees (SK number, date, signer, validity, chair) and
// the regional forums (FKDM, Forkopimda, FKUB, FKB) with their contact persons. Phone numbers
// and e-mail addresses appear only when the API sends them (officers of exactly that region,
// pusat, admin); the page never asks for more than it is given.
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, setFieldError, mount } from '../ui.js';
import { setQuery } from '../router.js';
import { regionPicker } from '../region-picker.js';
import { canWriteSome, regionNames, regionText } from '../plan.js';

export const FORUM_KINDS = ['fkdm', 'forkopimda', 'fkub', 'fkb'];

export function validBadge(x) {
  return h('span', { class: 'badge ' + (x.valid_today ? 'rad-disetujui' : 'rad-belum') }, t(x.valid_today ? 'timdu.valid' : 'timdu.not_valid'));
}

export function contactCell(phone, email, visible) {
  if (!visible) return h('span', { class: 'small muted' }, t('timdu.contacts_hidden'));
  const parts = [];
  if (phone) parts.push(h('a', { href: 'tel:' + phone.replace(/[^0-9+]/g, '') }, phone));
  if (email) parts.push(h('a', { href: 'mailto:' + email }, email));
  return parts.length ? h('span', { class: 'contacts' }, parts.flatMap((p, i) => (i ? [' · ', p] : [p]))) : '–';
}

export async function render(main, ctx) {
  const q = { ...ctx.query };
  const region = regionPicker({ value: q.region || '', placeholder: t('rad.region_ph') });
  const results = h('div', { 'aria-live': 'polite', 'data-testid': 'timdu-results' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('timdu.filters') },
    field(t('rad.region'), region.input), region.list,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('rad.show'))));

  async function load() {
    setQuery({ region: region.code });
    mount(results, loading());
    let teams, forums;
    try {
      [teams, forums] = await Promise.all([api.get('/timdu', { region: region.code }), api.get('/forums', { region: region.code })]);
    } catch (err) { mount(results, errorBox(err)); return; }
    const tl = teams.items || [], fl = forums.items || [];
    await regionNames([...tl.map((x) => x.region), ...fl.map((x) => x.region)]);
    if (!ctx.isCurrent()) return;
    mount(results,
      h('h2', {}, t('timdu.teams'), ' ', h('span', { class: 'badge' }, String(tl.length))),
      tl.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'timdu-table' },
        h('caption', { class: 'visually-hidden' }, t('timdu.teams')),
        h('thead', {}, h('tr', {}, [t('rad.region'), t('timdu.sk_number'), t('timdu.sk_date'), t('timdu.signed_by'), t('timdu.valid_until'),
          t('timdu.validity'), t('timdu.chair'), t('timdu.members')].map((x, i) => h('th', { scope: 'col', class: i === 7 ? 'num' : null }, x)))),
        h('tbody', {}, tl.map((x) => h('tr', { 'data-timdu': x.id, 'data-region': x.region },
          h('td', {}, regionText(x.region)), h('td', {}, h('a', { href: '#/timdu/' + x.id }, x.sk_number)),
          h('td', {}, fmtDate(x.sk_date)), h('td', {}, x.signed_by || '–'), h('td', {}, x.valid_until ? fmtDate(x.valid_until) : t('timdu.no_end')),
          h('td', {}, validBadge(x)), h('td', {}, x.chair_name || '–', x.chair_title ? h('div', { class: 'small muted' }, x.chair_title) : null),
          h('td', { class: 'num' }, String(x.members))))))) : emptyState(t('timdu.none')),
      h('h2', {}, t('timdu.forums'), ' ', h('span', { class: 'badge' }, String(fl.length))),
      fl.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'forum-table' },
        h('caption', { class: 'visually-hidden' }, t('timdu.forums')),
        h('thead', {}, h('tr', {}, [t('rad.region'), t('timdu.forum_kind'), t('timdu.forum_name'), t('timdu.sk_number'), t('timdu.contact_person'), t('timdu.contact')]
          .map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, fl.map((f) => h('tr', { 'data-forum': f.id },
          h('td', {}, regionText(f.region)), h('td', {}, t('timdu.forum.' + f.kind)), h('td', {}, f.name), h('td', {}, f.sk_number || '–'),
          h('td', {}, f.contact_name || '–'), h('td', {}, contactCell(f.contact_phone, f.contact_email, f.contacts_visible))))))) : emptyState(t('timdu.forums_none')));
    announce(t('timdu.loaded', { n: tl.length, m: fl.length }));
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  mount(main, h('h1', {}, t('timdu.title')), h('p', { class: 'muted' }, t('timdu.intro')), form, results,
    canWriteSome(ctx.user) ? [teamForm(ctx), forumForm(ctx, load)] : null);
  await load();
}

function regionField(ctx) {
  const fixed = ctx.user.role !== 'admin';
  const region = regionPicker({ value: fixed ? ctx.user.region : '', placeholder: t('rad.region_ph') });
  if (fixed) {
    region.input.readOnly = true;
    regionNames([ctx.user.region]).then((m) => { if (m.has(ctx.user.region)) region.set(ctx.user.region, m.get(ctx.user.region)); });
  }
  return { region, fixed };
}

function teamForm(ctx) {
  const { region, fixed } = regionField(ctx);
  const sk = h('input', { type: 'text', maxlength: '200', name: 'sk_number' });
  const skDate = h('input', { type: 'date', name: 'sk_date' });
  const signed = h('input', { type: 'text', maxlength: '200', name: 'signed_by' });
  const until = h('input', { type: 'date', name: 'valid_until' });
  const chair = h('input', { type: 'text', maxlength: '200', name: 'chair_name' });
  const chairTitle = h('input', { type: 'text', maxlength: '200', name: 'chair_title' });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'timdu-create' },
    field(t('rad.region'), region.input, { hint: fixed ? t('rad.region_own') : t('rad.region_hint') }), region.list,
    field(t('timdu.sk_number'), sk), field(t('timdu.sk_date'), skDate), field(t('timdu.signed_by'), signed),
    field(t('timdu.valid_until'), until, { hint: t('timdu.valid_until_hint') }), field(t('timdu.chair'), chair), field(t('timdu.chair_title'), chairTitle),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('timdu.create'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    setFieldError(region.input, region.code ? '' : t('rad.err_region'));
    setFieldError(sk, sk.value.trim() ? '' : t('rad.err_required'));
    setFieldError(skDate, skDate.value ? '' : t('rad.err_required'));
    setFieldError(until, until.value && skDate.value && until.value < skDate.value ? t('rad.err_end_before') : '');
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); return; }
    try {
      const r = await api.post('/timdu', { region: region.code, sk_number: sk.value.trim(), sk_date: skDate.value, signed_by: signed.value.trim() || null,
        valid_until: until.value || null, chair_name: chair.value.trim() || null, chair_title: chairTitle.value.trim() || null });
      announce(t('timdu.created'));
      ctx.navigate('/timdu/' + r.timdu.id);
    } catch (err) { mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
  });
  return h('details', { class: 'card' }, h('summary', {}, t('timdu.create_title')), form);
}

function forumForm(ctx, reload) {
  const { region, fixed } = regionField(ctx);
  const kind = select(FORUM_KINDS.map((k) => [k, t('timdu.forum.' + k)]), 'fkdm', { name: 'kind' });
  const name = h('input', { type: 'text', maxlength: '200', name: 'name' });
  const sk = h('input', { type: 'text', maxlength: '200', name: 'sk_number' });
  const cname = h('input', { type: 'text', maxlength: '200', name: 'contact_name' });
  const phone = h('input', { type: 'tel', maxlength: '40', name: 'contact_phone', autocomplete: 'off' });
  const email = h('input', { type: 'email', maxlength: '200', name: 'contact_email', autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'polite' });
  kind.addEventListener('change', () => { if (!name.dataset.touched) name.value = t('timdu.forum.' + kind.value); });
  name.addEventListener('input', () => { name.dataset.touched = '1'; });
  name.value = t('timdu.forum.fkdm');
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'forum-create' },
    field(t('rad.region'), region.input, { hint: fixed ? t('rad.region_own') : t('rad.region_hint') }), region.list,
    field(t('timdu.forum_kind'), kind), field(t('timdu.forum_name'), name), field(t('timdu.sk_number'), sk),
    field(t('timdu.contact_person'), cname), field(t('timdu.phone'), phone), field(t('timdu.email'), email),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('timdu.forum_add'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    setFieldError(region.input, region.code ? '' : t('rad.err_region'));
    setFieldError(name, name.value.trim() ? '' : t('rad.err_required'));
    setFieldError(email, !email.value || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.value.trim()) ? '' : t('timdu.err_email'));
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); return; }
    try {
      await api.post('/forums', { region: region.code, kind: kind.value, name: name.value.trim(), sk_number: sk.value.trim() || null,
        contact_name: cname.value.trim() || null, contact_phone: phone.value.trim() || null, contact_email: email.value.trim() || null });
      announce(t('timdu.forum_added'));
      mount(msg, h('div', { class: 'notice notice-ok', role: 'status' }, t('timdu.forum_added')));
      form.reset();
      if (fixed) region.set(ctx.user.region);
      reload();
    } catch (err) { mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
  });
  return h('details', { class: 'card' }, h('summary', {}, t('timdu.forum_add_title')), form);
}

