// Progress reports (laporan kemajuan): per approved plan, a matrix of actions x reporting
// periods (B-04/B-08/B-12 by default) showing what was reported, late or missing, and a form
// for the region's officers: physical and budget realization, narrative, kendala, tindak
// lanjut, and evidence files (pdf, jpg, png, docx, xlsx up to 10 MiB) sent as the raw body.
import { api } from '../api.js';
import { t, fmtDate, fmtNumber } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, setFieldError, mount, nextId } from '../ui.js';
import { setQuery } from '../router.js';
import { canEditRegion, regionNames, regionText, rupiah, pct, parseRupiah, parseNumber, rupiahInput, safeFilename } from '../plan.js';

export const EVIDENCE_EXT = ['pdf', 'jpg', 'jpeg', 'png', 'docx', 'xlsx'];
export const EVIDENCE_MAX = 10 * 1024 * 1024;

let calCache = null;
export async function calendarFor(type) {
  if (!calCache) calCache = api.get('/calendar').then((r) => r.items || []).catch(() => { calCache = null; return []; });
  const c = (await calCache).find((x) => x.plan_type === type);
  return c || { period_type: 'b4', deadline_days: 10, grace_days: 5, periods: ['B-04', 'B-08', 'B-12'] };
}

const iso = (d) => d.toISOString().slice(0, 10);
// First day, deadline and due day (deadline + grace) of a period, as YYYY-MM-DD.
export function periodDates(cal, year, code) {
  const idx = cal.periods.indexOf(code);
  const months = 12 / cal.periods.length;
  const first = new Date(Date.UTC(year, idx * months, 1));
  const last = new Date(Date.UTC(year, (idx + 1) * months, 0));
  const deadline = new Date(last.getTime() + cal.deadline_days * 86400000);
  const due = new Date(deadline.getTime() + cal.grace_days * 86400000);
  return { first: iso(first), last: iso(last), deadline: iso(deadline), due: iso(due) };
}
// Today in WIB (UTC+7), the office time the server uses.
export function todayWib() { return iso(new Date(Date.now() + 7 * 3600000)); }
function wibDay(ts) { return ts ? iso(new Date(new Date(ts).getTime() + 7 * 3600000)) : null; }

export async function render(main, ctx) {
  mount(main, h('h1', {}, t('progress.title')), loading());
  const plans = ((await api.get('/rad', { status: 'disetujui' })).items || []);
  await regionNames(plans.map((p) => p.region));
  if (!ctx.isCurrent()) return;
  const user = ctx.user;
  // Default: the latest plan of one's own region whose year has begun, else the first.
  const thisYear = new Date().getFullYear();
  const own = plans.filter((p) => p.region === user.region && p.year <= thisYear).sort((a, b) => b.year - a.year);
  const picked = plans.find((p) => String(p.id) === ctx.query.rad) || own[0] || plans[0];
  const planSel = select(plans.map((p) => [p.id, `${regionText(p.region)} · ${p.year} · ${t('rad.type.' + p.type)}`]), picked && picked.id, { name: 'rad' });
  const box = h('div', { 'aria-live': 'polite', 'data-testid': 'progress-box' });
  const form = h('form', { class: 'toolbar', 'aria-label': t('progress.pick_plan') }, field(t('progress.plan'), planSel),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('rad.show'))));
  form.addEventListener('submit', (e) => { e.preventDefault(); setQuery({ rad: planSel.value }); show(); });
  async function show() {
    const p = plans.find((x) => String(x.id) === planSel.value);
    if (!p) { mount(box, emptyState(t('progress.no_plans'))); return; }
    mount(box, loading());
    try {
      const [plan, reports, cal] = await Promise.all([api.get('/rad/' + p.id).then((r) => r.rad), api.get('/progress', { rad: p.id }), calendarFor(p.type)]);
      if (!ctx.isCurrent()) return;
      mount(box, planView(ctx, plan, reports.items || [], cal));
    } catch (err) { mount(box, errorBox(err)); }
  }
  mount(main, h('h1', {}, t('progress.title')), h('p', { class: 'muted' }, t('progress.intro')),
    h('p', { class: 'small' }, h('a', { href: '#/panduan/rad' }, t('rad.guide_link'))),
    plans.length ? [form, box] : emptyState(t('progress.no_plans')));
  if (plans.length) await show();
}

function planView(ctx, plan, reports, cal) {
  const mine = canEditRegion(ctx.user, plan.region);
  const today = todayWib();
  const byKey = new Map(reports.map((r) => [r.action_id + '|' + r.period, r]));
  const formBox = h('div', {});
  const openForm = (a, period) => {
    mount(formBox, reportForm(ctx, plan, cal, a, period, byKey));
    formBox.querySelector('select, input').focus();
  };
  const dates = Object.fromEntries(cal.periods.map((c) => [c, periodDates(cal, plan.year, c)]));
  const rows = (plan.action_list || []).map((a) => h('tr', { 'data-action-id': a.id },
    h('th', { scope: 'row' }, h('span', {}, a.kegiatan), h('div', { class: 'small muted' }, a.opd)),
    cal.periods.map((code) => {
      const r = byKey.get(a.id + '|' + code);
      const d = dates[code];
      if (r) {
        const late = wibDay(r.submitted_at) > d.due;
        return h('td', { 'data-period': code, class: 'cell-' + (late ? 'late' : 'ok') },
          h('a', { href: '#/progress/' + r.id }, pct(r.physical_pct)),
          h('div', { class: 'small' }, h('span', { class: 'badge ' + (late ? 'rep-late' : 'rep-ok') }, t(late ? 'progress.late' : 'progress.on_time')),
            r.evidence_files ? ' ' + t('progress.files_n', { n: r.evidence_files }) : ''));
      }
      const started = today >= d.first, overdue = today > d.due;
      return h('td', { 'data-period': code, class: overdue ? 'cell-missing' : '' },
        h('span', { class: 'badge ' + (overdue ? 'rep-missing' : 'rep-open') }, t(overdue ? 'progress.missing' : started ? 'progress.open' : 'progress.not_started')),
        mine && started ? h('div', {}, h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'report',
          'aria-label': t('progress.report_for', { name: a.kegiatan, period: code }), onclick: () => openForm(a, code) }, t('progress.report'))) : null);
    })));
  const head = h('tr', {}, h('th', { scope: 'col' }, t('rad.kegiatan')), cal.periods.map((c) => h('th', { scope: 'col' }, c,
    h('div', { class: 'small muted' }, t('progress.due', { date: fmtDate(dates[c].deadline) })))));
  return h('div', {},
    h('h2', {}, h('a', { href: '#/rad/' + plan.id }, plan.title)),
    h('p', { class: 'small muted' }, t('progress.calendar', { type: t('progress.ptype.' + cal.period_type), deadline: cal.deadline_days, grace: cal.grace_days })),
    (plan.action_list || []).length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table progress-matrix', 'data-testid': 'progress-matrix' },
      h('caption', { class: 'visually-hidden' }, t('progress.matrix')), h('thead', {}, head), h('tbody', {}, rows))) : emptyState(t('rad.no_actions')),
    mine ? h('p', { class: 'small muted' }, t('progress.own_help')) : h('p', { class: 'small muted' }, t('progress.read_only')),
    mine ? [h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'new-report', onclick: () => openForm(null, null) }, t('progress.new'))), formBox] : null);
}

// Check a file the way the server will (extension, size); the content check stays the server's.
export function checkFile(file) {
  if (!file) return '';
  const ext = (file.name.split('.').pop() || '').toLowerCase();
  if (!EVIDENCE_EXT.includes(ext) || !file.name.includes('.')) return t('progress.err_file_type');
  if (file.size > EVIDENCE_MAX) return t('progress.err_file_size', { mb: fmtNumber(Math.round(file.size / 104857.6) / 10) });
  if (file.size === 0) return t('progress.err_file_empty');
  return '';
}

export async function uploadEvidence(reportId, file) {
  return (await api.upload('/progress/' + reportId + '/evidence', file, { query: { filename: safeFilename(file.name) } })).evidence;
}

export function fileInput() {
  return h('input', { type: 'file', name: 'evidence', multiple: true, accept: EVIDENCE_EXT.map((x) => '.' + x).join(',') });
}

function reportForm(ctx, plan, cal, a, period, byKey) {
  const today = todayWib();
  const open = cal.periods.filter((c) => today >= periodDates(cal, plan.year, c).first);
  const action = select([['', t('progress.pick_action')], ...(plan.action_list || []).map((x) => [x.id, x.seq + '. ' + x.kegiatan])], a && a.id, { name: 'action' });
  const per = select([['', t('progress.pick_period')], ...open.map((c) => [c, c])], period, { name: 'period' });
  // Only periods the chosen action has no report for yet (one report per action and period).
  const syncPeriods = () => {
    const keep = per.value;
    const free = open.filter((c) => !byKey.has(action.value + '|' + c));
    per.replaceChildren(...[['', t('progress.pick_period')], ...free.map((c) => [c, c])].map(([v, l]) => h('option', { value: v, selected: v === keep }, l)));
  };
  action.addEventListener('change', syncPeriods);
  if (a) syncPeriods();
  const phys = h('input', { type: 'text', inputmode: 'decimal', name: 'physical_pct' });
  const budget = rupiahInput(null, { name: 'budget_realized' });
  const narrative = h('textarea', { name: 'narrative', rows: '3', maxlength: '8000' });
  const kendala = h('textarea', { name: 'kendala', rows: '2', maxlength: '8000' });
  const lanjut = h('textarea', { name: 'tindak_lanjut', rows: '2', maxlength: '8000' });
  const files = fileInput();
  const msg = h('div', { 'aria-live': 'polite' });
  const checks = [
    [action, () => (action.value ? '' : t('progress.err_action'))],
    [per, () => (per.value ? '' : t('progress.err_period'))],
    [phys, () => { const n = parseNumber(phys.value); return n === null ? t('rad.err_required') : Number.isNaN(n) || n > 100 ? t('progress.err_pct') : ''; }],
    [budget, () => (Number.isNaN(parseRupiah(budget.value)) ? t('rad.err_rupiah') : '')],
    [files, () => [...files.files].map(checkFile).find(Boolean) || ''],
  ];
  // Checked when left after a change, and on every change once wrong (see rad-detail.js).
  for (const [el, check] of checks) {
    el.addEventListener('input', () => { el.dataset.dirty = '1'; if (el.getAttribute('aria-invalid') === 'true') setFieldError(el, check()); });
    el.addEventListener('change', () => { el.dataset.dirty = '1'; setFieldError(el, check()); });
    el.addEventListener('blur', () => { if (el.type !== 'file' && el.dataset.dirty) setFieldError(el, check()); });
  }
  const hid = nextId('pf');
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'progress-form', 'aria-labelledby': hid },
    field(t('progress.action'), action, { wide: true }), field(t('progress.period'), per, { hint: t('progress.period_hint') }),
    field(t('progress.physical'), phys, { hint: t('progress.physical_hint') }),
    field(t('progress.budget'), budget, { hint: t('rad.anggaran_hint') }),
    field(t('progress.narrative'), narrative, { wide: true }), field(t('progress.kendala'), kendala, { wide: true }),
    field(t('progress.tindak_lanjut'), lanjut, { wide: true }),
    field(t('progress.evidence'), files, { wide: true, hint: t('progress.evidence_hint') }),
    h('div', { class: 'wide actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'save-report' }, t('progress.send'))),
    h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    let bad = null;
    for (const [el, check] of checks) { const m = check(); setFieldError(el, m); if (m && !bad) bad = el; }
    if (bad) { bad.focus(); announce(t('rad.err_form'), 'assertive'); return; }
    const submit = form.querySelector('[type="submit"]');
    submit.disabled = true;
    let rep;
    try {
      rep = (await api.post('/actions/' + action.value + '/progress', {
        period: per.value, physical_pct: parseNumber(phys.value), budget_realized: parseRupiah(budget.value) ?? 0,
        narrative: narrative.value.trim() || null, kendala: kendala.value.trim() || null, tindak_lanjut: lanjut.value.trim() || null,
      })).progress;
    } catch (err) {
      submit.disabled = false;
      mount(msg, errorBox(err));
      announce(err.message, 'assertive');
      return;
    }
    const failed = [];
    for (const f of files.files) {
      try { await uploadEvidence(rep.id, f); } catch (err) { failed.push(f.name + ': ' + err.message); }
    }
    sessionStorage.setItem('waspada.progress.flash', failed.length ? t('progress.saved_files_failed', { files: failed.join('; ') }) : t('progress.saved'));
    announce(t('progress.saved'));
    ctx.navigate('/progress/' + rep.id);
  });
  return h('section', { class: 'card', 'aria-labelledby': hid }, h('h3', { id: hid }, t('progress.form_title')),
    h('p', { class: 'small muted' }, t('progress.form_help')), form);
}
