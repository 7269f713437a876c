// An app update (a new build deployed to the server) reaches the tablet through its service
// worker and keeps everything the tablet holds: answers waiting to send, a form left half way,
// and a case outcome. IndexedDB is never touched by an update; this checks it end to end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST, Server, axeViolations, launchBrowser, launchWithProfile, completeSymbolsCheck, enrol, startSession, visit, unlock, decryptedRecords, pendingOnTablet, until, pastFollowUps, begin } from "./harness.mjs";

const heardCaches = (page) => page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith("heard-")));

test("an app update keeps every answer waiting, every unfinished form and every outcome on the tablet", async () => {
  const server = new Server(0);
  await server.start();
  const browser = await launchBrowser();
  const next = mkdtempSync(join(tmpdir(), "heard-next-build-"));
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await enrol(page, server);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await startSession(page, { reference: "EH-UPDATE-1", age: 8 });
    // A case outcome, a finished form, and a form left after one answer.
    await page.getByText("Record the case outcome").click();
    await page.getByRole("button", { name: "Record the outcome" }).click();
    await page.getByRole("status").getByText("The outcome is saved on this tablet and will be sent with the answers.").waitFor();
    await completeSymbolsCheck(page);
    await visit(page, "/child/middle-check?lang=en");
    await unlock(page);
    await pastFollowUps(page);
    await begin(page);
    await page.getByRole("heading", { name: "How are things at home?" }).waitFor();
    await page.getByRole("button", { name: "Happy", exact: true }).click();
    await until(async () => (await decryptedRecords(page, "drafts")).length > 0);
    const before = {
      pending: await pendingOnTablet(page),
      drafts: await decryptedRecords(page, "drafts"),
      outcomes: await decryptedRecords(page, "pending_outcomes"),
    };
    assert.deepEqual([before.pending.length, before.drafts.length, before.outcomes.length], [1, 1, 1]);
    const [oldCache] = await heardCaches(page);

    // The next build is deployed: the same app under a new build number.
    cpSync(DIST, next, { recursive: true });
    const sw = readFileSync(join(next, "sw.js"), "utf8");
    writeFileSync(join(next, "sw.js"), sw.replace(/const CACHE = "heard-([^"]+)"/, 'const CACHE = "heard-$1-next"'));
    await server.stop();
    server.dist = next;
    await server.start();

    // The tablet picks it up on its next start; the new worker takes over and drops the old files.
    await page.goto(`${server.url}/child`);
    await page.waitForFunction(async (old) => {
      const keys = (await caches.keys()).filter((k) => k.startsWith("heard-"));
      return keys.length === 1 && keys[0] !== old;
    }, oldCache);
    // Offline from here, so nothing leaves the tablet while it is compared: the new build starts
    // from the worker's files.
    await context.setOffline(true);
    await page.reload();
    await unlock(page);
    await page.getByRole("heading", { name: "Answers not finished" }).waitFor();
    assert.deepEqual(await pendingOnTablet(page), before.pending, "the finished form is still waiting to send");
    assert.deepEqual(await decryptedRecords(page, "drafts"), before.drafts, "the unfinished form is still there");
    assert.deepEqual(await decryptedRecords(page, "pending_outcomes"), before.outcomes, "the outcome is still there");
    await context.close();
  } finally {
    await browser.close();
    await server.dispose();
    rmSync(next, { recursive: true, force: true });
  }
});

test("offline, the Coordinator link says the coordinator's pages need a connection, with a way back", async () => {
  const server = new Server(0);
  await server.start();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload(); // now under the worker's control
    await context.setOffline(true);
    // Installed, there is no Back button: this was the browser's error page, a dead end.
    await page.getByRole("link", { name: "Coordinator" }).click();
    await page.getByRole("heading", { name: "The coordinator's pages need a connection" }).waitFor();
    assert.deepEqual(await axeViolations(page), [], "coordinator offline");
    await page.getByRole("link", { name: "Back to the start" }).click();
    await page.getByRole("heading", { name: "Heard", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Coordinator" }).click();
    await page.getByRole("heading", { name: "The coordinator's pages need a connection" }).waitFor();
    // Connected again, "Try again" opens them.
    await context.setOffline(false);
    await page.getByRole("link", { name: "Try again" }).click();
    await page.getByRole("heading", { name: "Partnership overview" }).waitFor();
    await context.close();
  } finally {
    await browser.close();
    await server.dispose();
  }
});

test("the app can be installed: Chromium finds no installability error, and every icon is a PNG of its stated size", async () => {
  const server = new Server(0);
  await server.start();
  // Chromium installs nothing from an incognito window, which Playwright's contexts are.
  const profile = mkdtempSync(join(tmpdir(), "heard-profile-"));
  const browser = await launchWithProfile(profile);
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const cdp = await browser.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    assert.deepEqual(installabilityErrors, []);

    const manifest = await (await fetch(`${server.url}/manifest.webmanifest`)).json();
    const touchIcon = await page.locator('link[rel="apple-touch-icon"]').getAttribute("href");
    const icons = [...manifest.icons, { src: touchIcon, sizes: "180x180", type: "image/png", purpose: "any" }];
    for (const purpose of ["any", "maskable"]) {
      for (const size of ["192x192", "512x512"].slice(purpose === "maskable" ? 1 : 0)) {
        assert.ok(icons.some((i) => i.purpose === purpose && i.sizes === size && i.type === "image/png"), `a ${size} PNG icon for ${purpose}`);
      }
    }
    for (const icon of icons.filter((i) => i.type === "image/png")) {
      const reply = await fetch(server.url + icon.src);
      assert.equal(reply.headers.get("content-type"), "image/png", icon.src);
      const png = Buffer.from(await reply.arrayBuffer());
      assert.equal(png.subarray(1, 4).toString(), "PNG", `${icon.src} is a PNG`);
      assert.equal(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.sizes, `${icon.src} has the size the manifest states`);
    }
  } finally {
    await browser.close();
    await server.dispose();
    rmSync(profile, { recursive: true, force: true });
  }
});
