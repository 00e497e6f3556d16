// One event: facts, sources (news and community reports), evidence, verification workflow.
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { h, field, loading, errorBox, statusBadge, categoryName, regionLabel, date, announce, emptyState, mount, safeHref } from '../ui.js';
import { can } from '../roles.js';
import { victims } from './events.js';
import { canWriteCase } from './cases.js';

// Allowed moves (the server checks them too; 409 otherwise).
export const MOVES = {
  menunggu: ['terverifikasi', 'ditolak'],
  terverifikasi: ['dalam_penanganan', 'ditolak'],
  dalam_penanganan: ['selesai'],
  ditolak: ['menunggu'],
  selesai: [],
};

export async function render(main, ctx) {
  mount(main, h('h1', {}, t('event.title', { id: ctx.params.id })), loading());
  const ev = await api.get('/events/' + encodeURIComponent(ctx.params.id));
  if (!ctx.isCurrent()) return;
  draw(main, ctx, ev);
}

function draw(main, ctx, ev) {
  const meta = h('dl', { class: 'meta' },
    h('dt', {}, t('events.col_status')), h('dd', { 'data-testid': 'event-status' }, statusBadge(ev.status), ev.status_note ? ' ' + ev.status_note : ''),
    h('dt', {}, t('events.col_category')), h('dd', {}, categoryName(ev.category)),
    h('dt', {}, t('events.col_region')), h('dd', {}, regionLabel(ev), ev.place ? ' (' + ev.place + ')' : ''),
    h('dt', {}, t('events.col_date')), h('dd', {}, date(ev.event_date)),
    h('dt', {}, t('events.col_victims')), h('dd', {}, victims(ev)),
    h('dt', {}, t('events.col_confidence')), h('dd', {}, Math.round((ev.confidence || 0) * 100) + '%'),
    h('dt', {}, t('event.recorded')), h('dd', {}, fmtDate(ev.created_at)));

  const detail = ev.detail && typeof ev.detail === 'object' ? ev.detail : {};
  const extra = [];
  if (detail.snpk_issue) extra.push([t('event.snpk_issue'), detail.snpk_issue]);
  if (detail.form) extra.push([t('event.form'), detail.form]);
  if (Array.isArray(detail.actors) && detail.actors.length) extra.push([t('event.actors'), detail.actors.join(', ')]);

  const sources = (ev.sources || []).map((s) => h('li', { 'data-source': s.source_type },
    h('strong', {}, t('source.' + s.source_type)), ' ',
    safeHref(s.url) ? h('a', { href: safeHref(s.url), rel: 'noopener noreferrer', target: '_blank' }, s.title || s.url) : (s.title || ''),
    s.published ? h('span', { class: 'small muted' }, ' · ', date(s.published)) : null,
    s.report_id ? reportPart(s) : null));

  const evidence = (ev.evidence || []).map((x) => h('li', {}, h('blockquote', {}, x.span || ''),
    x.why ? h('span', { class: 'small muted' }, x.why) : null));

  mount(main, 
    h('p', { class: 'small' }, h('a', { href: '#/events' }, '← ', t('events.back'))),
    h('h1', {}, categoryName(ev.category), ' – ', regionLabel(ev)),
    h('div', { class: 'grid-2' },
      h('div', {},
        h('section', { class: 'card' }, h('h2', {}, t('event.facts')), meta,
          extra.length ? h('dl', { class: 'meta' }, extra.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])) : null),
        h('section', { class: 'card' }, h('h2', {}, t('event.sources')), sources.length ? h('ul', { class: 'list-plain' }, sources) : emptyState()),
        followupSection(ev),
        h('section', { class: 'card' }, h('h2', {}, t('event.evidence')), evidence.length ? h('ul', { class: 'list-plain' }, evidence) : emptyState(t('event.no_evidence')))),
      h('div', {}, verifyBox(main, ctx, ev), caseBox(ctx, ev))));
}

// Later news of the event (arrests, trials, funerals, peace) that ingest linked to it, and the
// phase proposal a reconciliation made; an officer decides it on a case opened from the event.
export function followupList(items) {
  return h('ol', { class: 'timeline', 'data-testid': 'followups' }, items.map((f) => h('li', { 'data-article': f.article_id },
    h('time', { datetime: f.date || '' }, f.date ? date(f.date) : '–'), ' ',
    safeHref(f.url) ? h('a', { href: safeHref(f.url), rel: 'noopener noreferrer', target: '_blank' }, f.title || f.url) : (f.title || ''),
    ' ', h('span', { class: 'badge' }, t('articlerole.' + (f.role || 'followup'))),
    f.reconciliation ? [' ', h('span', { class: 'badge badge-ok' }, t('event.reconciliation'))] : null,
    f.why ? h('div', { class: 'small muted' }, f.why) : null)));
}

export function proposalNotice(pr) {
  if (!pr || pr.state !== 'open') return null;
  return h('div', { class: 'notice', 'data-testid': 'proposal' },
    h('strong', {}, t('event.proposal', { phase: t('cases.phase.' + pr.phase) })), ' ',
    safeHref(pr.article_url) ? h('a', { href: safeHref(pr.article_url), rel: 'noopener noreferrer', target: '_blank' }, pr.article_title || pr.article_url) : (pr.article_title || ''));
}

function followupSection(ev) {
  const items = ev.followups || [];
  return h('section', { class: 'card', 'aria-labelledby': 'fu-h' }, h('h2', { id: 'fu-h' }, t('event.followups')),
    proposalNotice(ev.proposal),
    items.length ? followupList(items) : emptyState(t('event.no_followups')),
    ev.proposal && ev.proposal.state === 'open' ? h('p', { class: 'small muted' }, t('event.proposal_help')) : null);
}

function reportPart(s) {
  const f = s.fields && typeof s.fields === 'object' ? s.fields : null;
  return h('div', { class: 'small' },
    h('div', {}, s.anonymous ? t('event.report_anonymous') : (s.reporter ? t('event.reporter', { name: s.reporter.full_name || s.reporter.username }) : t('event.reporter_hidden'))),
    f ? h('dl', { class: 'meta' }, Object.entries(f).filter(([, v]) => v !== null && v !== '').map(([k, v]) =>
      [h('dt', {}, t('lapor.' + k)), h('dd', {}, typeof v === 'boolean' ? t(v ? 'common.yes' : 'common.no') : typeof v === 'object' ? JSON.stringify(v) : String(v))])) : null,
    s.text ? h('blockquote', {}, s.text) : null);
}

function verifyBox(main, ctx, ev) {
  if (!can(ctx.user, 'events.verify')) return null;
  const moves = MOVES[ev.status] || [];
  const note = h('textarea', { maxlength: '1000', rows: '3' });
  const msg = h('div', { 'aria-live': 'polite' });
  const buttons = moves.map((to) => h('button', { type: 'button', class: 'btn ' + (to === 'ditolak' ? 'btn-danger' : 'btn-primary'),
    'data-move': to, onclick: async (e) => {
      e.target.disabled = true;
      try {
        const upd = await api.patch('/events/' + ev.id, { status: to, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
        announce(t('event.moved', { status: t('status.' + to) }));
        draw(main, ctx, upd && upd.id ? upd : { ...ev, status: to });
        const box = main.querySelector('[data-testid="verify-msg"]');
        if (box) mount(box, h('div', { class: 'notice notice-ok', role: 'status' }, t('event.moved', { status: t('status.' + to) })));
      } catch (err) {
        e.target.disabled = false;
        mount(msg, errorBox(err));
        announce(err.message, 'assertive');
      }
    } }, t('event.move_' + to)));
  return h('section', { class: 'card', 'aria-labelledby': 'verify-h' }, h('h2', { id: 'verify-h' }, t('event.verify')),
    h('div', { 'data-testid': 'verify-msg' }),
    moves.length ? [h('p', { class: 'small muted' }, t('event.verify_help')), field(t('event.note'), note), h('div', { class: 'actions' }, buttons)]
      : h('p', { class: 'muted' }, t('event.no_moves')), msg);
}

// "Jadikan kasus": open the new-case form prefilled from this event (writers of cases in the
// event's region; the server decides and its 403 is shown on the form).
function caseBox(ctx, ev) {
  if (!canWriteCase(ctx.user, ev.regency_code || ev.province_code)) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'case-h' }, h('h2', { id: 'case-h' }, t('cases.handle_title')),
    h('p', { class: 'small muted' }, t('cases.from_event_help')),
    h('p', {}, h('a', { class: 'btn btn-primary', href: '#/cases/new?event=' + ev.id, 'data-testid': 'make-case' }, t('cases.make'))));
}
