// Each role sees only the nav entries it may use; pages outside the role show the 403 state;
// an API 403 (a kabkota creating an account outside its regency) is shown as a message.
const NAV = {
  admin: ['dashboard', 'events', 'intake-leads', 'alerts', 'lapor', 'rad', 'progress', 'compliance', 'p3aks', 'timdu', 'spaces', 'cases', 'users', 'panduan'],
  pusat: ['dashboard', 'events', 'intake-leads', 'alerts', 'lapor', 'rad', 'progress', 'compliance', 'p3aks', 'timdu', 'spaces', 'cases', 'panduan'],
  jabar: ['dashboard', 'events', 'intake-leads', 'alerts', 'lapor', 'rad', 'progress', 'compliance', 'p3aks', 'timdu', 'spaces', 'cases', 'users', 'panduan'],
  bandung: ['dashboard', 'events', 'intake-leads', 'alerts', 'lapor', 'rad', 'progress', 'compliance', 'p3aks', 'timdu', 'spaces', 'cases', 'users', 'panduan'],
  pelapor: ['lapor', 'panduan'],
};

export default async function ({ newPage, login, shot, base, assert, log }) {
  for (const [user, want] of Object.entries(NAV)) {
    const page = await newPage();
    await login(page, user);
    const nav = await page.locator('#nav-list a').evaluateAll((as) => as.map((a) => a.dataset.nav));
    assert.deepEqual(nav, want, `nav of ${user}`);
    const home = await page.evaluate(() => location.hash);
    assert.equal(home, user === 'pelapor' ? '#/lapor' : '#/dashboard', `home of ${user}`);
    await shot(page, 'home-' + user);
    log(user, 'nav:', nav.join(' '));
    for (const route of ['/users', '/dashboard', '/events', '/intake-leads', '/alerts']) {
      if (want.includes(route.slice(1))) continue;
      await page.goto(base + '/#' + route);
      await page.waitForSelector('#main:not([aria-busy]) h1');
      assert.match(await page.locator('main h1').textContent(), /Tidak berwenang/, `${user} on ${route}: 403 state`);
    }
    if (user === 'pelapor') await shot(page, 'forbidden-pelapor');
    await page.context().close();
  }

  // The server's 403 shows as a message: bandung (32.73) may not create an account in 33.74.
  const page = await newPage();
  await login(page, 'bandung');
  await page.goto(base + '/#/users');
  await page.waitForSelector('[data-testid="user-create"]');
  const form = page.locator('[data-testid="user-create"]');
  await form.getByLabel('Nama pengguna').fill('pelapor-semarang');
  await form.getByLabel('Wilayah').fill('33.74');
  await form.getByLabel('Kata sandi').fill('rahasia-semarang');
  await form.getByRole('button', { name: 'Buat akun' }).click();
  await page.locator('[data-testid="user-create"] [role="alert"]').waitFor();
  assert.match(await form.locator('[role="alert"]').textContent(), /tidak berwenang/i);
  // Logged out: protected routes go to the login page.
  const anon = await newPage();
  await anon.goto(base + '/#/events');
  await anon.waitForFunction(() => location.hash.startsWith('#/login'));
  assert.match(await anon.evaluate(() => location.hash), /next=/);
}
