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

let liveTimer = null;
// Tell screen-reader users (and everyone, via #toast) about an async result.
export function announce(msg, politeness = 'polite') {
  const live = document.getElementById(politeness === 'assertive' ? 'live-assertive' : 'live-polite');
  if (live) { live.textContent = ''; setTimeout(() => { live.textContent = msg; }, 30); }
  const toast = document.getElementById('toast');
  if (toast) {
    toast.textContent = msg;
    toast.hidden = false;
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => { toast.hidden = true; }, 5000);
  }
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
