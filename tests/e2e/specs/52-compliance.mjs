// Compliance as pusat: the demo provinces with their exact Timdu and RAD statuses, the "belum"
// lists, the score of the province that reports everything on time; the exports are real files
// (CSV and XLSX made in the page, the printable HTML report from the server); a province drills
// down to its regencies.
export default async function ({ newPage, login, shot, base, assert, log }) {
  const page = await newPage({ acceptDownloads: true });
  await login(page, 'pusat');
  // The demo writes its plans for one year (last year before October): take it from the API.
  const year = await page.evaluate(async () => Math.min(...(await (await fetch('/api/v1/rad?region=72')).json()).items.map((p) => p.year)));
  await page.goto(base + `/#/compliance?year=${year}&type=pks`);
  await page.waitForSelector('[data-testid="compliance-table"]');
  await shot(page, 'compliance');

  const row = async (code) => {
    const r = page.locator(`[data-testid="compliance-table"] tr[data-region="${code}"]`);
    return {
      timdu: (await r.locator('[data-col="timdu"]').textContent()).trim(),
      rad: await r.locator('[data-col="rad"] [data-status]').getAttribute('data-status'),
      radText: (await r.locator('[data-col="rad"]').textContent()).trim(),
      score: (await r.locator('[data-col="score"] .score').textContent()).trim(),
      rank: (await r.locator('td').first().textContent()).trim(),
    };
  };
  const sulteng = await row('72');
  assert.deepEqual([sulteng.timdu, sulteng.rad, sulteng.score, sulteng.rank], ['ya', 'disetujui', '100', '1'], 'Sulawesi Tengah: all on time');
  const aceh = await row('11');
  assert.deepEqual([aceh.timdu, aceh.rad, aceh.radText], ['ya', 'belum', 'Belum ada'], 'Aceh: Timdu, no plan');
  const jateng = await row('33');
  assert.deepEqual([jateng.timdu, jateng.rad], ['tidak', 'draft'], 'Jawa Tengah: draft without Timdu');
  assert.equal((await row('31')).rad, 'dikembalikan', 'DKI returned');
  assert.equal((await row('73')).rad, 'diajukan', 'Sulawesi Selatan submitted');
  assert.equal((await row('32')).rad, 'disetujui', 'Jawa Barat approved');
  assert.equal(await page.locator('[data-testid="compliance-table"] tbody tr').count(), 38, 'every province');
  const belumRad = await page.locator('[data-testid="belum-rad"] li').evaluateAll((l) => l.map((x) => x.dataset.region));
  const belumTimdu = await page.locator('[data-testid="belum-timdu"] li').evaluateAll((l) => l.map((x) => x.dataset.region));
  assert.ok(belumRad.includes('11') && !belumRad.includes('72') && !belumRad.includes('33'), 'belum menyusun RAD: ' + belumRad.join(' '));
  assert.ok(belumTimdu.includes('33') && !belumTimdu.includes('11') && !belumTimdu.includes('72'), 'belum membentuk Timdu: ' + belumTimdu.join(' '));

  // Exports.
  let dl = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="csv"]').click()]).then(([d]) => d);
  assert.match(dl.suggestedFilename(), new RegExp(`^kepatuhan-rad-pks-${year}\\.csv$`));
  const csv = (await streamText(await dl.createReadStream())).replace(/^\ufeff/, '');
  const lines = csv.trim().split(/\r\n/);
  assert.equal(lines[0], 'region_code,region,timdu,rad_status,expected,submitted,on_time,late,reporting_rate,on_time_rate,score,rank');
  assert.equal(lines.length, 39);
  assert.ok(lines.some((l) => /^72,Sulawesi Tengah,ya,disetujui,\d+,\d+,\d+,0,100.0,100.0,100.0,1$/.test(l)), 'Sulteng row in the CSV');
  assert.ok(lines.includes('11,Aceh,ya,belum,0,0,0,0,0.0,0.0,20.0,' + (await row('11')).rank), 'Aceh row in the CSV');
  dl = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="xlsx"]').click()]).then(([d]) => d);
  assert.match(dl.suggestedFilename(), /\.xlsx$/);
  const xlsx = await streamBytes(await dl.createReadStream());
  assert.equal(xlsx.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'XLSX is a ZIP package');
  assert.ok(xlsx.includes(Buffer.from('xl/worksheets/sheet1.xml')) && xlsx.includes(Buffer.from('Sulawesi Tengah')), 'the sheet holds the rows');
  const href = await page.locator('[data-export="html"]').getAttribute('href');
  const rep = await page.request.get(base + href);
  assert.equal(rep.status(), 200);
  assert.match(rep.headers()['content-type'], /^text\/html/);
  const html = await rep.text();
  assert.match(html, /Laporan Kepatuhan RAD PKS/);
  assert.match(html, /Sulawesi Tengah/);
  assert.equal(await page.locator('[data-export="html"]').getAttribute('target'), '_blank');
  log('exports: csv', lines.length - 1, 'rows, xlsx', xlsx.length, 'bytes, html', html.length, 'bytes');

  // Drill down into Jawa Barat.
  await page.locator('[data-testid="compliance-table"] tr[data-region="32"] th a').click();
  await page.waitForSelector('[data-testid="compliance-table"] tr[data-region="32.73"]');
  assert.equal((await row('32.73')).rad, 'disetujui', 'Kota Bandung approved');

  // A phone-sized screen: the table scrolls inside its box, the page itself does not.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(base + `/#/compliance?year=${year}&type=pks`);
  await page.waitForSelector('[data-testid="compliance-table"]');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, 'no sideways scrolling of the page at 360 px: ' + overflow);
  await shot(page, 'compliance-360');
}

async function streamBytes(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}
async function streamText(stream) { return (await streamBytes(stream)).toString('utf8'); }
