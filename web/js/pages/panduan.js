// Panduan (guides): an index and one page per topic. The texts are our own static HTML
// fragments in /panduan/<lang>/<topic>.html (trusted content, never API data), so writers can
// edit them without touching code. Public: reachable without login, also from /publik.
import { t, lang } from '../i18n.js';
import { h, loading, errorBox, mount } from '../ui.js';

export const TOPICS = ['lapor', 'level', 'petugas', 'rad'];

export async function render(main, ctx) {
  const topic = ctx.params.topic;
  if (!topic) {
    mount(main, h('h1', {}, t('panduan.title')), h('p', {}, t('panduan.intro')),
      h('ul', { class: 'toc' }, TOPICS.map((k) => h('li', {}, h('a', { href: '#/panduan/' + k },
        h('strong', {}, t('panduan.' + k + '.title')), h('span', {}, t('panduan.' + k + '.summary')))))));
    return;
  }
  if (!TOPICS.includes(topic)) throw Object.assign(new Error('no such guide'), { status: 404 });
  mount(main, h('h1', {}, t('panduan.' + topic + '.title')), loading());
  const r = await fetch(`/panduan/${lang()}/${topic}.html`);
  if (!ctx.isCurrent()) return;
  if (!r.ok) { mount(main, h('h1', {}, t('panduan.' + topic + '.title')), errorBox({ status: r.status })); return; }
  const body = h('div', { class: 'guide' });
  body.innerHTML = await r.text(); // our own static fragment
  mount(main, h('p', { class: 'small' }, h('a', { href: '#/panduan' }, '← ', t('panduan.all'))),
    h('h1', {}, t('panduan.' + topic + '.title')), body,
    h('nav', { 'aria-label': t('panduan.other') }, h('h2', {}, t('panduan.other')),
      h('ul', {}, TOPICS.filter((k) => k !== topic).map((k) => h('li', {}, h('a', { href: '#/panduan/' + k }, t('panduan.' + k + '.title')))))));
}
