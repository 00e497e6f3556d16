// Low-confidence leads: unverified events (menunggu) whose confidence is below the server's
// setting lead_min_confidence (GET /api/v1/health; 0.5 when it does not say) do not count in
// early warning, and the dashboard, the events list and an alert's events hide them until the
// user ticks "show low-confidence leads too". Verified events always show.
import { api } from './api.js';
import { t } from './i18n.js';
import { h, nextId } from './ui.js';

export const DEFAULT_MIN_CONFIDENCE = 0.5;
let pending = null;

// The threshold, read once per page load.
export function leadMinConfidence() {
  if (!pending) {
    pending = api.get('/health', null, { quiet401: true }).then((r) => {
      const v = Number(r && r.lead_min_confidence);
      return Number.isFinite(v) && v >= 0 && v <= 1 ? v : DEFAULT_MIN_CONFIDENCE;
    }, () => DEFAULT_MIN_CONFIDENCE);
  }
  return pending;
}

// An unverified lead below min.
export function isLowLead(e, min) {
  return e.status === 'menunggu' && typeof e.confidence === 'number' && e.confidence < min;
}

// The visible toggle with its explanation; onChange(checked) runs when it is ticked or not.
export function lowLeadsToggle(checked, min, onChange) {
  const id = nextId('low-leads');
  const box = h('input', { type: 'checkbox', id, checked, 'data-testid': 'show-low-leads',
    'aria-describedby': id + '-hint', onchange: () => onChange(box.checked) });
  return h('div', { class: 'low-leads' },
    h('div', { class: 'check' }, box, h('label', { for: id }, t('events.show_low', { min: String(min) }))),
    h('p', { class: 'small muted', id: id + '-hint' }, t('events.low_hint', { min: String(min) })));
}
