// What bench/child.mjs and bench/compare.mjs share: the browser they launch, the 4x CPU
// throttling, and how they time the app's start to a usable first screen.
import { chromium } from "playwright-core";

export const THROTTLE = 4;
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const launch = () => chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });

/** Slows `page`'s CPU THROTTLE times, as a low-end tablet. */
export async function throttled(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLE });
  return cdp;
}

/**
 * Records in the page, from navigation start, when the first screen can be used (on a tablet
 * that is not enrolled, the way to enrol; on an enrolled one, the PIN field) and the frame
 * after it is painted. Timed inside the page: waiting from outside would add Playwright's
 * own round trips, themselves slowed by the throttling, to every figure.
 * Install with `context.addInitScript(MARK_USABLE)`.
 */
export const MARK_USABLE = () => {
  const usable = () => document.getElementById("pin") || [...document.querySelectorAll("a")].some((a) => a.textContent.includes("Enrol this tablet"));
  new MutationObserver((_, observer) => {
    if (usable()) {
      observer.disconnect();
      requestAnimationFrame(() => (globalThis.__usable = performance.now()));
    }
  }).observe(document, { childList: true, subtree: true });
};

/** Navigates and returns ms from navigation start until the first screen is usable and painted. */
export async function timeToUsable(page, url) {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => globalThis.__usable !== undefined, null, { polling: 50 });
  return page.evaluate(() => globalThis.__usable);
}

/**
 * One cold start (a fresh profile) and then one warm start (the service worker holding the
 * app, as at every later start of a tablet) of `url`: [cold ms, warm ms].
 */
export async function coldThenWarm(browser, url) {
  const context = await browser.newContext();
  await context.addInitScript(MARK_USABLE);
  const page = await context.newPage();
  await throttled(context, page);
  const cold = await timeToUsable(page, url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const warm = await timeToUsable(page, url);
  await context.close();
  return [cold, warm];
}
