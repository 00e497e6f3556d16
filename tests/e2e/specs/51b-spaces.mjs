// Safe public spaces for women and children (RAD P3AKS, issue 14 item 3): jabar (provinsi 32)
// opens the Jawa Barat RAD P3AKS, sees the demo's space under its first P3AKS action, adds a
// space for the second action from there (a Kabupaten Bandung village, coordinates, notes), and
// finds it under that action, in the list, on the dashboard map (popup with kind and status; the
// toggle hides the markers) and on the public map, where notes never appear.
export default async function ({ newPage, login, shot, base, assert, log }) {
  const missingKeys = [];
  const page = await newPage();
  page.on('console', (m) => { if (/i18n: missing key/.test(m.text())) missingKeys.push(m.text()); });
  await login(page, 'jabar');
  const nav = await page.locator('#nav-list a').evaluateAll((as) => as.map((a) => a.dataset.nav));
  assert.ok(nav.includes('spaces'), "jabar's nav has the safe spaces");

  const plan = await page.evaluate(async () => {
    const r = await fetch('/api/v1/rad?region=32&type=p3aks').then((x) => x.json());
    const id = r.items.find((p) => p.region === '32').id;
    return (await fetch('/api/v1/rad/' + id).then((x) => x.json())).rad;
  });
  const [first, second] = plan.action_list;
  assert.ok(first && second, 'the demo plan has two P3AKS actions');

  // The plan view: the demo's space under the first action, none under the second.
  await page.goto(base + '/#/rad/' + plan.id);
  const row1 = page.locator(`tr.rad-spaces[data-spaces-for="${first.id}"]`);
  const row2 = page.locator(`tr.rad-spaces[data-spaces-for="${second.id}"]`);
  await row1.locator('.rad-space-box').waitFor();
  assert.match(await row1.textContent(), /Ruang Bermain Ramah Anak Taman Sukarasa/);
  assert.match(await row1.textContent(), /Aktif/);
  assert.match(await row2.textContent(), /Belum ada ruang aman/);

  // Add one for the second action from its row.
  await row2.locator('[data-action="add-space"]').click();
  await page.waitForFunction(() => location.hash.startsWith('#/spaces/new'));
  const form = page.locator('[data-testid="space-form"]');
  await form.waitFor();
  const action = form.getByLabel('Kegiatan RAD P3AKS');
  await page.waitForFunction((id) => {
    const s = document.querySelector('select[name="action_id"]');
    return s && s.value === String(id);
  }, second.id);
  assert.match(await action.locator('option:checked').textContent(), new RegExp(second.kegiatan));
  assert.match(await form.getByLabel('Wilayah RAD').inputValue(), /^32/);
  const name = 'Taman Ramah Anak Cileunyi (uji e2e)';
  // Validation before anything is sent: no name, a latitude without its longitude.
  await form.getByLabel('Lintang').fill('-6.9390');
  await form.locator('[data-action="save-space"]').click();
  assert.equal(await form.getByLabel('Nama').getAttribute('aria-invalid'), 'true', 'a missing name is marked');
  assert.equal(await form.getByLabel('Lintang').getAttribute('aria-invalid'), 'true', 'a lone latitude is marked');
  await form.getByLabel('Nama').fill(name);
  await form.getByLabel('Jenis').selectOption('taman');
  await form.getByLabel('Status').selectOption('aktif');
  await form.getByLabel('Desa/kelurahan').fill('32.04.05.2001');
  await form.getByLabel('Bujur').fill('107.7480');
  await form.getByLabel('Catatan (hanya untuk petugas)').fill('catatan internal e2e');
  await shot(page, 'spaces-form');
  await form.locator('[data-action="save-space"]').click();
  await page.waitForFunction(() => /^#\/spaces\/\d+$/.test(location.hash));
  await page.locator('[data-testid="space-meta"]').waitFor();
  const meta = await page.locator('[data-testid="space-meta"]').textContent();
  for (const want of ['Taman', 'Aktif', 'Cileunyi Kulon', second.kegiatan, '-6.939, 107.748', 'catatan internal e2e'])
    assert.ok(meta.includes(want), `the space shows ${want}: ${meta}`);
  assert.equal(await page.locator('h1').textContent(), name);

  // Under its action on the plan page, and in the list.
  await page.goto(base + '/#/rad/' + plan.id);
  await row2.locator('.rad-space-box li').waitFor();
  assert.match(await row2.textContent(), new RegExp(name.replace(/[()]/g, '\\$&')));
  await shot(page, 'spaces-rad');
  await page.goto(base + '/#/spaces?status=aktif');
  await page.locator('[data-testid="spaces-table"]').waitFor();
  const listed = await page.locator('[data-testid="spaces-table"] tbody tr').allTextContents();
  assert.ok(listed.some((r) => r.includes(name)), 'the list has it');
  assert.ok(listed.every((r) => r.includes('Aktif')), 'only open spaces with ?status=aktif');
  await shot(page, 'spaces-list');

  // The dashboard map: a marker per space in scope, the new one's popup, the toggle.
  await page.goto(base + '/#/dashboard');
  await page.waitForSelector('#map[data-ready]', { timeout: 20000 });
  const toggle = page.locator('[data-testid="spaces-toggle"]');
  assert.ok(await toggle.isChecked(), 'the spaces are shown at first');
  const markers = page.locator('#map path.space-marker');
  const n = await markers.count();
  assert.ok(n >= 3, `markers of the spaces in scope: ${n}`);
  let found = false;
  for (let i = 0; i < n && !found; i++) {
    await markers.nth(i).click({ force: true });
    const popup = page.locator('.leaflet-popup-content');
    await popup.waitFor();
    const text = await popup.textContent();
    if (text.includes(name)) {
      found = true;
      assert.match(text, /Taman/);
      assert.match(text, /Status: Aktif/);
      assert.match(text, /Cileunyi Kulon/);
      await shot(page, 'spaces-map');
    }
    await page.keyboard.press('Escape');
  }
  assert.ok(found, 'the new space has a marker with its popup');
  await toggle.uncheck();
  assert.equal(await markers.count(), 0, 'the toggle hides the markers');
  await toggle.check();
  assert.equal(await markers.count(), n);

  // The public map: open spaces only, never the notes.
  const anon = await newPage();
  await anon.goto(base + '/publik/');
  await anon.waitForSelector('body[data-ready]', { timeout: 15000 });
  await anon.waitForSelector('#map[data-ready]', { timeout: 20000 });
  const pub = await anon.evaluate(() => fetch('/api/v1/public/spaces').then((r) => r.text()));
  assert.ok(pub.includes(name), 'the public answer has the open space');
  assert.ok(!pub.includes('catatan internal e2e') && !pub.includes('"notes"'), 'and no notes');
  assert.ok(!pub.includes('Pusat Pembelajaran Keluarga Cipaganti'), 'nor the planned space');
  const pm = await anon.locator('#map path.space-marker').count();
  assert.equal(pm, JSON.parse(pub).items.filter((s) => s.latitude !== null).length, 'a public marker per open space');
  assert.ok(await anon.locator('[data-testid="spaces-toggle"]').isChecked());
  await shot(anon, 'spaces-publik');
  assert.deepEqual(missingKeys, [], 'every string has its key');
  log('spaces: markers', n, 'public', pm);
}
