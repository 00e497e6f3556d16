// Phones (issue 16, item 5): every route of web/js/routes.js at 360x740 (deviceScaleFactor 2),
// as the role it is for (pelapor: lapor and the guides; jabar: the officers' pages; the login
// page logged out), then every nav page of admin, pusat and bandung. On each page: no sideways
// scrolling of the page (tables scroll inside their box), the menu collapsed behind its button
// with the page's name beside it, no toast over a form field (bounding boxes), inputs at 16 px
// (iOS does not zoom) and 44 px main controls. The menu opens and closes by pointer and
// keyboard (Escape, a link, a click elsewhere). The welcome toast on the pelapor's report form
// covers none of its fields, also when a field is focused and the page scrolled; it can be
// dismissed. The public portal too. Screenshots: phone-<page>.png (phone-publik.png, ...).
export default async function ({ newPage, base, login, shot, assert, log }) {
  const t0 = Date.now();
  const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

  // In the page: what breaks the phone layout, or [] when nothing does.
  const problems = (page, app = true) => page.evaluate(async (app) => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))); // the toast placed
    const out = [];
    const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
    const sw = document.scrollingElement.scrollWidth;
    if (sw > 360) {
      const wide = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > 361 && visible(el)
        && !el.closest('.table-wrap, .leaflet-container'));
      out.push(`page scrolls sideways: scrollWidth ${sw} (${wide.slice(0, 3).map((el) => el.tagName + '.' + el.className).join(', ')})`);
    }
    for (const t of document.querySelectorAll('main table')) if (!t.closest('.table-wrap')) out.push('a table outside .table-wrap');
    const btn = document.getElementById('nav-toggle');
    if (app && (!btn || !visible(btn))) out.push('no menu button');
    else if (app && btn.getAttribute('aria-expanded') !== 'false') out.push('menu not collapsed');
    if (app && visible(document.getElementById('nav-panel'))) out.push('menu list shown while collapsed');
    const toast = document.querySelector('#toast:not(.toast-away) .toast');
    const fields = [...document.querySelectorAll('input:not([type="hidden"]), select, textarea')].filter(visible);
    if (toast && visible(toast)) {
      const t = toast.getBoundingClientRect();
      for (const f of fields) {
        const r = f.getBoundingClientRect();
        if (r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top) out.push(`toast over field ${f.name || f.id}`);
      }
    }
    for (const f of fields) {
      if (f.type === 'checkbox' || f.type === 'radio' || f.closest('.leaflet-container')) continue;
      if (parseFloat(getComputedStyle(f).fontSize) < 16) out.push(`field ${f.name || f.id} font ${getComputedStyle(f).fontSize}`);
      if (f.getBoundingClientRect().height < 43.5) out.push(`field ${f.name || f.id} ${f.getBoundingClientRect().height}px high`);
    }
    for (const b of document.querySelectorAll('.btn, .site-header button, .site-header .userbox a, .toast-close')) {
      if (visible(b) && b.getBoundingClientRect().height < 43.5) out.push(`control "${b.textContent.trim().slice(0, 30)}" ${b.getBoundingClientRect().height}px high`);
    }
    return out;
  }, app);

  // Go to a route in the app and wait until the new page is drawn and its data loaded.
  async function visit(page, route) {
    await page.evaluate((r) => {
      if (location.hash === '#' + r) return; // there already
      const old = document.querySelector('#main h1');
      if (old) old.dataset.e2eOld = '1';
      location.hash = '#' + r;
    }, route);
    await page.waitForSelector('#main:not([aria-busy]) h1:not([data-e2e-old])');
    await page.waitForFunction(() => !document.querySelector('#main .loading, #main [aria-busy="true"]'), null, { timeout: 15000 });
    if (await page.locator('#map').count()) await page.waitForSelector('#map[data-ready], #map .notice', { timeout: 15000 });
  }

  async function check(page, what) {
    assert.deepEqual(await problems(page), [], what);
  }

  const name = (path, params = {}) => path.split('/').filter(Boolean).map((s) => (s.startsWith(':') ? params[s.slice(1)] ?? 'detail' : s)).join('-');

  // ---- the pelapor's report form: the welcome toast covers no field --------------------------
  const pel = await newPage(PHONE);
  await login(pel, 'pelapor');
  await pel.waitForSelector('[data-testid="lapor-form"]');
  const toast = pel.locator('#toast .toast');
  assert.equal(await toast.count(), 1, 'the welcome toast is shown');
  assert.match(await toast.textContent(), /Selamat datang/);
  assert.equal(await pel.locator('#toast').getAttribute('role'), 'status');
  await check(pel, 'lapor after login');
  const second = pel.locator('[data-testid="lapor-form"] input').nth(1);
  const [tb, sb] = [await toast.boundingBox(), await second.boundingBox()];
  assert.ok(tb.y + tb.height <= sb.y || tb.y >= sb.y + sb.height, `the toast (${JSON.stringify(tb)}) is clear of the second field (${JSON.stringify(sb)})`);
  await shot(pel, 'phone-lapor-welcome');
  // Typing in the second field, scrolled down a little: still clear of every field.
  await pel.locator('[data-testid="lapor-form"] input').first().fill('Tawuran pelajar dua sekolah');
  await second.focus();
  await pel.evaluate(() => window.scrollBy(0, 200));
  await pel.waitForTimeout(100);
  await check(pel, 'lapor, second field focused and scrolled');
  // A message while the page is scrolled to fields at the bottom and the top: never over one.
  await pel.evaluate(async () => (await import('/js/ui.js')).announce('Pesan uji e2e di atas formulir'));
  await pel.waitForTimeout(100);
  await check(pel, 'lapor, a new toast');
  // Dismissible: its button.
  if (await pel.locator('#toast:not(.toast-away) .toast-close').count()) {
    assert.ok((await pel.locator('#toast .toast-close').boundingBox()).height >= 43.5, 'the close button is a 44 px target');
    await pel.locator('#toast .toast-close').click();
    assert.equal(await pel.locator('#toast .toast').count(), 0, 'the toast closes');
  }
  // ... and Escape.
  await pel.evaluate(async () => (await import('/js/ui.js')).announce('Pesan uji e2e kedua'));
  await pel.keyboard.press('Escape');
  assert.equal(await pel.locator('#toast:not(.toast-away) .toast').count(), 0, 'Escape closes the toast');
  await pel.evaluate(() => window.scrollTo(0, 0));
  await shot(pel, 'phone-lapor');

  // ---- the menu: collapsed, opened by pointer and keyboard, closed by Escape, link, elsewhere --
  async function menu(page, role) {
    const btn = page.locator('#nav-toggle');
    const panel = page.locator('#nav-panel');
    assert.equal(await btn.getAttribute('aria-controls'), 'nav-panel');
    assert.ok(await page.locator('#nav-panel').count(), 'the button controls the menu list');
    assert.ok((await btn.boundingBox()).height >= 43.5, 'the menu button is a 44 px target');
    const cur = page.locator('#nav-list a[aria-current="page"]');
    const here = (await cur.count()) ? (await cur.textContent()).trim() : '';
    if (here) assert.equal((await page.locator('#nav-current').textContent()).trim(), here, 'the page\'s name beside the button');
    const header = await page.locator('.site-header').boundingBox();
    assert.ok(header.height <= 120, `${role}: the header takes ${header.height}px of 740 with the menu closed`);
    await btn.click();
    assert.equal(await btn.getAttribute('aria-expanded'), 'true');
    assert.ok(await panel.isVisible());
    const links = page.locator('#nav-list a');
    const n = await links.count();
    for (let i = 0; i < n; i++) assert.ok((await links.nth(i).boundingBox()).height >= 43.5, 'menu entries are 44 px targets');
    if (role !== 'anonymous') assert.match(await page.locator('#nav-who').textContent(), /·/, 'who is signed in, inside the menu');
    await page.screenshot({ path: new URL('../screenshots/phone-menu-' + role + '.png', import.meta.url).pathname }); // the screen, not the page
    await page.keyboard.press('Escape');
    assert.equal(await btn.getAttribute('aria-expanded'), 'false', 'Escape closes the menu');
    assert.ok(!(await panel.isVisible()));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'nav-toggle', 'focus back on the button');
    // Keyboard: Enter opens, Tab reaches the first entry.
    await page.keyboard.press('Enter');
    assert.equal(await btn.getAttribute('aria-expanded'), 'true', 'Enter opens the menu');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.closest('#nav-list') !== null), true, 'Tab goes into the menu');
    // A click elsewhere closes it.
    await page.locator('#main h1').click();
    assert.equal(await btn.getAttribute('aria-expanded'), 'false', 'a click elsewhere closes the menu');
    // Choosing an entry navigates and closes the menu.
    await btn.click();
    const last = links.nth(n - 1);
    const target = await last.getAttribute('href');
    const label = (await last.textContent()).trim();
    await last.click();
    await page.waitForFunction((h) => location.hash === h, target);
    await page.waitForSelector('#main:not([aria-busy]) h1');
    assert.equal(await btn.getAttribute('aria-expanded'), 'false', 'the menu closes on navigation');
    assert.equal((await page.locator('#nav-current').textContent()).trim(), label);
  }
  await menu(pel, 'pelapor');

  // ---- every route, as the role it is for -------------------------------------------------------
  const table = await pel.evaluate(async () => (await import('/js/routes.js')).routes.map((r) => ({ path: r.path, roles: r.roles || null, public: !!r.public, nav: r.nav ? r.nav.key : null })));
  const topics = await pel.evaluate(async () => (await import('/js/pages/panduan.js')).TOPICS);
  const officer = await newPage(PHONE);
  await login(officer, 'jabar');
  // A real id for each ':id' route: the first item the API lists to jabar at the route's base.
  async function concrete(page, path) {
    if (!path.includes(':')) return [{ route: path, shot: name(path) }];
    if (path === '/panduan/:topic') return topics.map((topic) => ({ route: '/panduan/' + topic, shot: name(path, { topic }) }));
    const baseSeg = path.split('/')[1];
    const id = await page.evaluate(async (seg) => {
      const r = await fetch('/api/v1/' + seg + '?limit=5' + (seg === 'alerts' ? '&status=' : ''));
      if (!r.ok) return null;
      const j = await r.json();
      const items = j.items || j.plans || j.reports || [];
      return items.length ? items[0].id : null;
    }, baseSeg);
    if (id == null) { log(`${path}: no item to show, skipped`); return []; }
    return [{ route: path.replace(/:[a-z]+/, id), shot: name(path) }];
  }
  let pages = 0;
  for (const r of table) {
    let page = null;
    if (r.path === '/login') {
      page = await newPage(PHONE);
      await page.goto(base + '/#/login');
      await page.waitForSelector('#main:not([aria-busy]) h1');
      await check(page, '/login');
      await menu(page, 'anonymous');
      await page.goto(base + '/#/login');
      await page.waitForSelector('#main:not([aria-busy]) h1');
      await shot(page, 'phone-login');
      pages++;
      continue;
    }
    if (r.public || (r.roles && r.roles.includes('pelapor'))) page = pel;
    else if (r.roles && r.roles.includes('provinsi')) page = officer;
    else { log(`${r.path}: for ${r.roles.join(', ')}, visited as admin below`); continue; }
    for (const { route, shot: s } of await concrete(officer, r.path)) {
      await visit(page, route);
      await check(page, route);
      await shot(page, 'phone-' + s);
      pages++;
    }
  }
  // What a pelapor may not open: the 403 state, fitting too.
  await visit(pel, '/dashboard');
  assert.match(await pel.locator('main h1').textContent(), /Tidak berwenang/);
  await check(pel, 'pelapor on /dashboard');
  await shot(pel, 'phone-forbidden');
  await menu(officer, 'jabar');

  // ---- the other roles: each of their nav pages fits, and their menu works ----------------------
  for (const role of ['admin', 'pusat', 'bandung']) {
    const page = await newPage(PHONE);
    await login(page, role);
    await check(page, role + ' home');
    await menu(page, role);
    for (const path of await page.locator('#nav-list a').evaluateAll((as) => as.map((a) => a.getAttribute('href').slice(1)))) {
      await visit(page, path);
      await check(page, `${role} ${path}`);
      pages++;
    }
    await page.context().close();
  }

  // ---- the public portal ----------------------------------------------------------------------------
  const pub = await newPage(PHONE);
  await pub.goto(base + '/publik/');
  await pub.waitForSelector('body[data-ready]', { timeout: 15000 });
  await pub.waitForSelector('#map[data-ready], #map .notice', { timeout: 15000 });
  assert.deepEqual(await problems(pub, false), [], '/publik');
  const nav = await pub.locator('.main-nav').boundingBox();
  assert.ok(nav.height <= 60, `/publik: its three links on one row (${nav.height}px)`);
  assert.match(await pub.locator('main').textContent(), /\d/, 'figures shown');
  await shot(pub, 'phone-publik');
  await pub.locator('[data-lang="en"]').click();
  await pub.waitForFunction(() => document.documentElement.lang === 'en');
  await pub.waitForSelector('#toast .toast', { state: 'attached' });
  if (await pub.locator('#toast:not(.toast-away) .toast').count()) {
    const tt = await pub.locator('#toast .toast').boundingBox();
    assert.ok(tt.y >= 0 && tt.y + tt.height <= 740 && tt.x >= 0 && tt.x + tt.width <= 360, 'the toast inside the screen');
  }
  assert.deepEqual(await problems(pub, false), [], '/publik in English, with its toast');
  await shot(pub, 'phone-publik-en');
  log(`${pages} pages at 360 px, the menu of 5 roles and the anonymous one, /publik, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
