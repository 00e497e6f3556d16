// P3AKS figures (issue 14, item 2): admin records a case in Kabupaten Garut (32.05) with a
// girl of 12 served in 10 days, a boy of 9 whose safe-house referral is open 20 days and a
// woman served in 6 days (median 8); jabar's P3AKS page shows Garut's exact figures and the open
// referral (ids, type, provider, days; no names); pusat sees the count, not the list; the
// public portal shows counts only, small ones as "<3". Screenshots of the officer's page and
// the portal's section.
export default async function ({ newPage, login, shot, base, assert, log }) {
  const GIRL = 'Sekar Ayu Kinanti ' + Date.now().toString(36);
  const admin = await newPage();
  await login(admin, 'admin');
  const seeded = await admin.evaluate(async (girl) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const hdr = { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token };
    const call = async (method, path, body) => {
      const r = await fetch('/api/v1' + path, { method, headers: hdr, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(method + ' ' + path + ': ' + r.status + ' ' + (await r.text()));
      return r.json();
    };
    // Days back from today in WIB, the figures' reference day.
    const ago = (n) => new Date(Date.now() + 7 * 3600e3 - n * 86400e3).toISOString().slice(0, 10);
    const c = await call('POST', '/cases', { title: 'Bentrok antarkampung, pengungsi anak', region: '32.05', issue: 'identitas' });
    const v = await call('PUT', '/cases/' + c.case.id + '/victims', {
      counts: { l: { anak: 1 }, p: { anak: 2, dewasa: 1 } },
      people: [{ name: girl, sex: 'p', age: 12 }, { name: 'Bocah Sembilan Tahun', sex: 'l', age: 9 },
        { name: 'Ibu Tiga Puluh', sex: 'p', age: 30 }] });
    const ids = v.case.victims.people.map((p) => p.id);
    const service = async (victim, type, needed, steps) => {
      const s = await call('POST', '/victims/' + victim + '/services', { type, needed_on: ago(needed) });
      for (const [status, d] of steps) {
        await call('PATCH', '/services/' + s.service.id, { status, day: ago(d),
          ...(status === 'dirujuk' ? { provider: 'UPTD PPA Kabupaten Garut' } : {}) });
      }
      return s.service.id;
    };
    await service(ids[0], 'psikososial', 30, [['dirujuk', 29], ['diterima', 20]]);
    const open = await service(ids[1], 'rumah_aman', 40, [['dirujuk', 20]]);
    await service(ids[2], 'kesehatan', 10, [['dirujuk', 9], ['diterima', 4]]);
    return { caseId: c.case.id, open };
  }, GIRL);
  log(`case ${seeded.caseId}, open referral ${seeded.open}`);

  // jabar: Jawa Barat by default, a row per regency/city.
  const page = await newPage();
  await login(page, 'jabar');
  await page.goto(base + '/#/p3aks');
  await page.waitForSelector('[data-testid="p3aks-table"] tr[data-region="32.05"]');
  const cells = await page.locator('[data-testid="p3aks-table"] tr[data-region="32.05"] td')
    .evaluateAll((l) => l.map((x) => x.textContent.trim()));
  // counted, women/girls/boys, named, with a need, all served, share, median, open, waiting
  assert.deepEqual(cells.slice(0, 6), ['4', '1 / 2 / 1', '3', '3', '2', '66,7%'], 'Garut: ' + cells.join(' | '));
  assert.match(cells[6], /^8 hari/, 'median of 10 and 6 days: ' + cells[6]);
  assert.match(cells[6], /dari 2 korban/, 'the median rests on 2 victims');
  assert.deepEqual(cells.slice(7), ['1', '0']);
  const ref = page.locator(`[data-testid="p3aks-referrals"] tr[data-service="${seeded.open}"]`);
  await ref.waitFor();
  const refText = await ref.textContent();
  assert.match(refText, /Rumah aman/);
  assert.match(refText, /UPTD PPA Kabupaten Garut/);
  assert.match(refText, /20$/, 'open 20 days: ' + refText);
  assert.equal(await ref.locator(`a[href="#/cases/${seeded.caseId}"]`).count(), 1, 'links to the case');
  assert.ok(!(await page.locator('main').textContent()).includes(GIRL), 'no victim name on the page');
  await shot(page, 'p3aks');

  // pusat: the same figures, the count of open referrals without the list.
  const desk = await newPage();
  await login(desk, 'pusat');
  await desk.goto(base + '/#/p3aks?region=32');
  await desk.waitForSelector('[data-testid="p3aks-table"] tr[data-region="32.05"]');
  const refs = desk.locator('[data-testid="p3aks-referrals"]');
  assert.match(await refs.textContent(), /hanya untuk petugas wilayah kasus/);
  assert.equal(await refs.locator('tr[data-service]').count(), 0, 'no list for pusat');

  // The public portal: counts only.
  const pub = await newPage();
  await pub.goto(base + '/publik/');
  const sec = pub.locator('[data-testid="publik-p3aks"]');
  await sec.waitFor();
  const jabar = (await sec.locator('tr[data-region="32"]').textContent()).trim();
  assert.match(jabar, /<3/, 'small counts shown as <3: ' + jabar);
  const secText = await sec.textContent();
  assert.ok(!secText.includes(GIRL) && !secText.includes('UPTD'), 'no names or providers in public');
  await sec.scrollIntoViewIfNeeded();
  await shot(pub, 'publik-p3aks');
}
