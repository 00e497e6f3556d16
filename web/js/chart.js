// Small SVG charts drawn by hand (no library). barChart(series, opts) returns an <figure>.
//   series: [{ label: '2026-11-01', value: 3 }, ...]
import { h } from './ui.js';

const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const k of kids) el.append(k);
  return el;
}

export function barChart(series, { title, summary, width = 600, height = 200, tickEvery = 7, fmtLabel = (x) => x } = {}) {
  const padL = 28, padB = 22, padT = 8, padR = 6;
  const max = Math.max(1, ...series.map((d) => d.value));
  const innerW = width - padL - padR, innerH = height - padT - padB;
  const bw = innerW / Math.max(1, series.length);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': summary || title || '' });
  svg.append(s('title', {}, title || ''));
  const steps = max <= 4 ? max : 4;
  for (let i = 0; i <= steps; i++) {
    const v = Math.round((max * i) / steps);
    const y = padT + innerH - (innerH * v) / max;
    svg.append(s('line', { x1: padL, x2: width - padR, y1: y, y2: y, class: 'axis', 'stroke-opacity': i ? 0.25 : 1 }));
    svg.append(s('text', { x: padL - 4, y: y + 3, 'text-anchor': 'end' }, String(v)));
  }
  series.forEach((d, i) => {
    const bh = (innerH * d.value) / max;
    const x = padL + i * bw;
    if (d.value > 0) {
      const r = s('rect', { x: x + bw * 0.1, y: padT + innerH - bh, width: Math.max(1, bw * 0.8), height: bh, class: 'bar' });
      r.append(s('title', {}, `${fmtLabel(d.label)}: ${d.value}`));
      svg.append(r);
    }
    const last = i === series.length - 1;
    if ((i % tickEvery === 0 && series.length - 1 - i >= tickEvery / 2) || last) {
      svg.append(s('text', { x: x + bw / 2, y: height - 6, 'text-anchor': 'middle' }, fmtLabel(d.label)));
    }
  });
  return h('figure', { class: 'chart m-0' }, svg);
}
