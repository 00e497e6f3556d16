// Alerts inbox: list, open an alert, acknowledge it with a note; a second officer's open inbox
// sees the change live through the SSE stream. Skipped when the alerts API is not there.
export default async function ({ newPage, login, shot, base, assert, log, skip }) {
  const page = await newPage();
  await login(page, 'admin');
  const probe = await page.evaluate(async () => (await fetch('/api/v1/alerts?status=baru&limit=5')).status);
  if (probe === 404) skip('the alerts API (issue 4) answers 404 on this server');
  await page.goto(base + '/#/alerts?status=baru');
  await page.waitForSelector('#main:not([aria-busy]) h1');
  await page.waitForSelector('[data-testid="alerts"], .empty');
  await shot(page, 'alerts');
  const first = page.locator('[data-testid="alerts"] li').first();
  if (!(await first.count())) skip('the demo data has no alert with status baru');
  const id = await first.getAttribute('data-alert');

  // A second officer watching the inbox (all statuses) over SSE.
  const watcher = await newPage();
  await login(watcher, 'pusat');
  await watcher.goto(base + '/#/alerts?status=');
  await watcher.waitForSelector(`[data-alert="${id}"]`);
  await watcher.waitForFunction(() => /langsung/.test(document.querySelector('[data-testid="live"]').textContent), null, { timeout: 10000 });

  await first.locator('a').click();
  await page.waitForSelector('[data-action="ack"]');
  await shot(page, 'alert-detail');
  assert.ok((await page.locator('[data-testid="explanation"]').textContent()).trim().length > 3, 'an explanation is shown');
  await page.getByLabel('Catatan').fill('Camat dan Polsek sudah dihubungi; tokoh masyarakat diminta menenangkan warga.');
  await page.locator('[data-action="ack"]').click();
  await page.locator('[data-testid="alert-msg"] .notice-ok').waitFor();
  assert.match(await page.locator('main').textContent(), /Ditindaklanjuti/);
  assert.match(await page.locator('main').textContent(), /Camat dan Polsek/, 'the note is in the history');
  await shot(page, 'alert-acked');
  log(`alert ${id} acknowledged`);

  await watcher.waitForFunction((aid) => /Ditindaklanjuti/.test(document.querySelector(`[data-alert="${aid}"]`)?.textContent || ''), id, { timeout: 5000 });
  log('the watching inbox got the change over SSE');
  await shot(watcher, 'alerts-live');
}
