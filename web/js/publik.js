// The public portal (/publik): no login, aggregated data only. It reads nothing but public
// endpoints: /api/v1/public/risk (levels and counts per province and regency, cached by the
// server), /api/v1/public/cases when present (handling status and public summaries),
// /api/v1/public/spaces (open safe spaces for women and children, on the map) and the
// boundaries from /api/v1/geo/*. No names of victims, reporters or witnesses ever reach it.
// Levels and counts both come from verified events only: an unverified report moves nothing
// here (the server computes public levels from its state of verified events).
import { initI18n, t, setLang, lang, languages, applyI18n, onLangChange, fmtNumber } from './i18n.js';
import { h, levelBadge, categoryName, table, emptyState, announce, date, LEVELS, mount } from './ui.js';

async function getJson(path) {
  const r = await fetch('/api/v1' + path, { headers: { Accept: 'application/json' } });
  if (!r.ok) { const e = new Error('HTTP ' + r.status); e.status = r.status; throw e; }
  return r.json();
}

function drawLang() {
  const box = document.getElementById('userbox');
  mount(box, h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('common.language') },
    languages().map((l) => h('button', { type: 'button', lang: l, 'aria-pressed': String(l === lang()), 'data-lang': l,
      onclick: () => setLang(l) }, l.toUpperCase()))));
}

let mapApi = null;
async function draw() {
  applyI18n(document.body);
  drawLang();
  const main = document.getElementById('main');
  const [riskRes, casesRes, p3aksRes] = await Promise.allSettled([getJson('/public/risk'),
    getJson('/public/cases'), getJson('/public/p3aks')]);
  const risk = riskRes.status === 'fulfilled' ? riskRes.value : null;
  const cases = casesRes.status === 'fulfilled' ? casesRes.value : null;
  const p3aks = p3aksRes.status === 'fulfilled' ? p3aksRes.value : null;
  const provinces = risk && Array.isArray(risk.provinces) ? risk.provinces : [];
  const regencies = risk && Array.isArray(risk.regencies) ? risk.regencies : [];
  const byCode = new Map([...provinces, ...regencies].map((r) => [r.region_code, r]));

  // Public numbers count verified events only: unverified leads are not published.
  const totals = { verified: 0, killed: 0, injured: 0 };
  const byCat = {};
  for (const p of provinces) {
    totals.verified += p.verified_events || 0;
    totals.killed += p.killed || 0; totals.injured += p.injured || 0;
    for (const [c, n] of Object.entries(p.by_category || {})) byCat[c] = (byCat[c] || 0) + n;
  }
  const raised = provinces.filter((p) => p.level && p.level !== 'normal').length;

  const mapEl = h('div', { class: 'map', id: 'map', role: 'region', 'aria-label': t('map.label') }, t('common.loading'));
  const provRows = provinces.slice().sort((a, b) => LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || (b.verified_events || 0) - (a.verified_events || 0))
    .map((p) => h('tr', {}, h('td', {}, p.region || p.region_code), h('td', {}, levelBadge(p.level)),
      h('td', { class: 'num' }, fmtNumber(p.verified_events || 0)),
      h('td', { class: 'num' }, fmtNumber(p.killed || 0)), h('td', { class: 'num' }, fmtNumber(p.injured || 0))));
  const catRows = Object.entries(byCat).sort((a, b) => b[1] - a[1])
    .map(([c, n]) => h('tr', {}, h('td', {}, categoryName(c)), h('td', { class: 'num' }, fmtNumber(n))));

  mount(main, 
    h('h1', {}, t('publik.title')),
    h('p', {}, t('publik.intro'), ' ', t('publik.verified_only')),
    risk ? h('p', { class: 'small muted' }, t('publik.window', { from: date(risk.from), to: date(risk.to), days: risk.window_days || 30 }),
      risk.national_level ? [' · ', t('publik.national'), ' ', levelBadge(risk.national_level)] : null)
      : h('p', { class: 'notice notice-warn', 'data-testid': 'risk-unavailable' }, t('publik.unavailable')),
    h('div', { class: 'cards' },
      h('div', { class: 'stat' }, h('span', { class: 'num' }, fmtNumber(totals.verified)), h('span', { class: 'lbl' }, t('publik.n_verified'))),
      h('div', { class: 'stat' }, h('span', { class: 'num' }, fmtNumber(raised)), h('span', { class: 'lbl' }, t('publik.n_raised'))),
      h('div', { class: 'stat' }, h('span', { class: 'num' }, fmtNumber(totals.killed)), h('span', { class: 'lbl' }, t('dashboard.n_killed')))),
    h('section', { class: 'card', 'aria-labelledby': 'pm-h' }, h('h2', { id: 'pm-h' }, t('map.title_level')), mapEl,
      h('div', { id: 'legend' }), h('p', { class: 'small muted' }, t('publik.map_help'))),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card', 'aria-labelledby': 'pr-h' }, h('h2', { id: 'pr-h' }, t('publik.by_region')),
        provRows.length ? table([t('publik.province'), t('publik.level'), t('publik.verified'), t('dashboard.n_killed'), t('dashboard.n_injured')], provRows)
          : emptyState(t('publik.no_events'))),
      h('section', { class: 'card', 'aria-labelledby': 'pc-h' }, h('h2', { id: 'pc-h' }, t('publik.by_category')),
        catRows.length ? table([t('events.col_category'), t('publik.verified')], catRows) : emptyState(t('publik.no_verified')))),
    casesSection(cases),
    p3aksSection(p3aks),
    h('section', { class: 'card' }, h('h2', {}, t('publik.help_title')), h('ul', {},
      h('li', {}, h('a', { href: '/#/panduan/lapor' }, t('publik.how_report'))),
      h('li', {}, h('a', { href: '/#/panduan/level' }, t('publik.what_levels'))))));

  try {
    const { choropleth, legend } = await import('./map.js');
    document.getElementById('legend').replaceChildren(legend('level'));
    if (mapApi) mapApi.remove();
    mapApi = await choropleth(mapEl, { mode: 'level', valueOf: (c) => (byCode.get(c) ? byCode.get(c).level : null) });
    // Open safe public spaces for women and children (RAD P3AKS), when the server has them.
    try {
      const sp = await getJson('/public/spaces');
      const { spacesOverlay } = await import('./map.js');
      const ov = await spacesOverlay(mapApi, sp.items || []);
      document.getElementById('legend').append(ov.el);
    } catch (err) { console.warn('spaces', err); }
    mapEl.dataset.ready = 'true';
  } catch (err) {
    console.error(err);
    mount(mapEl, h('p', { class: 'notice notice-warn' }, t('map.unavailable')));
  }
  document.body.dataset.ready = 'true';
}

function casesSection(cases) {
  const items = cases && Array.isArray(cases.items) ? cases.items : null;
  const counts = cases && cases.by_status ? cases.by_status : null;
  if (!items && !counts) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'cs-h' }, h('h2', { id: 'cs-h' }, t('publik.cases')),
    counts ? h('div', { class: 'cards' }, Object.entries(counts).map(([s, n]) => h('div', { class: 'stat' },
      h('span', { class: 'num' }, fmtNumber(n)), h('span', { class: 'lbl' }, t('case.' + s))))) : null,
    items && items.length ? h('ul', { class: 'list-plain' }, items.map((c) => h('li', {},
      h('strong', {}, c.region || c.region_code || ''), ' ', h('span', { class: 'badge' }, t('case.' + c.status)),
      c.issue ? h('span', { class: 'small muted' }, ' · ', t('issue.' + c.issue)) : null,
      c.public_summary ? h('p', { class: 'small', style: 'margin:0' }, c.public_summary) : null))) : null);
}

// P3AKS: services for women and child victims in the cases of this year, per province, from
// /api/v1/public/p3aks: counts only, as the server gives them (1 and 2 come as "<3"); no
// list, no ids, nothing below the regency.
function p3aksSection(p) {
  if (!p || !p.total) return null;
  const c = (v) => (typeof v === 'number' ? fmtNumber(v) : v === null || v === undefined ? '–' : String(v));
  const stat = (v, lbl) => h('div', { class: 'stat' }, h('span', { class: 'num' }, c(v)), h('span', { class: 'lbl' }, lbl));
  const rows = (p.rows || []).filter((r) => r.women_children_victims !== 0 || r.named_victims !== 0)
    .map((r) => h('tr', { 'data-region': r.region_code }, h('td', {}, r.region || r.region_code),
      ['women_children_victims', 'with_need', 'all_needs_served', 'open_referrals']
        .map((k) => h('td', { class: 'num' }, c(r[k])))));
  const tot = p.total;
  return h('section', { class: 'card', 'aria-labelledby': 'p3-h', 'data-testid': 'publik-p3aks' },
    h('h2', { id: 'p3-h' }, t('publik.p3aks_title', { year: p.year })),
    h('p', {}, t('publik.p3aks_intro')),
    h('div', { class: 'cards' }, stat(tot.women_children_victims, t('publik.p3aks_counted')),
      stat(tot.with_need, t('publik.p3aks_with_need')), stat(tot.all_needs_served, t('publik.p3aks_all_served')),
      stat(tot.open_referrals, t('publik.p3aks_open'))),
    rows.length ? table([t('publik.province'), t('publik.p3aks_counted'), t('publik.p3aks_with_need'),
      t('publik.p3aks_all_served'), t('publik.p3aks_open')], rows) : emptyState(t('publik.p3aks_none')),
    h('p', { class: 'small muted' }, t('publik.p3aks_note')));
}

async function boot() {
  await initI18n();
  const skip = document.querySelector('.skip-link');
  if (skip) skip.addEventListener('click', (e) => { e.preventDefault(); document.getElementById('main').focus(); });
  onLangChange(() => { draw(); announce(t('common.language_changed')); });
  await draw();
}
boot();
