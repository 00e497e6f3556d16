// Timdu registry: jabar sees its province's Timdu and Kota Bandung's; members of its own Timdu
// with contacts, Bandung's without (contacts only for officers of exactly that region); adds a
// member with the keyboard-friendly form; forums list their contact persons.
export default async function ({ newPage, login, shot, base, assert, log }) {
  const page = await newPage();
  await login(page, 'jabar');
  await page.goto(base + '/#/timdu');
  await page.waitForSelector('[data-testid="timdu-table"]');
  await shot(page, 'timdu');
  const regions = await page.locator('[data-testid="timdu-table"] tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.region));
  assert.deepEqual(regions.sort(), ['32', '32.73'], 'the province and its regency');
  assert.ok(await page.locator('[data-testid="forum-table"] tbody tr').count() >= 1, 'forums are listed');

  // Own Timdu: members with sub-team and contacts.
  await page.locator('[data-testid="timdu-table"] tr[data-region="32"] a').click();
  await page.waitForSelector('[data-testid="members"]');
  const members = page.locator('[data-testid="members"] tbody tr');
  const before = await members.count();
  assert.ok(before >= 3, 'members are shown');
  const head = await page.locator('[data-testid="members"] thead').textContent();
  assert.match(head, /Subtim/);
  assert.match(head, /Kontak/, 'contacts for officers of the region');
  assert.match(await page.locator('[data-testid="timdu-valid"]').textContent(), /Berlaku/);
  assert.match(await page.locator('[data-testid="members"] tbody').textContent(), /0812/, 'a phone number is visible');

  const f = page.locator('[data-testid="member-form"]');
  await f.getByLabel('Nama').fill('Anggota Uji Pemulihan');
  await f.getByLabel('Jabatan dalam Timdu').fill('Anggota');
  await f.getByLabel('Instansi', { exact: true }).fill('Dinas Pemberdayaan Perempuan dan Perlindungan Anak');
  await f.getByLabel('Jenis instansi').selectOption('opd');
  await f.getByLabel('Subtim').selectOption('pemulihan');
  await f.getByLabel('Surel').fill('bukan-surel');
  await f.getByRole('button', { name: 'Tambah anggota' }).click();
  assert.equal(await f.getByLabel('Surel').getAttribute('aria-invalid'), 'true', 'a bad e-mail is flagged');
  await f.getByLabel('Surel').fill('');
  await f.getByRole('button', { name: 'Tambah anggota' }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="members"] tbody tr').length === n + 1, before);
  assert.match(await page.locator('[data-subteam="pemulihan"]').textContent(), /Pemulihan: 2/);
  await shot(page, 'timdu-detail');

  // Kota Bandung's Timdu: readable, no contacts, no editing.
  await page.goto(base + '/#/timdu');
  await page.locator('[data-testid="timdu-table"] tr[data-region="32.73"] a').click();
  await page.waitForSelector('[data-testid="members"]');
  assert.doesNotMatch(await page.locator('[data-testid="members"] thead').textContent(), /Kontak/);
  assert.doesNotMatch(await page.locator('[data-testid="members"] tbody').textContent(), /08\d{6,}/, 'no phone numbers of another region');
  await page.locator('[data-testid="contacts-hidden"]').waitFor();
  assert.equal(await page.locator('[data-testid="member-form"]').count(), 0, 'no member form outside the own region');
  log('own Timdu with contacts, Bandung\'s without');
}
