// Offline choropleth on Leaflet (Debian's libjs-leaflet at /vendor/leaflet/): no tile server,
// a plain background and the province / regency polygons from /api/v1/geo/*. Used by the
// dashboard and the public portal.
//
//   const m = await choropleth(el, { valueOf, mode, onSelect, labelOf });
//   m.update()            re-style after the data behind valueOf changed
//   m.showProvince(code)  zoom to a province and draw its regencies;  m.showCountry()
//
// mode 'level': valueOf(code) is 'normal'|'waspada'|'siaga'|'awas'|null;
// mode 'count': valueOf(code) is a number (events), drawn on a blue scale.
import { t } from './i18n.js';
import { h, mount } from './ui.js';

let leafletPromise = null;
const geoCache = new Map();

export const LEVEL_COLORS = { normal: '#2e7d32', waspada: '#f2c200', siaga: '#e86a10', awas: '#b71c1c' };
export const NO_DATA = '#e4e8ec';
const COUNT_STEPS = [[1, '#c6dbef'], [2, '#6baed6'], [5, '#2171b5'], [10, '#08306b']];

export function loadLeaflet() {
  if (window.L) return Promise.resolve(window.L);
  if (leafletPromise) return leafletPromise;
  leafletPromise = new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/vendor/leaflet/leaflet.css';
    document.head.append(css);
    const s = document.createElement('script');
    s.src = '/vendor/leaflet/leaflet.min.js';
    s.onload = () => (window.L ? resolve(window.L) : reject(new Error('Leaflet did not load')));
    s.onerror = () => { leafletPromise = null; reject(new Error('Leaflet is not installed')); };
    document.head.append(s);
  });
  return leafletPromise;
}

export async function geo(path) {
  if (geoCache.has(path)) return geoCache.get(path);
  const p = fetch('/api/v1/geo/' + path, { credentials: 'same-origin' }).then((r) => {
    if (!r.ok) throw new Error('geo ' + path + ': HTTP ' + r.status);
    return r.json();
  });
  geoCache.set(path, p);
  p.catch(() => geoCache.delete(path));
  return p;
}

export function countColor(n) {
  let c = NO_DATA;
  for (const [min, col] of COUNT_STEPS) if (n >= min) c = col;
  return c;
}

export function legend(mode) {
  const items = mode === 'level'
    ? [...Object.entries(LEVEL_COLORS).map(([l, c]) => [c, t('level.' + l)]), [NO_DATA, t('map.no_data')]]
    : [[NO_DATA, '0'], ...COUNT_STEPS.map(([min, c], i) => [c, i + 1 < COUNT_STEPS.length
      ? (COUNT_STEPS[i + 1][0] - 1 > min ? min + '–' + (COUNT_STEPS[i + 1][0] - 1) : String(min)) : '≥ ' + min])];
  return h('ul', { class: 'legend', 'aria-label': t(mode === 'level' ? 'map.legend_level' : 'map.legend_count') },
    items.map(([c, label]) => h('li', {}, h('span', { class: 'sw', style: { background: c }, 'aria-hidden': 'true' }), label)));
}

export async function choropleth(el, { valueOf, mode = 'level', onSelect, labelOf } = {}) {
  const L = await loadLeaflet();
  const provinces = await geo('provinces');
  el.replaceChildren();
  // No animations: cheaper on old phones, and nothing runs after the page removed the map.
  const map = L.map(el, { zoomSnap: 0.25, minZoom: 3, maxZoom: 11, attributionControl: true, preferCanvas: false,
    zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(t('map.attribution'));
  const indonesia = [[-11.2, 94.8], [6.3, 141.2]];
  map.fitBounds(indonesia);
  let regLayer = null;
  let selected = null;
  let removed = false;

  function fillFor(code) {
    const v = valueOf(code);
    if (mode === 'level') return v && LEVEL_COLORS[v] ? LEVEL_COLORS[v] : NO_DATA;
    return countColor(v || 0);
  }
  function styleFor(code, kind) {
    const v = valueOf(code);
    const cls = kind + ' region-' + code.replace(/\./g, '-') + (mode === 'level' ? ' level-' + (v || 'none') : ' count-' + (v || 0));
    const faded = kind === 'province' && selected && selected !== code;
    return { color: '#46525e', weight: kind === 'province' ? 1 : 0.7, fillColor: fillFor(code),
      fillOpacity: faded ? 0.25 : 0.85, className: cls };
  }
  function tip(f) {
    const code = f.properties.code;
    const v = valueOf(code);
    const val = mode === 'level' ? t('level.' + (v || 'none')) : t('map.events_n', { n: v || 0 });
    return (labelOf ? labelOf(code, f.properties.name) : f.properties.name) + ': ' + val;
  }
  const provLayer = L.geoJSON(provinces, {
    style: (f) => styleFor(f.properties.code, 'province'),
    onEachFeature: (f, layer) => {
      layer.bindTooltip(() => tip(f), { sticky: true });
      layer.on('click', () => api.showProvince(f.properties.code));
    },
  }).addTo(map);

  const api = {
    map,
    update() {
      provLayer.setStyle((f) => styleFor(f.properties.code, 'province'));
      if (regLayer) regLayer.setStyle((f) => styleFor(f.properties.code, 'regency'));
    },
    async showProvince(code) {
      selected = code;
      const fc = await geo('regencies?province=' + encodeURIComponent(code));
      if (selected !== code || removed) return;
      if (regLayer) regLayer.remove();
      regLayer = L.geoJSON(fc, {
        style: (f) => styleFor(f.properties.code, 'regency'),
        onEachFeature: (f, layer) => layer.bindTooltip(() => tip(f), { sticky: true }),
      }).addTo(map);
      provLayer.setStyle((f) => styleFor(f.properties.code, 'province'));
      let bounds = null;
      provLayer.eachLayer((l) => { if (l.feature.properties.code === code) bounds = l.getBounds(); });
      if (bounds) map.fitBounds(bounds, { padding: [10, 10] });
      if (onSelect) onSelect(code, fc);
    },
    showCountry() {
      selected = null;
      if (regLayer) { regLayer.remove(); regLayer = null; }
      provLayer.setStyle((f) => styleFor(f.properties.code, 'province'));
      map.fitBounds(indonesia);
      if (onSelect) onSelect(null, null);
    },
    provinces() {
      return provinces.features.map((f) => ({ code: f.properties.code, name: f.properties.name }));
    },
    remove() { removed = true; map.remove(); },
  };
  return api;
}

// ---- safe public spaces (ruang publik ramah perempuan dan anak, RAD P3AKS) ----------------
//
//   const s = await spacesOverlay(m, items)   m: a choropleth; items from /api/v1/spaces or
//   s.el                                      /api/v1/public/spaces; a checkbox that shows or
//                                             hides the markers (shown at first)
// One circle marker per space, its popup with the kind, status (when given), place and plan
// action. A space without coordinates sits at its regency's centroid (the public answer says
// so with location 'regency'; for the app's list the centroid comes from the boundaries),
// drawn dashed and said to be approximate.
export const SPACE_COLORS = { aktif: '#7b1fa2', direncanakan: '#ce93d8', tidak_aktif: '#9e9e9e' };

async function regencyCentroid(code) {
  if (!code || code.length < 5) return null;
  try {
    const fc = await geo('regencies?province=' + encodeURIComponent(code.slice(0, 2)));
    const f = fc.features.find((x) => x.properties.code === code.slice(0, 5));
    return f && typeof f.properties.centroid_lat === 'number' ? [f.properties.centroid_lat, f.properties.centroid_lng] : null;
  } catch { return null; }
}

function spacePopup(s, approx) {
  const place = [s.village_name || s.village, s.regency || s.region_name].filter(Boolean).join(', ');
  return h('div', { class: 'space-popup', 'data-space': s.name },
    h('strong', {}, s.name),
    h('div', {}, t('spaces.kind.' + s.kind)),
    s.status ? h('div', {}, t('spaces.status_label'), ': ', t('spaces.status.' + s.status)) : null,
    place ? h('div', { class: 'small' }, place) : null,
    s.action ? h('div', { class: 'small' }, t('spaces.action'), ': ',
      h('a', { href: '#/rad/' + s.action.rad_id }, s.action.kegiatan)) : null,
    approx ? h('div', { class: 'small muted' }, t('spaces.approx')) : null);
}

export async function spacesOverlay(m, items) {
  const L = await loadLeaflet();
  const group = L.layerGroup();
  let n = 0;
  for (const s of items) {
    let ll = typeof s.latitude === 'number' ? [s.latitude, s.longitude] : null;
    let approx = s.location === 'regency';
    if (!ll && !s.location) { ll = await regencyCentroid(s.village || s.region); approx = !!ll; }
    if (!ll) continue;
    const st = s.status || 'aktif';
    const mk = L.circleMarker(ll, { radius: 7, weight: 2, color: '#4a148c', fillColor: SPACE_COLORS[st] || SPACE_COLORS.aktif,
      fillOpacity: 0.9, dashArray: approx ? '3 3' : null, className: 'space-marker space-' + st });
    mk.bindTooltip(s.name);
    mk.bindPopup(() => spacePopup(s, approx));
    group.addLayer(mk);
    n += 1;
  }
  group.addTo(m.map);
  const id = 'spaces-toggle';
  const box = h('input', { type: 'checkbox', id, checked: true, 'data-testid': 'spaces-toggle',
    onchange: () => { if (box.checked) group.addTo(m.map); else group.remove(); } });
  const el = h('div', { class: 'check spaces-toggle' }, box,
    h('label', { for: id }, h('span', { class: 'space-sw', 'aria-hidden': 'true',
        style: { display: 'inline-block', width: '0.9rem', height: '0.9rem', 'border-radius': '50%', border: '2px solid #4a148c', background: SPACE_COLORS.aktif } }),
      ' ', t('spaces.map_toggle', { n })));
  return { el, group, count: n };
}
