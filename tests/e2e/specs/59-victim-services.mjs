// Services of a named victim (P3AKS, issue 14): bandung (kabkota 32.73) records a case with a
// named 12-year-old girl, then on the case page adds a psychosocial need, refers it to the UPTD
// PPA (the provider asked for inline) and marks it received, each step dated today by default;
// the dates and statuses show under the victim. pusat sees the case without the victim or her
// services. Screenshots of the case page in Indonesian and English.
export default async function ({ newPage, login, shot, base, assert, log }) {
  const page = await newPage();
  await login(page, 'bandung');
  const NAME = 'Anak Uji Layanan ' + Date.now().toString(36);
  const caseId = await page.evaluate(async (name) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const hdr = { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token };
    const c = await (await fetch('/api/v1/cases', { method: 'POST', headers: hdr,
      body: JSON.stringify({ title: 'Perundungan anak di lokasi pengungsian', region: '32.73', issue: 'identitas', status: 'aktif' }) })).json();
    await fetch('/api/v1/cases/' + c.case.id + '/victims', { method: 'PUT', headers: hdr,
      body: JSON.stringify({ counts: { p: { anak: 1 } }, people: [{ name, sex: 'p', age: 12, address: 'Kelurahan Contoh', condition: 'trauma' }] }) });
    return c.case.id;
  }, NAME);
  log(`case ${caseId}`);

  await page.goto(base + '/#/cases/' + caseId);
  const block = page.locator('[data-testid="victim-services"]');
  await block.waitFor();
  assert.match(await block.locator('h4').textContent(), new RegExp('Layanan untuk ' + NAME));
  assert.match(await block.locator('h4').textContent(), /Perempuan\/anak/, 'a girl of 12 counts for P3AKS');
  assert.match(await block.textContent(), /Belum ada kebutuhan layanan/);

  // A psychosocial need: the type is required.
  await block.getByText('Catat kebutuhan layanan').click();
  const add = block.locator('[data-testid="service-add"]');
  await add.getByRole('button', { name: 'Tambah kebutuhan' }).click();
  assert.equal(await add.getByLabel('Jenis layanan').getAttribute('aria-invalid'), 'true', 'type required');
  await add.getByLabel('Jenis layanan').selectOption('psikososial');
  await add.getByLabel('Catatan').fill('Anak sulit tidur sejak kejadian');
  await add.getByRole('button', { name: 'Tambah kebutuhan' }).click();
  const row = () => page.locator('[data-testid="victim-services"] tr[data-service]').first();
  await page.waitForSelector('[data-testid="victim-services"] tr[data-service][data-status="dibutuhkan"]');
  assert.match(await row().textContent(), /Dukungan psikososial/);
  assert.match(await row().textContent(), /Dibutuhkan/);

  // Refer it: the provider is asked for before the step is sent.
  await row().getByRole('button', { name: 'Tandai Dirujuk' }).click();
  const provider = row().getByLabel('Penyedia layanan');
  assert.equal(await provider.getAttribute('aria-invalid'), 'true', 'provider required for a referral');
  await provider.fill('UPTD PPA Kota Bandung');
  await row().getByRole('button', { name: 'Tandai Dirujuk' }).click();
  await page.waitForSelector('[data-testid="victim-services"] tr[data-service][data-status="dirujuk"]');
  assert.match(await row().textContent(), /UPTD PPA Kota Bandung/);

  // Received, dated today (the default of the step's day).
  const today = await row().getByLabel('Tanggal langkah ini').inputValue();
  assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
  await row().getByRole('button', { name: 'Tandai Diterima' }).click();
  await page.waitForSelector('[data-testid="victim-services"] tr[data-service][data-status="diterima"]');
  const text = await row().textContent();
  for (const s of ['Dibutuhkan', 'Dirujuk', 'Diterima']) assert.match(text, new RegExp(s + ':'), 'the day of ' + s);
  assert.equal(await row().locator('time').count(), 3, 'three dated steps');
  assert.equal(await row().locator('time').nth(2).getAttribute('datetime'), today);
  assert.equal(await row().getByRole('button', { name: 'Tandai Selesai' }).count(), 1, 'next: selesai');
  assert.equal(await row().getByText('Tolak…').count(), 0, 'no refusal after receipt');
  await shot(page, '59-victim-services');

  // What the API holds matches the page.
  const svc = await page.evaluate(async (id) => {
    const c = await (await fetch('/api/v1/cases/' + id)).json();
    return c.case.victims.people[0].services[0];
  }, caseId);
  assert.equal(svc.status, 'diterima');
  assert.equal(svc.type, 'psikososial');
  assert.equal(svc.provider, 'UPTD PPA Kota Bandung');
  assert.equal(svc.received_on, today);

  // English labels.
  await page.locator('[data-lang="en"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.waitForSelector('[data-testid="victim-services"] tr[data-service]');
  assert.match(await row().textContent(), /Psychosocial support/);
  assert.match(await row().textContent(), /Received/);
  await shot(page, '59-victim-services-en');
  await page.locator('[data-lang="id"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'id');

  // pusat reads the case, not the victim or her services.
  const pusat = await newPage();
  await login(pusat, 'pusat');
  await pusat.goto(base + '/#/cases/' + caseId);
  await pusat.waitForSelector('[data-testid="names-hidden"]');
  assert.equal(await pusat.locator('[data-testid="victim-services"]').count(), 0);
  assert.ok(!(await pusat.locator('main').textContent()).includes(NAME), 'no name for pusat');
}
