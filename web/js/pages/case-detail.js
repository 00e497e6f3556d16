// One conflict case: facts, status workflow (only the allowed moves), handling actions by phase
// with an add form, the Status Keadaan Konflik (a human decision recorded here; at most 90 days,
// checked inline before the server checks it again), victims by sex and age group (names only
// when the API sends them, each with its services: needs, referrals and what was received, moved
// on step by step), and the public summary shown on /publik.
import { api } from '../api.js';
import { t, fmtDate, fmtNumber } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, setFieldError, mount } from '../ui.js';
import { regionNames, regionText } from '../plan.js';
import { ISSUES, CASE_MOVES, caseBadge, canWriteCase } from './cases.js';
import { followupList, proposalNotice } from './event.js';

const PHASES = ['pencegahan', 'penghentian', 'pemulihan'];
const SKK_LEVELS = ['kabupaten_kota', 'provinsi', 'nasional'];
export const SKK_MAX_DAYS = 90;
const AGES = ['anak', 'dewasa', 'lansia'];

// Days from a to b ('YYYY-MM-DD'), NaN when either is not a date.
export function daysBetween(a, b) {
  const p = (s) => { const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || ''); return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN; };
  return Math.round((p(b) - p(a)) / 86400000);
}

export async function render(main, ctx) {
  mount(main, h('h1', {}, t('cases.one', { id: ctx.params.id })), loading());
  const r = await api.get('/cases/' + encodeURIComponent(ctx.params.id));
  await regionNames([r.case.region, ...(r.case.regions || [])]);
  if (!ctx.isCurrent()) return;
  draw(main, ctx, r.case);
}

function draw(main, ctx, c, notice) {
  const edit = canWriteCase(ctx.user, c.region);
  const redraw = (upd, msgKey, vars) => {
    draw(main, ctx, upd, msgKey ? t(msgKey, vars) : null);
    if (msgKey) announce(t(msgKey, vars));
  };
  const origin = c.origin === 'event' && c.event_id ? h('a', { href: '#/events/' + c.event_id, 'data-testid': 'case-origin' }, t('cases.source_event', { id: c.event_id }))
    : c.origin === 'alert' && c.alert_ref ? (/^\d+$/.test(c.alert_ref) ? h('a', { href: '#/alerts/' + c.alert_ref, 'data-testid': 'case-origin' }, t('cases.source_alert', { id: c.alert_ref }))
      : h('span', { 'data-testid': 'case-origin' }, c.alert_ref)) : null;
  const meta = h('dl', { class: 'meta case-meta' },
    h('dt', {}, t('cases.status')), h('dd', { 'data-testid': 'case-status' }, caseBadge(c.status)),
    h('dt', {}, t('cases.region')), h('dd', {}, regionText(c.region)),
    c.regions && c.regions.length ? [h('dt', {}, t('cases.regions_more')), h('dd', {}, c.regions.map(regionText).join('; '))] : null,
    h('dt', {}, t('cases.issue')), h('dd', {}, t('issue.' + c.issue)),
    h('dt', {}, t('cases.parties')), h('dd', { class: 'pre' }, c.parties || '–'),
    h('dt', {}, t('cases.col_origin')), h('dd', {}, t('cases.origin.' + (c.origin || 'manual')), origin ? [' · ', origin] : null),
    h('dt', {}, t('cases.recorded')), h('dd', {}, fmtDate(c.created_at), ' · ', t('cases.col_updated'), ' ', fmtDate(c.updated_at)));

  mount(main,
    h('p', { class: 'small' }, h('a', { href: '#/cases' }, '← ', t('cases.back'))),
    h('h1', {}, c.title),
    notice ? h('div', { class: 'notice notice-ok', role: 'status', 'data-testid': 'case-notice' }, notice) : null,
    edit ? null : h('p', { class: 'notice', 'data-testid': 'case-readonly' }, t('cases.readonly')),
    h('div', { class: 'grid-2' },
      h('div', {},
        h('section', { class: 'card', 'aria-labelledby': 'cf-h' }, h('h2', { id: 'cf-h' }, t('cases.facts')), meta,
          edit ? statusSection(c, redraw) : null, edit ? factsForm(c, redraw) : null),
        proposalSection(c, edit, redraw),
        handlingSection(c, edit, redraw),
        victimsSection(c, redraw)),
      h('div', {},
        skkSection(c, edit, redraw),
        summarySection(c, edit, redraw))));
}

// PATCH the case; errors (403, 409, 400) go into box.
async function patch(c, body, box) {
  mount(box);
  try {
    const r = await api.patch('/cases/' + c.id, body);
    return r.case;
  } catch (err) {
    mount(box, errorBox(err));
    announce(err.message, 'assertive');
    return null;
  }
}

function factsForm(c, redraw) {
  const title = h('input', { type: 'text', maxlength: '500', value: c.title });
  const issue = select(ISSUES.map((s) => [s, t('issue.' + s)]), c.issue);
  const parties = h('textarea', { rows: '3', maxlength: '2000' });
  parties.value = c.parties || '';
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'facts-form' },
    field(t('cases.col_title'), title, { wide: true }), field(t('cases.issue'), issue), field(t('cases.parties'), parties, { wide: true }),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn' }, t('common.save'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setFieldError(title, title.value.trim() ? '' : t('cases.err_required'));
    if (!title.value.trim()) { title.focus(); return; }
    const upd = await patch(c, { title: title.value.trim(), issue: issue.value, parties: parties.value.trim() || null }, msg);
    if (upd) redraw(upd, 'cases.saved');
  });
  return h('details', {}, h('summary', {}, t('cases.edit_facts')), form);
}

function statusSection(c, redraw) {
  const moves = CASE_MOVES[c.status] || [];
  const msg = h('div', { 'aria-live': 'polite' });
  const buttons = moves.map((to) => h('button', { type: 'button', class: 'btn ' + (to === 'selesai' || to === 'dihentikan' ? 'btn-primary' : ''),
    'data-move': to, onclick: async (e) => {
      e.currentTarget.disabled = true;
      const btn = e.currentTarget;
      const upd = await patch(c, { status: to }, msg);
      if (upd) redraw(upd, 'cases.moved', { status: t('case.' + to) }); else btn.disabled = false;
    } }, t('cases.move_to', { status: t('case.' + to) })));
  return h('div', { class: 'status-box', 'data-testid': 'status-box' }, h('h3', {}, t('cases.status_change')),
    h('p', { class: 'small muted' }, t('cases.status_help')),
    moves.length ? h('div', { class: 'actions' }, buttons) : h('p', { class: 'muted' }, t('cases.no_moves')), msg);
}

// The event's later news, and the open phase proposal with accept / dismiss.
function proposalSection(c, edit, redraw) {
  const items = c.event_followups || [];
  const pr = c.proposal && c.proposal.state === 'open' ? c.proposal : null;
  if (!items.length && !pr) return null;
  const msg = h('div', { 'aria-live': 'polite' });
  const decide = (what) => h('button', { type: 'button', class: 'btn ' + (what === 'accept' ? 'btn-primary' : ''), 'data-proposal': what,
    onclick: async (e) => {
      const btn = e.currentTarget;
      btn.disabled = true;
      const upd = await patch(c, { proposal: what, proposal_id: pr.id }, msg);
      if (upd) redraw(upd, what === 'accept' ? 'cases.proposal_accepted' : 'cases.proposal_dismissed'); else btn.disabled = false;
    } }, t('cases.proposal_' + what));
  return h('section', { class: 'card', 'aria-labelledby': 'cp-h', 'data-testid': 'case-followups' }, h('h2', { id: 'cp-h' }, t('event.followups')),
    pr ? proposalNotice(pr) : null,
    pr && edit ? h('div', { class: 'actions' }, decide('accept'), decide('dismiss')) : null, msg,
    items.length ? followupList(items) : null);
}

function handlingSection(c, edit, redraw) {
  const handling = c.handling || {};
  const groups = PHASES.map((p) => {
    const list = (handling[p] || []).slice().sort((a, b) => String(a.date).localeCompare(String(b.date)));
    return h('div', { class: 'phase', 'data-phase': p },
      h('h3', {}, t('cases.phase.' + p), ' ', h('span', { class: 'badge' }, String(list.length))),
      list.length ? h('ol', { class: 'timeline' }, list.map((a) => h('li', { 'data-action': a.id },
        h('time', { datetime: a.date }, fmtDate(a.date)), ' ', h('span', {}, a.description),
        a.agency ? h('div', { class: 'small muted' }, a.agency) : null))) : h('p', { class: 'small muted' }, t('cases.no_actions')));
  });
  return h('section', { class: 'card', 'aria-labelledby': 'ch-h', 'data-testid': 'handling' }, h('h2', { id: 'ch-h' }, t('cases.handling')),
    h('p', { class: 'small muted' }, t('cases.handling_help')), groups, edit ? actionForm(c, redraw) : null);
}

function actionForm(c, redraw) {
  const phase = select([['', t('cases.choose')], ...PHASES.map((p) => [p, t('cases.phase.' + p)])], '', { name: 'phase' });
  const day = h('input', { type: 'date', name: 'date', value: new Date().toISOString().slice(0, 10) });
  const desc = h('textarea', { rows: '3', maxlength: '4000', name: 'description' });
  const agency = h('input', { type: 'text', maxlength: '300', name: 'agency' });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'action-form' },
    field(t('cases.phase_label'), phase), field(t('cases.action_date'), day),
    field(t('cases.action_desc'), desc, { wide: true }), field(t('cases.action_agency'), agency, { hint: t('cases.action_agency_hint') }),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('cases.action_add'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    setFieldError(phase, phase.value ? '' : t('cases.err_phase'));
    setFieldError(day, /^\d{4}-\d{2}-\d{2}$/.test(day.value) ? '' : t('cases.err_date'));
    setFieldError(desc, desc.value.trim() ? '' : t('cases.err_required'));
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); announce(t('cases.err_form'), 'assertive'); return; }
    try {
      const r = await api.post('/cases/' + c.id + '/actions', { phase: phase.value, date: day.value, description: desc.value.trim(), agency: agency.value.trim() || null });
      redraw(r.case, 'cases.action_added');
    } catch (err) { mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
  });
  return h('details', { class: 'snapshot' }, h('summary', {}, t('cases.action_add_title')), form);
}

function skkSection(c, edit, redraw) {
  const s = c.status_keadaan_konflik;
  const current = s ? h('dl', { class: 'meta case-meta', 'data-testid': 'skk' },
    h('dt', {}, t('cases.skk_level_label')), h('dd', {}, t('cases.skk_level.' + s.level)),
    h('dt', {}, t('cases.skk_decree')), h('dd', {}, s.decree || '–'),
    h('dt', {}, t('cases.skk_period')), h('dd', {}, t('cases.skk_period_value', { from: fmtDate(s.start), to: fmtDate(s.end), days: daysBetween(s.start, s.end) })))
    : h('p', { class: 'muted', 'data-testid': 'skk-none' }, t('cases.skk_none'));
  return h('section', { class: 'card', 'aria-labelledby': 'sk-h', 'data-testid': 'skk-box' }, h('h2', { id: 'sk-h' }, t('cases.skk')),
    h('p', { class: 'small muted' }, t('cases.skk_help', { n: SKK_MAX_DAYS })), current, edit ? skkForm(c, redraw) : null);
}

function skkForm(c, redraw) {
  const s = c.status_keadaan_konflik || {};
  const level = select([['', t('cases.choose')], ...SKK_LEVELS.map((l) => [l, t('cases.skk_level.' + l)])], s.level || '', { name: 'skk_level' });
  const decree = h('input', { type: 'text', maxlength: '300', name: 'skk_decree', value: s.decree || '' });
  const start = h('input', { type: 'date', name: 'skk_start', value: s.start || '' });
  const end = h('input', { type: 'date', name: 'skk_end', value: s.end || '' });
  const length = h('p', { class: 'small', 'aria-live': 'polite', 'data-testid': 'skk-length' });
  const msg = h('div', { 'aria-live': 'polite' });
  // The 90-day rule, checked as the dates change and on submit.
  const check = () => {
    const d = daysBetween(start.value, end.value);
    let err = '';
    if (start.value && end.value && Number.isFinite(d)) {
      if (d < 0) err = t('cases.err_skk_before');
      else if (d > SKK_MAX_DAYS) err = t('cases.err_skk_90', { n: SKK_MAX_DAYS, days: d, last: lastDay(start.value) });
      length.textContent = d >= 0 ? t('cases.skk_length', { days: d, n: SKK_MAX_DAYS }) : '';
    } else length.textContent = '';
    setFieldError(end, err);
    return !err;
  };
  start.addEventListener('change', check);
  end.addEventListener('change', check);
  end.addEventListener('input', check);
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'skk-form' },
    field(t('cases.skk_level_label'), level), field(t('cases.skk_decree'), decree, { hint: t('cases.skk_decree_hint') }),
    field(t('cases.skk_start'), start), field(t('cases.skk_end'), end, { hint: t('cases.skk_end_hint', { n: SKK_MAX_DAYS }) }),
    h('div', { class: 'wide' }, length),
    h('div', { class: 'wide actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('cases.skk_save')),
      c.status_keadaan_konflik ? h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'skk-clear', onclick: async () => {
        if (!window.confirm(t('cases.skk_clear_confirm'))) return;
        const upd = await patch(c, { status_keadaan_konflik: null }, msg);
        if (upd) redraw(upd, 'cases.skk_cleared');
      } }, t('cases.skk_clear')) : null),
    h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    mount(msg);
    setFieldError(level, level.value ? '' : t('cases.err_skk_level'));
    setFieldError(decree, decree.value.trim() ? '' : t('cases.err_required'));
    setFieldError(start, start.value ? '' : t('cases.err_date'));
    if (end.value) check(); else setFieldError(end, t('cases.err_date'));
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); announce(t('cases.err_form'), 'assertive'); return; }
    const upd = await patch(c, { status_keadaan_konflik: { level: level.value, decree: decree.value.trim(), start: start.value, end: end.value } }, msg);
    if (upd) redraw(upd, 'cases.skk_saved');
  });
  return h('details', { class: 'snapshot' }, h('summary', {}, t(c.status_keadaan_konflik ? 'cases.skk_edit' : 'cases.skk_record')), form);
}

// The last allowed end date for a start date ('YYYY-MM-DD').
function lastDay(start) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(start);
  if (!m) return '';
  return fmtDate(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + SKK_MAX_DAYS)).toISOString().slice(0, 10));
}

function victimsSection(c, redraw) {
  const v = c.victims || {};
  const counts = v.counts || {};
  const rows = ['l', 'p'].map((s) => {
    const row = counts[s] || {};
    const sum = AGES.reduce((n, a) => n + (row[a] || 0), 0);
    return h('tr', { 'data-sex': s }, h('th', { scope: 'row' }, t('cases.sex.' + s)),
      AGES.map((a) => h('td', { class: 'num' }, fmtNumber(row[a] || 0))), h('td', { class: 'num' }, fmtNumber(sum)));
  });
  const colSum = (a) => ['l', 'p'].reduce((n, s) => n + ((counts[s] || {})[a] || 0), 0);
  const people = Array.isArray(v.people) ? v.people : null;
  return h('section', { class: 'card', 'aria-labelledby': 'cv-h', 'data-testid': 'victims' }, h('h2', { id: 'cv-h' }, t('cases.victims')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'victim-counts' },
      h('caption', { class: 'visually-hidden' }, t('cases.victims')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('cases.sex_label')), AGES.map((a) => h('th', { scope: 'col', class: 'num' }, t('cases.age.' + a))),
        h('th', { scope: 'col', class: 'num' }, t('cases.total')))),
      h('tbody', {}, rows),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('cases.total')), AGES.map((a) => h('td', { class: 'num' }, fmtNumber(colSum(a)))),
        h('td', { class: 'num', 'data-testid': 'victim-total' }, fmtNumber(v.total || 0)))))),
    people ? [h('h3', {}, t('cases.victim_names')), h('p', { class: 'small notice' }, t('cases.victim_names_note')),
      people.length ? [h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'victim-people' },
        h('caption', { class: 'visually-hidden' }, t('cases.victim_names')),
        h('thead', {}, h('tr', {}, [t('cases.v_name'), t('cases.sex_label'), t('cases.v_age'), t('cases.v_address'), t('cases.v_condition')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, people.map((p) => h('tr', { 'data-victim': p.id }, h('td', {}, p.name), h('td', {}, p.sex ? t('cases.sex.' + p.sex) : '–'),
          h('td', { class: 'num' }, p.age ?? '–'), h('td', {}, p.address || '–'), h('td', {}, p.condition || '–')))))),
      people.map((p) => servicesBlock(c, p, redraw))] : emptyState(t('cases.no_names'))]
      : h('p', { class: 'small muted', 'data-testid': 'names-hidden' }, t('cases.names_hidden')));
}

// ---- services of a named victim (P3AKS) ----

export const SERVICE_TYPES = ['kesehatan', 'psikososial', 'bantuan_hukum', 'rumah_aman', 'pendidikan', 'pemulangan', 'reintegrasi', 'lainnya'];
// The day of each step, in the order they are taken.
const SERVICE_DAYS = [['dibutuhkan', 'needed_on'], ['dirujuk', 'referred_on'], ['diterima', 'received_on'], ['selesai', 'completed_on'], ['ditolak', 'refused_on']];
// The local day (Indonesia is ahead of UTC; the server accepts up to UTC's tomorrow).
const today = () => { const d = new Date(); return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10); };

function serviceBadge(status) {
  return h('span', { class: 'badge svc-' + status, 'data-status': status }, t('svc.status.' + status));
}

// After a change the case is read again (the answer is one audited read of its victims).
async function reloadCase(c, redraw, msgKey, vars) {
  const r = await api.get('/cases/' + encodeURIComponent(c.id));
  redraw(r.case, msgKey, vars);
}

// Send a service change; errors go into box. True when it went through.
async function sendService(method, path, body, box) {
  mount(box);
  try {
    await api[method](path, body);
    return true;
  } catch (err) {
    mount(box, errorBox(err));
    announce(err.message, 'assertive');
    return false;
  }
}

function servicesBlock(c, p, redraw) {
  const list = Array.isArray(p.services) ? p.services : [];
  const headId = 'vs-h-' + p.id;
  return h('div', { class: 'victim-services', 'data-testid': 'victim-services', 'data-victim': p.id, 'aria-labelledby': headId, role: 'group' },
    h('h4', { id: headId }, t('svc.title', { name: p.name }),
      p.woman_or_child ? [' ', h('span', { class: 'badge svc-p3aks', title: t('svc.p3aks_hint') }, t('svc.p3aks'))] : null),
    list.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table services-table' },
      h('caption', { class: 'visually-hidden' }, t('svc.title', { name: p.name })),
      h('thead', {}, h('tr', {}, [t('svc.type'), t('svc.status'), t('svc.next')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, list.map((s) => serviceRow(c, s, redraw)))))
      : h('p', { class: 'small muted' }, t('svc.none')),
    serviceAddForm(c, p, redraw));
}

function serviceRow(c, s, redraw) {
  const days = SERVICE_DAYS.filter(([, k]) => s[k]).map(([st, k]) => h('li', {}, t('svc.status.' + st), ': ', h('time', { datetime: s[k] }, fmtDate(s[k]))));
  return h('tr', { 'data-service': s.id, 'data-status': s.status },
    h('td', {}, h('strong', {}, t('svc.type.' + s.type)),
      h('div', { class: 'small' }, t('svc.provider'), ': ', s.provider || '–'),
      s.note ? h('div', { class: 'small muted pre' }, s.note) : null),
    h('td', {}, serviceBadge(s.status), h('ul', { class: 'plain small svc-days' }, days),
      s.refusal_reason ? h('div', { class: 'small' }, t('svc.reason'), ': ', s.refusal_reason) : null),
    h('td', {}, s.next_status || s.may_refuse ? serviceStepForm(c, s, redraw) : h('span', { class: 'muted small' }, t('svc.final'))));
}

// Move a service on: the next step with its day (today unless changed), a provider for the
// referral when none is known yet; or refuse it with a reason.
function serviceStepForm(c, s, redraw) {
  const msg = h('div', { 'aria-live': 'polite' });
  const day = h('input', { type: 'date', name: 'day', value: today(), max: today(), 'aria-label': t('svc.step_day') });
  const needProvider = s.next_status === 'dirujuk' && !s.provider;
  const provider = needProvider ? h('input', { type: 'text', name: 'provider', maxlength: '200', placeholder: t('svc.provider_hint'), 'aria-label': t('svc.provider') }) : null;
  const path = '/services/' + encodeURIComponent(s.id);
  const next = s.next_status ? h('button', { type: 'button', class: 'btn btn-primary', 'data-step': s.next_status, onclick: async (e) => {
    const btn = e.currentTarget;
    if (provider && !provider.value.trim()) { setFieldError(provider, t('svc.err_provider')); provider.focus(); return; }
    btn.disabled = true;
    const body = { status: s.next_status, day: day.value };
    if (provider) body.provider = provider.value.trim();
    if (await sendService('patch', path, body, msg)) await reloadCase(c, redraw, 'svc.moved', { status: t('svc.status.' + s.next_status) });
    else btn.disabled = false;
  } }, t('svc.move_to', { status: t('svc.status.' + s.next_status) })) : null;
  let refuse = null;
  if (s.may_refuse) {
    const reason = h('input', { type: 'text', name: 'refusal_reason', maxlength: '1000', 'aria-label': t('svc.reason') });
    refuse = h('details', { class: 'svc-refuse' }, h('summary', {}, t('svc.refuse')),
      field(t('svc.reason'), reason),
      h('button', { type: 'button', class: 'btn', 'data-refuse': s.id, onclick: async (e) => {
        const btn = e.currentTarget;
        if (!reason.value.trim()) { setFieldError(reason, t('svc.err_reason')); reason.focus(); return; }
        btn.disabled = true;
        if (await sendService('patch', path, { status: 'ditolak', day: day.value, refusal_reason: reason.value.trim() }, msg)) await reloadCase(c, redraw, 'svc.refused');
        else btn.disabled = false;
      } }, t('svc.refuse_confirm')));
  }
  return h('div', { class: 'svc-step', 'data-testid': 'service-step' }, day, provider, next, refuse, msg);
}

function serviceAddForm(c, p, redraw) {
  const type = select([['', t('cases.choose')], ...SERVICE_TYPES.map((x) => [x, t('svc.type.' + x)])], '', { name: 'type' });
  const day = h('input', { type: 'date', name: 'needed_on', value: today(), max: today() });
  const provider = h('input', { type: 'text', name: 'provider', maxlength: '200' });
  const note = h('textarea', { rows: '2', maxlength: '2000', name: 'note' });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'service-add' },
    field(t('svc.type'), type), field(t('svc.needed_on'), day),
    field(t('svc.provider'), provider, { hint: t('svc.provider_hint') }), field(t('svc.note'), note, { wide: true, hint: t('svc.note_hint') }),
    h('div', { class: 'wide' }, h('button', { type: 'submit', class: 'btn' }, t('svc.add'))), h('div', { class: 'wide' }, msg));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setFieldError(type, type.value ? '' : t('svc.err_type'));
    if (!type.value) { type.focus(); return; }
    const body = { type: type.value, needed_on: day.value || null, provider: provider.value.trim() || null, note: note.value.trim() || null };
    if (await sendService('post', '/victims/' + encodeURIComponent(p.id) + '/services', body, msg)) await reloadCase(c, redraw, 'svc.added');
  });
  return h('details', { class: 'svc-add' }, h('summary', {}, t('svc.add_need')), form);
}

function summarySection(c, edit, redraw) {
  const note = h('p', { class: 'small notice', id: 'ps-note' }, t('cases.summary_note'), ' ', h('a', { href: '/publik' }, t('cases.summary_portal')));
  if (!edit) {
    return h('section', { class: 'card', 'aria-labelledby': 'ps-h', 'data-testid': 'summary-box' }, h('h2', { id: 'ps-h' }, t('cases.summary')),
      c.public_summary ? h('p', { class: 'pre', 'data-testid': 'summary-text' }, c.public_summary) : h('p', { class: 'muted' }, t('cases.summary_none')), note);
  }
  const text = h('textarea', { rows: '5', maxlength: '4000', name: 'public_summary' });
  text.value = c.public_summary || '';
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, 'data-testid': 'summary-form' },
    field(t('cases.summary_label'), text, { hint: t('cases.summary_hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('cases.summary_save'))), msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const upd = await patch(c, { public_summary: text.value.trim() || null }, msg);
    if (upd) redraw(upd, upd.public_summary ? 'cases.summary_saved' : 'cases.summary_removed');
  });
  return h('section', { class: 'card', 'aria-labelledby': 'ps-h', 'data-testid': 'summary-box' }, h('h2', { id: 'ps-h' }, t('cases.summary')), note, form);
}
