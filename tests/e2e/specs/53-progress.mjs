// Progress reports: jabar reports on an action of its approved plan for an open period, with
// inline errors for a bad percentage and a file type the server refuses, then a PDF as evidence;
// the evidence downloads with the right bytes and type; a second file (PNG) is added from the
// report page; a kabkota officer outside the province cannot fetch the file.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

export default async function ({ newPage, login, shot, base, assert, log }) {
  const page = await newPage({ acceptDownloads: true });
  await login(page, 'jabar');
  const plan = await page.evaluate(async () => {
    const items = (await (await fetch('/api/v1/rad?region=32&type=pks&status=disetujui')).json()).items;
    return items.sort((a, b) => a.year - b.year)[0];
  });
  await page.goto(base + '/#/progress?rad=' + plan.id);
  await page.waitForSelector('[data-testid="progress-matrix"]');
  await shot(page, 'progress');
  const cells = await page.locator('[data-testid="progress-matrix"] td[data-period] a').count();
  assert.ok(cells >= 4, 'reported cells link to their reports');
  const open = page.locator('[data-testid="progress-matrix"] [data-action="report"]').first();
  assert.ok(await open.count(), 'a period still to report has a Lapor button');
  const cell = open.locator('xpath=ancestor::td');
  const period = await cell.getAttribute('data-period');
  const actionId = await open.locator('xpath=ancestor::tr').getAttribute('data-action-id');
  await open.click();
  const form = page.locator('[data-testid="progress-form"]');
  await form.waitFor();
  assert.equal(await form.getByLabel('Periode').inputValue(), period);
  assert.equal(await form.getByLabel('Aksi', { exact: true }).inputValue(), actionId);

  await form.getByLabel('Realisasi fisik (%)').fill('120');
  await form.getByLabel('Realisasi anggaran (Rp)').fill('25.000.000');
  await form.getByLabel('Uraian kegiatan').fill('Pelatihan tahap kedua selesai di 9 kecamatan.');
  await form.getByLabel('Kendala').fill('Jadwal bentrok dengan musim tanam.');
  await form.getByLabel('Tindak lanjut').fill('Sisa kecamatan dijadwalkan ulang bulan depan.');
  await form.getByLabel('Bukti dukung').setInputFiles({ name: 'catatan.txt', mimeType: 'text/plain', buffer: Buffer.from('teks') });
  assert.match(await form.locator('.field-error:not([hidden])').last().textContent(), /Jenis berkas tidak diterima/);
  await form.locator('[data-action="save-report"]').click();
  assert.equal(await form.getByLabel('Realisasi fisik (%)').getAttribute('aria-invalid'), 'true', '120% is refused');
  await shot(page, 'progress-form');
  await form.getByLabel('Realisasi fisik (%)').fill('45,5');
  await form.getByLabel('Bukti dukung').setInputFiles({ name: 'Bukti kegiatan #2 (foto).pdf', mimeType: 'application/pdf', buffer: PDF });
  assert.equal(await form.locator('.field-error:not([hidden])').count(), 0, 'no errors left');
  await form.locator('[data-action="save-report"]').click();
  await page.waitForFunction(() => /^#\/progress\/\d+$/.test(location.hash));
  await page.waitForSelector('[data-testid="evidence"] a');
  assert.match(await page.locator('[data-testid="progress-flash"]').textContent(), /tersimpan/);
  assert.equal((await page.locator('[data-testid="report-period"]').textContent()).trim(), period);
  assert.match(await page.locator('main').textContent(), /45,5%/);
  const link = page.locator('[data-testid="evidence"] a').first();
  assert.equal((await link.textContent()).trim(), 'Bukti kegiatan _2 (foto).pdf', 'the file name is made safe for the server');

  // Download: the same bytes, as a PDF attachment.
  const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const chunks = [];
  for await (const c of await dl.createReadStream()) chunks.push(c);
  assert.ok(Buffer.concat(chunks).equals(PDF), 'downloaded bytes equal the upload');
  const href = await link.getAttribute('href');
  const head = await page.evaluate(async (u) => { const r = await fetch(u); return { s: r.status, t: r.headers.get('content-type'), d: r.headers.get('content-disposition') }; }, href);
  assert.deepEqual([head.s, head.t], [200, 'application/pdf']);
  assert.match(head.d, /^attachment/);

  // A second file from the report page.
  const ev = page.locator('[data-testid="evidence-form"]');
  await ev.getByLabel('Tambah bukti dukung').setInputFiles({ name: 'foto-lokasi.png', mimeType: 'image/png', buffer: PNG });
  await ev.locator('[data-action="upload"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="evidence"] li').length === 2);
  await shot(page, 'progress-detail');
  const reportId = (await page.evaluate(() => location.hash)).split('/').pop();
  log(`report ${reportId} (${period}) with 2 evidence files`);

  // The matrix shows the new report.
  await page.goto(base + '/#/progress?rad=' + plan.id);
  await page.waitForSelector(`[data-testid="progress-matrix"] tr[data-action-id="${actionId}"] td[data-period="${period}"] a[href="#/progress/${reportId}"]`);

  // Outside the province: no file, and the report page shows the 403 state.
  const other = await newPage();
  await login(other, 'bandung');
  const status = await other.evaluate(async (u) => (await fetch(u)).status, href);
  assert.equal(status, 403, 'bandung may not fetch the province\'s evidence');
  await other.goto(base + '/#/progress/' + reportId);
  await other.waitForSelector('#main:not([aria-busy]) h1');
  assert.match(await other.locator('main h1').textContent(), /Tidak berwenang/);
}
