// Both language files have the same keys; every key the code names literally exists; the
// language switch changes the UI and is remembered after a reload.
import { readFile, readdir } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');

async function jsFiles(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...await jsFiles(join(dir, e.name)));
    else if (e.name.endsWith('.js') || e.name.endsWith('.html')) out.push(join(dir, e.name));
  }
  return out;
}

export default async function ({ newPage, login, shot, base, assert, log }) {
  const id = JSON.parse(await readFile(join(web, 'i18n', 'id.json'), 'utf8'));
  const en = JSON.parse(await readFile(join(web, 'i18n', 'en.json'), 'utf8'));
  assert.deepEqual(Object.keys(en).sort(), Object.keys(id).sort(), 'id.json and en.json have the same keys');
  const missing = new Set();
  const roles = await readFile(join(web, 'js', 'roles.js'), 'utf8'); // capability names are not keys
  for (const f of [...await jsFiles(join(web, 'js')), join(web, 'index.html'), join(web, 'publik', 'index.html')]) {
    const src = await readFile(f, 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z_]+\.[a-z_.]+)'/g)) if (!(m[1] in id) && !/[._]$/.test(m[1])) missing.add(m[1]);
    // String literals that look like keys (roles.js holds capability names, not keys).
    for (const m of f.endsWith('roles.js') ? [] : src.matchAll(/'([a-z]+\.[a-z_]+(?:\.[a-z_]+)?)'/g)) {
      if (/^(nav|common|error|login|dashboard|map|events|event|alerts|lapor|users|panduan|publik)\./.test(m[1]) && !(m[1] in id) && !/[._]$/.test(m[1]) && !roles.includes(`'${m[1]}':`)) missing.add(m[1]);
    }
    for (const m of src.matchAll(/data-i18n="([a-z_]+\.[a-z_.]+)"/g)) if (!(m[1] in id)) missing.add(m[1]);
  }
  assert.deepEqual([...missing], [], 'every literal key exists');
  log(`${Object.keys(id).length} keys in each language`);

  const page = await newPage();
  await login(page, 'jabar');
  await page.locator('[data-lang="en"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.waitForSelector('#main:not([aria-busy]) h1');
  assert.equal((await page.locator('main h1').textContent()).trim(), 'Dashboard');
  assert.deepEqual(await page.locator('#nav-list a').allTextContents(), ['Dashboard', 'Events', 'Incoming messages', 'Alerts', 'Report', 'Action plans', 'Progress reports', 'Compliance', 'P3AKS figures', 'Timdu', 'Safe spaces', 'Conflict cases', 'Users', 'Guides']);
  await page.reload();
  await page.waitForSelector('#main:not([aria-busy]) h1');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'language remembered');
  await page.waitForSelector('#map[data-ready], #map .notice', { timeout: 15000 });
  await shot(page, 'dashboard-en');
  await page.locator('[data-lang="id"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'id');
  assert.equal((await page.locator('#nav-list a').first().textContent()).trim(), 'Dasbor');
}
