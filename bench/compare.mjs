// Time to a usable first screen for two builds, measured in turns (see bench/compare.sh):
// node bench/compare.mjs <name> <url> <name> <url>, RUNS rounds (default 15).
import { chromium } from "playwright-core";

const [nameA, urlA, nameB, urlB] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS ?? 15);
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** As bench/child.mjs: from navigation start until the way to enrol (or the PIN) is painted. */
const MARK_USABLE = () => {
  const usable = () => document.getElementById("pin") || [...document.querySelectorAll("a")].some((a) => a.textContent.includes("Enrol this tablet"));
  new MutationObserver((_, observer) => {
    if (usable()) {
      observer.disconnect();
      requestAnimationFrame(() => (globalThis.__usable = performance.now()));
    }
  }).observe(document, { childList: true, subtree: true });
};

async function timeToUsable(page, url) {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => globalThis.__usable !== undefined, null, { polling: 50 });
  return page.evaluate(() => globalThis.__usable);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });
const builds = [
  { name: nameA, url: urlA, cold: [], warm: [] },
  { name: nameB, url: urlB, cold: [], warm: [] },
];
for (let i = 0; i < RUNS; i++) {
  // Each round in the other order, so neither build always goes first.
  for (const b of i % 2 ? builds : [...builds].reverse()) {
    const context = await browser.newContext();
    await context.addInitScript(MARK_USABLE);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    b.cold.push(await timeToUsable(page, `${b.url}/child/early-years-check?lang=en`));
    await page.evaluate(() => navigator.serviceWorker.ready);
    b.warm.push(await timeToUsable(page, `${b.url}/child/early-years-check?lang=en`));
    await context.close();
  }
}
await browser.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`first usable screen, 4x CPU throttling, median of ${RUNS} taken in turns:`);
for (const b of builds) console.log(`  ${b.name.padEnd(12)} cold ${median(b.cold).toFixed(0)} ms, warm ${median(b.warm).toFixed(0)} ms`);
