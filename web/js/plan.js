// Shared helpers of the plan-and-control pages (RAD, progress, compliance, Timdu): who may do
// what (the server still decides), region names, rupiah input, status badges,
// evidence file names.
import { api } from './api.js';
import { t, fmtNumber, lang } from './i18n.js';
import { h } from './ui.js';

export const PHASES = ['pencegahan', 'penghentian', 'pemulihan'];
export const PLAN_TYPES = ['pks', 'p3aks'];
export const RAD_STATUSES = ['draft', 'diajukan', 'dikembalikan', 'disetujui'];
export const FOCUS = ['konflik_faktual', 'potensi_konflik'];
export const FOCUS_RE = /^[a-z][a-z0-9_]{0,39}$/;

// Write plan data of a region: admin always, provinsi/kabkota for exactly their own region.
export function canEditRegion(user, region) {
  if (!user) return false;
  if (user.role === 'admin') return true;
  return (user.role === 'provinsi' || user.role === 'kabkota') && !!region && user.region === region;
}
// Return or approve a submitted plan: the national desk.
export function canReview(user) { return !!user && (user.role === 'admin' || user.role === 'pusat'); }
// Create plans / Timdu at all (some own region): admin, provinsi, kabkota.
export function canWriteSome(user) { return !!user && ['admin', 'provinsi', 'kabkota'].includes(user.role); }

// Region names, cached for the session: all provinces in one request, others one by one.
const names = new Map();
let provinces = null;
export async function regionNames(codes) {
  const want = [...new Set(codes.filter(Boolean))];
  if (want.some((c) => !c.includes('.') && !names.has(c)) && !provinces) {
    provinces = api.get('/regions', { level: 'province', limit: 100 })
      .then((r) => { for (const x of r.items || []) names.set(x.code, x.name); })
      .catch(() => { provinces = null; });
  }
  if (provinces) await provinces;
  await Promise.all(want.filter((c) => !names.has(c)).map((c) =>
    api.get('/regions/' + encodeURIComponent(c)).then((r) => names.set(c, r.chain || r.name)).catch(() => {})));
  return names;
}
export function regionName(code) { return (code && names.get(code)) || code || ''; }
export function regionText(code) { const n = names.get(code); return n ? n + ' (' + code + ')' : code; }

export function rupiah(n) { return n === null || n === undefined ? '–' : 'Rp ' + fmtNumber(n); }
export function pct(n) { return n === null || n === undefined ? '–' : fmtNumber(Math.round(n * 10) / 10) + '%'; }

// "1500000", "1.500.000", "1,500,000", "Rp 1.500.000" -> 1500000; NaN when not a whole rupiah
// amount (decimals, letters, negative numbers).
export function parseRupiah(s) {
  const v = String(s ?? '').trim().replace(/^rp\.?\s*/i, '').replace(/\s+/g, '');
  if (v === '') return null;
  if (/^\d+$/.test(v) || /^\d{1,3}(\.\d{3})+$/.test(v) || /^\d{1,3}(,\d{3})+$/.test(v)) {
    const n = Number(v.replace(/[.,]/g, ''));
    return Number.isSafeInteger(n) ? n : NaN;
  }
  return NaN;
}
// "12", "12.5", "12,5" -> number; NaN otherwise.
export function parseNumber(s) {
  const v = String(s ?? '').trim();
  if (v === '') return null;
  if (!/^\d+([.,]\d+)?$/.test(v)) return NaN;
  return Number(v.replace(',', '.'));
}

// A number for a text input in the current language's decimal mark ("12,5" / "12.5").
export function decStr(n) {
  if (n === null || n === undefined || n === '') return '';
  return lang() === 'id' ? String(n).replace('.', ',') : String(n);
}

// A text input for rupiah amounts, shown with thousand separators once the field is left.
export function rupiahInput(value, attrs = {}) {
  const input = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', ...attrs,
    value: value === null || value === undefined ? '' : fmtNumber(value) });
  input.addEventListener('blur', () => {
    const n = parseRupiah(input.value);
    if (Number.isFinite(n)) input.value = fmtNumber(n);
  });
  return input;
}

export function radStatusBadge(status) {
  return h('span', { class: 'badge rad-' + (status || 'belum'), 'data-status': status || 'belum' }, t('rad.status.' + (status || 'belum')));
}
export function yesNoBadge(yes) {
  return h('span', { class: 'badge ' + (yes ? 'rad-disetujui' : 'rad-belum') }, t(yes ? 'common.yes' : 'common.no'));
}

export function years() {
  const y = new Date().getFullYear();
  return [y + 1, y, y - 1, y - 2, y - 3];
}

// A plain file name the server accepts: letters, digits, space . _ - ( ), at most 120 chars.
export function safeFilename(name) {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  let stem = (dot > 0 ? name.slice(0, dot) : name).normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9 ._()-]+/g, '_').replace(/^[ .]+/, '').trim();
  if (!stem) stem = 'bukti';
  return stem.slice(0, 120 - ext.length - 1) + (ext ? '.' + ext : '');
}

export function langTag() { return lang() === 'id' ? 'id-ID' : 'en-GB'; }
