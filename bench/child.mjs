// Child-screen speed figures, in headless Chromium with 4x CPU throttling, against a running
// heard-server (HEARD_URL). Prints: first-load bytes as sent (compressed), cold and warm time
// to a usable child screen, question-to-question time, and frame times while drawing.
// Run through bench/child.sh, which builds the release bundle and starts the server.
import { enrol, startSession, unlock, visit } from "../tests/e2e/harness.mjs";
import { MARK_USABLE, coldThenWarm, launch, median, throttled, timeToUsable } from "./start.mjs";

const base = process.env.HEARD_URL ?? "http://127.0.0.1:8080";
const RUNS = Number(process.env.RUNS ?? 7);

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (x) => `${x.toFixed(0)} ms`;

/** Enrols, starts a session and opens the early-years form, as a practitioner would. */
async function openForm(page) {
  const server = { url: base, enrolmentText: process.env.HEARD_ENROLMENT, keyFile: process.env.HEARD_KEY_FILE };
  await page.goto(`${base}/`);
  await enrol(page, server);
  await startSession(page, { age: 6 });
  await visit(page, "/child/early-years-check?lang=en");
  await begin(page);
}

/** Past the screen that tells the child who reads their answers, to the first question. */
async function begin(page) {
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await page.getByRole("button", { name: "Happy", exact: true }).waitFor();
}

const browser = await launch();
const url = `${base}/child/early-years-check?lang=en`;

// First visit: every byte the tablet downloads, as encoded on the wire, the service worker's
// own requests included (those it gets from the HTTP cache cost nothing).
{
  const context = await browser.newContext();
  await context.addInitScript(MARK_USABLE);
  const page = await context.newPage();
  await throttled(context, page);
  const rows = [];
  context.on("requestfinished", async (r) => {
    const sizes = await r.sizes();
    const encoding = (await r.response())?.headers()["content-encoding"] ?? "none";
    rows.push({ path: new URL(r.url()).pathname, by: r.serviceWorker() ? "worker" : "page", bytes: Math.max(0, sizes.responseBodySize), encoding });
  });
  await timeToUsable(page, url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForTimeout(1000);
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  // KB as the budget counts them: 1,000 bytes.
  console.log(`first visit downloads: ${(total / 1000).toFixed(1)} KB (${total} bytes) in ${rows.filter((r) => r.bytes > 0).length} downloads (budget 330 KB)`);
  for (const r of rows) console.log(`  ${(r.bytes / 1000).toFixed(1).padStart(7)} KB  ${r.encoding.padEnd(5)} ${r.by.padEnd(6)} ${r.path}`);
  await context.close();
}

// Cold (fresh profile each run) and warm (same context, service worker active) time to a usable screen.
const cold = [];
const warm = [];
for (let i = 0; i < RUNS; i++) {
  const [c, w] = await coldThenWarm(browser, url);
  cold.push(c);
  warm.push(w);
}
console.log(`first usable screen, cold: median ${ms(median(cold))}, worst ${ms(Math.max(...cold))} (target 1000 ms; Enketo 2400 ms)`);
console.log(`first usable screen, warm (from the service worker's cache): median ${ms(median(warm))}, worst ${ms(Math.max(...warm))} (target 400 ms)`);

// Question to question, and drawing frame times.
{
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await openForm(page);
  await throttled(context, page);
  const steps = [];
  for (let round = 0; round < RUNS; round++) {
    for (let q = 0; q < 3; q++) {
      steps.push(
        await page.evaluate(async () => {
          const before = document.querySelector("h1").textContent;
          const named = (name) => [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === name);
          // Early years offers Next once the child has answered: "I don't want to answer" first,
          // outside the time measured.
          named("I don't want to answer").click();
          await new Promise((done) => {
            const check = () => (named("Next") ? done() : requestAnimationFrame(check));
            check();
          });
          const next = named("Next");
          const t0 = performance.now();
          next.click();
          await new Promise((done) => {
            const check = () => (document.querySelector("h1")?.textContent !== before ? requestAnimationFrame(() => done()) : requestAnimationFrame(check));
            check();
          });
          return performance.now() - t0;
        }),
      );
    }
    if (round < RUNS - 1) {
      // Leaving a form locks the tablet (child mode): the practitioner unlocks for the next.
      await visit(page, "/child");
      await unlock(page);
      await visit(page, "/child/early-years-check?lang=en");
      await begin(page);
    }
  }
  console.log(`next question shown: median ${ms(median(steps))}, p95 ${ms(pct(steps, 0.95))} over ${steps.length} moves (target 100 ms)`);

  // On the drawing question: a 2-second scribble at 60 pointer moves a second.
  await page.getByRole("heading", { name: /Draw something/ }).waitFor();
  const box = await page.getByRole("img", { name: "Drawing space" }).boundingBox();
  await page.evaluate(() => {
    window.__frames = [];
    const tick = (t) => {
      window.__frames.push(t);
      if (window.__frames.length < 2000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.mouse.move(box.x + 50, box.y + 50);
  await page.mouse.down();
  const t0 = Date.now();
  let i = 0;
  while (Date.now() - t0 < 2000) {
    i++;
    await page.mouse.move(box.x + 50 + ((i * 7) % (box.width - 100)), box.y + 50 + ((i * 13) % (box.height - 100)));
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => window.__frames);
  const gaps = frames.slice(1).map((t, k) => t - frames[k]).filter((g) => g > 0);
  const dropped = gaps.filter((g) => g > 1.5 * (1000 / 60)).length;
  console.log(`drawing: ${i} pointer moves; frame interval median ${median(gaps).toFixed(1)} ms, p95 ${pct(gaps, 0.95).toFixed(1)} ms, ${dropped} of ${gaps.length} frames over 25 ms`);
  await context.close();
}
await browser.close();
