// A partnership's own form (the server's forms folder) reaches its tablets when they send,
// is kept on the tablet, and can be answered with no network; the server counts the answers.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serverAndBrowser, answerYesThroughout, begin, axeViolations, enrol, heldOnServer, rawRecords, startSession, unlock, until, visit } from "./harness.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const symbols = JSON.parse(readFileSync(join(root, "domain/forms/symbols-check.json"), "utf8"));
// The partnership's form: the Symbols check under its own id and title.
const north = { ...symbols, id: "north-yes-or-no", title: { ...symbols.title, en: "North: yes or no" } };
const formsDir = mkdtempSync(join(tmpdir(), "heard-forms-"));
writeFileSync(join(formsDir, "north-yes-or-no.json"), JSON.stringify(north));
after(() => rmSync(formsDir, { recursive: true, force: true }));

const env = serverAndBrowser({ forms: formsDir });

test("a partnership's own form is downloaded, kept for offline use, answered with no network and counted by the server", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await enrol(page, env.server);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Sending (automatic once enrolled) brings the partnership's forms; the picker shows them.
  await startSession(page, { age: 6 });
  const link = page.getByRole("link", { name: "North: yes or no" });
  await link.waitFor();
  const kept = (await rawRecords(page, "settings")).find((r) => r.key === "partnership_forms");
  assert.deepEqual(JSON.parse(kept.value).map((f) => f.id), ["north-yes-or-no"], "kept on the tablet, and only the partnership's own");

  // No signal: the app starts from its cache and the form comes from the tablet.
  await context.setOffline(true);
  await page.reload();
  await unlock(page);
  await visit(page, "/child");
  await link.waitFor();
  assert.deepEqual(await axeViolations(page), [], "axe on the picker with the partnership's form");
  await link.click();
  await begin(page);
  await answerYesThroughout(page, north);

  // Back online, the tablet sends by itself; the server checks the answers against the
  // partnership's form and keeps them.
  await context.setOffline(false);
  await until(async () => (await heldOnServer(env.server)) === 1, 20000);
  assert.equal(await heldOnServer(env.server), 1);
  await context.close();
});
