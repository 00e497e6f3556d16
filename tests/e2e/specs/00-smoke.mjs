// Every page of part A opens for admin without page errors; every form control has a label;
// one screenshot per page (desktop) and the dashboard and lapor at 360 px.
const PAGES = [['/dashboard', 'dashboard'], ['/events', 'events'], ['/events/1', 'event-detail'], ['/alerts', 'alerts'],
  ['/lapor', 'lapor'], ['/users', 'users'], ['/panduan', 'panduan'], ['/panduan/lapor', 'panduan-lapor'],
  ['/panduan/level', 'panduan-level'], ['/panduan/rad', 'panduan-rad']];

async function unlabeled(page) {
  return page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')]
    .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML.slice(0, 80)));
}

export default async function ({ newPage, login, shot, base, assert, log }) {
  const page = await newPage();
  await login(page, 'admin');
  for (const [route, name] of PAGES) {
    await page.goto(base + '/#' + route);
    await page.waitForSelector('#main:not([aria-busy]) h1');
    if (name === 'dashboard') await page.waitForSelector('#map[data-ready], #map .notice', { timeout: 15000 });
    assert.deepEqual(await unlabeled(page), [], `${route}: every form control has a label`);
    assert.equal(await page.locator('main h1').count(), 1, `${route}: one h1`);
    await shot(page, name);
    log(route, '->', (await page.locator('main h1').textContent()).trim());
  }
  // Login page (logged out) and a phone-sized view.
  const anon = await newPage();
  await anon.goto(base + '/#/login');
  await anon.waitForSelector('#main:not([aria-busy]) h1');
  assert.deepEqual(await unlabeled(anon), []);
  await shot(anon, 'login');
  const phone = await newPage({ viewport: { width: 360, height: 740 } });
  await login(phone, 'bandung');
  await phone.waitForSelector('#map[data-ready], #map .notice', { timeout: 15000 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `dashboard fits 360 px (overflow ${overflow}px)`);
  await shot(phone, 'dashboard-360');
  await phone.goto(base + '/#/lapor');
  await phone.waitForSelector('[data-testid="lapor-form"]');
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 1, 'lapor fits 360 px');
  await shot(phone, 'lapor-360');
}
