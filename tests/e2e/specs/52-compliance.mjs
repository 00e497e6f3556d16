// Compliance as pusat: the demo provinces with their exact Timdu and RAD statuses, the "belum"
// lists, the score of the province that reports everything on time; the exports are real files
// from the server: the CSV is byte for byte what `waspada export compliance --format csv` writes,
// the XLSX a workbook holding the same values, the printable HTML report; a province drills down
// to its regencies.
import { execFileSync } from 'node:child_process';
import { inflateRawSync } from 'node:zlib';

export default async function ({ newPage, login, shot, base, assert, log, bin, db }) {
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

  // Exports: links to the server's export endpoint, the same writer as the CLI.
  let dl = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="csv"]').click()]).then(([d]) => d);
  assert.equal(dl.suggestedFilename(), `kepatuhan-${year}-pks.csv`);
  const csvBytes = await streamBytes(await dl.createReadStream());
  const cli = execFileSync(bin, ['--db', db, 'export', 'compliance', '--year', String(year), '--type', 'pks', '--format', 'csv']);
  assert.ok(csvBytes.equals(cli), 'the downloaded CSV is what `waspada export compliance` writes');
  const csv = csvBytes.toString('utf8');
  assert.ok(csv.startsWith('\ufeff'), 'CSV starts with a BOM');
  const lines = csv.slice(1).trim().split(/\r\n/);
  assert.equal(lines[0], 'region_code,region,timdu,rad_status,expected,submitted,on_time,late,reporting_rate,on_time_rate,score,rank,alerts,answered_24h,answered_72h,answered,unanswered');
  assert.equal(lines.length, 39);
  assert.ok(lines.some((l) => /^72,Sulawesi Tengah,ya,disetujui,\d+,\d+,\d+,0,100.0,100.0,100.0,1(,\d+){5}$/.test(l)), 'Sulteng row in the CSV');
  const acehRow = '11,Aceh,ya,belum,0,0,0,0,0.0,0.0,20.0,' + (await row('11')).rank + ',';
  assert.ok(lines.some((l) => l.startsWith(acehRow)), 'Aceh row in the CSV');
  // The answered alerts (last five columns) are the compliance JSON's, row by row.
  const comp = await page.evaluate(async (y) => (await fetch(`/api/v1/compliance?year=${y}&type=pks`)).json(), year);
  for (const it of comp.items) {
    const a = it.alerts;
    const l = lines.find((x) => x.startsWith(it.region_code + ','));
    assert.ok(l && l.endsWith(',' + [a.alerts, a.answered_24h, a.answered_72h, a.answered, a.unanswered].join(',')),
      `alerts of ${it.region_code} in the CSV: ${l}`);
  }

  dl = await Promise.all([page.waitForEvent('download'), page.locator('[data-export="xlsx"]').click()]).then(([d]) => d);
  assert.equal(dl.suggestedFilename(), `kepatuhan-${year}-pks.xlsx`);
  const xlsx = await streamBytes(await dl.createReadStream());
  const zip = unzip(xlsx);
  for (const part of ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/styles.xml', 'xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml']) {
    assert.ok(zip.has(part), 'the XLSX package has ' + part);
  }
  assert.match(zip.get('xl/workbook.xml'), /<sheet name="Kepatuhan"/);
  const sheet = sheetRows(zip.get('xl/worksheets/sheet1.xml'), sharedStrings(zip.get('xl/sharedStrings.xml')));
  assert.equal(sheet.length, lines.length, 'one sheet row per CSV line');
  lines.forEach((l, i) => {
    const want = l.split(',');
    const got = sheet[i];
    assert.equal(got.length, want.length, 'cells of row ' + (i + 1));
    // Header and text columns are strings, the counts, rates, score and rank numbers.
    want.forEach((w, k) => assert.ok(i > 0 && k >= 4 ? got[k] === Number(w) : got[k] === w,
      `row ${i + 1} column ${k + 1}: ${JSON.stringify(got[k])} for ${w}`));
  });
  const href = await page.locator('[data-export="xlsx"]').getAttribute('href');
  const res = await page.request.get(base + href);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.equal(res.headers()['content-disposition'], `attachment; filename="kepatuhan-${year}-pks.xlsx"`);
  assert.equal(res.headers()['cache-control'], 'private, no-store');
  const rep = await page.request.get(base + await page.locator('[data-export="html"]').getAttribute('href'));
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

// The members of a ZIP file (stored or deflated) as a Map of name -> text, read through the
// central directory as a spreadsheet program reads it.
function unzip(buf) {
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a ZIP file: no end of central directory');
  const files = new Map();
  let p = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buf.readUInt16LE(p + 10), size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local header of ' + name);
    const at = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(at, at + size);
    files.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

const unxml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function sharedStrings(xml) {
  return [...xml.matchAll(/<si>(.*?)<\/si>/gs)].map((m) => unxml([...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map((t) => t[1]).join('')));
}

// Rows of a worksheet as arrays of strings (shared or inline) and numbers.
function sheetRows(xml, strings) {
  const col = (letters) => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
  return [...xml.matchAll(/<row [^>]*>(.*?)<\/row>/gs)].map((r) => {
    const cells = [];
    for (const c of r[1].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const v = (c[3] || '').match(/<v>(.*?)<\/v>/s);
      const type = (c[2].match(/t="(\w+)"/) || [])[1];
      cells[col(c[1])] = type === 's' ? strings[Number(v[1])] : type === 'inlineStr' ? unxml(c[3].replace(/<[^>]+>/g, ''))
        : type === 'str' ? unxml(v[1]) : Number(v[1]);
    }
    return cells;
  });
}
