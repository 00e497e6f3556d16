// Runs the specs in specs/ (file-name order) against E2E_BASE with Debian's Chromium.
// A spec: export default async function ({ browser, base, newPage, login, shot, assert, log, skip,
// bin, db }); bin and db are the server's binary and database (E2E_BIN, E2E_DB), for comparing
// what the web gives with what the CLI says.
// Each spec gets fresh browser contexts through newPage(); uncaught page errors fail the spec, and
// so does any Content-Security-Policy violation (a `securitypolicyviolation` event in a page, or
// a console message about the policy): the server sends a strict CSP on every page.
import { chromium } from 'playwright-core';
import { readdir } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.E2E_BASE;
if (!base) { console.error('E2E_BASE is not set (use tests/e2e/run)'); process.exit(2); }
const filters = process.argv.slice(2);
export const PASSWORD = 'waspada-demo';

class Skip extends Error {}

// The network is closed: without these flags Chromium waits on Google services. Playwright
// gives every launch a fresh temporary profile (its own --user-data-dir), removed at close.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

const t0 = Date.now();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS, timeout: 30000 });
const files = (await readdir(join(here, 'specs'))).filter((f) => f.endsWith('.mjs')).sort()
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)));
const results = [];

for (const file of files) {
  const name = file.replace(/\.mjs$/, '');
  const contexts = [];
  const pageErrors = [];
  const start = Date.now();
  const helpers = {
    browser, base, assert, PASSWORD, bin: process.env.E2E_BIN, db: process.env.E2E_DB,
    log: (...a) => console.log(`   [${name}]`, ...a),
    skip: (why) => { throw new Skip(why); },
    async newPage(opts = {}) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID', ...opts });
      contexts.push(ctx);
      ctx.setDefaultTimeout(10000);
      await ctx.exposeBinding('__e2eCspViolation', (_src, what) => { pageErrors.push('CSP violation: ' + what); });
      await ctx.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__e2eCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile || location.href}:${e.lineNumber})`);
        });
      });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) pageErrors.push('CSP console ' + m.type() + ': ' + m.text());
        else if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push('console: ' + m.text());
      });
      return page;
    },
    async login(page, user, password = PASSWORD) {
      await page.goto(base + '/#/login');
      await page.getByLabel(/Nama pengguna|Username/).fill(user);
      await page.getByLabel(/Kata sandi|Password/).fill(password);
      await page.getByRole('button', { name: /^(Masuk|Log in)$/ }).click();
      await page.waitForFunction(() => !location.hash.startsWith('#/login'));
      await page.waitForSelector('#main:not([aria-busy]) h1');
    },
    async shot(page, shotName) {
      await page.screenshot({ path: join(here, 'screenshots', shotName + '.png'), fullPage: true });
    },
  };
  let status = 'PASS', detail = '';
  try {
    const mod = await import(pathToFileURL(join(here, 'specs', file)).href);
    await mod.default(helpers);
    if (pageErrors.length) throw new Error('errors in the page:\n      ' + pageErrors.join('\n      '));
  } catch (e) {
    if (e instanceof Skip) { status = 'SKIP'; detail = e.message; } else { status = 'FAIL'; detail = e.stack || String(e); }
  }
  for (const c of contexts) await c.close().catch(() => {});
  const ms = Date.now() - start;
  results.push({ name, status, detail, ms });
  console.log(`${status}  ${name} (${ms} ms)${detail ? '\n      ' + detail.split('\n').slice(0, 8).join('\n      ') : ''}`);
}
await browser.close();
const failed = results.filter((r) => r.status === 'FAIL').length;
const skipped = results.filter((r) => r.status === 'SKIP').length;
console.log(`e2e: ${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failed || !results.length ? 1 : 0);
