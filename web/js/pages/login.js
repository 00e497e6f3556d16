// Login form. On success: remember the CSRF token, redraw the shell, go to ?next= or home.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, field, announce, errorBox, mount } from '../ui.js';
import { signedIn } from '../app.js';
import { getUser } from '../router.js';
import { homeFor } from '../roles.js';

export async function render(main, ctx) {
  const user = getUser();
  const next = ctx.query.next && ctx.query.next.startsWith('/') && !ctx.query.next.startsWith('/login') ? ctx.query.next : null;
  if (user) {
    mount(main, h('div', { class: 'login-box card' }, h('h1', {}, t('login.title')),
      h('p', {}, t('login.already', { name: user.username })),
      h('p', {}, h('a', { class: 'btn btn-primary', href: '#' + (next || homeFor(user)) }, t('common.continue')))));
    return;
  }
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', { id: 'login-msg' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('login.submit'));
  const form = h('form', { class: 'form-grid', novalidate: true, 'aria-describedby': 'login-msg' },
    field(t('login.username'), username, { wide: true }),
    field(t('login.password'), password, { wide: true }),
    h('div', { class: 'wide' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    if (!username.value.trim() || !password.value) {
      mount(msg, h('div', { class: 'notice notice-error', role: 'alert' }, t('login.missing')));
      return;
    }
    submit.disabled = true;
    try {
      const r = await api.post('/auth/login', { username: username.value.trim(), password: password.value }, { quiet401: true });
      signedIn(r.user, r.csrf_token);
      announce(t('login.welcome', { name: r.user.full_name || r.user.username }));
      ctx.navigate(next || homeFor(r.user), { replace: true });
    } catch (err) {
      submit.disabled = false;
      password.value = '';
      if (err.status === 401) mount(msg, h('div', { class: 'notice notice-error', role: 'alert' }, t('login.failed')));
      else mount(msg, errorBox(err));
      password.focus();
    }
  });
  mount(main, h('div', { class: 'login-box card' }, h('h1', {}, t('login.title')),
    h('p', { class: 'muted' }, t('login.intro')), msg, form,
    h('p', { class: 'small' }, h('a', { href: '/publik/' }, t('login.public_link')), ' · ',
      h('a', { href: '#/panduan' }, t('nav.panduan')))));
  username.focus();
}
