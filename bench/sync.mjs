// Sends 10,000 queued responses from a tablet (headless Chromium, real IndexedDB and WebCrypto)
// to a real server, with the app's own sync code (src/bin/bench_sync.rs), and prints the time
// and memory. Run: bash bench/sync.sh (not part of the test command).
import { Server, launchBrowser, heldOnServer } from "../tests/e2e/harness.mjs";

const n = Number(process.env.HEARD_SYNC_RESPONSES ?? 10_000);
const server = new Server(0);
await server.start();
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/?n=${n}&enrol=${encodeURIComponent(server.enrolmentText)}`);
  const r = JSON.parse(await page.locator("#result").textContent({ timeout: 900_000 }));
  if (r.error) throw new Error(`the benchmark page failed: ${r.error}`);
  const held = await heldOnServer(server);
  console.log(`sync of ${r.responses} queued responses (${r.wire_mib} MiB as sent) from Chromium to a local server (SQLite):`);
  console.log(`  queued on the tablet first (each sealed and saved on its own): ${r.queue_s} s`);
  console.log(`  sent and confirmed: ${r.sync_s} s (target 15 s); confirmed ${r.confirmed}, still pending ${r.still_pending}, held on the server ${held}`);
  console.log(`  WebAssembly memory: ${r.wasm_mib_before_sync} MiB before sending, ${r.wasm_mib_after_sync} MiB after (it never shrinks: the peak)`);
  console.log(`  JavaScript heap: ${r.js_heap_mib_before_sync} MiB before sending, ${r.js_heap_mib_after_sync} MiB after`);
  if (r.confirmed !== r.responses || r.still_pending !== 0 || held !== r.responses) throw new Error("not everything arrived exactly once");
} finally {
  await browser.close();
  await server.dispose();
}
