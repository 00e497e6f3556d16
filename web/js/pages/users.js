// Users admin: list, create, disable/enable, set a new password, within the API's rules
// (admin: anyone; provinsi: kabkota and pelapor in its province; kabkota: pelapor in its
// regency). The server decides; a 403 is shown as a message.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, table, announce, setFieldError, mount } from '../ui.js';
import { creatableRoles } from '../roles.js';
import { regionPicker } from '../region-picker.js';

const NATIONAL_ROLES = ['admin', 'pusat'];

export async function render(main, ctx) {
  mount(main, h('h1', {}, t('users.title')), loading());
  const list = h('div', { id: 'users-list' });
  const msg = h('div', { 'aria-live': 'polite' });

  async function refresh() {
    let r;
    try { r = await api.get('/users'); } catch (err) { mount(list, errorBox(err)); return; }
    const items = r.items || [];
    if (!items.length) { mount(list, emptyState()); return; }
    mount(list, table([t('users.username'), t('users.full_name'), t('users.role'), t('users.region'),
      t('users.state'), t('common.actions')], items.map((u) => row(u)), { caption: t('users.title') }));
  }

  function row(u) {
    const self = u.id === ctx.user.id;
    const pwBox = h('div', { hidden: true });
    const toggle = h('button', { type: 'button', class: 'btn btn-small' + (u.disabled ? '' : ' btn-danger'), disabled: self,
      'data-action': u.disabled ? 'enable' : 'disable',
      onclick: async () => {
        try {
          await api.patch('/users/' + u.id, { disabled: !u.disabled });
          announce(t(u.disabled ? 'users.enabled' : 'users.disabled_ok', { name: u.username }));
          refresh();
        } catch (err) { mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
      } }, t(u.disabled ? 'users.enable' : 'users.disable'));
    const pw = h('input', { type: 'password', minlength: '10', autocomplete: 'new-password' });
    // Your own password needs the current one (the server insists; a session left open on a
    // shared computer must not be enough). Changing it logs you out everywhere.
    const cur = self ? h('input', { type: 'password', autocomplete: 'current-password', required: true }) : null;
    const pwForm = h('form', { class: 'actions' },
      cur ? field(t('users.current_password'), cur) : null,
      field(t('users.new_password'), pw, { hint: t('users.password_hint') }),
      h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, t('common.save')));
    pwForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (cur && !cur.value) { setFieldError(cur, t('users.current_password_needed')); cur.focus(); return; }
      if ([...pw.value].length < 10) { setFieldError(pw, t('users.password_short')); pw.focus(); return; }
      try {
        const body = cur ? { password: pw.value, current_password: cur.value } : { password: pw.value };
        await api.post('/users/' + u.id + '/password', body);
        if (cur) { location.hash = '#/login'; return; } // all of your sessions ended
        setFieldError(pw, '');
        pwBox.hidden = true;
        announce(t('users.password_set', { name: u.username }));
        mount(msg, h('div', { class: 'notice notice-ok', role: 'status' }, t('users.password_set', { name: u.username })));
      } catch (err) { setFieldError(pw, err.message); }
    });
    pwBox.append(pwForm);
    const reset = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false',
      onclick: (e) => { pwBox.hidden = !pwBox.hidden; e.target.setAttribute('aria-expanded', String(!pwBox.hidden)); if (!pwBox.hidden) pw.focus(); } },
      t('users.reset_password'));
    return h('tr', { 'data-user': u.username },
      h('td', {}, u.username), h('td', {}, u.full_name || ''), h('td', {}, t('role.' + u.role)), h('td', {}, u.region || t('users.national')),
      h('td', {}, h('span', { class: 'badge ' + (u.disabled ? 'status-ditolak' : 'status-selesai') }, t(u.disabled ? 'users.inactive' : 'users.active'))),
      h('td', {}, h('div', { class: 'actions' }, toggle, reset), pwBox));
  }

  const roles = creatableRoles(ctx.user);
  const username = h('input', { name: 'username', required: true, autocomplete: 'off', autocapitalize: 'none', pattern: '[A-Za-z0-9._-]{2,}' });
  const fullName = h('input', { name: 'full_name', autocomplete: 'off' });
  const role = select(roles.map((r) => [r, t('role.' + r)]), roles[roles.length - 1], { name: 'role' });
  const region = regionPicker({ name: 'region', value: ctx.user.region || '', placeholder: t('users.region_ph') });
  const password = h('input', { name: 'password', type: 'password', minlength: '10', required: true, autocomplete: 'new-password' });
  const createMsg = h('div', { 'aria-live': 'polite' });
  const regionField = field(t('users.region'), region.input, { hint: t('users.region_hint') });
  const syncRegion = () => { regionField.hidden = NATIONAL_ROLES.includes(role.value); };
  role.addEventListener('change', syncRegion);
  syncRegion();
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'user-create' },
    field(t('users.username'), username, { hint: t('users.username_hint') }), field(t('users.full_name'), fullName),
    field(t('users.role'), role), regionField, region.list, field(t('users.password'), password, { hint: t('users.password_hint') }),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.create'))), h('div', { class: 'wide' }, createMsg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    createMsg.replaceChildren();
    let ok = true;
    setFieldError(username, /^[A-Za-z0-9._-]{2,}$/.test(username.value.trim()) ? '' : (ok = false, t('users.username_bad')));
    setFieldError(password, [...password.value].length >= 10 ? '' : (ok = false, t('users.password_short')));
    if (!ok) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    const body = { username: username.value.trim(), password: password.value, role: role.value };
    if (fullName.value.trim()) body.full_name = fullName.value.trim();
    if (!NATIONAL_ROLES.includes(role.value) && region.code) body.region = region.code;
    try {
      const r = await api.post('/users', body);
      const u = r.user || r;
      mount(createMsg, h('div', { class: 'notice notice-ok', role: 'status' }, t('users.created', { name: u.username })));
      announce(t('users.created', { name: u.username }));
      username.value = ''; fullName.value = ''; password.value = '';
      refresh();
    } catch (err) {
      mount(createMsg, errorBox(err));
      announce(err.message, 'assertive');
    }
  });

  mount(main, h('h1', {}, t('users.title')), h('p', { class: 'muted' }, t('users.intro_' + ctx.user.role)), msg, list,
    roles.length ? h('section', { class: 'card', 'aria-labelledby': 'create-h' }, h('h2', { id: 'create-h' }, t('users.create_title')), form) : null);
  await refresh();
}
