// Incoming messages (pesan masuk, issue 16 item 3): SMS/WhatsApp messages from numbers that are
// nobody's account wait here as leads until an officer promotes one into a community report of
// theirs or discards it. #/intake-leads?status=baru lists them (GET /intake-leads, newest first,
// the senders' numbers masked by the server, keyset pages through next_before); #/intake-leads/12
// opens one with the sender's whole number as GET /intake-leads/12 returns it, and the actions:
// "Jadikan laporan" (POST .../promote with an optional region and summary; the report and its
// event lead are made as the report form makes them) and "Buang" (POST .../discard with an
// optional note), each after a confirmation.
// Who (handlers_intake.c): admin every lead; pusat, provinsi and kabkota read the leads that
// gave a region inside their scope; admin, provinsi and kabkota decide those inside theirs
// (pusat reads only); a lead without a region is admin's. The server decides: its 403, 404
// (someone else's lead reads as none) and 409 (decided already) are shown.
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { h, field, select, loading, emptyState, errorBox, announce, mount } from '../ui.js';
import { setQuery } from '../router.js';
import { can } from '../roles.js';
import { regionPicker } from '../region-picker.js';

export const LEAD_STATUSES = ['baru', 'dipromosikan', 'dibuang'];
const PAGE = 50;
const VIA = { sms: 'SMS', whatsapp: 'WhatsApp', wa: 'WhatsApp' };

// May the user promote or discard a lead of this region? As may_decide_lead on the server.
export function canDecideLead(user, region) {
  if (!can(user, 'intake.decide')) return false;
  if (user.role === 'admin') return true;
  return !!region && !!user.region && (region === user.region || region.startsWith(user.region + '.'));
}

function leadBadge(status) {
  return h('span', { class: 'badge status-' + status, 'data-field': 'status' }, t('intake.status.' + status));
}

function regionOf(l) {
  if (!l.region_code) return t('intake.no_region');
  return l.region_name ? l.region_name + ' (' + l.region_code + ')' : l.region_code;
}

function viaOf(l) {
  const via = l.via ? VIA[l.via.toLowerCase()] || l.via : '';
  return [via, l.channel].filter(Boolean).join(' · ') || '–';
}

export async function render(main, ctx) {
  if (ctx.params.id) return renderOne(main, ctx);
  return renderList(main, ctx);
}

// ---- the queue ------------------------------------------------------------------------------

async function renderList(main, ctx) {
  const q = ctx.query;
  const status = select([['', t('common.all')], ...LEAD_STATUSES.map((s) => [s, t('intake.status.' + s)])],
    q.status === 'semua' ? '' : q.status ?? 'baru', { name: 'status' });
  const results = h('div', { 'aria-live': 'polite', 'data-testid': 'intake-results' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': t('intake.filters') },
    field(t('intake.status_label'), status),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));

  async function load(before) {
    setQuery({ status: status.value || 'semua' }); // 'semua' (all) kept, or a reload shows 'baru'
    if (!before) mount(results, loading());
    let r;
    try {
      r = await api.get('/intake-leads', { status: status.value, before, limit: PAGE });
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (before) results.append(errorBox(err)); else mount(results, errorBox(err));
      announce(err.message, 'assertive');
      return;
    }
    if (!ctx.isCurrent()) return;
    const items = (r.items || []).map(item);
    const more = r.next_before ? h('button', { type: 'button', class: 'btn', 'data-action': 'more',
      onclick: () => { more.remove(); load(r.next_before); } }, t('intake.more')) : null;
    if (before) {
      const ul = results.querySelector('ul');
      if (ul) ul.append(...items);
      if (more) results.append(more);
      return;
    }
    if (!items.length) {
      const msg = status.value ? t('intake.none_status', { status: t('intake.status.' + status.value) }) : t('intake.none');
      mount(results, h('p', { class: 'empty', 'data-testid': 'intake-empty' }, msg)); // read out: aria-live
      return;
    }
    mount(results, h('ul', { class: 'list-plain lead-list', 'data-testid': 'intake-list' }, items), more);
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  mount(main, h('h1', {}, t('intake.title')), h('p', { class: 'muted' }, t('intake.intro')), form, results);
  await load();
}

function item(l) {
  return h('li', { 'data-lead': l.id, 'data-status': l.status },
    h('div', { class: 'lead-head' }, leadBadge(l.status), ' ',
      h('a', { href: '#/intake-leads/' + l.id, 'data-field': 'link' }, t('intake.one', { id: l.id })), ' ',
      h('time', { class: 'small muted nowrap', datetime: l.received_at, 'data-field': 'received' }, fmtDate(l.received_at))),
    h('dl', { class: 'lead-facts small' },
      h('div', {}, h('dt', {}, t('intake.phone')), h('dd', { 'data-field': 'phone' }, l.phone || '–')),
      h('div', {}, h('dt', {}, t('intake.region')), h('dd', { 'data-field': 'region' }, regionOf(l)))),
    h('p', { class: 'lead-text', 'data-field': 'text' }, l.text));
}

// ---- one lead -------------------------------------------------------------------------------

const back = () => h('p', { class: 'small' }, h('a', { href: '#/intake-leads' }, '← ', t('intake.back')));

async function renderOne(main, ctx) {
  mount(main, back(), h('h1', {}, t('intake.one', { id: ctx.params.id })), loading());
  let l;
  try {
    l = (await api.get('/intake-leads/' + encodeURIComponent(ctx.params.id))).lead;
  } catch (err) {
    if (err.status !== 403 && err.status !== 404 && err.status !== 400) throw err;
    if (!ctx.isCurrent()) return;
    mount(main, back(), h('h1', {}, t(err.status === 403 ? 'error.forbidden_title' : 'intake.not_found')), errorBox(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  draw(main, ctx, l, null);
}

// The lead; done: what the last action gave ({kind, report_id, event_id}) for its notice.
function draw(main, ctx, l, done) {
  const meta = h('dl', { class: 'meta', 'data-testid': 'lead-meta' },
    h('dt', {}, t('intake.status_label')), h('dd', {}, leadBadge(l.status)),
    h('dt', {}, t('intake.received')), h('dd', { 'data-field': 'received' }, fmtDate(l.received_at)),
    h('dt', {}, t('intake.phone_full')), h('dd', {}, h('span', { 'data-field': 'phone' }, l.phone || '–'),
      l.phone ? h('div', { class: 'small muted' }, t('intake.phone_private')) : null),
    h('dt', {}, t('intake.region')), h('dd', { 'data-field': 'region' }, regionOf(l)),
    h('dt', {}, t('intake.via')), h('dd', { 'data-field': 'via' }, viaOf(l)),
    l.decided_by ? [h('dt', {}, t('intake.decided')), h('dd', { 'data-field': 'decided' }, l.decided_by, ' · ', fmtDate(l.decided_at))] : null,
    l.report_id ? [h('dt', {}, t('intake.report')), h('dd', { 'data-field': 'report' }, t('intake.report_n', { id: l.report_id }))] : null,
    l.note ? [h('dt', {}, t('intake.note')), h('dd', { 'data-field': 'note' }, l.note)] : null);
  const notice = done ? h('div', { class: 'notice notice-ok', role: 'status', tabindex: '-1', 'data-testid': 'lead-done' },
    done.kind === 'promote' ? [t('intake.promoted', { id: l.id, report: done.report_id }), ' ',
      done.event_id ? h('a', { href: '#/events/' + done.event_id, 'data-testid': 'lead-event' }, t('intake.open_event', { id: done.event_id })) : null]
      : t('intake.discarded', { id: l.id })) : null;
  mount(main, back(), h('h1', {}, t('intake.one', { id: l.id })), notice,
    h('section', { class: 'card', 'aria-labelledby': 'lead-text-h' }, h('h2', { id: 'lead-text-h' }, t('intake.text')),
      h('blockquote', { class: 'lead-text', 'data-field': 'text' }, l.text), meta),
    actions(main, ctx, l));
  if (notice) notice.focus(); // the buttons that had focus are gone
}

// Promote and discard, each confirmed; or why there is nothing to do.
function actions(main, ctx, l) {
  const heading = h('h2', { id: 'lead-act-h' }, t('intake.follow_up'));
  const section = (...c) => h('section', { class: 'card', 'aria-labelledby': 'lead-act-h', 'data-testid': 'lead-actions' }, heading, ...c);
  if (l.status !== 'baru') return section(h('p', { class: 'muted' }, t('intake.decided_already')));
  if (!canDecideLead(ctx.user, l.region_code)) return section(h('p', { class: 'muted', 'data-testid': 'lead-readonly' }, t('intake.read_only')));
  const msg = h('div', { 'aria-live': 'polite', 'data-testid': 'lead-msg' });
  const where = regionPicker({ value: l.region_code || '', label: l.region_name || '', name: 'where', placeholder: t('intake.where_ph') });
  const what = h('input', { type: 'text', name: 'what', maxlength: '500' });
  const note = h('textarea', { rows: '2', maxlength: '500', name: 'note' });
  const buttons = [];
  const run = async (kind, body) => {
    for (const b of buttons) b.disabled = true;
    mount(msg);
    try {
      const r = await api.post(`/intake-leads/${l.id}/${kind}`, body);
      if (!ctx.isCurrent()) return;
      // The answer's lead has the number masked: read it again as the page shows it.
      let fresh = r.lead;
      try { fresh = (await api.get('/intake-leads/' + l.id)).lead; } catch { /* keep the answer's */ }
      if (!ctx.isCurrent()) return;
      const text = kind === 'promote' ? t('intake.promoted', { id: l.id, report: r.report_id }) : t('intake.discarded', { id: l.id });
      draw(main, ctx, fresh, { kind, report_id: r.report_id, event_id: r.event_id });
      announce(text);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (err.status === 409) { // decided meanwhile: nothing left to do here (the buttons stay off)
        mount(msg, h('div', { class: 'notice notice-warn', role: 'alert' }, h('strong', {}, t('intake.err_decided')), h('div', { class: 'small' }, err.message)));
        announce(t('intake.err_decided'), 'assertive');
        return;
      }
      for (const b of buttons) b.disabled = false;
      const box = errorBox(err); // 403: outside the user's scope (a region typed), 400, ...
      box.tabIndex = -1;
      mount(msg, box);
      announce([box.firstChild.textContent, err.status ? err.message : ''].filter(Boolean).join(' '), 'assertive');
      box.focus(); // the buttons sit below; the message is where it is read
    }
  };
  const promote = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'promote', onclick: () => {
    const body = {};
    if (where.code && where.code !== l.region_code) body.where = where.code;
    if (what.value.trim()) body.what = what.value.trim();
    const place = where.code ? (where.code === l.region_code ? regionOf(l) : where.code) : t('intake.no_region');
    if (!window.confirm(t('intake.confirm_promote', { id: l.id, region: place }))) return;
    run('promote', body);
  } }, t('intake.promote'));
  const discard = h('button', { type: 'button', class: 'btn btn-danger', 'data-action': 'discard', onclick: () => {
    if (!window.confirm(t('intake.confirm_discard', { id: l.id }))) return;
    run('discard', note.value.trim() ? { note: note.value.trim() } : {});
  } }, t('intake.discard'));
  buttons.push(promote, discard);
  return section(msg,
    h('div', { class: 'grid-2 lead-decide' },
      h('div', { 'data-testid': 'lead-promote' }, h('h3', {}, t('intake.promote_title')), h('p', { class: 'small muted' }, t('intake.promote_help')),
        field(t('intake.where'), where.input, { hint: t('intake.where_hint') }), where.list,
        field(t('intake.what'), what, { hint: t('intake.what_hint') }),
        h('div', { class: 'actions' }, promote)),
      h('div', { 'data-testid': 'lead-discard' }, h('h3', {}, t('intake.discard_title')), h('p', { class: 'small muted' }, t('intake.discard_help')),
        field(t('intake.note'), note, { hint: t('intake.note_hint') }),
        h('div', { class: 'actions' }, discard))));
}
