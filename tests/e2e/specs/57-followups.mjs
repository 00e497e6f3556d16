// Follow-ups: the demo's peace agreement in Kabupaten Poso (demo-019) was linked by ingest to
// the clash it follows. The event page lists it under "Perkembangan berikutnya" with the
// proposal to move the case to pemulihan; admin opens a case from the event, sees the proposal
// there and accepts it: the case moves to Pemulihan and the proposal is gone.
export default async function ({ newPage, login, base, assert, log }) {
  const page = await newPage();
  await login(page, 'admin');
  const ev = await page.evaluate(async () => {
    const r = await (await fetch('/api/v1/events?region=72&limit=50')).json();
    for (const e of r.items || []) {
      const d = await (await fetch('/api/v1/events/' + e.id)).json();
      if ((d.followups || []).length) return d;
    }
    return null;
  });
  assert.ok(ev, 'an event in Sulawesi Tengah with a follow-up');
  log(`event ${ev.id}: ${ev.followups.length} follow-up(s), proposal ${ev.proposal ? ev.proposal.state : 'none'}`);

  await page.goto(base + '/#/events/' + ev.id);
  await page.waitForSelector('[data-testid="followups"]');
  assert.match(await page.locator('[data-testid="followups"]').textContent(), /Sepakat Berdamai/);
  assert.match(await page.locator('[data-testid="followups"]').textContent(), /perdamaian/);
  assert.match(await page.locator('[data-testid="proposal"]').textContent(), /Pemulihan/);

  await page.getByRole('link', { name: 'Jadikan kasus' }).click();
  const form = page.locator('[data-testid="case-form"]');
  await form.waitFor();
  await form.getByLabel('Judul kasus').fill('Kasus uji tindak lanjut ' + Date.now().toString(36));
  await form.getByLabel('Status awal').selectOption('aktif');
  await form.getByRole('button', { name: 'Simpan kasus' }).click();
  await page.waitForSelector('[data-testid="case-followups"]');
  assert.match(await page.locator('[data-testid="case-followups"]').textContent(), /Sepakat Berdamai/);
  await page.locator('[data-proposal="accept"]').click();
  await page.waitForSelector('[data-testid="case-notice"]');
  assert.match(await page.locator('[data-testid="case-status"]').textContent(), /Pemulihan/);
  assert.equal(await page.locator('[data-testid="proposal"]').count(), 0, 'no open proposal left');
  log('case moved to Pemulihan from the proposal');
}
