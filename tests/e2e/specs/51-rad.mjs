// RAD editor and review: jabar (provinsi 32) starts a plan, sees inline validation errors for a
// missing phase and a bad rupiah amount, saves a valid action, adds a Pokja member and submits;
// pusat approves it, and returns the Jabar P3AKS plan (notes required); jabar then sees both
// statuses, the review notes and the version history.
export default async function ({ newPage, login, shot, base, assert, log }) {
  const missingKeys = [];
  const watch = (page) => page.on('console', (m) => { if (/i18n: missing key/.test(m.text())) missingKeys.push(m.text()); });
  const page = await newPage();
  watch(page);
  await login(page, 'jabar');
  const nav = await page.locator('#nav-list a').evaluateAll((as) => as.map((a) => a.dataset.nav));
  for (const n of ['rad', 'progress', 'compliance', 'timdu']) assert.ok(nav.includes(n), `jabar's nav has ${n}`);

  await page.goto(base + '/#/rad');
  await page.waitForSelector('#rad-results table');
  await shot(page, 'rad');
  const year = new Date().getFullYear() + 1;
  const title = `RAD PKS Jawa Barat ${year} (uji e2e)`;

  // Start a plan for next year.
  const create = page.locator('[data-testid="rad-create"]');
  assert.match(await create.getByLabel('Wilayah').inputValue(), /^32( — Jawa Barat)?$/, 'the region is the operator\'s own');
  assert.ok(await create.getByLabel('Wilayah').evaluate((e) => e.readOnly), 'and cannot be changed');
  await create.getByLabel('Tahun').fill(String(year));
  await create.getByLabel('Judul').fill(title);
  await create.getByRole('button', { name: 'Buat RAD' }).click();
  await page.waitForFunction(() => /^#\/rad\/\d+$/.test(location.hash));
  const planId = Number((await page.evaluate(() => location.hash)).split('/').pop());
  await page.waitForSelector('[data-testid="rad-status"]');
  assert.match(await page.locator('[data-testid="rad-status"]').textContent(), /Draf/);
  assert.ok(await page.locator('[data-action="submit"]').isDisabled(), 'submit waits for a first action');

  // Inline validation: no phase, an amount with decimals.
  await page.locator('[data-action="add-action"]').click();
  const form = page.locator('[data-testid="action-form"]');
  await form.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'phase', 'focus moves into the form');
  await form.getByLabel('Program').fill('Penguatan Deteksi Dini');
  await form.getByLabel('Kegiatan').fill('Pelatihan deteksi dini bagi aparat kecamatan');
  await form.getByLabel('Target (nilai)').fill('27');
  await form.getByLabel('Satuan').fill('kecamatan');
  await form.getByLabel('Anggaran (Rp)').fill('12,5 juta');
  await form.getByLabel('Anggaran (Rp)').blur();
  assert.match(await form.locator('.field-error:not([hidden])').first().textContent(), /rupiah bulat/, 'a bad amount is flagged when the field is left');
  await form.getByLabel('OPD penanggung jawab').fill('Badan Kesbangpol');
  await form.locator('[data-action="save-action"]').click();
  const phase = form.getByLabel('Fase');
  assert.equal(await phase.getAttribute('aria-invalid'), 'true', 'missing phase is marked');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'phase', 'focus goes to the first wrong field');
  const errs = await form.locator('.field-error:not([hidden])').allTextContents();
  assert.ok(errs.some((e) => /Pilih fase/.test(e)) && errs.some((e) => /rupiah bulat/.test(e)), 'phase and amount errors: ' + errs.join(' / '));
  assert.equal(await page.locator('[data-testid="rad-actions"]').count(), 0, 'nothing was saved');
  await shot(page, 'rad-validation');

  // Fix both with the keyboard and save.
  await phase.focus();
  await page.keyboard.press('ArrowDown'); // -> pencegahan
  assert.equal(await phase.inputValue(), 'pencegahan');
  await form.getByLabel('Anggaran (Rp)').fill('150000000');
  await form.getByLabel('Anggaran (Rp)').press('Tab');
  assert.equal(await form.getByLabel('Anggaran (Rp)').inputValue(), '150.000.000', 'thousand separators once the field is left');
  await form.getByLabel('B-04').fill('9');
  await form.getByLabel('Instansi terkait').fill('Polda, Kodam');
  await form.getByLabel('Fokus').fill('potensi_konflik');
  await form.locator('[data-action="save-action"]').click();
  await page.waitForSelector('[data-testid="rad-actions"] tbody tr');
  const row = await page.locator('[data-testid="rad-actions"] tbody tr').first().textContent();
  assert.match(row, /Pelatihan deteksi dini/);
  assert.match(row, /Rp\s150\.000\.000/);
  assert.match(row, /Pencegahan/);

  // Pokja.
  const pk = page.locator('[data-testid="pokja-form"]');
  await pk.getByLabel('Nama').fill('Koordinator Pokja Uji');
  await pk.getByLabel('Instansi').fill('Bappeda');
  await pk.getByLabel('Peran').fill('Ketua');
  await pk.getByRole('button', { name: 'Tambah anggota Pokja' }).click();
  await page.waitForSelector('[data-testid="pokja"] td:text("Koordinator Pokja Uji")');
  await shot(page, 'rad-edit');

  // Submit.
  await page.locator('[data-action="submit"]').click();
  await page.waitForFunction(() => /Diajukan/.test(document.querySelector('[data-testid="rad-status"]')?.textContent || ''));
  assert.equal(await page.locator('[data-action="add-action"]').count(), 0, 'no editing while diajukan');
  assert.equal(await page.locator('[data-action="edit-action"]').count(), 0);
  log(`plan ${planId} created and submitted by jabar`);

  // pusat reviews: approve the new plan, return the P3AKS plan (notes required).
  const rev = await newPage();
  watch(rev);
  await login(rev, 'pusat');
  await rev.goto(base + '/#/rad/' + planId);
  await rev.waitForSelector('[data-action="approve"]');
  assert.equal(await rev.locator('[data-action="add-action"]').count(), 0, 'pusat does not edit plans');
  await shot(rev, 'rad-review');
  await rev.getByLabel('Catatan reviu').fill('Sesuai; lanjutkan pelaporan per periode.');
  await rev.locator('[data-action="approve"]').click();
  await rev.waitForFunction(() => /Disetujui/.test(document.querySelector('[data-testid="rad-status"]')?.textContent || ''));
  await rev.locator('[data-testid="rad-flash"]').waitFor();

  const p3aks = await rev.evaluate(async () => (await (await fetch('/api/v1/rad?region=32&type=p3aks&status=diajukan')).json()).items[0]);
  assert.ok(p3aks, 'the demo has a Jabar P3AKS plan awaiting review');
  await rev.goto(base + '/#/rad/' + p3aks.id);
  await rev.waitForSelector('[data-action="return"]');
  await rev.locator('[data-action="return"]').click();
  assert.equal(await rev.getByLabel('Catatan reviu').getAttribute('aria-invalid'), 'true', 'returning needs notes');
  assert.match(await rev.locator('.field-error:not([hidden])').first().textContent(), /catatan reviu/i);
  await rev.getByLabel('Catatan reviu').fill('Target per periode untuk pendampingan korban belum diisi.');
  await rev.locator('[data-action="return"]').click();
  await rev.waitForFunction(() => /Dikembalikan/.test(document.querySelector('[data-testid="rad-status"]')?.textContent || ''));
  log(`pusat approved plan ${planId} and returned plan ${p3aks.id}`);

  // jabar sees both.
  await page.goto(base + '/#/rad?region=32');
  await page.waitForSelector(`[data-rad="${planId}"]`);
  assert.match(await page.locator(`[data-rad="${planId}"]`).textContent(), /Disetujui/);
  assert.match(await page.locator(`[data-rad="${p3aks.id}"]`).textContent(), /Dikembalikan/);
  await page.goto(base + '/#/rad/' + p3aks.id);
  await page.waitForSelector('[data-testid="review-notes"]');
  assert.match(await page.locator('[data-testid="review-notes"]').textContent(), /Target per periode/);
  assert.equal(await page.locator('[data-action="submit"]').count(), 1, 'a returned plan can be submitted again');
  assert.equal(await page.locator('[data-action="add-action"]').count(), 1, 'and edited');
  await page.locator('[data-testid="history"] summary').click();
  await page.waitForSelector('[data-testid="history"] table');
  const hist = await page.locator('[data-testid="history"] table').textContent();
  assert.match(hist, /Dikembalikan/);
  await page.locator('[data-testid="history"] tbody tr').nth(1).getByRole('button').click();
  await page.waitForSelector('[data-testid="snapshot"]');
  await shot(page, 'rad-returned');

  // Per-OPD view.
  await page.goto(base + `/#/rad/opd?region=32&year=${p3aks.year}`);
  await page.waitForSelector('[data-opd="Badan Kesbangpol"]');
  await shot(page, 'rad-opd');
  assert.deepEqual(missingKeys, [], 'no missing i18n keys');
}
