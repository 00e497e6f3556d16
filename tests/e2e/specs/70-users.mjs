// Users admin: the jabar operator creates a kabkota account in its province, sets a new
// password for it, disables and enables it; the new account can log in.
export default async function ({ newPage, login, shot, base, assert, log }) {
  const page = await newPage();
  await login(page, 'jabar');
  await page.goto(base + '/#/users');
  await page.waitForSelector('[data-testid="user-create"]');
  const form = page.locator('[data-testid="user-create"]');
  await form.getByLabel('Nama pengguna').fill('cimahi');
  await form.getByLabel('Nama lengkap').fill('Operator Kota Cimahi');
  await form.getByLabel('Peran').selectOption('kabkota');
  await form.getByLabel('Wilayah').fill('32.77');
  await form.getByLabel('Kata sandi').fill('rahasia-cimahi');
  await form.getByRole('button', { name: 'Buat akun' }).click();
  await form.locator('.notice-ok').waitFor();
  const row = page.locator('tr[data-user="cimahi"]');
  await row.waitFor();
  await row.getByRole('button', { name: 'Ganti kata sandi' }).click();
  await row.getByLabel('Kata sandi baru').fill('sandi-baru-cimahi');
  await row.getByRole('button', { name: 'Simpan' }).click();
  await page.locator('main .notice-ok', { hasText: 'Kata sandi cimahi diganti' }).waitFor();
  await row.locator('[data-action="disable"]').click();
  await page.locator('tr[data-user="cimahi"] [data-action="enable"]').waitFor();
  assert.match(await page.locator('tr[data-user="cimahi"]').textContent(), /nonaktif/);
  await shot(page, 'users-jabar');
  await page.locator('tr[data-user="cimahi"] [data-action="enable"]').click();
  await page.locator('tr[data-user="cimahi"] [data-action="disable"]').waitFor();
  const other = await newPage();
  await login(other, 'cimahi', 'sandi-baru-cimahi');
  assert.equal(await other.evaluate(() => location.hash), '#/dashboard');
  log('cimahi created, password set, disabled, enabled, logged in');
}
