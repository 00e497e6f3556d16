// Alert -> response (issue 16): an officer opens an alert, sees the approved RAD actions that
// answer it (phase, OPD, this period's progress), ticks one, writes what was done and records
// the response; it shows under "Respons tercatat", in the history, and the alert is answered in
// the inbox. The demo's alert in Kota Bekasi (an article through the detector, Jawa Barat's
// approved RAD) is answered by jabar; when the demo's articles are too old for it, admin answers
// the Kabupaten Poso alert of its declared Status Keadaan Konflik (Sulawesi Tengah's RAD).
export default async function ({ newPage, login, shot, base, assert, log, skip }) {
  // The first alert the user sees that has suggested actions.
  async function findAlert(page) {
    return page.evaluate(async () => {
      const r = await fetch('/api/v1/alerts?status=&limit=100');
      if (!r.ok) return { status: r.status };
      for (const a of (await r.json()).items || []) {
        const d = await (await fetch('/api/v1/alerts/' + a.id)).json();
        if ((d.suggested_actions || []).length) return { id: d.id, region: d.region, n: d.suggested_actions.length, first: d.suggested_actions[0] };
      }
      return {};
    });
  }
  let page = await newPage();
  await login(page, 'jabar');
  let found = await findAlert(page);
  if (found.status === 404) skip('the alerts API answers 404 on this server');
  if (!found.id) {
    page = await newPage();
    await login(page, 'admin');
    found = await findAlert(page);
  }
  if (!found.id) skip('no alert of the demo has approved RAD actions that answer it');
  log(`alert ${found.id} (${found.region}): ${found.n} suggested actions`);

  await page.goto(base + '/#/alerts/' + found.id);
  await page.waitForSelector('[data-testid="response"]');
  const rows = page.locator('[data-testid="response"] tr[data-suggested]');
  assert.equal(await rows.count(), found.n, 'every suggested action is listed');
  const first = rows.first();
  assert.equal(await first.getAttribute('data-suggested'), String(found.first.action_id), 'in the server\'s order');
  assert.match(await first.locator('[data-col="opd"]').textContent(), new RegExp(found.first.opd), 'with its OPD');
  assert.match(await first.locator('[data-col="progress"]').textContent(), /B-\d\d|TW\d|M\d\d/, 'with this period\'s progress');
  assert.match(await page.locator('[data-testid="response"]').textContent(), /Aksi RAD yang disarankan/);
  assert.match(await page.locator('[data-testid="response"]').textContent(), /Belum ada respons/);
  await shot(page, 'alert-response-suggested');

  // Record a response: the first action activated, with what was done.
  await first.locator('input[type="checkbox"]').check();
  const note = 'Rapat koordinasi dengan FKDM, FKUB dan tim pemenangan digelar; patroli bersama di titik rawan.';
  await page.getByLabel('Keterangan respons').fill(note);
  await page.locator('[data-action="respond"]').click();
  await page.locator('[data-testid="response-msg"] .notice-ok').waitFor();
  const rec = page.locator('[data-testid="responses"] li[data-response]');
  assert.equal(await rec.count(), 1, 'one response recorded');
  assert.match(await rec.first().textContent(), /Rapat koordinasi dengan FKDM/);
  assert.match(await rec.first().textContent(), new RegExp(found.first.kegiatan), 'with the action activated');
  assert.equal((await page.locator('[data-testid="response-count"]').textContent()).trim(), '1');
  assert.match(await page.locator('main').textContent(), /Respons dicatat/, 'in the history');
  assert.equal(await page.locator('main .badge.status-baru').count(), 0, 'answering acknowledges the alert');
  await shot(page, 'alert-response');

  // The server has it; the inbox marks the alert answered.
  const after = await page.evaluate(async (id) => (await fetch('/api/v1/alerts/' + id)).json(), found.id);
  assert.equal(after.responses.length, 1);
  assert.deepEqual(after.responses[0].actions.map((x) => x.action_id), [found.first.action_id]);
  assert.equal(after.responses[0].note, note);
  await page.goto(base + '/#/alerts?status=');
  await page.waitForSelector(`[data-alert="${found.id}"] [data-testid="answered"]`);

  // An empty response is refused in the page, before the server.
  await page.goto(base + '/#/alerts/' + found.id);
  await page.waitForSelector('[data-testid="response-form"]');
  await page.locator('[data-action="respond"]').click();
  await page.locator('[data-testid="response-msg"] .notice-warn').waitFor();
  log('response recorded and shown');
}
