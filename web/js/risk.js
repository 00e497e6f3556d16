// Current alert level per region for the map: from GET /api/v1/risk (officers) or
// GET /api/v1/public/risk (anyone). Tolerant of the document's exact shape: any array of
// objects with a region code ("region_code" | "code" | "region") and a level ("level" |
// "current_level"), found at the top level or under regions / provinces / regencies / items.
// Returns null when the endpoint is not there (404/501) so callers can fall back to counts.
import { api } from './api.js';
import { LEVELS } from './ui.js';

export function levelsFromDoc(doc) {
  const out = new Map();
  const visit = (v, depth) => {
    if (!v || depth > 4) return;
    if (Array.isArray(v)) { v.forEach((x) => visit(x, depth + 1)); return; }
    if (typeof v !== 'object') return;
    const code = v.region_code || v.code || (typeof v.region === 'string' ? v.region : null);
    const level = v.level || v.current_level;
    if (code && LEVELS.includes(level)) {
      const prev = out.get(code);
      if (!prev || LEVELS.indexOf(level) > LEVELS.indexOf(prev)) out.set(code, level);
    }
    for (const [k, x] of Object.entries(v)) if (typeof x === 'object' && k !== 'history') visit(x, depth + 1);
  };
  visit(doc, 0);
  // A province shows at least the highest level of its regencies.
  for (const [code, level] of [...out]) {
    if (code.length === 5) {
      const p = code.slice(0, 2);
      const prev = out.get(p);
      if (!prev || LEVELS.indexOf(level) > LEVELS.indexOf(prev)) out.set(p, level);
    }
  }
  return out;
}

export async function loadRisk({ publicOnly = false, region } = {}) {
  const path = publicOnly ? '/public/risk' : '/risk';
  try {
    const doc = await api.get(path, region ? { region } : null, { quiet401: publicOnly });
    return { doc, levels: levelsFromDoc(doc) };
  } catch (err) {
    if (err.status === 404 || err.status === 501 || err.status === 503 || err.status === 405) return null;
    throw err;
  }
}
