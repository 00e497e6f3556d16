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
