// Links from API data (issue 10): an article URL from ingest is put into href only when it is an
// http(s) URL. safeHref() in ui.js decides; the event page, its follow-ups and the proposal use
// it (the API is intercepted to answer with javascript: and data: URLs, as old rows might hold);
// and every `href:` in web/js is a fixed string, safeHref(...) or a URL the app builds itself.
import { readdir, readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const webJs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web', 'js');

async function jsFiles(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...await jsFiles(join(dir, e.name)));
    else if (e.name.endsWith('.js')) out.push(join(dir, e.name));
  }
  return out;
}

export default async function ({ newPage, login, base, assert, log }) {
  const page = await newPage();
  await login(page, 'admin');

  const got = await page.evaluate(async () => {
    const { safeHref } = await import('/js/ui.js');
    return ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>',
      'vbscript:x', 'file:///etc/passwd', 'blob:https://x/1', '', null, undefined, 42,
      'https://kabar.example/a?b=1', 'HTTP://Kabar.example/', '/api/v1/evidence/3'].map((u) => safeHref(u));
  });
  assert.deepEqual(got, [null, null, null, null, null, null, null, null, null, null, null,
    'https://kabar.example/a?b=1', 'HTTP://Kabar.example/', '/api/v1/evidence/3']);

  // An event whose sources, follow-ups and proposal carry hostile URLs.
  const list = await page.evaluate(async () => (await (await fetch('/api/v1/events?limit=1')).json()).items);
  assert.ok(list.length, 'an event in the demo database');
  const id = list[0].id;
  await page.route(new RegExp('/api/v1/events/' + id + '(\\?.*)?$'), async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.sources = [
      { source_type: 'news', title: 'Sumber jahat', url: 'javascript:alert(document.cookie)' },
      { source_type: 'news', title: 'Sumber data', url: 'data:text/html,<script>alert(1)</script>' },
      { source_type: 'news', title: 'Sumber baik', url: 'https://kabar.example/berita/1' },
    ];
    json.followups = [{ article_id: 1, date: '2021-03-01', role: 'followup', title: 'Lanjutan jahat', url: ' javascript:alert(2)' }];
    json.proposal = { state: 'open', phase: 'pemulihan', article_title: 'Usulan jahat', article_url: 'JAVASCRIPT:alert(3)' };
    await route.fulfill({ response, json });
  });
  await page.goto(base + '/#/events/' + id);
  await page.waitForSelector('[data-testid="followups"]');
  const hrefs = await page.evaluate(() => [...document.querySelectorAll('main a[href]')].map((a) => a.getAttribute('href')));
  const bad = hrefs.filter((h) => !/^(https?:|#|\/)/i.test(h.trim()));
  assert.deepEqual(bad, [], 'no link with another scheme');
  assert.equal(await page.locator('main a[href="https://kabar.example/berita/1"]').count(), 1);
  const text = await page.locator('main').textContent();
  for (const title of ['Sumber jahat', 'Sumber data', 'Lanjutan jahat', 'Usulan jahat']) {
    assert.ok(text.includes(title), `${title} is still shown, as text`);
    assert.equal(await page.locator('main a', { hasText: title }).count(), 0, `${title} is not a link`);
  }
  await page.unroute(new RegExp('/api/v1/events/' + id + '(\\?.*)?$'));

  // Every href in the web app's scripts.
  const offenders = [];
  for (const file of await jsFiles(webJs)) {
    const src = await readFile(file, 'utf8');
    for (const m of src.matchAll(/\bhref:\s*([^,}\n]+)/g)) {
      const v = m[1].trim();
      const fixed = /^'[^']/.test(v) || /^"[^"]/.test(v) || (/^`/.test(v) && !/^`\$\{/.test(v));
      if (!fixed && !/^(safeHref|api\.url)\(/.test(v) && v !== 'reportUrl') offenders.push(`${file}: href: ${v}`);
    }
    for (const m of src.matchAll(/\.href\s*=\s*([^;\n]+)|setAttribute\(\s*'href'\s*,\s*([^)\n]+)/g)) {
      const v = (m[1] || m[2]).trim();
      if (!/^'[^']/.test(v) && !/^safeHref\(/.test(v)) offenders.push(`${file}: ${m[0]}`);
    }
  }
  assert.deepEqual(offenders, [], 'API URLs go through safeHref');
  log(`safeHref drops ${got.filter((x) => x === null).length} values; event ${id}: ${hrefs.length} links, none unsafe`);
}
