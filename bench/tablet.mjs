// A practitioner's tablet holding 10,000 responses not yet sent, against one holding none
// (src/bin/bench_sync.rs, mode "tablet", fills the app's own IndexedDB): the time each answer
// takes to become durable, and the app's start (to the PIN screen) and unlock (to the session
// form). The device is revoked once filled, so nothing is sent while the app is timed.
// Run: bash bench/tablet.sh (not part of the test command).
import { Server, launchBrowser, freshEnrolmentText, staffCookie, PIN } from "../tests/e2e/harness.mjs";

const n = Number(process.env.HEARD_TABLET_RESPONSES ?? 10_000);
// Starts timed per tablet: with seven the start figure swung by ±30 % between runs.
const ROUNDS = 15;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

const server = new Server(0);
await server.start();
const browser = await launchBrowser();
try {
  const rows = [];
  for (const stored of [0, n]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const enrol = encodeURIComponent(await freshEnrolmentText(server));
    await page.goto(`${server.url}/bench.html?mode=tablet&n=${stored}&enrol=${enrol}`);
    const r = JSON.parse(await page.locator("#result").textContent({ timeout: 900_000 }));
    if (r.error) throw new Error(`the benchmark page failed: ${r.error}`);
    await page.close();
    // Revoke the tablet, so the app's automatic sending cannot empty the outbox while it is timed.
    const cookie = await staffCookie(server);
    const me = await (await fetch(`${server.url}/api/v1/me`, { headers: { cookie } })).json();
    const devices = await (await fetch(`${server.url}/api/v1/devices`, { headers: { cookie } })).json();
    const device = devices.filter((d) => !d.revoked).at(-1);
    await fetch(`${server.url}/api/v1/devices/${device.id}/revoke`, { method: "POST", headers: { cookie, "x-csrf-token": me.csrf_token } });
    const start = [];
    const unlock = [];
    for (let i = 0; i < ROUNDS; i++) {
      const app = await context.newPage();
      let t = performance.now();
      await app.goto(`${server.url}/child`);
      await app.getByRole("heading", { name: "Enter your PIN" }).waitFor();
      start.push(performance.now() - t);
      await app.getByLabel("PIN", { exact: true }).fill(PIN);
      t = performance.now();
      await app.getByRole("button", { name: "Unlock" }).click();
      await app.getByRole("heading", { name: "Start a session" }).waitFor();
      unlock.push(performance.now() - t);
      await app.close();
    }
    rows.push({ ...r, start: median(start), unlock: median(unlock) });
    await context.close();
  }
  const [none, full] = rows;
  console.log(`tablet with ${full.responses} responses waiting (queued in ${full.queue_s} s), against one with none:`);
  for (const row of rows) {
    console.log(`  ${String(row.responses).padStart(6)} waiting: answer to durable p50 ${row.durable_ms_p50} ms, p95 ${row.durable_ms_p95} ms, max ${row.durable_ms_max} ms (${row.answers_saved} answers);`);
    console.log(`          app start to the PIN screen ${ms(row.start)}, unlock to the session form ${ms(row.unlock)} (median of ${ROUNDS})`);
  }
  const pct = (a, b) => `${(((a - b) / b) * 100).toFixed(0)} %`;
  console.log(`  answer to durable p95 with ${full.responses} waiting: ${full.durable_ms_p95} ms (target 25 ms)`);
  console.log(`  start with ${full.responses} waiting against none: ${pct(full.start, none.start)}; start and unlock: ${pct(full.start + full.unlock, none.start + none.unlock)} (target within 20 %)`);
} finally {
  await browser.close();
  await server.dispose();
}
