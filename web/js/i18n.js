// UI strings: one JSON file per language in /i18n/ (id = default, en). t(key, vars) looks a
// key up in the current language, then in Indonesian, then shows the key itself.
const LANGS = ['id', 'en'];
const STORE_KEY = 'waspada.lang';
const dicts = {};
const warned = new Set();
let current = 'id';
const listeners = new Set();

function stored() {
  try { return localStorage.getItem(STORE_KEY); } catch { return null; }
}

async function load(lang) {
  if (dicts[lang]) return dicts[lang];
  const base = new URL('../i18n/', import.meta.url);
  const r = await fetch(new URL(lang + '.json', base), { credentials: 'same-origin' });
  if (!r.ok) throw new Error('cannot load language ' + lang);
  dicts[lang] = await r.json();
  return dicts[lang];
}

export function languages() { return LANGS.slice(); }
export function lang() { return current; }

export async function initI18n() {
  const want = stored();
  current = LANGS.includes(want) ? want : 'id';
  await load('id');
  if (current !== 'id') {
    try { await load(current); } catch { current = 'id'; }
  }
  document.documentElement.lang = current;
}

export async function setLang(l) {
  if (!LANGS.includes(l)) return;
  await load(l);
  current = l;
  try { localStorage.setItem(STORE_KEY, l); } catch { /* private mode */ }
  document.documentElement.lang = l;
  for (const fn of listeners) fn(l);
}

export function onLangChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }

export function has(key) {
  return (dicts[current] && key in dicts[current]) || (dicts.id && key in dicts.id);
}

export function t(key, vars) {
  let s = dicts[current] && dicts[current][key];
  if (s === undefined) s = dicts.id && dicts.id[key];
  if (s === undefined) {
    if (!warned.has(key)) { warned.add(key); console.warn('i18n: missing key', key); }
    s = key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// Fill data-i18n="key" (text content) and data-i18n-attr="attr:key,attr:key" under root.
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':').map((x) => x.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

// Numbers and dates in the current language.
export function fmtNumber(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return new Intl.NumberFormat(current === 'id' ? 'id-ID' : 'en-GB').format(n);
}

export function fmtDate(s) {
  if (!s) return '–';
  const d = new Date(s.length === 10 ? s + 'T00:00:00Z' : s);
  if (Number.isNaN(d.getTime())) return s;
  const opts = { day: 'numeric', month: 'short', year: 'numeric', timeZone: s.length === 10 ? 'UTC' : undefined };
  if (s.length > 10) { opts.hour = '2-digit'; opts.minute = '2-digit'; }
  return new Intl.DateTimeFormat(current === 'id' ? 'id-ID' : 'en-GB', opts).format(d);
}
