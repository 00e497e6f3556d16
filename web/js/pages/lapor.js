// Lapor: the community (FKDM) report form. Built for a cheap phone on a slow, unreliable
// connection: no heavy assets, the draft is saved in localStorage on every keystroke, and a
// report that cannot be sent (network down, server busy) waits in an outbox that is retried
// when the browser is back online (and every 30 s while the app is open). The server treats
// the same text from the same reporter as one report, so a retry never makes a duplicate.
import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { h, field, announce, errorBox, setFieldError, mount } from '../ui.js';
import { regionPicker } from '../region-picker.js';
import { getUser } from '../router.js';

const DRAFT = 'waspada.lapor.draft';
const OUTBOX = 'waspada.lapor.outbox';
const SENT = 'waspada.lapor.sent';
const FIELDS = ['what', 'where', 'when', 'who', 'killed', 'injured', 'women_children', 'text', 'anonymous'];

function load(key, dflt) {
  try { const v = JSON.parse(localStorage.getItem(key)); return v ?? dflt; } catch { return dflt; }
}
function save(key, v) {
  try { if (v === null) localStorage.removeItem(key); else localStorage.setItem(key, JSON.stringify(v)); } catch { /* full or private */ }
}

export function outbox() { return load(OUTBOX, []); }

function isTransient(err) { return err && (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504); }

function remember(user, body, r) {
  const sent = load(SENT, []);
  sent.unshift({ user, report_id: r.report_id, event_id: r.event_id, what: body.what, at: new Date().toISOString(), duplicate: !!r.duplicate });
  save(SENT, sent.slice(0, 20));
}

let flushing = false;
// Send what waits in the outbox (only the current user's items). Returns the number sent.
export async function flushOutbox() {
  const user = getUser();
  if (!user || flushing || !navigator.onLine) return 0;
  flushing = true;
  let sent = 0;
  try {
    for (const item of outbox()) {
      if (item.user !== user.username) continue;
      try {
        const r = await api.post('/reports', item.body);
        remember(user.username, item.body, r);
        save(OUTBOX, outbox().filter((x) => x.id !== item.id));
        sent += 1;
      } catch (err) {
        if (isTransient(err)) break;
        // Refused for good (400/403): keep it out of the queue but tell the user.
        save(OUTBOX, outbox().filter((x) => x.id !== item.id));
        announce(t('lapor.outbox_refused', { what: item.body.what, msg: err.message }), 'assertive');
      }
    }
  } finally { flushing = false; }
  if (sent) announce(t('lapor.outbox_sent', { n: sent }));
  return sent;
}

let timer = null;
export function startOutboxRetry() {
  if (timer) return;
  window.addEventListener('online', () => flushOutbox());
  timer = setInterval(() => { if (outbox().length) flushOutbox(); }, 30000);
}

export async function render(main, ctx) {
  startOutboxRetry();
  const user = ctx.user;
  const d = load(DRAFT, {});
  const today = new Date().toISOString().slice(0, 10);

  const what = h('input', { name: 'what', maxlength: '500', required: true, value: d.what || '', autocomplete: 'off' });
  const where = regionPicker({ name: 'where', placeholder: t('lapor.where_ph') });
  where.input.value = d.where || '';
  where.input.dispatchEvent(new Event('change'));
  const when = h('input', { name: 'when', type: 'date', max: today, value: d.when || today });
  const who = h('input', { name: 'who', maxlength: '500', value: d.who || '', autocomplete: 'off' });
  const killed = h('input', { name: 'killed', type: 'number', min: '0', max: '100000', inputmode: 'numeric', value: d.killed ?? '' });
  const injured = h('input', { name: 'injured', type: 'number', min: '0', max: '100000', inputmode: 'numeric', value: d.injured ?? '' });
  const wc = h('input', { name: 'women_children', type: 'checkbox', id: 'lapor-wc', checked: !!d.women_children });
  const text = h('textarea', { name: 'text', maxlength: '20000', rows: '6', value: d.text || '' });
  const anon = h('input', { name: 'anonymous', type: 'checkbox', id: 'lapor-anon', checked: !!d.anonymous });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('lapor.submit'));
  const msg = h('div', { id: 'lapor-msg' });
  const draftNote = h('p', { class: 'small muted', 'aria-live': 'polite' });

  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'lapor-form' },
    field(t('lapor.what'), what, { wide: true, hint: t('lapor.what_hint') }),
    field(t('lapor.where'), where.input, { hint: t('lapor.where_hint') }), where.list,
    field(t('lapor.when'), when),
    field(t('lapor.who'), who, { wide: true, hint: t('lapor.who_hint') }),
    field(t('lapor.killed'), killed), field(t('lapor.injured'), injured),
    h('div', { class: 'check wide' }, wc, h('label', { for: 'lapor-wc' }, t('lapor.women_children'))),
    field(t('lapor.text'), text, { wide: true, hint: t('lapor.text_hint') }),
    h('div', { class: 'check wide' }, anon, h('label', { for: 'lapor-anon' }, t('lapor.anonymous'))),
    h('p', { class: 'small muted wide' }, t('lapor.privacy')),
    h('div', { class: 'wide actions' }, submit,
      h('button', { type: 'button', class: 'btn', onclick: clearForm }, t('lapor.clear'))),
    h('div', { class: 'wide' }, draftNote));

  function values() {
    return { what: what.value, where: where.input.value, when: when.value, who: who.value, killed: killed.value,
      injured: injured.value, women_children: wc.checked, text: text.value, anonymous: anon.checked };
  }
  function saveDraft() { save(DRAFT, values()); draftNote.textContent = t('lapor.draft_saved'); }
  form.addEventListener('input', saveDraft);
  form.addEventListener('change', saveDraft);

  function clearForm() {
    save(DRAFT, null);
    for (const el of [what, who, killed, injured, text]) el.value = '';
    where.set('');
    when.value = today;
    wc.checked = false; anon.checked = false;
    draftNote.textContent = '';
    for (const el of [what, killed, injured]) setFieldError(el, '');
    what.focus();
  }

  function body() {
    const b = { what: what.value.trim() };
    const w = where.code || where.input.value.trim();
    if (w) b.where = w;
    if (when.value) b.when = when.value;
    if (who.value.trim()) b.who = who.value.trim();
    if (killed.value !== '') b.killed = Number(killed.value);
    if (injured.value !== '') b.injured = Number(injured.value);
    if (wc.checked) b.women_children = true;
    if (text.value.trim()) b.text = text.value.trim();
    if (anon.checked) b.anonymous = true;
    return b;
  }

  function validate() {
    let first = null;
    const bad = (el, m) => { setFieldError(el, m); if (m && !first) first = el; };
    bad(what, what.value.trim() ? '' : t('lapor.err_what'));
    for (const el of [killed, injured]) {
      const v = el.value;
      bad(el, v === '' || (/^\d+$/.test(v) && Number(v) <= 100000) ? '' : t('lapor.err_count'));
    }
    if (first) first.focus();
    return !first;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.replaceChildren();
    if (!validate()) { announce(t('lapor.err_fix'), 'assertive'); return; }
    const b = body();
    submit.disabled = true;
    submit.textContent = t('lapor.sending');
    try {
      const r = await api.post('/reports', b);
      remember(user.username, b, r);
      save(DRAFT, null);
      success(r);
    } catch (err) {
      submit.disabled = false;
      submit.textContent = t('lapor.submit');
      if (isTransient(err)) {
        const box = outbox();
        box.push({ id: Date.now() + '-' + Math.random().toString(36).slice(2, 8), user: user.username, body: b, at: new Date().toISOString() });
        save(OUTBOX, box);
        save(DRAFT, null);
        queued();
      } else {
        mount(msg, errorBox(err));
        announce(err.message, 'assertive');
      }
    }
  });

  function success(r) {
    mount(main, h('h1', {}, t('lapor.title')),
      h('div', { class: 'notice notice-ok', role: 'status', 'data-testid': 'lapor-success' },
        h('h2', { class: 'mt-0' }, r.duplicate ? t('lapor.ok_duplicate') : t('lapor.ok_title')),
        h('p', {}, t('lapor.ok_number', { id: r.report_id })),
        h('p', {}, t('lapor.ok_next'))),
      h('p', {}, h('button', { type: 'button', class: 'btn btn-primary', onclick: () => render(main, ctx) }, t('lapor.new'))),
      history());
    announce(t('lapor.ok_title'));
    main.querySelector('h2').setAttribute('tabindex', '-1');
    main.querySelector('h2').focus();
  }

  function queued() {
    mount(main, h('h1', {}, t('lapor.title')),
      h('div', { class: 'notice notice-warn', role: 'status', 'data-testid': 'lapor-queued' },
        h('h2', { class: 'mt-0' }, t('lapor.queued_title')), h('p', {}, t('lapor.queued_text'))),
      h('p', {}, h('button', { type: 'button', class: 'btn btn-primary', onclick: () => render(main, ctx) }, t('lapor.new'))),
      history());
    announce(t('lapor.queued_title'));
  }

  function history() {
    const mine = load(SENT, []).filter((x) => x.user === user.username);
    const waiting = outbox().filter((x) => x.user === user.username);
    if (!mine.length && !waiting.length) return null;
    return h('section', { class: 'card', 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h' }, t('lapor.mine')),
      h('ul', { class: 'list-plain' },
        waiting.map((x) => h('li', {}, h('span', { class: 'badge status-menunggu' }, t('lapor.waiting_send')), ' ', x.body.what,
          h('div', { class: 'small muted' }, fmtDate(x.at)))),
        mine.map((x) => h('li', {}, h('span', { class: 'badge status-terverifikasi' }, t('lapor.sent_no', { id: x.report_id })), ' ', x.what,
          h('div', { class: 'small muted' }, fmtDate(x.at))))));
  }

  const pending = outbox().filter((x) => x.user === user.username).length;
  mount(main, h('h1', {}, t('lapor.title')),
    h('p', {}, t('lapor.intro')),
    pending ? h('div', { class: 'notice notice-warn', role: 'status' }, t('lapor.pending', { n: pending }),
      ' ', h('button', { type: 'button', class: 'btn btn-small', onclick: async () => { await flushOutbox(); render(main, ctx); } }, t('lapor.retry_now'))) : null,
    Object.keys(d).length && d.what ? h('p', { class: 'notice', role: 'status' }, t('lapor.draft_restored')) : null,
    msg, h('section', { class: 'card' }, form),
    h('p', { class: 'small' }, h('a', { href: '#/panduan/lapor' }, t('lapor.guide_link'))),
    history());
  if (pending) flushOutbox().then((n) => { if (n && ctx.isCurrent()) render(main, ctx); });
}
export { FIELDS };
