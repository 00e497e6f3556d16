// The public portal needs no login and never shows personal data: neither the page text nor
// any API response it loads contains a demo user's full name (the reporters among them), a
// named victim of a demo case, or a
// "reporter" field. Also: Panduan is reachable from it without login.
export default async function ({ newPage, base, shot, assert, log, PASSWORD }) {
  // Names to look for, from the API as admin: every user's full name and the pelapor usernames,
  // and the named victims of the demo cases when the API lists them.
  const adminPage = await newPage();
  await adminPage.goto(base + '/api/v1/health');
  const names = await adminPage.evaluate(async ({ base, PASSWORD }) => {
    const r = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    const { csrf_token } = await r.json();
    const users = (await (await fetch(base + '/api/v1/users')).json()).items;
    const out = users.map((u) => u.full_name).filter((n) => n && n.length > 3);
    const cases = await fetch(base + '/api/v1/cases');
    if (cases.ok) {
      for (const c of ((await cases.json()).items || [])) {
        const d = await (await fetch(base + '/api/v1/cases/' + c.id)).json();
        const v = (d.case || d).victims || {};
        for (const p of v.people || []) if (p && p.name) out.push(p.name);
        if (c.title) out.push(c.title);
      }
    }
    await fetch(base + '/api/v1/auth/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrf_token } });
    return out;
  }, { base, PASSWORD });
  log(`checking for ${names.length} names: ${names.join(', ')}`);
  assert.ok(names.length >= 5);

  const page = await newPage();
  const bodies = [];
  page.on('response', async (r) => {
    if (!r.url().includes('/api/')) return;
    try { bodies.push({ url: r.url(), status: r.status(), text: await r.text() }); } catch { /* redirects */ }
  });
  await page.goto(base + '/publik/');
  await page.waitForSelector('body[data-ready]', { timeout: 15000 });
  await shot(page, 'publik');
  const text = await page.locator('body').innerText();
  for (const n of names) assert.ok(!text.toLowerCase().includes(n.toLowerCase()), `page text has no "${n}"`);
  assert.ok(bodies.length >= 2, 'the portal loaded data from the API');
  for (const b of bodies) {
    assert.ok(!b.url.includes('/auth/') && !b.url.includes('/events') && !b.url.includes('/users'), `public page calls only public endpoints (${b.url})`);
    assert.ok(!/"reporter/.test(b.text), `${b.url}: no reporter field`);
    for (const n of names) assert.ok(!b.text.toLowerCase().includes(n.toLowerCase()), `${b.url}: no "${n}"`);
  }
  log('API responses checked:', bodies.map((b) => `${new URL(b.url).pathname} ${b.status}`).join(', '));
  const paths = await page.locator('#map path').count();
  log(`public map: ${paths} paths`);
  assert.ok(paths >= 38 || (await page.locator('#map .notice').count()) === 1);

  // English, and the guides without login.
  await page.locator('[data-lang="en"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en' && /Social security situation/.test(document.querySelector('h1').textContent));
  await shot(page, 'publik-en');
  await page.getByRole('link', { name: 'How to report' }).first().click();
  await page.waitForSelector('#main:not([aria-busy]) h1');
  assert.match(await page.locator('main h1').textContent(), /How to report an incident/);
  await shot(page, 'panduan-public-en');
}
