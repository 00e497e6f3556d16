// Hash router: '#/events/12?status=menunggu' -> route '/events/:id', params {id: '12'},
// query {status: 'menunggu'}. Checks login and roles, renders the page into <main>, runs
// the previous page's cleanup, moves focus to the new <h1> and sets document.title.
import { routes } from './routes.js';
import { allowed, homeFor } from './roles.js';
import { h, errorBox, mount } from './ui.js';
import { t } from './i18n.js';

let state = { user: null, cleanup: null, seq: 0, current: null };
const changeListeners = new Set();

export function setUser(user) { state.user = user; }
export function getUser() { return state.user; }
export function onRouteChange(fn) { changeListeners.add(fn); }
export function currentPath() { return parseHash().path; }

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const [p, qs] = raw.split('?');
  const query = Object.fromEntries(new URLSearchParams(qs || ''));
  return { path: p.startsWith('/') ? p : '/' + p, query, raw };
}

export function match(path) {
  const segs = path.split('/').filter(Boolean);
  for (const r of routes) {
    const ps = r.path.split('/').filter(Boolean);
    if (ps.length !== segs.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < ps.length && ok; i++) {
      if (ps[i].startsWith(':')) params[ps[i].slice(1)] = decodeURIComponent(segs[i]);
      else ok = ps[i] === segs[i];
    }
    if (ok) return { route: r, params };
  }
  return null;
}

export function navigate(path, { replace } = {}) {
  const target = '#' + path;
  if (location.hash === target) { render(); return; }
  if (replace) { history.replaceState(null, '', target); render(); } else location.hash = target;
}

// Set the hash query without re-rendering (filters that update the URL for bookmarking).
export function setQuery(query) {
  const { path } = parseHash();
  const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v != null)).toString();
  history.replaceState(null, '', '#' + path + (qs ? '?' + qs : ''));
}

export function navItems(user) {
  return routes.filter((r) => r.nav && (r.public || allowed(user, r.roles)))
    .sort((a, b) => a.nav.order - b.nav.order)
    .map((r) => ({ path: r.path, key: r.nav.key }));
}

export async function render() {
  const main = document.getElementById('main');
  const seq = ++state.seq;
  const { path, query, raw } = parseHash();
  if (state.cleanup) { try { state.cleanup(); } catch (e) { console.error(e); } state.cleanup = null; }
  const user = state.user;
  if (path === '/' || path === '') { navigate(homeFor(user), { replace: true }); return; }
  const m = match(path);
  for (const fn of changeListeners) fn(path);
  if (!m) {
    mount(main, h('h1', { tabindex: '-1' }, t('error.page_not_found')),
      h('p', {}, h('a', { href: '#' + homeFor(user) }, t('common.back_home'))));
    focusHeading(main);
    return;
  }
  if (!m.route.public && !user) { navigate('/login?next=' + encodeURIComponent(raw), { replace: true }); return; }
  if (!m.route.public && !allowed(user, m.route.roles)) {
    mount(main, h('h1', { tabindex: '-1' }, t('error.forbidden_title')),
      errorBox({ status: 403 }), h('p', {}, h('a', { href: '#' + homeFor(user) }, t('common.back_home'))));
    document.title = t('error.forbidden_title') + ' – Waspada';
    focusHeading(main);
    return;
  }
  main.setAttribute('aria-busy', 'true');
  try {
    const mod = await m.route.page();
    if (seq !== state.seq) return;
    const ctx = { params: m.params, query, user, route: m.route, navigate, isCurrent: () => seq === state.seq };
    const cleanup = await mod.render(main, ctx);
    if (seq !== state.seq) { if (typeof cleanup === 'function') cleanup(); return; }
    state.cleanup = typeof cleanup === 'function' ? cleanup : null;
  } catch (err) {
    if (seq !== state.seq) return;
    if (err && err.status === 401) return; // api.js sends the user to login
    console.error(err);
    mount(main, h('h1', { tabindex: '-1' }, t(m.route.nav ? m.route.nav.key : 'common.error')), errorBox(err));
  } finally {
    if (seq === state.seq) main.removeAttribute('aria-busy');
  }
  if (seq !== state.seq) return;
  const h1 = main.querySelector('h1');
  document.title = (h1 ? h1.textContent + ' – ' : '') + 'Waspada';
  focusHeading(main);
}

let firstRender = true;
function focusHeading(main) {
  const h1 = main.querySelector('h1');
  if (!h1) return;
  if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
  // Do not steal focus on the first load (the skip link stays first); after that, moving
  // focus to the heading tells screen readers that the page changed.
  if (!firstRender) h1.focus({ preventScroll: false });
  firstRender = false;
}

export function startRouter() {
  window.addEventListener('hashchange', () => render());
  return render();
}
