// Incoming messages (pesan masuk, issue 16 item 3): admin registers a gateway channel through
// the API (its secret shown once); the "gateway" (this spec) posts four messages signed with it
// (HMAC-SHA256 of "<timestamp>.<body>") from numbers that are nobody's, so each becomes a lead:
// two in Kota Bandung (32.73), one in Kabupaten Bandung (32.04), one without a region. bandung
// (kabkota 32.73) finds the menu entry, sees the empty queue first and then only its two leads,
// masked numbers, received times, regions, texts and statuses exactly; opens one (the whole
// number), is refused by the API when promoting it into a region outside its scope, cancels a
// confirmation (nothing happens), promotes it (a report and an event of its own), discards the
// other with a note; the list shows both decisions. bandung opening the 32.04 lead gets the
// API's 404; pusat reads every regional lead but has no buttons; admin sees the lead without a
// region; pelapor has no menu entry, gets the 403 state and the API's 403. The list and a lead
// fit a 360 px phone. Screenshots: intake-*.png.
import { createHmac } from 'node:crypto';

export default async function ({ newPage, login, shot, base, assert, log }) {
  const JKT = { timezoneId: 'Asia/Jakarta' }; // the times below are checked as shown in WIB
  const seen = (page, sel) => page.locator(sel).first().textContent().then((s) => s.trim());
  const go = async (page, route) => {
    await page.evaluate((r) => { const o = document.querySelector('#main h1'); if (o) o.dataset.e2eOld = '1'; location.hash = '#' + r; }, route);
    await page.waitForSelector('#main:not([aria-busy]) h1:not([data-e2e-old])');
    await page.waitForFunction(() => !document.querySelector('#main .loading'));
  };
  // The next confirm() of the page, answered; resolves to its text.
  const dialog = (page, accept) => new Promise((resolve) => page.once('dialog', async (d) => {
    const text = d.message();
    if (accept) await d.accept(); else await d.dismiss();
    resolve(text);
  }));
  const api = (page, method, path, body) => page.evaluate(async ([method, path, body]) => {
    const me = await fetch('/api/v1/auth/me').then((r) => r.json());
    const r = await fetch('/api/v1' + path, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, body]);

  // ---- the empty queue, before any message ---------------------------------------------------
  const page = await newPage(JKT);
  await login(page, 'bandung');
  const nav = page.locator('#nav-list a[data-nav="intake-leads"]');
  assert.equal((await nav.textContent()).trim(), 'Pesan masuk', 'bandung has the menu entry');
  await nav.click();
  await page.waitForSelector('[data-testid="intake-empty"]');
  assert.equal(await seen(page, 'main h1'), 'Pesan masuk');
  assert.equal(await seen(page, '[data-testid="intake-empty"]'), 'Tidak ada pesan masuk berstatus Baru.');
  assert.equal(await page.evaluate(() => location.hash), '#/intake-leads?status=baru');
  await shot(page, 'intake-empty');

  // ---- the channel and four signed messages from unknown numbers ---------------------------------
  const admin = await newPage(JKT);
  await login(admin, 'admin');
  const ch = await api(admin, 'POST', '/intake-channels', { name: 'sms-e2e' });
  assert.equal(ch.status, 201, JSON.stringify(ch.body));
  const secret = ch.body.secret;
  assert.match(secret, /^[0-9a-f]{64}$/);
  async function send(message_id, from, text, received_at) {
    const body = JSON.stringify({ message_id, from, text, received_at, via: 'sms' });
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = createHmac('sha256', secret).update(ts + '.' + body).digest('hex');
    const r = await fetch(base + '/api/v1/intake/sms-e2e', { method: 'POST', body,
      headers: { 'Content-Type': 'application/json', 'X-Waspada-Timestamp': ts, 'X-Waspada-Signature': 'sha256=' + sig } });
    const j = await r.json();
    assert.equal(r.status, 202, `${message_id}: ${JSON.stringify(j)}`);
    assert.equal(j.outcome, 'lead');
    return j.lead_id;
  }
  const TEXT_A = 'warga dua RW saling lempar batu di Jalan Cikutra, 3 orang luka';
  const TEXT_B = 'promo pulsa murah, hubungi nomor ini';
  const TEXT_C = 'ada keributan di pasar malam';
  const TEXT_D = 'jembatan desa dirusak sekelompok orang';
  const a = await send('e2e-a', '0899 7000 1234', 'LAPOR 32.73 ' + TEXT_A, '2026-01-15T01:30:00Z');
  const b = await send('e2e-b', '+62 821 5550 0077', 'LAPOR 32.73 ' + TEXT_B, '2026-01-15T02:05:00Z');
  const c = await send('e2e-c', '0899 7000 1234', TEXT_C, '2026-01-15T03:00:00Z');
  const d = await send('e2e-d', '0857 1111 2222', 'LAPOR 32.04 ' + TEXT_D, '2026-01-15T03:10:00Z');
  log('leads', { a, b, c, d });

  // ---- bandung's queue: its two leads, newest first, exactly as the list API gives them ----------
  await page.getByRole('button', { name: 'Cari' }).click();
  await page.waitForSelector('[data-testid="intake-list"]');
  const rows = page.locator('[data-testid="intake-list"] > li');
  assert.deepEqual(await rows.evaluateAll((ls) => ls.map((l) => Number(l.dataset.lead))), [b, a], 'only the 32.73 leads, newest first');
  const row = async (id) => {
    const li = page.locator(`[data-lead="${id}"]`);
    const f = async (name) => (await li.locator(`[data-field="${name}"]`).textContent()).trim();
    return { link: await f('link'), received: await f('received'), phone: await f('phone'), region: await f('region'), text: await f('text'), status: await f('status') };
  };
  assert.deepEqual(await row(a), { link: `Pesan #${a}`, received: '15 Jan 2026, 08.30', phone: '+62********234',
    region: 'Kota Bandung (32.73)', text: TEXT_A, status: 'Baru' });
  assert.deepEqual(await row(b), { link: `Pesan #${b}`, received: '15 Jan 2026, 09.05', phone: '+62********077',
    region: 'Kota Bandung (32.73)', text: TEXT_B, status: 'Baru' });
  const listed = await api(page, 'GET', '/intake-leads');
  assert.equal(listed.body.items.find((x) => x.id === a).phone, '+62********234', 'the list API masks the number the same way');
  assert.ok(!(await page.locator('main').textContent()).includes('+6289970001234'), 'no whole number in the list');
  await shot(page, 'intake-list');

  // ---- one lead: the whole number; a refusal from the API; a cancelled confirmation ---------------
  await page.locator(`[data-lead="${a}"] [data-field="link"]`).click();
  await page.waitForSelector('[data-testid="lead-actions"]');
  assert.equal(await seen(page, 'main h1'), `Pesan #${a}`);
  const meta = async () => page.locator('[data-testid="lead-meta"]').evaluate((dl) => Object.fromEntries(
    [...dl.querySelectorAll('[data-field]')].map((e) => [e.dataset.field, e.textContent.trim()])));
  assert.deepEqual(await meta(), { status: 'Baru', received: '15 Jan 2026, 08.30', phone: '+6289970001234',
    region: 'Kota Bandung (32.73)', via: 'SMS · sms-e2e' });
  assert.equal(await seen(page, 'blockquote[data-field="text"]'), TEXT_A);
  const where = page.getByLabel('Wilayah laporan');
  assert.equal(await where.inputValue(), '32.73 — Kota Bandung', 'the region the message gave');
  await shot(page, 'intake-detail');

  // Promoting into Kabupaten Bandung: outside bandung's scope, the API's 403 shown in the page.
  await where.fill('32.04');
  let asked = dialog(page, true);
  await page.locator('[data-action="promote"]').click();
  assert.equal(await asked, `Jadikan pesan #${a} laporan di 32.04? Keputusan ini tidak dapat dibatalkan.`);
  const refusal = page.locator('[data-testid="lead-msg"] [role="alert"]');
  await refusal.waitFor();
  assert.equal(await refusal.textContent(), 'Anda tidak berwenang membuka atau mengubah ini.not allowed to promote this lead');
  await shot(page, 'intake-refused');

  // A cancelled confirmation changes nothing.
  await where.fill('32.73 — Kota Bandung');
  asked = dialog(page, false);
  await page.locator('[data-action="promote"]').click();
  assert.equal(await asked, `Jadikan pesan #${a} laporan di Kota Bandung (32.73)? Keputusan ini tidak dapat dibatalkan.`);
  assert.equal((await api(page, 'GET', '/intake-leads/' + a)).body.lead.status, 'baru', 'cancelled: still new');

  // ---- promote -----------------------------------------------------------------------------------
  asked = dialog(page, true);
  await page.locator('[data-action="promote"]').click();
  await asked;
  await page.waitForSelector('[data-testid="lead-done"]');
  const lead = (await api(page, 'GET', '/intake-leads/' + a)).body.lead;
  assert.equal(lead.status, 'dipromosikan');
  assert.ok(lead.report_id > 0);
  const done = page.locator('[data-testid="lead-done"]');
  const eventHref = await done.locator('[data-testid="lead-event"]').getAttribute('href');
  const eventId = Number(eventHref.split('/').pop());
  assert.match(eventHref, /^#\/events\/\d+$/);
  assert.equal((await done.textContent()).trim(), `Pesan #${a} dijadikan laporan #${lead.report_id}. Buka kejadian #${eventId}`);
  assert.equal(await seen(page, '#toast .toast-text'), `Pesan #${a} dijadikan laporan #${lead.report_id}.`);
  const m = await meta();
  assert.match(m.decided, /^bandung · \d{1,2} \S+ \d{4}, \d\d\.\d\d$/);
  assert.deepEqual({ ...m, decided: undefined }, { status: 'Dijadikan laporan', received: '15 Jan 2026, 08.30', phone: '+6289970001234',
    region: 'Kota Bandung (32.73)', via: 'SMS · sms-e2e', decided: undefined, report: `Laporan #${lead.report_id}` });
  assert.equal(await page.locator('[data-action="promote"], [data-action="discard"]').count(), 0, 'nothing more to decide');
  assert.equal(await seen(page, '[data-testid="lead-actions"] p'), 'Pesan ini sudah diputuskan.');
  await shot(page, 'intake-promoted');
  await page.locator('[data-testid="lead-event"]').click();
  await page.waitForFunction((h) => location.hash === h, eventHref);
  await page.waitForSelector('#main:not([aria-busy]) h1');
  const ev = (await api(page, 'GET', '/events/' + eventId)).body;
  assert.equal(ev.regency_code, '32.73', 'the event is in Kota Bandung');
  assert.equal(ev.status, 'menunggu', 'a lead awaiting verification');
  assert.match(await seen(page, 'main h1'), / – Kota Bandung, Jawa Barat$/, 'the event page opens'); // category: the detector's

  // ---- discard the other, with a note ---------------------------------------------------------------
  await go(page, '/intake-leads/' + b);
  await page.waitForSelector('[data-testid="lead-actions"]');
  await page.getByLabel('Catatan').fill('iklan pulsa, bukan laporan');
  asked = dialog(page, true);
  await page.locator('[data-action="discard"]').click();
  assert.equal(await asked, `Buang pesan #${b}? Keputusan ini tidak dapat dibatalkan.`);
  await page.waitForSelector('[data-testid="lead-done"]');
  assert.equal(await seen(page, '[data-testid="lead-done"]'), `Pesan #${b} dibuang.`);
  assert.equal(await seen(page, '#toast .toast-text'), `Pesan #${b} dibuang.`);
  const mb = await meta();
  assert.equal(mb.status, 'Dibuang');
  assert.equal(mb.note, 'iklan pulsa, bukan laporan');
  assert.equal(mb.phone, '+6282155500077');
  assert.match(mb.decided, /^bandung · /);
  assert.equal((await api(page, 'GET', '/intake-leads/' + b)).body.lead.status, 'dibuang');
  await shot(page, 'intake-discarded');

  // ---- the list: nothing new; everything with the decisions ----------------------------------------------
  await go(page, '/intake-leads');
  await page.waitForSelector('[data-testid="intake-empty"]');
  await page.getByLabel('Status').selectOption('');
  await page.getByRole('button', { name: 'Cari' }).click();
  await page.waitForSelector('[data-testid="intake-list"]');
  assert.equal(await page.evaluate(() => location.hash), '#/intake-leads?status=semua');
  assert.deepEqual(await rows.evaluateAll((ls) => ls.map((l) => [Number(l.dataset.lead), l.querySelector('[data-field="status"]').textContent])),
    [[b, 'Dibuang'], [a, 'Dijadikan laporan']]);
  await shot(page, 'intake-list-all');

  // ---- someone else's lead: the API's 404, shown -----------------------------------------------------------
  await go(page, '/intake-leads/' + d);
  assert.equal(await seen(page, 'main h1'), 'Pesan tidak ditemukan');
  assert.equal(await page.locator('main [role="alert"]').textContent(), `Tidak ditemukan.no lead with id '${d}'`);
  await shot(page, 'intake-not-found');

  // ---- in English -------------------------------------------------------------------------------------------
  await go(page, '/intake-leads/' + a);
  await page.locator('[data-lang="en"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.waitForSelector('#main:not([aria-busy]) [data-testid="lead-meta"]');
  assert.equal(await seen(page, 'main h1'), `Message #${a}`);
  assert.equal(await seen(page, '[data-testid="lead-meta"] [data-field="status"]'), 'Made a report');
  assert.equal(await seen(page, '#nav-list a[data-nav="intake-leads"]'), 'Incoming messages');
  await page.locator('[data-lang="id"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'id');

  // ---- pusat reads every regional lead, decides none ------------------------------------------------------------
  const pusat = await newPage(JKT);
  await login(pusat, 'pusat');
  await go(pusat, '/intake-leads?status=semua');
  await pusat.waitForSelector('[data-testid="intake-list"]');
  assert.deepEqual(await pusat.locator('[data-testid="intake-list"] > li').evaluateAll((ls) => ls.map((l) => Number(l.dataset.lead))), [d, b, a]);
  await go(pusat, '/intake-leads/' + d);
  await pusat.waitForSelector('[data-testid="lead-readonly"]');
  assert.equal(await pusat.locator('[data-action="promote"], [data-action="discard"]').count(), 0, 'pusat has no buttons');
  assert.equal(await seen(pusat, '[data-testid="lead-meta"] [data-field="region"]'), 'Kabupaten Bandung (32.04)');
  assert.equal(await seen(pusat, '[data-testid="lead-meta"] [data-field="phone"]'), '+6285711112222');
  assert.equal((await api(pusat, 'POST', `/intake-leads/${d}/promote`, {})).status, 403, 'and the API refuses pusat');
  await shot(pusat, 'intake-pusat');

  // ---- admin also has the lead without a region --------------------------------------------------------------------
  await go(admin, '/intake-leads');
  await admin.waitForSelector('[data-testid="intake-list"]');
  assert.deepEqual(await admin.locator('[data-testid="intake-list"] > li').evaluateAll((ls) => ls.map((l) => Number(l.dataset.lead))), [d, c]);
  assert.equal(await seen(admin, `[data-lead="${c}"] [data-field="region"]`), 'Tidak menyebut wilayah');
  assert.equal(await seen(admin, `[data-lead="${c}"] [data-field="text"]`), TEXT_C);

  // ---- pelapor: no menu entry, the 403 state, and the API's 403 ---------------------------------------------------------
  const pel = await newPage(JKT);
  await login(pel, 'pelapor');
  assert.equal(await pel.locator('#nav-list a[data-nav="intake-leads"]').count(), 0, 'pelapor has no menu entry');
  await go(pel, '/intake-leads');
  assert.equal(await seen(pel, 'main h1'), 'Tidak berwenang');
  assert.equal(await seen(pel, 'main [role="alert"]'), 'Anda tidak berwenang membuka atau mengubah ini.');
  await go(pel, '/intake-leads/' + a);
  assert.equal(await seen(pel, 'main h1'), 'Tidak berwenang');
  const refused = await api(pel, 'GET', '/intake-leads');
  assert.deepEqual(refused, { status: 403, body: { error: { code: 'forbidden', message: 'leads are for officers' } } });
  await shot(pel, 'intake-forbidden-pelapor');

  // ---- a phone: the list and a lead fit 360 px ------------------------------------------------------------------------
  const phone = await newPage({ ...JKT, viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await login(phone, 'jabar');
  if (await phone.locator('#toast:not(.toast-away) .toast-close').count()) await phone.locator('#toast .toast-close').click(); // the welcome
  for (const [route, name] of [['/intake-leads?status=semua', 'intake-phone-list'], ['/intake-leads/' + d, 'intake-phone-detail']]) {
    await go(phone, route);
    await phone.waitForSelector('[data-testid="intake-list"], [data-testid="lead-actions"]');
    assert.ok(await phone.evaluate(() => document.scrollingElement.scrollWidth <= 360), `${route}: no sideways scrolling at 360 px`);
    await shot(phone, name);
  }
  assert.equal(await phone.locator('[data-action="promote"]').count(), 1, 'jabar (provinsi 32) may decide the 32.04 lead');
}
