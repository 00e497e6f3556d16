// Region picker: a text input with suggestions from GET /api/v1/regions?q= (a native
// <datalist>, so it works with keyboards, screen readers and phone keyboards). The chosen
// region's code is picker.code ('' when none); typing a code such as 32.73 also works.
import { api } from './api.js';
import { h, nextId, debounce, mount } from './ui.js';

const CODE_RE = /^(\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?)\b/;

export function regionPicker({ value = '', label = '', level, parent, placeholder, name, required } = {}) {
  const listId = nextId('regions');
  const input = h('input', { type: 'search', list: listId, autocomplete: 'off', name, placeholder, required,
    inputmode: 'search', value: value ? (label ? value + ' — ' + label : value) : '' });
  const list = h('datalist', { id: listId });
  const picker = { input, list, code: value || '', onchange: null };
  let lastQ = '';
  const search = debounce(async () => {
    const q = input.value.trim();
    if (q.length < 2 || CODE_RE.test(q) || q === lastQ) return;
    lastQ = q;
    try {
      const r = await api.get('/regions', { q, level, parent, limit: 12 });
      if (input.value.trim() !== q) return;
      mount(list, ...(r.items || []).map((x) => h('option', { value: x.code + ' — ' + (x.chain || x.name) })));
    } catch { /* offline: keep typing a code */ }
  }, 250);
  const sync = () => {
    const m = input.value.trim().match(CODE_RE);
    const code = m ? m[1] : '';
    if (code !== picker.code) { picker.code = code; if (picker.onchange) picker.onchange(code); }
  };
  input.addEventListener('input', () => { sync(); search(); });
  input.addEventListener('change', sync);
  picker.set = (code, text) => { input.value = code ? (text ? code + ' — ' + text : code) : ''; picker.code = code || ''; };
  picker.el = h('span', {}, input, list);
  return picker;
}
