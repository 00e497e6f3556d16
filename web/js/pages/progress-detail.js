// One progress report: its figures and texts, the evidence files (download links, for whoever
// may read the report: the server checks), more evidence and corrections by the region's officers.
import { api } from '../api.js';
import { t, fmtDate, fmtNumber } from '../i18n.js';
import { h, field, loading, emptyState, errorBox, announce, setFieldError, mount, safeHref } from '../ui.js';
import { canEditRegion, regionNames, regionText, rupiah, pct, parseRupiah, parseNumber, rupiahInput, decStr } from '../plan.js';
import { checkFile, uploadEvidence, fileInput } from './progress.js';

export async function render(main, ctx) {
  mount(main, h('h1', {}, t('progress.detail_title')), loading());
  let rep;
  try {
    rep = (await api.get('/progress/' + encodeURIComponent(ctx.params.id))).progress;
  } catch (err) {
    if (err.status !== 403 && err.status !== 404) throw err;
    mount(main, h('p', { class: 'small' }, h('a', { href: '#/progress' }, '← ', t('progress.back'))),
      h('h1', {}, t(err.status === 403 ? 'error.forbidden_title' : 'error.not_found')), errorBox(err));
    return;
  }
  await regionNames([rep.region]);
  if (!ctx.isCurrent()) return;
  let flash = null;
  try { flash = sessionStorage.getItem('waspada.progress.flash'); sessionStorage.removeItem('waspada.progress.flash'); } catch { /* none */ }
  draw(main, ctx, rep, flash);
}

async function reload(main, ctx, id, flash) {
  try {
    const rep = (await api.get('/progress/' + id)).progress;
    if (ctx.isCurrent()) draw(main, ctx, rep, flash);
  } catch (err) { announce(err.message, 'assertive'); }
}

function draw(main, ctx, r, flash) {
  const mine = canEditRegion(ctx.user, r.region);
  const meta = h('dl', { class: 'meta' },
    h('dt', {}, t('rad.region')), h('dd', {}, regionText(r.region)),
    h('dt', {}, t('progress.plan')), h('dd', {}, h('a', { href: '#/rad/' + r.rad_id }, t('rad.type.' + r.type) + ' ' + r.year)),
    h('dt', {}, t('rad.opd')), h('dd', {}, r.opd || '–'),
    h('dt', {}, t('progress.period')), h('dd', { 'data-testid': 'report-period' }, r.period),
    h('dt', {}, t('progress.physical')), h('dd', {}, pct(r.physical_pct)),
    h('dt', {}, t('progress.budget')), h('dd', {}, rupiah(r.budget_realized)),
    h('dt', {}, t('progress.submitted')), h('dd', {}, fmtDate(r.submitted_at), r.submitted_by ? ' · ' + r.submitted_by : ''),
    r.updated_at && r.updated_at !== r.submitted_at ? [h('dt', {}, t('progress.updated')), h('dd', {}, fmtDate(r.updated_at))] : null);
  const texts = [['narrative', r.narrative], ['kendala', r.kendala], ['tindak_lanjut', r.tindak_lanjut]]
    .map(([k, v]) => [h('h3', {}, t('progress.' + k)), v ? h('p', { class: 'pre' }, v) : h('p', { class: 'muted' }, '–')]);
  const files = r.evidence || [];
  const evidence = files.length ? h('ul', { class: 'list-plain', 'data-testid': 'evidence' }, files.map((f) => h('li', { 'data-evidence': f.id },
    safeHref(f.url) ? h('a', { href: safeHref(f.url), download: f.filename, type: f.content_type }, f.filename) : f.filename,
    h('span', { class: 'small muted' }, ' · ', fmtSize(f.size), ' · ', fmtDate(f.created_at), f.created_by ? ' · ' + f.created_by : ''),
    h('div', { class: 'small muted mono', title: 'SHA-256' }, 'SHA-256 ' + (f.sha256 || '').slice(0, 16) + '…'))))
    : emptyState(t('progress.no_evidence'));
  mount(main,
    h('p', { class: 'small' }, h('a', { href: '#/progress?rad=' + r.rad_id }, '← ', t('progress.back'))),
    h('h1', {}, r.kegiatan || t('progress.detail_title')),
    flash ? h('div', { class: 'notice notice-ok', role: 'status', tabindex: '-1', 'data-testid': 'progress-flash' }, flash) : null,
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', {}, t('progress.report_title', { period: r.period })), meta, texts),
      h('div', {},
        h('section', { class: 'card', 'aria-labelledby': 'ev-h' }, h('h2', { id: 'ev-h' }, t('progress.evidence')), evidence,
          mine ? uploadForm(main, ctx, r) : null),
        mine ? editForm(main, ctx, r) : null)));
  const note = main.querySelector('[data-testid="progress-flash"]');
  if (note && document.activeElement === document.body) note.focus();
}

function fmtSize(n) {
  if (n >= 1048576) return fmtNumber(Math.round(n / 104857.6) / 10) + ' MB';
  return fmtNumber(Math.max(1, Math.round(n / 1024))) + ' KB';
}

function uploadForm(main, ctx, r) {
  const files = fileInput();
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, 'data-testid': 'evidence-form' },
    field(t('progress.add_evidence'), files, { hint: t('progress.evidence_hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'upload' }, t('progress.upload'))), msg);
  files.addEventListener('change', () => setFieldError(files, [...files.files].map(checkFile).find(Boolean) || ''));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    const list = [...files.files];
    const bad = list.length ? list.map(checkFile).find(Boolean) : t('progress.err_no_file');
    setFieldError(files, bad || '');
    if (bad) { files.focus(); announce(bad, 'assertive'); return; }
    const btn = form.querySelector('[type="submit"]');
    btn.disabled = true;
    mount(msg, h('p', { class: 'loading', role: 'status' }, t('progress.uploading')));
    const failed = [];
    for (const f of list) {
      try { await uploadEvidence(r.id, f); } catch (err) { failed.push(f.name + ': ' + err.message); }
    }
    btn.disabled = false;
    if (failed.length) { mount(msg, h('div', { class: 'notice notice-error', role: 'alert' }, failed.join('; '))); announce(failed.join('; '), 'assertive'); }
    if (failed.length < list.length) { announce(t('progress.uploaded')); reload(main, ctx, r.id, failed.length ? null : t('progress.uploaded')); }
  });
  return form;
}

function editForm(main, ctx, r) {
  const phys = h('input', { type: 'text', inputmode: 'decimal', value: decStr(r.physical_pct) });
  const budget = rupiahInput(r.budget_realized);
  const mk = (v) => { const x = h('textarea', { rows: '3', maxlength: '8000' }); x.value = v || ''; return x; };
  const narrative = mk(r.narrative), kendala = mk(r.kendala), lanjut = mk(r.tindak_lanjut);
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'progress-edit' },
    field(t('progress.physical'), phys, { hint: t('progress.physical_hint') }), field(t('progress.budget'), budget),
    field(t('progress.narrative'), narrative, { wide: true }), field(t('progress.kendala'), kendala, { wide: true }),
    field(t('progress.tindak_lanjut'), lanjut, { wide: true }),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn' }, t('common.save'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const n = parseNumber(phys.value), b = parseRupiah(budget.value);
    setFieldError(phys, n === null || Number.isNaN(n) || n > 100 ? t('progress.err_pct') : '');
    setFieldError(budget, Number.isNaN(b) ? t('rad.err_rupiah') : '');
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); return; }
    try {
      await api.patch('/progress/' + r.id, { physical_pct: n, budget_realized: b ?? 0, narrative: narrative.value.trim() || null,
        kendala: kendala.value.trim() || null, tindak_lanjut: lanjut.value.trim() || null });
      announce(t('progress.updated_ok'));
      reload(main, ctx, r.id, t('progress.updated_ok'));
    } catch (err) { mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
  });
  return h('details', { class: 'card' }, h('summary', {}, t('progress.edit')), form);
}

