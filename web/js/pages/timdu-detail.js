// One Timdu: the decree, the chair, members by sub-team (pencegahan, penghentian, pemulihan)
// with role and agency; contacts only when the API returns them. The region's officers (and
// admin) add and remove members and correct the decree.
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, setFieldError, mount } from '../ui.js';
import { PHASES, canEditRegion, regionNames, regionText } from '../plan.js';
import { validBadge, contactCell } from './timdu.js';

export const AGENCY_TYPES = ['opd', 'polri', 'tni', 'kejaksaan', 'pengadilan', 'kemenag', 'masyarakat', 'lainnya'];

export async function render(main, ctx) {
  mount(main, h('h1', {}, t('timdu.detail_title')), loading());
  let td;
  try {
    td = (await api.get('/timdu/' + encodeURIComponent(ctx.params.id))).timdu;
  } catch (err) {
    if (err.status !== 403 && err.status !== 404) throw err;
    mount(main, h('p', { class: 'small' }, h('a', { href: '#/timdu' }, '← ', t('timdu.back'))),
      h('h1', {}, t(err.status === 403 ? 'error.forbidden_title' : 'error.not_found')), errorBox(err));
    return;
  }
  await regionNames([td.region]);
  if (ctx.isCurrent()) draw(main, ctx, td, null);
}

async function reload(main, ctx, id, flash) {
  try {
    const td = (await api.get('/timdu/' + id)).timdu;
    if (ctx.isCurrent()) draw(main, ctx, td, flash);
  } catch (err) { announce(err.message, 'assertive'); }
}

function draw(main, ctx, td, flash) {
  const mine = canEditRegion(ctx.user, td.region);
  const members = td.member_list || [];
  const contacts = !!td.contacts_visible;
  const meta = h('dl', { class: 'meta' },
    h('dt', {}, t('rad.region')), h('dd', {}, regionText(td.region)),
    h('dt', {}, t('timdu.sk_number')), h('dd', {}, td.sk_number),
    h('dt', {}, t('timdu.sk_date')), h('dd', {}, fmtDate(td.sk_date)),
    h('dt', {}, t('timdu.signed_by')), h('dd', {}, td.signed_by || '–'),
    h('dt', {}, t('timdu.valid_until')), h('dd', {}, td.valid_until ? fmtDate(td.valid_until) : t('timdu.no_end')),
    h('dt', {}, t('timdu.validity')), h('dd', { 'data-testid': 'timdu-valid' }, validBadge(td)),
    h('dt', {}, t('timdu.chair')), h('dd', {}, td.chair_name || '–', td.chair_title ? ' (' + td.chair_title + ')' : ''),
    td.notes ? [h('dt', {}, t('timdu.notes')), h('dd', {}, td.notes)] : null);
  const sub = td.subteams || {};
  const rows = members.map((m) => h('tr', { 'data-member': m.id },
    h('td', {}, m.name), h('td', {}, m.position || '–'), h('td', {}, m.agency || '–'),
    h('td', {}, m.agency_type ? t('timdu.agency.' + m.agency_type) : '–'), h('td', {}, m.subteam ? t('rad.phase.' + m.subteam) : '–'),
    contacts ? h('td', {}, contactCell(m.phone, m.email, true)) : null,
    mine ? h('td', {}, h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': t('timdu.remove_n', { name: m.name }),
      onclick: async () => {
        if (!window.confirm(t('timdu.confirm_remove', { name: m.name }))) return;
        try { await api.del('/timdu/' + td.id + '/members/' + m.id); announce(t('timdu.member_removed')); reload(main, ctx, td.id, t('timdu.member_removed')); } catch (err) { announce(err.message, 'assertive'); }
      } }, t('rad.delete'))) : null));
  mount(main,
    h('p', { class: 'small' }, h('a', { href: '#/timdu' }, '← ', t('timdu.back'))),
    h('h1', {}, t('timdu.heading', { region: regionText(td.region) })),
    flash ? h('div', { class: 'notice notice-ok', role: 'status', tabindex: '-1', 'data-testid': 'timdu-flash' }, flash) : null,
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', {}, t('timdu.decree')), meta, mine ? skForm(main, ctx, td) : null),
      h('section', { class: 'card' }, h('h2', {}, t('timdu.subteams')),
        h('ul', { class: 'list-plain' }, PHASES.map((p) => h('li', { 'data-subteam': p }, t('rad.phase.' + p), ': ', h('strong', {}, String(sub[p] || 0))))))),
    h('section', { 'aria-labelledby': 'mem-h' }, h('h2', { id: 'mem-h' }, t('timdu.members'), ' ', h('span', { class: 'badge' }, String(members.length))),
      contacts ? null : h('p', { class: 'small muted', 'data-testid': 'contacts-hidden' }, t('timdu.contacts_hidden_long')),
      members.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'members' },
        h('caption', { class: 'visually-hidden' }, t('timdu.members')),
        h('thead', {}, h('tr', {}, [t('timdu.name'), t('timdu.position'), t('timdu.agency_name'), t('timdu.agency_type'), t('timdu.subteam'),
          contacts ? t('timdu.contact') : null, mine ? t('common.actions') : null].filter(Boolean).map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows))) : emptyState(t('timdu.no_members'))),
    mine ? memberForm(main, ctx, td) : null);
  if (flash) main.querySelector('[data-testid="timdu-flash"]').focus();
}

function memberForm(main, ctx, td) {
  const name = h('input', { type: 'text', maxlength: '200', name: 'name', autocomplete: 'off' });
  const position = h('input', { type: 'text', maxlength: '200', name: 'position', list: 'timdu-positions' });
  const agency = h('input', { type: 'text', maxlength: '200', name: 'agency' });
  const type = select([['', '–'], ...AGENCY_TYPES.map((x) => [x, t('timdu.agency.' + x)])], '', { name: 'agency_type' });
  const subteam = select([['', '–'], ...PHASES.map((x) => [x, t('rad.phase.' + x)])], '', { name: 'subteam' });
  const phone = h('input', { type: 'tel', maxlength: '40', name: 'phone', autocomplete: 'off' });
  const email = h('input', { type: 'email', maxlength: '200', name: 'email', autocomplete: 'off' });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'member-form' },
    field(t('timdu.name'), name), field(t('timdu.position'), position),
    h('datalist', { id: 'timdu-positions' }, ['Ketua', 'Wakil Ketua', 'Sekretaris', 'Anggota'].map((x) => h('option', { value: x }))),
    field(t('timdu.agency_name'), agency), field(t('timdu.agency_type'), type), field(t('timdu.subteam'), subteam),
    field(t('timdu.phone'), phone, { hint: t('timdu.contact_hint') }), field(t('timdu.email'), email),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('timdu.member_add'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    setFieldError(name, name.value.trim() ? '' : t('rad.err_required'));
    setFieldError(email, !email.value || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.value.trim()) ? '' : t('timdu.err_email'));
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); return; }
    try {
      await api.post('/timdu/' + td.id + '/members', { name: name.value.trim(), position: position.value.trim() || null, agency: agency.value.trim() || null,
        agency_type: type.value || null, subteam: subteam.value || null, phone: phone.value.trim() || null, email: email.value.trim() || null });
      announce(t('timdu.member_added'));
      reload(main, ctx, td.id, t('timdu.member_added'));
    } catch (err) { mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'mf-h' }, h('h2', { id: 'mf-h' }, t('timdu.member_add_title')), form);
}

function skForm(main, ctx, td) {
  const sk = h('input', { type: 'text', maxlength: '200', value: td.sk_number || '' });
  const signed = h('input', { type: 'text', maxlength: '200', value: td.signed_by || '' });
  const until = h('input', { type: 'date', value: td.valid_until || '' });
  const chair = h('input', { type: 'text', maxlength: '200', value: td.chair_name || '' });
  const chairTitle = h('input', { type: 'text', maxlength: '200', value: td.chair_title || '' });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form-grid', novalidate: true },
    field(t('timdu.sk_number'), sk), field(t('timdu.signed_by'), signed), field(t('timdu.valid_until'), until, { hint: t('timdu.valid_until_hint') }),
    field(t('timdu.chair'), chair), field(t('timdu.chair_title'), chairTitle),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn' }, t('common.save'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setFieldError(sk, sk.value.trim() ? '' : t('rad.err_required'));
    setFieldError(until, until.value && until.value < td.sk_date ? t('rad.err_end_before') : '');
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); return; }
    try {
      await api.patch('/timdu/' + td.id, { sk_number: sk.value.trim(), signed_by: signed.value.trim() || null, valid_until: until.value || null,
        chair_name: chair.value.trim() || null, chair_title: chairTitle.value.trim() || null });
      announce(t('timdu.updated'));
      reload(main, ctx, td.id, t('timdu.updated'));
    } catch (err) { mount(msg, errorBox(err)); }
  });
  return h('details', {}, h('summary', {}, t('timdu.edit_sk')), form);
}
