// Dashboard: numbers at a glance, choropleth by alert level (or event counts until the risk
// API answers), trend of events, latest alerts and events. Numbers and lists render first;
// the map follows when Leaflet and the boundaries have loaded. Unverified leads below
// lead_min_confidence are left out of the numbers, lists and counts until "show low-confidence
// leads too" is ticked (#/dashboard?low=1). For officers, alerts of this year answered within
// 24/72 hours and without any response, per region (GET /compliance's "alerts" figures).
import { api } from '../api.js';
import { t, fmtNumber } from '../i18n.js';
import { h, loading, emptyState, errorBox, levelBadge, statusBadge, categoryName, regionLabel, date, announce, alertExplanation, mount } from '../ui.js';
import { barChart } from '../chart.js';
import { loadRisk } from '../risk.js';
import { leadMinConfidence, lowLeadsToggle } from '../leads.js';

const DAYS = 30;

function isoDay(d) { return d.toISOString().slice(0, 10); }

function trend(events) {
  const dates = events.map((e) => e.event_date).filter(Boolean).sort();
  const today = isoDay(new Date());
  const end = dates.length && dates[dates.length - 1] > today ? dates[dates.length - 1] : today;
  const endD = new Date(end + 'T00:00:00Z');
  const series = [];
  for (let i = DAYS - 1; i >= 0; i--) {
    const d = new Date(endD.getTime() - i * 86400000);
    series.push({ label: isoDay(d), value: 0 });
  }
  const idx = new Map(series.map((s, i) => [s.label, i]));
  for (const e of events) if (idx.has(e.event_date)) series[idx.get(e.event_date)].value += 1;
  return series;
}

function stat(num, label, id) {
  return h('div', { class: 'stat', 'data-stat': id }, h('span', { class: 'num' }, num), h('span', { class: 'lbl' }, label));
}

export async function render(main, ctx) {
  const t0 = performance.now();
  const user = ctx.user;
  delete main.dataset.dashboardReady; /* set again once this rendering has its numbers */
  mount(main, h('h1', {}, t('dashboard.title')), loading());
  const showLow = ctx.query.low === '1';
  const minConf = await leadMinConfidence();
  if (!ctx.isCurrent()) return undefined;
  const officer = ['admin', 'pusat', 'provinsi', 'kabkota'].includes(user.role);
  const [evRes, alRes, riskRes, ansRes] = await Promise.allSettled([
    api.get('/events', { limit: 500, sort: 'date', min_confidence: showLow || !minConf ? '' : minConf }),
    api.get('/alerts', { status: 'baru', limit: 5 }),
    loadRisk(),
    officer ? api.get('/compliance', { year: new Date().getFullYear(), type: 'pks' }) : Promise.reject(new Error('not an officer')),
  ]);
  if (!ctx.isCurrent()) return undefined;
  if (evRes.status === 'rejected') throw evRes.reason;
  const events = evRes.value.items || [];
  const totalEvents = evRes.value.total ?? events.length;
  const alertsOk = alRes.status === 'fulfilled';
  const alerts = alertsOk ? (alRes.value.items || []) : [];
  const risk = riskRes.status === 'fulfilled' ? riskRes.value : null;

  const cutoff = isoDay(new Date(Date.now() - DAYS * 86400000));
  const waiting = events.filter((e) => e.status === 'menunggu').length;
  const recent = events.filter((e) => e.event_date && e.event_date >= cutoff).length;
  const killed = events.reduce((a, e) => a + (e.killed || 0), 0);
  const injured = events.reduce((a, e) => a + (e.injured || 0), 0);

  const scope = user.region ? t('dashboard.scope_region', { region: user.region }) : t('dashboard.scope_national');
  const cards = h('div', { class: 'cards', 'data-testid': 'numbers' },
    stat(fmtNumber(totalEvents), t('dashboard.n_events'), 'events'),
    stat(fmtNumber(waiting), t('dashboard.n_waiting'), 'waiting'),
    stat(fmtNumber(recent), t('dashboard.n_recent', { days: DAYS }), 'recent'),
    stat(fmtNumber(killed), t('dashboard.n_killed'), 'killed'),
    stat(fmtNumber(injured), t('dashboard.n_injured'), 'injured'),
    stat(alertsOk ? fmtNumber(alRes.value.total ?? alerts.length) : '–', t('dashboard.n_alerts_new'), 'alerts'));

  // Map card (filled asynchronously).
  const mapEl = h('div', { class: 'map', id: 'map', role: 'region', 'aria-label': t('map.label') }, loading());
  const mapNote = h('p', { class: 'small muted', id: 'map-note' });
  const legendBox = h('div', {});
  const provSelect = h('select', { id: 'map-province', disabled: true }, h('option', { value: '' }, t('map.all_indonesia')));
  const mapCard = h('section', { class: 'card', 'aria-labelledby': 'map-h' },
    h('h2', { id: 'map-h' }, t(risk ? 'map.title_level' : 'map.title_count')),
    h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'map-province' }, t('map.choose_province')), provSelect)),
    mapEl, legendBox, mapNote);

  const alertList = !alertsOk
    ? h('p', { class: 'empty' }, alRes.reason && alRes.reason.status === 404 ? t('alerts.unavailable') : t('error.generic'))
    : alerts.length ? h('ul', { class: 'list-plain' }, alerts.map((a) => h('li', {},
      // The highest level of the episode leads; the current one follows when it has fallen.
      levelBadge(a.max_level || a.level), ' ', h('a', { href: '#/alerts/' + a.id }, a.region_name || a.region || a.region_code),
      a.max_level && a.max_level !== a.level ? h('span', { class: 'small muted' }, ' ', t('alerts.now_level', { level: t('level.' + a.level) })) : null,
      h('div', { class: 'small muted' }, date(a.first_day), alertExplanation(a) ? ' · ' + alertExplanation(a) : ''))))
      : emptyState(t('alerts.none_new'));

  const eventList = events.length ? h('ul', { class: 'list-plain' }, events.slice(0, 8).map((e) => h('li', {},
    h('a', { href: '#/events/' + e.id }, categoryName(e.category)), ' ', statusBadge(e.status),
    h('div', { class: 'small muted' }, regionLabel(e), ' · ', date(e.event_date))))) : emptyState(t('events.none'));

  // The engine's 30-day trend when the risk API answers; else counted from the events.
  const series = risk && Array.isArray(risk.doc.trend) && risk.doc.trend.length
    ? risk.doc.trend.map((d) => ({ label: d.day, value: d.events || 0 }))
    : trend(events);
  const sum = series.reduce((a, d) => a + d.value, 0);
  const chartBox = h('div', {});
  const chartOpts = {
    title: t('dashboard.trend_title', { days: DAYS }),
    summary: t('dashboard.trend_summary', { n: sum, days: DAYS, from: date(series[0].label), to: date(series[series.length - 1].label) }),
    fmtLabel: (d) => d.slice(8, 10) + '/' + d.slice(5, 7),
  };

  mount(main, 
    h('h1', {}, t('dashboard.title')),
    h('p', { class: 'muted' }, scope),
    lowLeadsToggle(showLow, minConf, (on) => ctx.navigate('/dashboard' + (on ? '?low=1' : ''), { replace: true })),
    cards,
    h('div', { class: 'grid-2' },
      mapCard,
      h('div', {},
        h('section', { class: 'card', 'aria-labelledby': 'al-h' }, h('h2', { id: 'al-h' }, t('dashboard.latest_alerts')), alertList,
          alertsOk ? h('p', { class: 'small' }, h('a', { href: '#/alerts' }, t('dashboard.all_alerts'))) : null),
        h('section', { class: 'card', 'aria-labelledby': 'ev-h' }, h('h2', { id: 'ev-h' }, t('dashboard.latest_events')), eventList,
          h('p', { class: 'small' }, h('a', { href: '#/events' }, t('dashboard.all_events')))))),
    h('section', { class: 'card', 'aria-labelledby': 'tr-h' }, h('h2', { id: 'tr-h' }, t('dashboard.trend_title', { days: DAYS })), chartBox),
    ansRes.status === 'fulfilled' ? answersCard(ansRes.value) : null);
  // Drawn at the box's real width so that its labels stay readable on a phone.
  mount(chartBox, barChart(series, { ...chartOpts, width: Math.max(300, Math.min(1100, chartBox.clientWidth || 600)) }));
  main.dataset.firstRenderMs = String(Math.round(performance.now() - t0));
  main.dataset.dashboardReady = 'true';

  // Map, after the first paint.
  const counts = new Map();
  for (const e of events) {
    if (e.status === 'ditolak') continue;
    for (const c of [e.province_code, e.regency_code]) if (c) counts.set(c, (counts.get(c) || 0) + 1);
  }
  const mode = risk ? 'level' : 'count';
  const valueOf = mode === 'level' ? (c) => risk.levels.get(c) || null : (c) => counts.get(c) || 0;
  mount(legendBox, (await import('../map.js')).legend(mode));
  mapNote.textContent = risk ? t('map.note_level') : t('map.note_count');
  let m = null;
  try {
    const { choropleth } = await import('../map.js');
    if (!ctx.isCurrent()) return undefined;
    const onSelect = async (code) => {
      provSelect.value = code || '';
      if (!code || mode !== 'level' || fetchedProv.has(code)) return;
      fetchedProv.add(code);
      try {
        const r = await loadRisk({ region: code });
        if (r) { for (const [k, v] of r.levels) if (k.startsWith(code + '.')) risk.levels.set(k, v); m.update(); }
      } catch { /* outside the user's scope: regencies stay without a level */ }
    };
    const fetchedProv = new Set();
    m = await choropleth(mapEl, { valueOf, mode, onSelect });
    if (!ctx.isCurrent()) { m.remove(); return undefined; }
    const provs = m.provinces().sort((a, b) => a.name.localeCompare(b.name));
    mount(provSelect, h('option', { value: '' }, t('map.all_indonesia')),
      ...provs.map((p) => h('option', { value: p.code }, p.name + (mode === 'level' && risk.levels.get(p.code) ? ' – ' + t('level.' + risk.levels.get(p.code)) : ''))));
    provSelect.disabled = false;
    provSelect.addEventListener('change', () => {
      if (provSelect.value) m.showProvince(provSelect.value); else m.showCountry();
      announce(provSelect.value ? t('map.showing', { name: provSelect.selectedOptions[0].textContent }) : t('map.all_indonesia'));
    });
    if (user.region) await m.showProvince(user.region.slice(0, 2));
    // Safe public spaces of RAD P3AKS in the user's scope, with their toggle.
    try {
      const sp = await api.get('/spaces', { limit: 500 });
      const { spacesOverlay } = await import('../map.js');
      if (ctx.isCurrent()) mapCard.insertBefore((await spacesOverlay(m, sp.items || [])).el, legendBox);
    } catch (err) { console.warn('spaces', err); }
    mapEl.dataset.ready = 'true';
    main.dataset.mapReadyMs = String(Math.round(performance.now() - t0));
  } catch (err) {
    console.error(err);
    mount(mapEl, h('p', { class: 'notice notice-warn' }, t('map.unavailable')));
  }
  return () => { if (m) m.remove(); };
}


// Alerts of this year per region: answered within 24 and 72 hours, without any response.
function answersCard(c) {
  const rows = (c.items || []).filter((r) => r.alerts && r.alerts.alerts > 0);
  const tot = (c.totals && c.totals.alerts) || { alerts: 0, answered_24h: 0, answered_72h: 0, unanswered: 0 };
  const cells = (x) => [x.alerts, x.answered_24h, x.answered_72h, x.unanswered].map((n, i) => h('td', { class: 'num' + (i === 3 && n ? ' warn' : '') }, fmtNumber(n)));
  return h('section', { class: 'card', 'aria-labelledby': 'ans-h', 'data-testid': 'alert-answers' },
    h('h2', { id: 'ans-h' }, t('answers.title', { year: c.year })),
    h('p', { class: 'small muted' }, t('answers.note')),
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, [t('rad.region'), t('answers.alerts'), t('answers.answered_24h'), t('answers.answered_72h'), t('answers.unanswered')]
        .map((x, i) => h('th', { scope: 'col', class: i ? 'num' : null }, x)))),
      h('tbody', {}, rows.map((r) => h('tr', { 'data-region': r.region_code }, h('th', { scope: 'row', class: 'rowhead' }, r.region), cells(r.alerts))),
        rows.length > 1 ? h('tr', { 'data-region': 'total' }, h('th', { scope: 'row', class: 'rowhead' }, t('answers.total')), cells(tot)) : null))) : emptyState(t('answers.none')),
    h('p', { class: 'small' }, h('a', { href: '#/compliance?year=' + c.year + '&type=pks' }, t('answers.more'))));
}
