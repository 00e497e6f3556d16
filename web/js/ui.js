// Small DOM helpers shared by every page. Text is always set as text (never innerHTML).
import { t, fmtDate, fmtNumber } from './i18n.js';

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style') setStyle(el, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value') el.value = v;
      else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') el[k] = !!v;
      else el.setAttribute(k, v === true ? '' : v);
    }
  }
  append(el, children);
  return el;
}

// Inline styles go through the CSSOM (el.style), which the Content-Security-Policy allows;
// a style attribute (setAttribute('style', ...)) would be refused by `style-src 'self'`.
// v: { background: '#fff', 'margin-top': 0 } or 'margin:0; color:red'.
function setStyle(el, v) {
  const decls = typeof v === 'string'
    ? v.split(';').map((d) => [d.slice(0, d.indexOf(':')), d.slice(d.indexOf(':') + 1)]).filter(([p]) => p.trim())
    : Object.entries(v);
  for (const [p, val] of decls) {
    const prop = p.trim().replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    el.style.setProperty(prop, String(val).trim());
  }
}

// An API-provided URL for href, or null: only http: and https: URLs (absolute, or relative to
// this page) become links, so a javascript:, data: or other scheme URL in ingested or stored
// data can never run or load anything when clicked. Every API URL put into href goes here.
export function safeHref(url) {
  if (typeof url !== 'string' || !url) return null;
  let u;
  try { u = new URL(url, document.baseURI); } catch { return null; }
  return u.protocol === 'http:' || u.protocol === 'https:' ? url : null;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// Tell screen-reader users (and everyone, via the toast) about an async result. A polite
// message is spoken by the toast itself (#toast, role=status); an assertive one by
// #live-assertive, with the toast silent for it so nobody hears it twice.
export function announce(msg, politeness = 'polite') {
  const assertive = politeness === 'assertive';
  if (assertive) {
    const live = document.getElementById('live-assertive');
    if (live) { live.textContent = ''; setTimeout(() => { live.textContent = msg; }, 30); }
  }
  showToast(msg, !assertive);
}

// The toast: fixed at the bottom of the screen above the safe area; when there it would cover a
// form field, just below the header or at the top, whichever covers no field and the fewest
// other controls. It never covers a field: when every place would (or later, after a scroll, a
// resize or a change of the page, its place does) it moves, or gives way: hidden from view but
// left in the status region until it goes, so a screen reader still reads it. Dismissible (its
// button, Escape); gone after 5 s.
const TOAST_MS = 5000;
const FIELDS = 'input:not([type="hidden"]), select, textarea';
const CONTROLS = 'a[href], button, ' + FIELDS;
let toastTimer = null;
let toastUnwatch = null;

function covers(region, sel) {
  const rect = region.getBoundingClientRect();
  let n = 0;
  for (const el of document.querySelectorAll(sel)) {
    if (region.contains(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.height && r.left < rect.right && r.right > rect.left && r.top < rect.bottom && r.bottom > rect.top) n++;
  }
  return n;
}

function putToast(region, where) { // 'bottom', 'top' or a distance from the top in px
  region.classList.toggle('toast-top', where !== 'bottom');
  if (typeof where === 'number') region.style.setProperty('top', where + 'px');
  else region.style.removeProperty('top');
}

// Place the toast (again, when its place now covers a field; always when first shown).
export function placeToast(first = false) {
  const region = document.getElementById('toast');
  if (!region || !region.firstChild || region.classList.contains('toast-away')) return;
  if (!first && !covers(region, FIELDS)) return;
  const places = ['bottom'];
  const header = document.querySelector('.site-header');
  const below = header ? Math.round(header.getBoundingClientRect().bottom) + 8 : 0;
  if (below > 8 && below < window.innerHeight / 2) places.push(below);
  places.push('top');
  let best = null, fewest = Infinity;
  for (const where of places) {
    putToast(region, where);
    if (covers(region, FIELDS)) continue;
    const n = covers(region, CONTROLS);
    if (n < fewest) { best = where; fewest = n; }
    if (!n) break;
  }
  if (best !== null) { putToast(region, best); return; }
  putToast(region, 'bottom');
  region.classList.add('toast-away');
  for (const b of region.querySelectorAll('button')) b.hidden = true;
  if (toastUnwatch) { toastUnwatch(); toastUnwatch = null; }
}

export function dismissToast() {
  clearTimeout(toastTimer);
  if (toastUnwatch) { toastUnwatch(); toastUnwatch = null; }
  const region = document.getElementById('toast');
  if (region) { region.replaceChildren(); region.classList.remove('toast-away'); putToast(region, 'bottom'); }
}

function watchToast() {
  let queued = false;
  const check = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; placeToast(); }); } };
  const onKey = (e) => { if (e.key === 'Escape') dismissToast(); };
  const mo = new MutationObserver(check);
  mo.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden', 'class'] });
  const vv = window.visualViewport;
  window.addEventListener('scroll', check, { capture: true, passive: true });
  window.addEventListener('resize', check);
  if (vv) vv.addEventListener('resize', check);
  document.addEventListener('focusin', check);
  document.addEventListener('keydown', onKey);
  return () => {
    mo.disconnect();
    window.removeEventListener('scroll', check, { capture: true });
    window.removeEventListener('resize', check);
    if (vv) vv.removeEventListener('resize', check);
    document.removeEventListener('focusin', check);
    document.removeEventListener('keydown', onKey);
  };
}

function showToast(msg, spoken) {
  const region = document.getElementById('toast');
  if (!region) return;
  dismissToast();
  region.setAttribute('aria-live', spoken ? 'polite' : 'off');
  mount(region, h('div', { class: 'toast notice', 'data-testid': 'toast' }, h('span', { class: 'toast-text' }, msg),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': t('common.close'), title: t('common.close'), onclick: dismissToast }, '×')));
  toastTimer = setTimeout(dismissToast, TOAST_MS);
  placeToast(true);
  if (!region.classList.contains('toast-away')) toastUnwatch = watchToast();
}

let uid = 0;
export function nextId(prefix = 'f') { uid += 1; return prefix + '-' + uid; }

// A labelled form field: field(t('x'), h('input', {...}), {hint}).
export function field(label, control, { hint, wide, error } = {}) {
  if (!control.id) control.id = nextId();
  const parts = [h('label', { for: control.id }, label)];
  if (hint) {
    const hid = control.id + '-hint';
    control.setAttribute('aria-describedby', hid);
    parts.push(h('span', { class: 'hint', id: hid }, hint));
  }
  parts.push(control);
  const err = h('span', { class: 'field-error', id: control.id + '-err', hidden: !error }, error || '');
  parts.push(err);
  return h('div', { class: 'field' + (wide ? ' wide' : '') }, parts);
}

export function setFieldError(control, msg) {
  const err = document.getElementById(control.id + '-err');
  if (msg) control.setAttribute('aria-invalid', 'true'); else control.removeAttribute('aria-invalid');
  if (err) { err.textContent = msg || ''; err.hidden = !msg; }
  const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== control.id + '-err');
  if (msg) ids.push(control.id + '-err');
  if (ids.length) control.setAttribute('aria-describedby', ids.join(' ')); else control.removeAttribute('aria-describedby');
}

export function select(options, value, attrs = {}) {
  return h('select', attrs, options.map(([v, label]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, label)));
}

export const LEVELS = ['normal', 'waspada', 'siaga', 'awas'];

export function levelBadge(level) {
  const l = LEVELS.includes(level) ? level : 'none';
  return h('span', { class: 'level-badge level-' + l }, t('level.' + l));
}

export function statusBadge(status) {
  return h('span', { class: 'badge status-' + status }, t('status.' + status));
}

export function categoryName(c) { return t('category.' + (c || 'none')); }

export function date(s) { return fmtDate(s); }
export function num(n) { return fmtNumber(n); }

export function loading() { return h('p', { class: 'loading', role: 'status' }, t('common.loading')); }
export function emptyState(msg) { return h('p', { class: 'empty' }, msg || t('common.empty')); }

// A readable box for an ApiError (or any error).
export function errorBox(err, { unavailable } = {}) {
  let msg;
  if (err && err.status === 403) msg = t('error.forbidden');
  else if (err && err.status === 404 && unavailable) msg = t('error.unavailable');
  else if (err && err.status === 404) msg = t('error.not_found');
  else if (err && err.status === 0) msg = t('error.network');
  else if (err && err.status === 429) msg = t('error.rate_limited');
  else msg = t('error.generic');
  const detail = err && err.message && err.status !== 0 ? err.message : '';
  return h('div', { class: 'notice notice-error', role: 'alert' }, h('strong', {}, msg),
    detail ? h('div', { class: 'small' }, detail) : null);
}

export function table(headers, rows, { caption } = {}) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => (typeof x === 'string' ? h('th', { scope: 'col' }, x) : x)))),
    h('tbody', {}, rows)));
}

export function regionLabel(ev) {
  return [ev.regency, ev.province].filter(Boolean).join(', ') || t('common.unknown_place');
}

// Debounce for search-as-you-type.
export function debounce(fn, ms = 250) {
  let timer;
  return (...a) => { clearTimeout(timer); timer = setTimeout(() => fn(...a), ms); };
}

// An alert's explanation in the current language ({"id","en"} from the API).
export function alertExplanation(a) {
  const ex = a && a.explanation;
  if (!ex) return '';
  if (typeof ex === 'string') return ex;
  const l = document.documentElement.lang;
  return ex[l] || ex.id || ex.en || '';
}

// el.replaceChildren(...) without the null/false children (conditional parts of a page).
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}
