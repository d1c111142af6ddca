// Drives vroute's web console in headless Chromium (Debian's /usr/bin/chromium) against a running daemon, for
// ConsoleBrowserTest. It signs in as a user would, opens each view and checks that it shows the daemon's real ids and
// values, watches a failover arrive on the timeline without reloading, and fails on any console or page error.
//
// Environment: CONSOLE_URL (http://127.0.0.1:PORT/console/), VROUTE_KEY_ID, VROUTE_SECRET, SCREENSHOT_DIR, EXPECT (JSON:
// what the test read through the API), CHROMIUM (default /usr/bin/chromium). Protocol with the test on stdout/stdin:
// the script prints "STEP fail-now" and waits for a line on stdin before it expects the failover, then "STEP
// recover-now" likewise. Its last line is "console-check: every check passed", or "FAILED: ..." with exit status 1.

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const env = (name) => {
  const v = process.env[name];
  if (!v) { console.log(`FAILED: ${name} is not set; run this through ConsoleBrowserTest`); process.exit(2); }
  return v;
};
const url = env('CONSOLE_URL');
const keyId = env('VROUTE_KEY_ID');
const secret = env('VROUTE_SECRET');
const shots = env('SCREENSHOT_DIR');
const want = JSON.parse(env('EXPECT'));
mkdirSync(shots, { recursive: true });

const stdin = createInterface({ input: process.stdin });
const lines = [];
let lineWaiter = null;
stdin.on('line', (l) => { if (lineWaiter) { const w = lineWaiter; lineWaiter = null; w(l); } else lines.push(l); });
/** Tells the test what to do next and waits until it says it is done. */
async function step(name) {
  console.log('STEP ' + name);
  const answer = lines.length ? lines.shift() : await new Promise((resolve) => { lineWaiter = resolve; });
  if (answer.startsWith('error')) throw new Error(`the test could not do "${name}": ${answer}`);
}

const ok = (what) => console.log('ok: ' + what);
function check(condition, what) {
  if (!condition) throw new Error(what);
  ok(what);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'vroute-console-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 800 },
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(15_000);

// Everything that goes wrong in the page. A 403 is expected twice (the first, unsigned call that finds out that
// signing in is needed, and the wrong key): Chromium logs each as "Failed to load resource", which is allowed only
// as often as such an answer came.
const problems = [];
const refusals = [];
let loads = 0;
let apiCalls = 0;
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`); });
page.on('pageerror', (e) => problems.push('page error: ' + e.message));
page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
page.on('response', (r) => { if (r.status() >= 400) refusals.push(`${r.status()} ${r.request().method()} ${r.url()}`); });
page.on('request', (r) => { if (r.method() === 'POST') apiCalls++; });
page.on('load', () => loads++);

/** A screenshot of the whole page, which must fit the 1280 px window's width (nothing sticks out sideways). */
const shot = async (name) => {
  await page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
  console.log('screenshot: ' + name + '.png');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (name !== 'failure') check(width <= 1280, `${name}: the page fits 1280 px (${width} px wide)`);
};
const text = (sel) => page.locator(sel).innerText();
/** Clicks a view's link in the navigation, and waits for the view's first data. */
const nav = async (label, view) => {
  await page.getByRole('link', { name: label, exact: true }).click();
  await page.waitForFunction(([l, v]) => location.hash.startsWith('#/' + v) && document.querySelector('main h1')?.textContent === l
    && document.querySelector('main .body:not([aria-busy])'), [label, view]);
};
/** Waits until fn (run in the page) is true; the console must get there by itself, live, without a reload. */
const until = (what, fn, arg, seconds = 15) => page.waitForFunction(fn, arg, { timeout: seconds * 1000, polling: 200 })
  .then(() => ok(what), (e) => { throw new Error(`${what}: not within ${seconds} s (${e.message.split('\n')[0]})`); });

try {
  // ---------------------------------------------------------------------------------------------- sign in
  await page.goto(url);
  await page.locator('form.login').waitFor();
  check(await page.locator('form.login').innerText().then((t) => t.includes('<data-dir>/credentials') && t.includes('vroute')),
    'an unsigned first call is refused, so the console asks for the key and says where it is');
  await shot('01-sign-in');

  await page.getByLabel('Access key ID').fill(keyId);
  await page.getByLabel('Secret access key').fill(secret + 'x');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#login-error .error').waitFor();
  const refused = await text('#login-error');
  check(refused.includes('AuthFailure') && refused.includes('signature does not match'),
    'a wrong secret is refused with the API\'s code and message: ' + refused.trim());

  await page.getByLabel('Secret access key').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator(`tr[data-id="${want.routeServerId}"]`).waitFor();
  const stored = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage), cookies: document.cookie }));
  check(stored.session.length === 1 && stored.local.length === 0 && stored.cookies === '',
    'the key is kept in session storage only: ' + JSON.stringify(stored));

  // ---------------------------------------------------------------------------------------------- route servers
  const rsRow = await text(`tr[data-id="${want.routeServerId}"]`);
  check(rsRow.includes('65000') && rsRow.includes(want.vpcId) && rsRow.includes(`${want.peers.length} / ${want.peers.length}`),
    `the route server ${want.routeServerId} shows its ASN 65000, VPC ${want.vpcId} and all ${want.peers.length} sessions up`);
  await until('the state shows live with the time of the last update',
    () => document.getElementById('conn').textContent === 'live' && /updated \d\d:\d\d:\d\d/.test(document.getElementById('updated').textContent));
  await shot('02-route-servers');

  // ---------------------------------------------------------------------------------------------- endpoints
  await nav('Endpoints', 'endpoints');
  for (const e of want.endpoints) {
    const r = await text(`tr[data-id="${e.id}"]`);
    check(r.includes(e.address) && r.includes(want.routeServerId) && r.includes('available'), `endpoint ${e.id} at ${e.address} is listed, available`);
  }
  await shot('03-endpoints');

  // ---------------------------------------------------------------------------------------------- peers
  await nav('Peers', 'peers');
  for (const p of want.peers) {
    const r = await text(`tr[data-id="${p.id}"]`);
    check(r.includes(p.address) && r.includes(p.endpointAddress) && /\bup\b/.test(r) && r.includes('AS 65001'),
      `peer ${p.id} (${p.address} -> ${p.endpointAddress}) shows BGP up`);
    if (want.liveness === 'bfd') {
      await until(`peer ${p.id} shows BFD up with its detection time`, (id) => {
        const cells = document.querySelector(`tr[data-id="${id}"]`)?.children;
        return cells && cells[3].textContent === 'bfd' && /^up\s*detect \d+ ms$/.test(cells[5].textContent);
      }, p.id);
    }
  }
  const routeCounts = await page.locator('tbody tr td.num').allInnerTexts();
  check(routeCounts.length === want.peers.length && routeCounts.every((n) => n.trim() === '1'), 'each peer shows the 1 route it advertised');
  await shot('04-peers');

  // ---------------------------------------------------------------------------------------------- routing database
  await nav('Routing database', 'rib');
  await page.locator(`tr[data-prefix="${want.prefix}"]`).first().waitFor();
  check(await page.locator('#rs').inputValue() === want.routeServerId, 'the routing database of the route server is chosen');
  const ribRows = page.locator(`tr[data-prefix="${want.prefix}"]`);
  check(await ribRows.count() === want.peers.length, `${want.peers.length} routes for ${want.prefix}`);
  const fib = await page.locator(`tr.fib[data-prefix="${want.prefix}"]`).allInnerTexts();
  check(fib.length === 1 && fib[0].includes(want.active) && want.tables.every((t) => fib[0].includes(t)) && /installed/.test(fib[0]),
    `exactly one in-fib route, via ${want.active}, installed in ${want.tables.join(', ')}`);
  await page.getByLabel('Filter routes').fill(want.standby);
  await until('the filter keeps the routes via the standby only',
    (n) => document.querySelectorAll('tr[data-prefix]').length === n, want.peers.length / 2);
  await shot('05-routing-database-filtered');
  await page.getByLabel('Filter routes').fill('');
  await until('clearing the filter shows every route again', (n) => document.querySelectorAll('tr[data-prefix]').length === n, want.peers.length);
  await shot('05-routing-database');

  // ---------------------------------------------------------------------------------------------- route tables
  await nav('Route tables', 'tables');
  for (const t of want.tables) {
    const r = await text(`section[data-id="${t}"] tr[data-dest="${want.prefix}"]`);
    check(r.includes('propagated') && r.includes(want.routeServerId) && r.includes(want.active) && r.includes(want.activeEni),
      `${t}: ${want.prefix} -> ${want.activeEni} is marked propagated by ${want.routeServerId} via ${want.active}`);
  }
  const statics = await page.locator('tr[data-dest="0.0.0.0/0"]:not(.propagated)').count();
  check(statics >= want.tables.length, 'static routes are not marked propagated');
  await shot('06-route-tables');

  // ---------------------------------------------------------------------------------------------- events
  await nav('Events', 'events');
  await page.locator('tr[data-type="BGPStatus"]').first().waitFor();
  const ups = await page.locator('tr.event.up[data-type="BGPStatus"]').allInnerTexts();
  check(want.peers.every((p) => ups.some((u) => u.includes(p.id))), 'the timeline has a BGP up for every peer');
  const upColor = await page.locator('tr.event.up .badge').first().evaluate((b) => getComputedStyle(b).color);
  check(upColor === 'rgb(26, 127, 55)', 'BGP up is green: ' + upColor);
  await shot('07-events');

  // A hidden tab does not poll; shown again, it catches up at once.
  await page.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(1200); // a poll that had started may finish
  const before = apiCalls;
  await page.waitForTimeout(3000);
  check(apiCalls === before && (await text('#conn')).includes('paused'), 'no API call for 3 s while the tab is hidden, and it says paused');
  await page.evaluate(() => {
    delete document.hidden;
    delete document.visibilityState;
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await until('polling resumes when the tab is shown again', (n) => document.getElementById('conn').textContent === 'live', null, 5);
  const afterShow = apiCalls;
  await page.waitForTimeout(3500);
  check(apiCalls - afterShow >= 2, `it polls about every second again (${apiCalls - afterShow} calls in 3.5 s)`);

  // A lost connection and an API error are shown as they are, and go away by themselves once calls work again. The
  // browser is made to see them for one call each (the daemon itself is fine).
  const api = new URL('/', url).href;
  await page.route(api, (r) => r.abort('connectionrefused'), { times: 1 });
  await until('a refused connection shows "connection lost" and what to check',
    () => document.getElementById('conn').textContent === 'connection lost'
      && /NoConnection.*Is vroute serve running/.test(document.getElementById('error').textContent), null, 5);
  await until('the next call that works clears it', () => document.getElementById('conn').textContent === 'live'
    && document.getElementById('error').textContent === '', null, 5);
  await page.route(api, (r) => r.fulfill({ status: 500, contentType: 'text/xml;charset=UTF-8',
    body: '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InternalError</Code><Message>vroute could not'
      + ' complete the request because of an internal error. Look for request id 0f1e in the vroute server log.</Message>'
      + '</Error></Errors><RequestID>0f1e</RequestID></Response>' }), { times: 1 });
  await until('an EC2 error shows the action, its code and its message',
    () => /DescribeRouteServerEvents failed: InternalError.*request id 0f1e/.test(document.getElementById('error').textContent), null, 5);
  await until('and goes away with the next answer', () => document.getElementById('error').textContent === '', null, 5);
  await page.unrouteAll();

  // ---------------------------------------------------------------------------------------------- failover, live
  const loadsBefore = loads;
  const failoversBefore = await page.locator('tr[data-type="Failover"]').count();
  await step('fail-now');
  await until(`a failover appears on the timeline after ${want.failNode} stopped`,
    (n) => document.querySelectorAll('tr[data-type="Failover"]').length > n, failoversBefore, 40);
  const failover = (await page.locator('tr[data-type="Failover"]').first().innerText()).replace(/\s+/g, ' ');
  check(/failover: \d+ prefix(es)? moved in \d+(\.\d+)? ms/.test(failover), 'the failover shows what moved and its measured duration: ' + failover);
  check(want.tables.every((t) => failover.includes(t)), 'the failover names the route tables it rewrote');
  console.log('FAILOVER-SHOWN ' + failover);
  await until('both sessions of the stopped instance show BGP down on the timeline',
    (peers) => peers.every((id) => [...document.querySelectorAll('tr.event.down[data-type="BGPStatus"]')].some((r) => r.textContent.includes(id))),
    want.peers.filter((p) => p.address === want.active).map((p) => p.id), 20);
  if (want.liveness === 'bfd') {
    await until('and their BFD sessions too',
      (peers) => peers.every((id) => [...document.querySelectorAll('tr.event.down[data-type="BFDStatus"]')].some((r) => r.textContent.includes(id))),
      want.peers.filter((p) => p.address === want.active).map((p) => p.id), 20);
  }
  const downColor = await page.locator('tr.event.down .badge').first().evaluate((b) => getComputedStyle(b).color);
  check(downColor === 'rgb(180, 35, 24)', 'BGP down is red: ' + downColor);
  const rows = await page.locator('tbody tr').allInnerTexts();
  check(rows.findIndex((r) => r.includes('failover')) < rows.findIndex((r) => /BGP up/.test(r)), 'newest first: the failover is above the earlier BGP ups');
  check(loads === loadsBefore, 'the page was never reloaded: the failover came in live');
  await shot('08-events-failover');

  await nav('Peers', 'peers');
  for (const p of want.peers) {
    const down = p.address === want.active;
    await until(`peer ${p.id} shows BGP ${down ? 'down' : 'up'}`,
      (a) => document.querySelector(`tr[data-id="${a.id}"]`)?.classList.contains('is-down') === a.down, { id: p.id, down });
  }
  await shot('09-peers-failed');

  await nav('Route tables', 'tables');
  await until(`every table now sends ${want.prefix} to the standby ${want.standby}`,
    (w) => w.tables.every((t) => document.querySelector(`section[data-id="${t}"] tr[data-dest="${w.prefix}"]`)?.textContent.includes(w.standby)), want);
  await shot('10-route-tables-failed-over');

  await nav('Routing database', 'rib');
  await until(`the in-fib route is via ${want.standby} now`,
    (w) => [...document.querySelectorAll(`tr.fib[data-prefix="${w.prefix}"]`)].map((r) => r.textContent).join().includes(w.standby), want);

  // ---------------------------------------------------------------------------------------------- recovery, live
  await nav('Peers', 'peers');
  await step('recover-now');
  await until('every session is up again after the instance recovered',
    (ids) => ids.every((id) => document.querySelector(`tr[data-id="${id}"]`)?.classList.contains('is-down') === false), want.peers.map((p) => p.id), 60);
  await shot('11-peers-recovered');
  check(loads === loadsBefore, 'still no reload');

  // ---------------------------------------------------------------------------------------------- sign out
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('form.login').waitFor();
  check(await page.evaluate(() => sessionStorage.length) === 0, 'signing out removes the key from the tab');
  const callsAfterSignOut = apiCalls;
  await page.waitForTimeout(2000);
  check(apiCalls === callsAfterSignOut, 'no API calls after signing out');

  // ---------------------------------------------------------------------------------------------- errors
  // Expected: two 403s (the first, unsigned call; the wrong key) and the one 500 and one refused connection made above.
  // Chromium reports each in the console as a failed load, and only those may be there.
  check(JSON.stringify(refusals.map((r) => r.split(' ')[0])) === '["403","403","500"]',
    'the only error answers were the unsigned first call, the wrong key and the simulated 500: ' + JSON.stringify(refusals));
  const expectedProblems = [/^console error: Failed to load resource: the server responded with a status of 403 /,
    /^console error: Failed to load resource: the server responded with a status of 403 /,
    /^console error: Failed to load resource: the server responded with a status of 500 /,
    /^console error: Failed to load resource: net::ERR_CONNECTION_REFUSED/, /^request failed: POST .* net::ERR_CONNECTION_REFUSED/];
  const unexpected = problems.filter((p) => {
    const i = expectedProblems.findIndex((re) => re.test(p));
    if (i < 0) return true;
    expectedProblems.splice(i, 1);
    return false;
  });
  check(unexpected.length === 0, 'no console errors or warnings, page errors or failed requests' + (unexpected.length ? ':\n  ' + unexpected.join('\n  ') : ''));
  console.log('console-check: every check passed');
} catch (e) {
  console.log('FAILED: ' + (e && e.message || e));
  if (problems.length) console.log('page problems:\n  ' + problems.join('\n  '));
  try { await shot('failure'); } catch { /* the page may be gone */ }
  process.exitCode = 1;
} finally {
  stdin.close();
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
