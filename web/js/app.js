// Boot the app shell: language, session, nav, language switch, logout, router.
import { api, setCsrf, setUnauthorizedHandler } from './api.js';
import { initI18n, setLang, lang, languages, t, applyI18n, onLangChange } from './i18n.js';
import { startRouter, render, setUser, getUser, navItems, onRouteChange, parseHash, navigate } from './router.js';
import { h, announce, mount, dismissToast } from './ui.js';

export function signedIn(user, csrfToken) {
  setUser(user);
  setCsrf(csrfToken);
  drawHeader();
}

function drawNav() {
  const ul = document.getElementById('nav-list');
  const cur = parseHash().path;
  let here = cur === '/login' ? t('login.title') : '';
  mount(ul, ...navItems(getUser()).map((it) => {
    const active = cur === it.path || cur.startsWith(it.path + '/');
    if (active) here = t(it.key);
    return h('li', {}, h('a', { href: '#' + it.path, 'aria-current': active ? 'page' : null,
      'data-nav': it.path.slice(1) }, t(it.key)));
  }));
  // Phones: the current page's name beside the menu button, who is signed in inside the menu.
  document.getElementById('nav-current').textContent = here;
  const user = getUser();
  document.getElementById('nav-who').textContent = user ? whoText(user) : '';
  setMenu(false);
}

function whoText(user) {
  return (user.full_name || user.username) + ' · ' + t('role.' + user.role) + (user.region ? ' ' + user.region : '');
}

// The menu button of narrow screens (CSS shows it below 48rem; wider, the list is always shown).
// A disclosure: aria-expanded on the button; closed by a link in it, Escape (focus back on the
// button), a click elsewhere and every change of page.
function setMenu(open, { focusButton } = {}) {
  const nav = document.getElementById('main-nav');
  const btn = document.getElementById('nav-toggle');
  if (!nav || !btn) return;
  nav.classList.toggle('open', open);
  btn.setAttribute('aria-expanded', String(open));
  if (open) dismissToast(); // a message over the opened menu would hide its last entries
  if (focusButton) btn.focus();
}

function initMenu() {
  const nav = document.getElementById('main-nav');
  const btn = document.getElementById('nav-toggle');
  btn.addEventListener('click', () => setMenu(btn.getAttribute('aria-expanded') !== 'true'));
  nav.addEventListener('click', (e) => { if (e.target.closest('a')) setMenu(false); });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && btn.getAttribute('aria-expanded') === 'true') setMenu(false, { focusButton: true });
  });
  document.addEventListener('click', (e) => {
    if (btn.getAttribute('aria-expanded') === 'true' && !nav.contains(e.target)) setMenu(false);
  });
}

function drawHeader() {
  applyI18n(document.body);
  const user = getUser();
  const box = document.getElementById('userbox');
  const switcher = h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('common.language') },
    languages().map((l) => h('button', { type: 'button', lang: l, 'aria-pressed': String(l === lang()),
      'data-lang': l, onclick: () => changeLang(l) }, l.toUpperCase())));
  const parts = [switcher];
  if (user) {
    parts.push(h('span', { class: 'who', 'data-testid': 'who' }, whoText(user)));
    parts.push(h('button', { type: 'button', class: 'btn btn-small', id: 'logout', onclick: logout }, t('common.logout')));
  } else {
    parts.push(h('a', { href: '#/login' }, t('login.title')));
  }
  mount(box, ...parts);
  drawNav();
}

async function changeLang(l) {
  await setLang(l);
}

async function logout() {
  try { await api.post('/auth/logout', {}, { quiet401: true }); } catch { /* already gone */ }
  setUser(null);
  setCsrf(null);
  drawHeader();
  announce(t('login.logged_out'));
  navigate('/login');
}

async function boot() {
  await initI18n();
  initMenu();
  // The skip link must not change the hash (that is the router's).
  const skip = document.querySelector('.skip-link');
  if (skip) skip.addEventListener('click', (e) => { e.preventDefault(); document.getElementById('main').focus(); });
  setUnauthorizedHandler(() => {
    const { raw, path } = parseHash();
    setUser(null);
    setCsrf(null);
    drawHeader();
    if (path !== '/login') navigate('/login?next=' + encodeURIComponent(raw), { replace: true });
  });
  try {
    const me = await api.get('/auth/me', null, { quiet401: true });
    setUser(me.user);
    setCsrf(me.csrf_token);
  } catch { setUser(null); }
  drawHeader();
  onRouteChange(() => drawNav());
  onLangChange(() => { drawHeader(); render(); });
  await startRouter();
  document.body.dataset.ready = 'true';
  // Community reports that could not be sent earlier: retry now and when back online.
  try {
    if (getUser() && JSON.parse(localStorage.getItem('waspada.lapor.outbox') || '[]').length) {
      import('./pages/lapor.js').then((m) => { m.startOutboxRetry(); m.flushOutbox(); });
    }
  } catch { /* no storage */ }
}

boot();
