// One RAD: facts and status, the workflow (submit; return or approve with notes for pusat), the
// actions table with an add/edit form that validates as you go, the Pokja, and the version
// history with snapshots. Editing is offered only to the region's own officers (and admin)
// while the plan is draft or dikembalikan; the server decides in the end (403/409 shown).
import { api } from '../api.js';
import { t, has, fmtDate, fmtNumber } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, setFieldError, mount, nextId } from '../ui.js';
import { PHASES, FOCUS, FOCUS_RE, canEditRegion, canReview, regionNames, regionText, rupiah, radStatusBadge,
  parseRupiah, parseNumber, rupiahInput, decStr } from '../plan.js';
import { addSpaceRows } from '../spaces.js';

let calendarCache = null;
async function calendar(type) {
  if (!calendarCache) calendarCache = api.get('/calendar').then((r) => r.items || []).catch(() => { calendarCache = null; return []; });
  const items = await calendarCache;
  const c = items.find((x) => x.plan_type === type);
  return c ? c.periods || [] : ['B-04', 'B-08', 'B-12'];
}

export async function render(main, ctx) {
  mount(main, h('h1', {}, t('rad.detail_title')), loading());
  let plan;
  try {
    plan = (await api.get('/rad/' + encodeURIComponent(ctx.params.id))).rad;
  } catch (err) {
    if (err.status !== 403 && err.status !== 404) throw err;
    mount(main, h('p', { class: 'small' }, h('a', { href: '#/rad' }, '← ', t('rad.back'))),
      h('h1', {}, t(err.status === 403 ? 'error.forbidden_title' : 'error.not_found')), errorBox(err));
    return;
  }
  const periods = await calendar(plan.type);
  await regionNames([plan.region]);
  if (!ctx.isCurrent()) return;
  const state = { plan, periods, flash: null };
  draw(main, ctx, state);
}

async function reload(main, ctx, state, flash) {
  try {
    state.plan = (await api.get('/rad/' + state.plan.id)).rad;
  } catch (err) { announce(err.message, 'assertive'); return; }
  if (!ctx.isCurrent()) return;
  state.flash = flash || null;
  draw(main, ctx, state);
}

function draw(main, ctx, state) {
  const p = state.plan;
  const user = ctx.user;
  const mine = canEditRegion(user, p.region);
  const editing = mine && p.editable;
  const meta = h('dl', { class: 'meta' },
    h('dt', {}, t('rad.region')), h('dd', {}, regionText(p.region)),
    h('dt', {}, t('rad.year')), h('dd', {}, String(p.year)),
    h('dt', {}, t('rad.type')), h('dd', {}, t('rad.type.' + p.type)),
    h('dt', {}, t('rad.status')), h('dd', { 'data-testid': 'rad-status' }, radStatusBadge(p.status)),
    h('dt', {}, t('rad.col_version')), h('dd', {}, String(p.version)),
    h('dt', {}, t('rad.total_budget')), h('dd', {}, rupiah(p.anggaran)),
    p.submitted_at ? [h('dt', {}, t('rad.submitted_at')), h('dd', {}, fmtDate(p.submitted_at))] : null,
    p.reviewed_at ? [h('dt', {}, t('rad.reviewed_at')), h('dd', {}, fmtDate(p.reviewed_at), p.reviewed_by ? ' · ' + p.reviewed_by : '')] : null);

  const notes = p.review_notes && p.status !== 'disetujui'
    ? h('div', { class: 'notice notice-warn', 'data-testid': 'review-notes' }, h('strong', {}, t('rad.review_notes')), h('p', { class: 'pre' }, p.review_notes))
    : null;
  const flash = state.flash ? h('div', { class: 'notice notice-ok', role: 'status', tabindex: '-1', 'data-testid': 'rad-flash' }, state.flash) : null;
  state.flash = null;

  mount(main,
    h('p', { class: 'small' }, h('a', { href: '#/rad' }, '← ', t('rad.back'))),
    h('h1', {}, p.title),
    flash, notes,
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', {}, t('rad.facts')), meta,
        h('p', { class: 'small' },
          h('a', { href: '#/rad/opd?region=' + encodeURIComponent(p.region) + '&year=' + p.year }, t('rad.opd_link')),
          p.status === 'disetujui' ? [' · ', h('a', { href: '#/progress?rad=' + p.id }, t('rad.progress_link'))] : null),
        editing ? titleForm(main, ctx, state) : null),
      workflowBox(main, ctx, state, mine)),
    actionsSection(main, ctx, state, editing),
    pokjaSection(main, ctx, state, editing),
    historySection(state));
  // After a change the page is drawn again: keep keyboard and screen-reader users in place.
  if (flash) flash.focus();
}

function titleForm(main, ctx, state) {
  const input = h('input', { type: 'text', maxlength: '300', value: state.plan.title });
  const form = h('form', { class: 'inline-form', novalidate: true },
    field(t('rad.col_title'), input), h('button', { type: 'submit', class: 'btn btn-small' }, t('rad.rename')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = input.value.trim();
    if (!v) { setFieldError(input, t('rad.err_required')); input.focus(); return; }
    try {
      await api.patch('/rad/' + state.plan.id, { title: v });
      announce(t('rad.renamed'));
      reload(main, ctx, state, t('rad.renamed'));
    } catch (err) { setFieldError(input, err.message); input.focus(); }
  });
  return h('details', { class: 'small' }, h('summary', {}, t('rad.rename')), form);
}

// Submit (own region), or return/approve (pusat, admin) while diajukan.
function workflowBox(main, ctx, state, mine) {
  const p = state.plan;
  const msg = h('div', { 'aria-live': 'polite', 'data-testid': 'workflow-msg' });
  const parts = [];
  const run = async (btn, action, body, done) => {
    btn.disabled = true;
    mount(msg);
    try {
      await api.post('/rad/' + p.id + '/' + action, body);
      announce(done);
      reload(main, ctx, state, done);
    } catch (err) {
      btn.disabled = false;
      mount(msg, errorBox(err));
      announce(err.message, 'assertive');
    }
  };
  if (mine && (p.status === 'draft' || p.status === 'dikembalikan')) {
    const empty = !(p.action_list || []).length;
    const btn = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'submit', disabled: empty,
      'aria-describedby': 'submit-help' }, t('rad.submit'));
    btn.addEventListener('click', () => run(btn, 'submit', {}, t('rad.submitted')));
    parts.push(h('p', { class: 'small muted', id: 'submit-help' }, t(empty ? 'rad.submit_empty' : 'rad.submit_help')), h('div', { class: 'actions' }, btn));
  }
  if (canReview(ctx.user) && p.status === 'diajukan') {
    const note = h('textarea', { rows: '3', maxlength: '4000', name: 'notes' });
    const ret = h('button', { type: 'button', class: 'btn btn-danger', 'data-action': 'return' }, t('rad.return'));
    const ok = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'approve' }, t('rad.approve'));
    ret.addEventListener('click', () => {
      if (!note.value.trim()) { setFieldError(note, t('rad.err_notes')); note.focus(); announce(t('rad.err_notes'), 'assertive'); return; }
      setFieldError(note, '');
      run(ret, 'return', { notes: note.value.trim() }, t('rad.returned'));
    });
    ok.addEventListener('click', () => run(ok, 'approve', note.value.trim() ? { notes: note.value.trim() } : {}, t('rad.approved')));
    parts.push(h('p', { class: 'small muted' }, t('rad.review_help')), field(t('rad.review_notes'), note, { hint: t('rad.review_notes_hint') }),
      h('div', { class: 'actions' }, ret, ok));
  }
  if (!parts.length) parts.push(h('p', { class: 'muted', 'data-testid': 'workflow-info' }, t('rad.wf_' + p.status + (mine ? '_own' : ''))));
  return h('section', { class: 'card', 'aria-labelledby': 'wf-h' }, h('h2', { id: 'wf-h' }, t('rad.workflow')), parts, msg);
}

// ---- actions --------------------------------------------------------------------------------

function actionsSection(main, ctx, state, editing) {
  const p = state.plan;
  const list = p.action_list || [];
  const formBox = h('div', {});
  const openForm = (a) => {
    mount(formBox, actionForm(main, ctx, state, a, () => { mount(formBox, addButton); addButton.focus(); }));
    const first = formBox.querySelector('select, input');
    if (first) first.focus();
  };
  const addButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'add-action', onclick: () => openForm(null) }, t('rad.add_action'));
  if (editing) mount(formBox, addButton);
  let body;
  if (!list.length) body = emptyState(t('rad.no_actions'));
  else {
    const rows = list.map((a) => h('tr', { 'data-action-id': a.id },
      h('td', { class: 'num' }, String(a.seq)),
      h('td', {}, t('rad.phase.' + a.phase)),
      h('td', { class: 'col-wide' }, h('strong', {}, a.kegiatan), h('div', { class: 'small muted' }, a.program)),
      h('td', { class: 'col-mid' }, a.indikator || '–'),
      h('td', { class: 'num' }, fmtNumber(a.target), ' ', a.unit || '', a.targets ? h('div', { class: 'small muted' },
        Object.entries(a.targets).map(([k, v]) => k + ': ' + fmtNumber(v)).join(' · ')) : null),
      h('td', { class: 'num money' }, rupiah(a.anggaran)),
      h('td', {}, a.sumber_dana || '–'),
      h('td', { class: 'col-mid' }, a.opd),
      h('td', { class: 'col-mid' }, a.instansi_terkait || '–'),
      h('td', {}, a.focus ? focusName(a.focus) : '–'),
      h('td', {}, a.p3aks ? h('span', { class: 'badge rad-p3aks' }, 'P3AKS') : t('common.no')),
      h('td', { class: 'nowrap' }, a.start_date ? fmtDate(a.start_date) : '–', ' – ', a.end_date ? fmtDate(a.end_date) : '–'),
      editing ? h('td', {}, h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'edit-action', 'aria-label': t('rad.edit_n', { n: a.seq }), onclick: () => openForm(a) }, t('rad.edit')),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'delete-action', 'aria-label': t('rad.delete_n', { n: a.seq }),
          onclick: async () => {
            if (!window.confirm(t('rad.confirm_delete', { name: a.kegiatan }))) return;
            try { await api.del('/actions/' + a.id); announce(t('rad.action_deleted')); reload(main, ctx, state, t('rad.action_deleted')); } catch (err) { announce(err.message, 'assertive'); mount(formBox, errorBox(err), editing ? addButton : null); }
          } }, t('rad.delete')))) : null));
    addSpaceRows(rows, list, p, ctx.user, editing ? 13 : 12); // safe spaces under P3AKS actions
    const total = list.reduce((s, a) => s + (a.anggaran || 0), 0);
    body = h('div', { class: 'table-wrap' }, h('table', { class: 'table wrap-heads', 'data-testid': 'rad-actions' },
      h('caption', { class: 'visually-hidden' }, t('rad.actions')),
      h('thead', {}, h('tr', {}, [t('rad.col_no'), t('rad.phase'), t('rad.kegiatan'), t('rad.indikator'), t('rad.target'), t('rad.anggaran'),
        t('rad.sumber_dana'), t('rad.opd'), t('rad.instansi'), t('rad.focus'), 'P3AKS', t('rad.schedule'), editing ? t('common.actions') : null]
        .filter(Boolean).map((x, i) => h('th', { scope: 'col', class: i === 0 || i === 4 || i === 5 ? 'num' : null }, x)))),
      h('tbody', {}, rows),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: '5' }, t('rad.total_budget')), h('td', { class: 'num money' }, h('strong', {}, rupiah(total))),
        h('td', { colspan: editing ? '7' : '6' })))));
  }
  return h('section', { 'aria-labelledby': 'act-h' }, h('h2', { id: 'act-h' }, t('rad.actions'), ' ', h('span', { class: 'badge' }, String(list.length))),
    body, formBox);
}

function focusName(f) { return has('rad.focus.' + f) ? t('rad.focus.' + f) : f; }

function actionForm(main, ctx, state, a, close) {
  const p = state.plan;
  const v = a || { p3aks: p.type === 'p3aks' };
  const phase = select([['', t('rad.phase_pick')], ...PHASES.map((x) => [x, t('rad.phase.' + x)])], v.phase, { name: 'phase', required: true });
  const program = h('input', { type: 'text', name: 'program', maxlength: '500', value: v.program || '', required: true });
  const kegiatan = h('textarea', { name: 'kegiatan', rows: '2', maxlength: '1000', required: true });
  kegiatan.value = v.kegiatan || '';
  const indikator = h('input', { type: 'text', name: 'indikator', maxlength: '1000', value: v.indikator || '' });
  const target = h('input', { type: 'text', name: 'target', inputmode: 'decimal', value: decStr(v.target) });
  const unit = h('input', { type: 'text', name: 'unit', maxlength: '100', value: v.unit || '' });
  const perPeriod = state.periods.map((code) => h('input', { type: 'text', inputmode: 'decimal', name: 'target_' + code, 'data-period': code,
    value: v.targets ? decStr(v.targets[code]) : '' }));
  const anggaran = rupiahInput(v.anggaran, { name: 'anggaran' });
  const dsList = nextId('sd');
  const sumber = h('input', { type: 'text', name: 'sumber_dana', maxlength: '200', list: dsList, value: v.sumber_dana || '' });
  const opd = h('input', { type: 'text', name: 'opd', maxlength: '300', value: v.opd || '', required: true });
  const instansi = h('input', { type: 'text', name: 'instansi_terkait', maxlength: '1000', value: v.instansi_terkait || '' });
  const fList = nextId('focus');
  const focus = h('input', { type: 'text', name: 'focus', maxlength: '40', list: fList, value: v.focus || '', autocapitalize: 'none', spellcheck: 'false' });
  const p3aks = h('input', { type: 'checkbox', name: 'p3aks', checked: !!v.p3aks, id: nextId('p3aks') });
  const start = h('input', { type: 'date', name: 'start_date', value: v.start_date || `${p.year}-01-01`, min: `${p.year}-01-01`, max: `${p.year}-12-31` });
  const end = h('input', { type: 'date', name: 'end_date', value: v.end_date || `${p.year}-12-31`, min: `${p.year}-01-01`, max: `${p.year}-12-31` });
  const msg = h('div', { 'aria-live': 'polite' });

  const checks = [
    [phase, () => (PHASES.includes(phase.value) ? '' : t('rad.err_phase'))],
    [program, () => (program.value.trim() ? '' : t('rad.err_required'))],
    [kegiatan, () => (kegiatan.value.trim() ? '' : t('rad.err_required'))],
    [target, () => (Number.isNaN(parseNumber(target.value)) ? t('rad.err_number') : '')],
    ...perPeriod.map((inp) => [inp, () => (Number.isNaN(parseNumber(inp.value)) ? t('rad.err_number') : '')]),
    [anggaran, () => (Number.isNaN(parseRupiah(anggaran.value)) ? t('rad.err_rupiah') : '')],
    [opd, () => (opd.value.trim() ? '' : t('rad.err_required'))],
    [focus, () => (!focus.value.trim() || FOCUS_RE.test(focus.value.trim()) ? '' : t('rad.err_focus'))],
    [start, () => (!start.value || start.value.startsWith(p.year + '-') ? '' : t('rad.err_year_range', { year: p.year }))],
    [end, () => (!end.value ? '' : !end.value.startsWith(p.year + '-') ? t('rad.err_year_range', { year: p.year })
      : start.value && end.value < start.value ? t('rad.err_end_before') : '')],
  ];
  // Inline validation: a field is checked when it is left after a change (or after a first
  // submit) and, once wrong, on every change; an untouched field is not flagged on the way past.
  let tried = false;
  for (const [el, check] of checks) {
    el.addEventListener('input', () => { el.dataset.dirty = '1'; if (el.getAttribute('aria-invalid') === 'true') setFieldError(el, check()); });
    el.addEventListener('change', () => { el.dataset.dirty = '1'; if (el.getAttribute('aria-invalid') === 'true' || el.tagName === 'SELECT') setFieldError(el, check()); });
    el.addEventListener('blur', () => { if (tried || el.dataset.dirty) setFieldError(el, check()); });
  }
  const heading = a ? t('rad.edit_title', { n: a.seq }) : t('rad.add_title');
  const hid = nextId('af');
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'action-form', 'aria-labelledby': hid },
    field(t('rad.phase'), phase),
    field(t('rad.program'), program),
    field(t('rad.kegiatan'), kegiatan, { wide: true }),
    field(t('rad.indikator'), indikator, { wide: true }),
    field(t('rad.target_value'), target, { hint: t('rad.target_hint') }),
    field(t('rad.unit'), unit, { hint: t('rad.unit_hint') }),
    state.periods.length ? h('fieldset', { class: 'wide period-targets' }, h('legend', {}, t('rad.targets_period')),
      h('div', { class: 'form-grid' }, perPeriod.map((inp, i) => field(state.periods[i], inp)))) : null,
    field(t('rad.anggaran'), anggaran, { hint: t('rad.anggaran_hint') }),
    field(t('rad.sumber_dana'), sumber), h('datalist', { id: dsList }, ['APBD', 'APBN', 'DAK', 'Dana Desa', 'Hibah'].map((x) => h('option', { value: x }))),
    field(t('rad.opd'), opd, { hint: t('rad.opd_hint') }),
    field(t('rad.instansi'), instansi, { hint: t('rad.instansi_hint') }),
    field(t('rad.focus'), focus, { hint: t('rad.focus_hint') }), h('datalist', { id: fList }, [...FOCUS, 'covid19'].map((x) => h('option', { value: x }, focusName(x)))),
    h('div', { class: 'field' }, h('span', { class: 'check' }, p3aks, h('label', { for: p3aks.id }, t('rad.p3aks_flag'))), h('span', { class: 'hint' }, t('rad.p3aks_hint'))),
    field(t('rad.start'), start), field(t('rad.end'), end),
    h('div', { class: 'wide actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'save-action' }, t('common.save')),
      h('button', { type: 'button', class: 'btn', onclick: close }, t('rad.cancel'))),
    h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    tried = true;
    let bad = null;
    for (const [el, check] of checks) { const m = check(); setFieldError(el, m); if (m && !bad) bad = el; }
    if (bad) { bad.focus(); announce(t('rad.err_form'), 'assertive'); return; }
    const targets = {};
    perPeriod.forEach((inp) => { const n = parseNumber(inp.value); if (n !== null) targets[inp.dataset.period] = n; });
    const body = {
      phase: phase.value, program: program.value.trim(), kegiatan: kegiatan.value.trim(),
      indikator: indikator.value.trim() || null, target: parseNumber(target.value) ?? 0, unit: unit.value.trim() || null,
      targets: Object.keys(targets).length ? targets : null, anggaran: parseRupiah(anggaran.value) ?? 0,
      sumber_dana: sumber.value.trim() || null, opd: opd.value.trim(), instansi_terkait: instansi.value.trim() || null,
      focus: focus.value.trim() || null, p3aks: p3aks.checked, start_date: start.value || null, end_date: end.value || null,
    };
    try {
      if (a) await api.patch('/actions/' + a.id, body); else await api.post('/rad/' + p.id + '/actions', body);
      const done = t(a ? 'rad.action_updated' : 'rad.action_added', { name: body.kegiatan });
      announce(done);
      reload(main, ctx, state, done);
    } catch (err) {
      mount(msg, errorBox(err));
      announce(err.message, 'assertive');
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': hid }, h('h3', { id: hid }, heading),
    h('p', { class: 'small muted' }, t('rad.form_help')), form);
}

// ---- Pokja ----------------------------------------------------------------------------------

function pokjaSection(main, ctx, state, editing) {
  const p = state.plan;
  const list = p.pokja || [];
  const msg = h('div', { 'aria-live': 'polite' });
  const rows = list.map((m) => h('tr', { 'data-pokja': m.id }, h('td', {}, m.name), h('td', {}, m.agency || '–'), h('td', {}, m.role || '–'),
    editing ? h('td', {}, h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': t('rad.pokja_remove_n', { name: m.name }),
      onclick: async () => {
        try { await api.del('/rad/' + p.id + '/pokja/' + m.id); announce(t('rad.pokja_removed')); reload(main, ctx, state, t('rad.pokja_removed')); } catch (err) { mount(msg, errorBox(err)); }
      } }, t('rad.delete'))) : null));
  let form = null;
  if (editing) {
    const name = h('input', { type: 'text', maxlength: '200', name: 'name', autocomplete: 'off' });
    const agency = h('input', { type: 'text', maxlength: '200', name: 'agency' });
    const role = h('input', { type: 'text', maxlength: '100', name: 'role', list: 'pokja-roles' });
    form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'pokja-form' },
      field(t('rad.pokja_name'), name), field(t('rad.pokja_agency'), agency), field(t('rad.pokja_role'), role),
      h('datalist', { id: 'pokja-roles' }, ['Ketua', 'Sekretaris', 'Anggota'].map((x) => h('option', { value: x }))),
      h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn' }, t('rad.pokja_add'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!name.value.trim()) { setFieldError(name, t('rad.err_required')); name.focus(); return; }
      setFieldError(name, '');
      try {
        await api.post('/rad/' + p.id + '/pokja', { name: name.value.trim(), agency: agency.value.trim() || null, role: role.value.trim() || null });
        announce(t('rad.pokja_added'));
        reload(main, ctx, state, t('rad.pokja_added'));
      } catch (err) { mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
    });
  }
  return h('section', { class: 'card', 'aria-labelledby': 'pokja-h' }, h('h2', { id: 'pokja-h' }, t('rad.pokja')),
    h('p', { class: 'small muted' }, t('rad.pokja_help')),
    list.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'pokja' },
      h('thead', {}, h('tr', {}, [t('rad.pokja_name'), t('rad.pokja_agency'), t('rad.pokja_role'), editing ? t('common.actions') : null].filter(Boolean).map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows))) : emptyState(t('rad.pokja_none')),
    msg, form);
}

// ---- history --------------------------------------------------------------------------------

function changeName(c) { return has('rad.change.' + c) ? t('rad.change.' + c) : c; }

function historySection(state) {
  const p = state.plan;
  const box = h('div', {});
  const snap = h('div', { 'aria-live': 'polite' });
  let loaded = false;
  const details = h('details', { 'data-testid': 'history' }, h('summary', {}, t('rad.history', { n: p.version })), box, snap);
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    mount(box, loading());
    try {
      const r = await api.get('/rad/' + p.id + '/versions');
      const rows = (r.items || []).map((v) => h('tr', {},
        h('td', { class: 'num' }, String(v.version)), h('td', {}, radStatusBadge(v.status)), h('td', {}, changeName(v.change)),
        h('td', {}, v.note || ''), h('td', {}, v.username || ''), h('td', {}, fmtDate(v.at)),
        h('td', {}, h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('rad.view_version_n', { n: v.version }),
          onclick: () => showSnapshot(p.id, v.version, snap) }, t('rad.view_version')))));
      mount(box, h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, t('rad.history', { n: p.version })),
        h('thead', {}, h('tr', {}, [t('rad.col_version'), t('rad.status'), t('rad.change'), t('rad.note'), t('rad.by'), t('rad.at'), ''].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows))));
    } catch (err) { mount(box, errorBox(err)); loaded = false; }
  });
  return h('section', { class: 'card' }, h('h2', {}, t('rad.history_title')), details);
}

async function showSnapshot(id, version, box) {
  mount(box, loading());
  try {
    const v = await api.get('/rad/' + id + '/versions/' + version);
    const s = v.snapshot || {};
    const acts = s.actions || [];
    mount(box, h('div', { class: 'card snapshot', tabindex: '-1', 'data-testid': 'snapshot' },
      h('h3', {}, t('rad.snapshot_title', { n: v.version })),
      h('p', { class: 'small' }, radStatusBadge(v.status), ' ', s.title || '', ' · ', fmtDate(v.at), v.note ? ' · ' + v.note : ''),
      acts.length ? h('ol', {}, acts.map((a) => h('li', {}, t('rad.phase.' + a.phase), ': ', a.kegiatan, ' — ', a.opd || '', ' · ', rupiah(a.anggaran))))
        : emptyState(t('rad.no_actions'))));
    box.firstChild.focus();
  } catch (err) { mount(box, errorBox(err)); }
}
