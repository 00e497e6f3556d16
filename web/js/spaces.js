// Safe public spaces for women and children (ruang publik ramah perempuan dan anak) of RAD
// P3AKS: their vocabularies, who may write them (the server decides in the end), and the rows
// under a plan's P3AKS actions on the RAD page. The page is pages/spaces.js; the map markers
// are map.js's spacesOverlay.
import { api } from './api.js';
import { t } from './i18n.js';
import { h, mount } from './ui.js';

export const SPACE_KINDS = ['ruang_bermain_ramah_anak', 'taman', 'pusat_pembelajaran_keluarga', 'pos_pelayanan',
  'balai_warga', 'rumah_ibadah', 'sekolah', 'lainnya'];
export const SPACE_STATUSES = ['direncanakan', 'aktif', 'tidak_aktif'];

// scope covers code on whole segments ('' covers all).
export function covers(scope, code) {
  return !scope || code === scope || (!!code && code.startsWith(scope + '.'));
}

// Write the spaces of a plan's region: admin; provinsi and kabkota inside their scope.
export function canWriteSpaces(user, region) {
  if (!user) return false;
  if (user.role === 'admin') return true;
  return (user.role === 'provinsi' || user.role === 'kabkota') && covers(user.region, region);
}

// An action that may hold spaces: flagged P3AKS, or of a RAD P3AKS.
export function isP3aksAction(a, plan) { return !!a.p3aks || plan.type === 'p3aks'; }

export function spaceStatusBadge(status) {
  return h('span', { class: 'badge space-status space-status-' + status }, t('spaces.status.' + status));
}

function spaceList(spaces) {
  return h('ul', { class: 'list-inline space-list' }, spaces.map((s) => h('li', { 'data-space-id': s.id },
    h('a', { href: '#/spaces/' + s.id }, s.name), ' ', spaceStatusBadge(s.status),
    s.village_name ? h('span', { class: 'small muted' }, ' · ', s.village_name) : null)));
}

// Under each P3AKS action of plan (rows: the table rows of actions, in their order), a row
// with the spaces linked to it and, for writers, a link to add one. Filled when /spaces
// answers; the rows are spliced into `rows` at once.
export function addSpaceRows(rows, actions, plan, user, colspan) {
  const cells = new Map();
  for (let i = actions.length - 1; i >= 0; i -= 1) {
    const a = actions[i];
    if (!isP3aksAction(a, plan)) continue;
    const cell = h('td', { colspan: String(colspan) }, h('span', { class: 'small muted' }, t('common.loading')));
    cells.set(a.id, cell);
    rows.splice(i + 1, 0, h('tr', { class: 'rad-spaces', 'data-spaces-for': a.id }, cell));
  }
  if (!cells.size) return;
  api.get('/spaces', { rad_id: plan.id, limit: 500 }).then((r) => {
    const by = new Map();
    for (const s of r.items || []) {
      if (!by.has(s.action_id)) by.set(s.action_id, []);
      by.get(s.action_id).push(s);
    }
    for (const [id, cell] of cells) {
      const list = by.get(id) || [];
      mount(cell, h('div', { class: 'rad-space-box' }, h('strong', { class: 'small' }, t('spaces.in_action'), ': '),
        list.length ? spaceList(list) : h('span', { class: 'small muted' }, t('spaces.none')),
        canWriteSpaces(user, plan.region) ? h('a', { class: 'btn btn-small', 'data-action': 'add-space',
          href: '#/spaces/new?region=' + encodeURIComponent(plan.region) + '&action=' + id }, t('spaces.add_for_action')) : null));
    }
  }).catch(() => { for (const cell of cells.values()) mount(cell, h('span', { class: 'small muted' }, t('spaces.unavailable'))); });
}
