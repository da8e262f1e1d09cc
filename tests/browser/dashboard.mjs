// Dashboard test in Debian's headless Chromium driven by playwright-core (no
// browser download). Run by dashboard.sh, which starts sg17d with data in it
// and passes: SG17_URL, SG17_TOKENS (JSON {admin, analyst, administration}),
// SG17_SHOTS (screenshot directory), CHROMIUM. Prints TAP.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const URL = process.env.SG17_URL;
const TOK = JSON.parse(process.env.SG17_TOKENS);
const SHOTS = process.env.SG17_SHOTS;
let n = 0, fails = 0;
const ok = (c, what) => { n++; if (!c) fails++; console.log(`${c ? 'ok' : 'not ok'} ${n} - ${what}`); };
const is = (got, want, what) => ok(String(got) === String(want), `${what}${String(got) === String(want) ? '' : ` (got '${got}', want '${want}')`}`);

async function api(p, token) {
  const r = await fetch(URL + p, { headers: { Authorization: 'Bearer ' + token } });
  return { status: r.status, body: await r.json() };
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sg17-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
const problems = [];
const page = ctx.pages()[0] || await ctx.newPage();
page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push('console: ' + m.text()); });
page.on('requestfailed', (r) => problems.push('request failed: ' + r.url()));

async function open(p, shot) {
  const resp = await page.goto(URL + p);
  await page.waitForSelector('main[data-ready="1"]', { timeout: 15000 });
  if (shot) await page.screenshot({ path: path.join(SHOTS, shot + '.png'), fullPage: true });
  return resp;
}
const text = async (sel) => (await page.locator(sel).first().textContent()).trim();

try {
  // ---- signed out -----------------------------------------------------------
  let resp = await open('/', 'signed-out');
  is(resp.status(), 200, 'GET / answers 200');
  is(resp.headers()['content-type'], 'text/html; charset=utf-8', '/ is served as HTML');
  ok(await page.locator('[data-test=signin-needed]').count() === 1, 'signed out: the overview asks for a token');

  // ---- sign-in: a wrong token, then the admin token ----------------------
  await open('/signin.html?next=sidf.html', 'signin');
  await page.fill('#token', 'sg17_' + '0'.repeat(64));
  await page.click('#signin-submit');
  await page.waitForFunction(() => document.querySelector('#signin-msg').textContent.length > 0);
  ok(/unknown or revoked/.test(await text('#signin-msg')), 'a wrong token is refused with a message');
  await page.screenshot({ path: path.join(SHOTS, 'signin-refused.png') });
  await page.fill('#token', TOK.admin);
  await Promise.all([page.waitForURL((u) => u.pathname === '/sidf.html'), page.click('#signin-submit')]);
  await page.waitForSelector('main[data-ready="1"]');
  ok(true, 'the admin token signs in and goes to the requested page');
  ok(/\(admin\)/.test(await text('[data-test=who]')), 'the header names the principal and role');

  // ---- SIDF -------------------------------------------------------------------
  const sidf = (await api('/sidf/v1/stats', TOK.admin)).body;
  await page.screenshot({ path: path.join(SHOTS, 'sidf.png'), fullPage: true });
  for (const s of Object.keys(sidf.schemes))
    for (const k of ['ok', 'failed', 'malformed'])
      is(await text(`[data-test=sidf-${s}-${k}]`), sidf.schemes[s][k], `SIDF page: ${s} ${k} as in the API`);
  is(await text('[data-test=sidf-total-ok]'), sidf.total.ok, 'SIDF page: total de-concealed');
  ok(sidf.total.ok >= 4, `the API holds real de-concealments (${sidf.total.ok})`);
  is(await text('[data-test=sidf-keys]'), sidf.keys.length, 'SIDF page: key count');
  for (const k of sidf.keys) is(await text(`[data-test=sidf-key-${k.key_id}]`), k.scheme, `SIDF page: key ${k.key_id}`);
  ok(await page.locator('#panel-sidf svg.chart rect').count() === Object.keys(sidf.schemes).length, 'SIDF page: SVG bar per scheme');

  // ---- consultation -------------------------------------------------------------
  await open('/consult.html?circular=9268', 'consult');
  const tally = (await api('/v1/consult/circulars/9268/tally', TOK.admin)).body;
  is(await text('[data-test=consult-replies]'), tally.administrations.length, 'consult page: number of replies');
  ok(tally.administrations.length >= 2, `the tally holds replies (${tally.administrations.length})`);
  is(await text('[data-test=consult-refusals]'), tally.refusals, 'consult page: refused submissions as in the API');
  ok(tally.refusals >= 1, `sg17d recorded the refused submission (${tally.refusals})`);
  for (const d of tally.drafts) {
    is(await text(`[data-test=consult-${d.draft.replace('.', '\\.')}-received]`), d.received, `consult page: ${d.draft} replies`);
    is(await text(`[data-test=consult-${d.draft.replace('.', '\\.')}-decision]`), d.decision, `consult page: ${d.draft} decision`);
  }

  // ---- assessment -------------------------------------------------------------------
  await open('/assess.html', 'assess');
  const rep = (await api('/v1/assess/report', TOK.admin)).body;
  is(await page.locator('#assess-table tbody tr').count(), rep.items.length, 'assess page: one row per inventory item');
  let same = 0;
  for (const it of rep.items) if ((await text(`[data-test=assess-verdict-${it.id}]`)) === it.verdict) same++;
  is(same, rep.items.length, 'assess page: every verdict as in the API');
  is(await text('[data-test=assess-system]'), rep.system, 'assess page: the system name');

  // ---- firmware campaign ------------------------------------------------------------
  await open('/update.html?campaign=c1', 'update');
  const camp = (await api('/v1/update/campaigns/c1', TOK.admin)).body;
  const ids = Object.keys(camp.devices);
  is(await text('[data-test=update-devices]'), ids.length, 'update page: number of devices');
  for (const id of ids)
    is(await text(`[data-test=update-status-${id}]`), camp.devices[id].status, `update page: ${id} status as in the API`);
  is(camp.devices.cam1 && camp.devices.cam1.status, 'installed', 'the tracker holds a real installation (cam1)');
  is(await text('[data-test=update-installed]'), ids.filter((i) => camp.devices[i].status === 'installed').length,
     'update page: installed count');

  // ---- vehicle misbehaviour -----------------------------------------------------------
  await open('/vehicle.html', 'vehicle');
  const mbr = (await api('/mbr/v1/summary', TOK.admin)).body;
  ok(mbr.totals.reports >= 2 && mbr.totals.alerts >= 4, `the API holds signed reports (${mbr.totals.reports}, ${mbr.totals.alerts} alerts)`);
  for (const k of ['reports', 'alerts', 'vehicles', 'detectors'])
    is(await text(`[data-test=mbr-${k}]`), mbr.totals[k], `vehicle page: ${k} as in the API`);
  for (const v of mbr.vehicles) {
    is(await text(`[data-test=mbr-${v.vehicle}-alerts]`), v.alerts, `vehicle page: ${v.vehicle} alerts`);
    is(await text(`[data-test=mbr-${v.vehicle}-reports]`), v.reports, `vehicle page: ${v.vehicle} reports`);
  }
  is(await page.locator('#panel-vehicle svg.chart rect').count(), mbr.detectors.length, 'vehicle page: SVG bar per detector');
  const dots = await page.locator('[data-test=mbr-timeline] [data-test=mbr-dot]').evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-vehicle'), e.getAttribute('data-detector'), Number(e.getAttribute('data-alerts'))]));
  is(dots.length, mbr.timeline.length, 'vehicle timeline: one dot per (minute, vehicle, detector) of the API');
  is(dots.reduce((a, d) => a + d[2], 0), mbr.totals.alerts, 'vehicle timeline: the dots hold every alert');
  await page.click('a[href="vehicle.html?vehicle=car1"]');
  await page.waitForURL((u) => u.search === '?vehicle=car1');
  await page.waitForSelector('main[data-ready="1"]');
  await page.waitForSelector('[data-test=mbr-detail-timeline]');
  await page.screenshot({ path: path.join(SHOTS, 'vehicle-car1.png'), fullPage: true });
  const car1 = (await api('/mbr/v1/reports?vehicle=car1', TOK.admin)).body.reports;
  const car1Alerts = car1.reduce((a, r) => a + r.report.report.alerts.length, 0);
  is(await text('[data-test=mbr-detail-alerts]'), car1Alerts, 'vehicle car1: alert count as in its reports');
  is(await page.locator('[data-test=mbr-detail-timeline] [data-test=mbr-detail-dot]').count(), car1Alerts,
     'vehicle car1: one dot per alert at its capture time');

  // ---- threat intelligence -------------------------------------------------------------
  await open('/intel.html', 'intel');
  const intel = (await api('/intel/v1/summary?hours=48&top=10', TOK.admin)).body;
  ok(intel.values.active >= 3 && intel.sightings.total >= 2,
     `the intel store holds values and sightings (${intel.values.active}, ${intel.sightings.total})`);
  is(await text('[data-test=intel-active]'), intel.values.active, 'intel page: active values as in the API');
  is(await text('[data-test=intel-sightings]'), intel.sightings.total, 'intel page: sightings as in the API');
  is(await text('[data-test=intel-sighted]'), intel.sightings.values_sighted, 'intel page: values sighted');
  for (const [t, c] of Object.entries(intel.by_type)) {
    is(await text(`[data-test=intel-type-${t}]`), c, `intel page: ${t} values`);
    is(await text(`[data-test=intel-sightings-${t}]`), intel.sightings_by_type[t] || 0, `intel page: ${t} sightings`);
  }
  is(await page.locator('#panel-intel svg.chart[aria-label="active values by FS.11 category"] rect').count(),
     Object.keys(intel.by_fs11_category).length, 'intel page: SVG bar per FS.11 category');
  ok(intel.by_fs11_category['1'] === 1, 'the API counts the GT prefix under FS.11 category 1');
  const hrs = await page.locator('[data-test=intel-hour]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  is(hrs.length, intel.sightings_by_hour.length, 'intel page: one column per hour');
  is(hrs.reduce((a, b) => a + b, 0), intel.sightings_by_hour.reduce((a, b) => a + b.count, 0), 'intel page: the columns hold the sightings');
  is(await text('[data-test=intel-top-0]'), intel.top_sighted[0].value, 'intel page: most sighted value');
  is(await text('[data-test=intel-top-0-count]'), intel.top_sighted[0].count, 'intel page: its count');
  if (process.env.SG17_HAVE_TAXII === '1') {
    const disc = await fetch(URL + '/taxii2/', { headers: { Authorization: 'Bearer ' + TOK.admin,
      Accept: 'application/taxii+json;version=2.1' } }).then((r) => r.json());
    is(await text('[data-test=taxii-roots]'), disc.api_roots.length, 'intel page: TAXII API roots as in discovery');
    ok(/TAXII server/.test(await text('[data-test=taxii-line]')), 'intel page: TAXII line');
    const tget = (p) => fetch(URL + p, { headers: { Authorization: 'Bearer ' + TOK.admin,
      Accept: 'application/taxii+json;version=2.1' } }).then((r) => (r.status === 200 ? r.json() : {}));
    let cols = 0, objs = 0;
    for (const root of disc.api_roots) {
      const p = new globalThis.URL(root).pathname.replace(/\/?$/, '/');
      for (const c of (await tget(p + 'collections/')).collections || []) {
        cols++;
        if (c.can_read) objs += ((await tget(`${p}collections/${c.id}/manifest/?limit=1000`)).objects || []).length;
      }
    }
    is(await text('[data-test=taxii-collections]'), cols, 'intel page: TAXII collections as the API lists them');
    is(await text('[data-test=taxii-objects]'), objs, 'intel page: TAXII objects as the manifests hold');
    ok(objs > 0, `the TAXII server holds objects (${objs})`);
  }

  // ---- overview ------------------------------------------------------------------------
  await open('/index.html', 'overview');
  ok(/database ok/.test(await text('[data-test=health]')), 'overview: health from /healthz');
  ok((await text('[data-test=card-sidf]')).includes(`${sidf.total.ok} de-concealed`), 'overview: SIDF card');
  ok((await text('[data-test=card-assess]')).includes(`${rep.summary.broken} broken`), 'overview: assessment card');
  ok((await text('[data-test=card-intel]')).includes(`${intel.values.active} active indicator values`),
     'overview: threat-intelligence card');
  ok((await text('[data-test=card-vehicle]')).includes(`${mbr.totals.alerts} alerts in ${mbr.totals.reports} signed reports`),
     'overview: vehicle card');

  // ---- another role, sign-out ---------------------------------------------------------
  await page.click('#signout');
  await page.waitForURL((u) => u.pathname === '/signin.html');
  await page.waitForSelector('main[data-ready="1"]');
  ok(true, 'sign out returns to the sign-in page');
  await open('/index.html');
  ok(await page.locator('[data-test=signin-needed]').count() === 1, 'after sign-out the token is gone');
  await open('/signin.html');
  await page.fill('#token', TOK.analyst);
  await Promise.all([page.waitForURL((u) => u.pathname === '/index.html'), page.click('#signin-submit')]);
  await page.waitForSelector('main[data-ready="1"]');
  await page.screenshot({ path: path.join(SHOTS, 'overview-analyst.png'), fullPage: true });
  ok(/\(analyst\)/.test(await text('[data-test=who]')), 'analyst signed in');
  is(await page.locator('[data-test=card-consult] [data-test=problem]').getAttribute('data-status'), '403',
     'analyst: the consultation card says 403 (not for this role)');
  ok((await text('[data-test=card-sidf]')).includes('de-concealed'), 'analyst: the SIDF card shows counters');

  // ---- static files: types and traversal -------------------------------------------
  for (const [p, t] of [['/style.css', 'text/css'], ['/app.js', 'text/javascript'], ['/panels/sidf.js', 'text/javascript']]) {
    const r = await fetch(URL + p);
    ok(r.status === 200 && r.headers.get('content-type').startsWith(t), `${p} is ${t}`);
  }
  ok(problems.length === 0, 'no page errors, console errors or failed requests' + (problems.length ? ': ' + problems.join(' | ') : ''));
} catch (e) {
  ok(false, 'browser run: ' + e.message);
  await page.screenshot({ path: path.join(SHOTS, 'failure.png'), fullPage: true }).catch(() => {});
} finally {
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(`1..${n}`);
process.exit(fails ? 1 : 0);
