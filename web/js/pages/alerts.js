// Alerts inbox: list with filters, explanation, acknowledge and close with a note, live
// updates from the SSE stream GET /api/v1/alerts/stream (EventSource, reconnects by itself
// and sends Last-Event-ID: the server replays what was missed, or sends `resync` when that
// was too much, and the list is then loaded again).
// #/alerts/12 opens one alert with its history and the events that drove it (unverified leads
// below lead_min_confidence only when "show low-confidence leads too" is ticked: ?low=1).
// An alert resting on unverified leads alone (a.unverified) carries a "belum terverifikasi"
// badge: it is internal, not escalated and not public until an officer verifies its event.
// The alert page lists the approved RAD actions that answer it (a.suggested_actions, ranked by
// the server: phase, theme, OPD, this period's progress) with a response form (tick the
// actions activated, a note: POST /alerts/{id}/responses) and the responses recorded; an
// alert nobody answered keeps escalating even when acknowledged (docs/early-warning.md).
import { api } from '../api.js';
import { t, fmtDate, fmtNumber } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, levelBadge, statusBadge, categoryName, date, announce, alertExplanation, LEVELS, table, mount } from '../ui.js';
import { setQuery } from '../router.js';
import { canWriteCase } from './cases.js';
import { leadMinConfidence, lowLeadsToggle, isLowLead } from '../leads.js';

const SSE_EVENTS = ['alert.opened', 'alert.level', 'alert.closed', 'alert.reopened', 'alert.retracted', 'alert.ack', 'alert.escalated', 'alert.verified', 'alert.unverified', 'alert.response', 'alert.changed'];
const OFFICERS = ['admin', 'pusat', 'provinsi', 'kabkota'];

function unverifiedBadge(a) {
  return a && a.unverified ? h('span', { class: 'badge status-menunggu', 'data-testid': 'unverified', title: t('alerts.unverified_help') }, t('alerts.unverified')) : null;
}

function unavailable(err) { return err && (err.status === 404 || err.status === 405 || err.status === 501); }

export async function render(main, ctx) {
  if (ctx.params.id) return renderOne(main, ctx);
  const q = ctx.query;
  const status = select([['', t('common.all')], ['baru', t('status.baru')], ['ditindaklanjuti', t('status.ditindaklanjuti')], ['selesai', t('status.selesai')]], q.status ?? 'baru');
  const level = select([['', t('common.all')], ...LEVELS.slice(1).map((l) => [l, t('alerts.at_least', { level: t('level.' + l) })])], q.level);
  const live = h('span', { class: 'badge', 'data-testid': 'live' }, t('alerts.live_connecting'));
  const list = h('div', { id: 'alert-list' });
  const form = h('form', { class: 'toolbar', 'aria-label': t('events.filters') }, field(t('alerts.status'), status), field(t('alerts.level'), level),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  mount(main, h('h1', {}, t('alerts.title')), h('p', { class: 'muted' }, t('alerts.intro'), ' ', live), form, list);

  async function load() {
    setQuery({ status: status.value, level: level.value });
    mount(list, loading());
    let r;
    try { r = await api.get('/alerts', { status: status.value, level: level.value, limit: 100 }); } catch (err) {
      mount(list, unavailable(err) ? h('p', { class: 'empty', 'data-testid': 'alerts-unavailable' }, t('alerts.unavailable')) : errorBox(err));
      return false;
    }
    if (!ctx.isCurrent()) return false;
    const items = r.items || [];
    mount(list, items.length ? h('ul', { class: 'list-plain', 'data-testid': 'alerts' }, items.map(item)) : emptyState(t('alerts.none')));
    return true;
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  const ok = await load();

  let es = null;
  if (ok && 'EventSource' in window) {
    es = new EventSource('/api/v1/alerts/stream');
    es.onopen = () => { live.textContent = t('alerts.live_on'); live.className = 'badge status-selesai'; };
    es.onerror = () => { live.textContent = t('alerts.live_off'); live.className = 'badge status-menunggu'; };
    const onEvent = (ev) => {
      let doc;
      try { doc = JSON.parse(ev.data); } catch { return; }
      const a = doc.alert;
      if (!a) return;
      announce(t('alerts.live_update', { region: a.region || a.region_code, level: t('level.' + a.level), what: t('alerts.kind_' + (doc.kind || 'changed')) }));
      const ul = list.querySelector('ul');
      const old = list.querySelector(`[data-alert="${a.id}"]`);
      const matches = (!status.value || a.status === status.value) && (!level.value || LEVELS.indexOf(a.max_level || a.level) >= LEVELS.indexOf(level.value));
      if (old) { if (matches) old.replaceWith(item(a)); else old.remove(); } else if (matches) {
        if (ul) ul.prepend(item(a)); else mount(list, h('ul', { class: 'list-plain', 'data-testid': 'alerts' }, item(a)));
      }
    };
    for (const name of SSE_EVENTS) es.addEventListener(name, onEvent);
    es.onmessage = onEvent;
    es.addEventListener('resync', () => { if (ctx.isCurrent()) load(); });
  } else if (!ok) {
    live.hidden = true;
  }
  return () => { if (es) es.close(); };
}

function item(a) {
  return h('li', { 'data-alert': a.id },
    h('div', {}, levelBadge(a.level), ' ', h('a', { href: '#/alerts/' + a.id }, a.region || a.region_code), ' ', statusBadge(a.status),
      a.unverified ? [' ', unverifiedBadge(a)] : null,
      a.max_level && a.max_level !== a.level ? h('span', { class: 'small muted' }, ' ', t('alerts.max_level', { level: t('level.' + a.max_level) })) : null,
      a.escalated_to ? h('span', { class: 'badge' }, ' ', t('alerts.escalated_' + a.escalated_to)) : null,
      a.responded_at ? [' ', h('span', { class: 'badge status-selesai', 'data-testid': 'answered' }, t('resp.answered'))] : null),
    h('div', {}, alertExplanation(a)),
    h('div', { class: 'small muted' }, t('alerts.period', { from: date(a.first_day), to: a.close_day ? date(a.close_day) : t('alerts.ongoing') })));
}

async function renderOne(main, ctx) {
  mount(main, h('h1', {}, t('alerts.one', { id: ctx.params.id })), loading());
  let a, minConf;
  try {
    [a, minConf] = await Promise.all([api.get('/alerts/' + encodeURIComponent(ctx.params.id)), leadMinConfidence()]);
  } catch (err) {
    if (unavailable(err) && err.code !== 'not_found') {
      mount(main, h('h1', {}, t('alerts.title')), h('p', { class: 'empty' }, t('alerts.unavailable')));
      return;
    }
    throw err;
  }
  if (!ctx.isCurrent()) return;
  draw(main, ctx, a, minConf);
}

function eventRows(a, min, showLow) {
  return (a.events || []).filter((e) => showLow || !isLowLead(e, min)).map((e) => h('tr', {}, h('td', {}, date(e.event_date)),
    h('td', {}, h('a', { href: '#/events/' + e.id }, categoryName(e.category))), h('td', {}, e.region || e.region_code || ''),
    h('td', {}, statusBadge(e.status)), h('td', { class: 'num' }, e.killed ?? '–'), h('td', { class: 'num' }, e.injured ?? '–')));
}

function draw(main, ctx, a, minConf) {
  const note = h('textarea', { rows: '3', maxlength: '1000' });
  const msg = h('div', { 'aria-live': 'polite', 'data-testid': 'alert-msg' });
  const act = (kind) => async (e) => {
    e.target.disabled = true;
    try {
      const upd = await api.post(`/alerts/${a.id}/${kind}`, note.value.trim() ? { note: note.value.trim() } : {});
      draw(main, ctx, upd && upd.id ? upd : a, minConf);
      const m = main.querySelector('[data-testid="alert-msg"]');
      mount(m, h('div', { class: 'notice notice-ok', role: 'status' }, t('alerts.done_' + kind)));
      announce(t('alerts.done_' + kind));
    } catch (err) { e.target.disabled = false; mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
  };
  const buttons = [];
  if (a.status === 'baru') buttons.push(h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'ack', onclick: act('ack') }, t('alerts.ack')));
  if (a.status === 'baru' || a.status === 'ditindaklanjuti') buttons.push(h('button', { type: 'button', class: 'btn', 'data-action': 'close', onclick: act('close') }, t('alerts.close')));
  // The driving events; low-confidence leads on request (the toggle redraws only this box).
  const eventsBox = h('div', { 'data-testid': 'alert-events' });
  const drawEvents = (showLow) => {
    ctx.query.low = showLow ? '1' : ''; /* kept when the alert is drawn again after ack */
    setQuery({ low: ctx.query.low });
    const rows = eventRows(a, minConf, showLow);
    const hidden = showLow ? 0 : (a.events || []).filter((e) => isLowLead(e, minConf)).length;
    mount(eventsBox, rows.length ? table([t('events.col_date'), t('events.col_category'), t('events.col_region'),
      t('events.col_status'), t('events.killed'), t('events.injured')], rows) : emptyState(),
    hidden ? h('p', { class: 'small muted' }, t('events.low_hidden', { n: hidden })) : null);
  };
  const showLow0 = ctx.query.low === '1';
  const hist = (a.history || []).map((x) => h('li', {}, h('strong', {}, t('alerts.kind_' + x.kind)), x.level ? [' ', levelBadge(x.level)] : null,
    h('span', { class: 'small muted' }, ' ', fmtDate(x.at), x.by ? ' · ' + x.by : ''), x.note ? h('div', {}, x.note) : null));
  mount(main, 
    h('p', { class: 'small' }, h('a', { href: '#/alerts' }, '← ', t('alerts.back'))),
    h('h1', {}, t('alerts.one_title', { region: a.region || a.region_code })),
    h('p', {}, levelBadge(a.level), ' ', statusBadge(a.status), ' ', a.unverified ? [unverifiedBadge(a), ' '] : null, a.max_level && a.max_level !== a.level ? t('alerts.max_level', { level: t('level.' + a.max_level) }) : ''),
    a.unverified ? h('p', { class: 'notice notice-warn', 'data-testid': 'unverified-note' }, t('alerts.unverified_help')) : null,
    h('section', { class: 'card' }, h('h2', {}, t('alerts.explanation')), h('p', { 'data-testid': 'explanation' }, alertExplanation(a) || '–'),
      h('dl', { class: 'meta' }, h('dt', {}, t('alerts.period_label')), h('dd', {}, t('alerts.period', { from: date(a.first_day), to: a.close_day ? date(a.close_day) : t('alerts.ongoing') })),
        h('dt', {}, t('alerts.score')), h('dd', {}, String(a.score ?? '–')),
        a.acked_by ? [h('dt', {}, t('alerts.acked_by')), h('dd', {}, a.acked_by, ' · ', fmtDate(a.acked_at))] : null,
        a.closed_by ? [h('dt', {}, t('alerts.closed_by')), h('dd', {}, a.closed_by, ' · ', fmtDate(a.closed_at))] : null)),
    h('section', { class: 'card', 'aria-labelledby': 'act-h' }, h('h2', { id: 'act-h' }, t('alerts.follow_up')), msg,
      buttons.length ? [field(t('alerts.note'), note, { hint: t('alerts.note_hint') }), h('div', { class: 'actions' }, buttons)] : h('p', { class: 'muted' }, t('alerts.no_actions'))),
    canWriteCase(ctx.user, a.region_code) ? h('section', { class: 'card', 'aria-labelledby': 'case-h' }, h('h2', { id: 'case-h' }, t('cases.handle_title')),
      h('p', { class: 'small muted' }, t('cases.from_alert_help')),
      h('p', {}, h('a', { class: 'btn btn-primary', href: '#/cases/new?alert=' + a.id, 'data-testid': 'make-case' }, t('cases.make')))) : null,
    responseSection(main, ctx, a, minConf),
    h('section', { class: 'card' }, h('h2', {}, t('alerts.events')), lowLeadsToggle(showLow0, minConf, drawEvents), eventsBox),
    h('section', { class: 'card' }, h('h2', {}, t('alerts.history')), hist.length ? h('ul', { class: 'list-plain' }, hist) : emptyState()));
  drawEvents(showLow0);
}

// This period's progress of a suggested action: "B-12: 40%", "B-12: belum dilaporkan" and the
// latest report when there is one.
function progressText(p) {
  if (!p) return '–';
  const now = p.reported ? t('resp.progress_pct', { period: p.period, pct: fmtNumber(p.physical_pct) }) : t('resp.progress_none', { period: p.period });
  const last = !p.reported && p.last_period ? ' · ' + t('resp.progress_last', { period: p.last_period, pct: fmtNumber(p.last_physical_pct) }) : '';
  return now + last;
}

function planText(x) {
  return t('resp.plan', { type: t('rad.type.' + x.plan_type), region: x.rad_region_name || x.rad_region, year: x.rad_year });
}

// The suggested RAD actions, the response form and the responses recorded.
function responseSection(main, ctx, a, minConf) {
  const sugg = a.suggested_actions || [];
  const canRespond = OFFICERS.includes(ctx.user.role) && !a.retracted;
  const msg = h('div', { 'aria-live': 'polite', 'data-testid': 'response-msg' });
  const boxes = [];
  const rows = sugg.map((x) => {
    const box = h('input', { type: 'checkbox', value: String(x.action_id), 'data-action-id': x.action_id, 'aria-label': t('resp.activate', { what: x.kegiatan }) });
    boxes.push(box);
    return h('tr', { 'data-suggested': x.action_id },
      canRespond ? h('td', {}, box) : null,
      h('td', {}, h('strong', {}, x.kegiatan), h('div', { class: 'small muted' }, x.program)),
      h('td', { 'data-col': 'opd' }, x.opd, x.instansi_terkait ? h('div', { class: 'small muted' }, x.instansi_terkait) : null),
      h('td', {}, h('a', { href: '#/rad/' + x.rad_id }, planText(x)), x.p3aks ? [' ', h('span', { class: 'badge' }, 'P3AKS')] : null),
      h('td', { 'data-col': 'fit' }, t('resp.fit_' + x.fit)),
      h('td', { 'data-col': 'progress' }, progressText(x.progress)));
  });
  const phase = a.response_phase ? t('rad.phase.' + a.response_phase) : null;
  const intro = phase ? t(a.status_keadaan_konflik ? 'resp.intro_skk' : 'resp.intro', { phase, level: t('level.' + (a.max_level || a.level)) }) : t('resp.intro_none');
  const note = h('textarea', { rows: '3', maxlength: '1000', name: 'response_note' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'respond' }, t('resp.record'));
  const form = canRespond ? h('form', { 'data-testid': 'response-form', novalidate: true },
    field(t('resp.note'), note, { hint: t('resp.note_hint') }), h('div', { class: 'actions' }, submit), msg) : null;
  if (form) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const ids = boxes.filter((b) => b.checked).map((b) => Number(b.value));
      const text = note.value.trim();
      if (!ids.length && !text) { mount(msg, h('div', { class: 'notice notice-warn', role: 'alert' }, t('resp.err_empty'))); note.focus(); announce(t('resp.err_empty'), 'assertive'); return; }
      submit.disabled = true;
      try {
        const upd = await api.post(`/alerts/${a.id}/responses`, text ? { action_ids: ids, note: text } : { action_ids: ids });
        draw(main, ctx, upd && upd.id ? upd : a, minConf);
        const m = main.querySelector('[data-testid="response-msg"]');
        if (m) mount(m, h('div', { class: 'notice notice-ok', role: 'status' }, t('resp.done')));
        announce(t('resp.done'));
      } catch (err) { submit.disabled = false; mount(msg, errorBox(err)); announce(err.message, 'assertive'); }
    });
  }
  const recorded = (a.responses || []).map((r) => h('li', { 'data-response': r.id },
    h('strong', {}, r.by), h('span', { class: 'small muted' }, ' · ', fmtDate(r.at)),
    r.note ? h('div', {}, r.note) : null,
    (r.actions || []).length ? h('ul', { class: 'small' }, r.actions.map((x) => h('li', {}, x.kegiatan, ' – ', x.opd, ' (', t('rad.phase.' + x.phase), ')'))) : null));
  return h('section', { class: 'card', 'aria-labelledby': 'resp-h', 'data-testid': 'response' },
    h('h2', { id: 'resp-h' }, t('resp.title')),
    h('p', { class: 'small muted' }, intro),
    sugg.length ? table([canRespond ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('resp.col_pick'))) : null, t('resp.col_action'), t('resp.col_opd'), t('resp.col_plan'),
      t('resp.col_fit'), t('resp.col_progress')].filter(Boolean), rows, { caption: t('resp.title') }) : emptyState(t('resp.none')),
    form,
    h('h3', {}, t('resp.recorded'), ' ', h('span', { class: 'badge', 'data-testid': 'response-count' }, String((a.responses || []).length))),
    recorded.length ? h('ul', { class: 'list-plain', 'data-testid': 'responses' }, recorded) : emptyState(t('resp.none_recorded')));
}
