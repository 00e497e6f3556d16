// Who may do what on the plan pages: a kabkota officer (bandung, 32.73) does not see the
// province's plans and gets the 403 state on a direct URL; the province reads its regency's plan
// without edit buttons; pusat gets no edit buttons on a draft; pelapor gets the 403 state on
// every plan page. The pages work at 360 px and in English.
export default async function ({ newPage, login, shot, base, assert, log }) {
  const page = await newPage();
  await login(page, 'bandung');
  const province = await newPage();
  await login(province, 'jabar');
  const ids = await province.evaluate(async () => {
    const items = (await (await fetch('/api/v1/rad?region=32')).json()).items;
    return { prov: items.filter((p) => p.region === '32').map((p) => p.id), kota: items.find((p) => p.region === '32.73').id };
  });

  await page.goto(base + '/#/rad');
  await page.waitForSelector('#rad-results table');
  const listed = await page.locator('#rad-results tr[data-rad]').evaluateAll((rs) => rs.map((r) => Number(r.dataset.rad)));
  assert.ok(listed.includes(ids.kota) && !ids.prov.some((id) => listed.includes(id)), 'bandung lists only its own plan');
  for (const id of ids.prov) {
    await page.goto(base + '/#/rad/' + id);
    await page.waitForSelector('#main:not([aria-busy]) h1');
    assert.match(await page.locator('main h1').textContent(), /Tidak berwenang/, `bandung on plan ${id}: 403 state`);
    assert.equal(await page.locator('main button[data-action]').count(), 0, 'no action buttons');
  }
  await shot(page, 'rad-forbidden');
  log('bandung: 403 on province plans', ids.prov.join(','));

  // The province reads Kota Bandung's plan but may not change it.
  await province.goto(base + '/#/rad/' + ids.kota);
  await province.waitForSelector('[data-testid="rad-actions"]');
  assert.equal(await province.locator('main button[data-action]').count(), 0, 'jabar has no buttons on the regency plan');

  // pusat on the Jawa Tengah draft: reads, no editing, no review yet.
  const pusat = await newPage();
  await login(pusat, 'pusat');
  const draft = await pusat.evaluate(async () => (await (await fetch('/api/v1/rad?region=33&status=draft')).json()).items[0].id);
  await pusat.goto(base + '/#/rad/' + draft);
  await pusat.waitForSelector('[data-testid="workflow-info"]');
  assert.equal(await pusat.locator('main button[data-action]').count(), 0, 'pusat does not edit a draft');
  assert.equal(await pusat.locator('[data-testid="rad-create"]').count(), 0);

  // pelapor: no plan pages at all.
  const pel = await newPage();
  await login(pel, 'pelapor');
  const nav = await pel.locator('#nav-list a').evaluateAll((as) => as.map((a) => a.dataset.nav));
  assert.ok(!nav.some((n) => ['rad', 'progress', 'compliance', 'timdu'].includes(n)), 'pelapor has no plan pages in the nav');
  for (const r of ['/rad', '/rad/' + ids.kota, '/progress', '/compliance', '/timdu']) {
    await pel.goto(base + '/#' + r);
    await pel.waitForSelector('#main:not([aria-busy]) h1');
    assert.match(await pel.locator('main h1').textContent(), /Tidak berwenang/, `pelapor on ${r}`);
  }

  // 360 px: no sideways page scrolling; English labels.
  const phone = await newPage({ viewport: { width: 360, height: 740 } });
  await login(phone, 'jabar');
  for (const [route, sel, name] of [['/rad/' + ids.prov[0], '[data-testid="rad-status"]', 'rad-detail-360'], ['/progress', '[data-testid="progress-matrix"]', 'progress-360'],
    ['/timdu', '[data-testid="timdu-table"]', 'timdu-360']]) {
    await phone.goto(base + '/#' + route);
    await phone.waitForSelector(sel);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${route} fits 360 px (overflow ${overflow})`);
    await shot(phone, name);
  }
  // Every form control of the plan pages has a label.
  const timdu = await phone.evaluate(async () => (await (await fetch('/api/v1/timdu?region=32')).json()).items.find((x) => x.region === '32').id);
  for (const [route, sel] of [['/rad', '[data-testid="rad-create"]'], ['/timdu/' + timdu, '[data-testid="member-form"]'], ['/compliance', '[data-testid="compliance-table"]']]) {
    await phone.goto(base + '/#' + route);
    await phone.waitForSelector(sel);
    const unlabelled = await phone.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')]
      .filter((e) => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.name || e.outerHTML.slice(0, 60)));
    assert.deepEqual(unlabelled, [], `${route}: unlabelled controls`);
  }
  await phone.locator('[data-lang="en"]').click();
  await phone.goto(base + '/#/rad');
  await phone.waitForSelector('#rad-results table');
  assert.equal((await phone.locator('main h1').textContent()).trim(), 'Regional action plans (RAD)');
  assert.match(await phone.locator('[data-testid="rad-create"]').textContent(), /Create RAD/);
  await phone.goto(base + '/#/compliance');
  await phone.waitForSelector('[data-testid="compliance-table"]');
  assert.match(await phone.locator('[data-testid="exports"]').textContent(), /Download CSV/);
  await shot(phone, 'compliance-en-360');
  await phone.locator('[data-lang="id"]').click();
}
