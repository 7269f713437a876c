// A coordinator starts a new partnership key: it is made in the browser, saved before use, and
// reaches a tablet sealed on the tablet's next contact; an answer made under the old key still
// counts, and a case heard under both keys stays one case (the references given stay in the
// browser). The old key file no longer makes enrolment codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  serverAndBrowser, axeViolations, completeSymbolsCheck, decryptedRecords, demoKey, endSession, enrol, logIn, pastFollowUps, pendingOnTablet, startSession, unlock, until, visit,
} from "./harness.mjs";

const env = serverAndBrowser();

const pseudonym = (key, reference) => createHmac("sha256", key).update(reference).digest("hex");

/** Answers one form for `reference` and opens the outbox, as a practitioner would. */
async function answerFor(tablet, reference) {
  await startSession(tablet, { reference, age: 9 });
  await completeSymbolsCheck(tablet);
  await visit(tablet, "/outbox");
  await unlock(tablet);
  await pastFollowUps(tablet);
}

test("a new partnership key reaches tablets sealed on their next contact, and a case stays one case", async () => {
  // A tablet enrolled under the first key, offline, with one answer waiting.
  const t = await env.browser.newContext();
  const tablet = await t.newPage();
  await enrol(tablet, env.server);
  await t.setOffline(true);
  await answerFor(tablet, "EH-ROT-1");
  await tablet.getByText("1 answer waiting to send.").waitFor();
  const oldKey = demoKey(env.server);
  assert.equal((await pendingOnTablet(tablet))[0].context.case, pseudonym(oldKey, "EH-ROT-1"));

  // The coordinator makes a new key from the key in use, with the open cases' references.
  const c = await env.browser.newContext({ acceptDownloads: true });
  const page = await c.newPage();
  await logIn(page, env.server);
  await page.getByRole("link", { name: "Partnership setup" }).click();
  const panel = page.getByRole("region", { name: "Start a new partnership key" });
  await panel.getByRole("button", { name: "Make a new key" }).click();
  await panel.getByRole("status").getByText("Choose the key file of the key in use first", { exact: false }).waitFor();
  await panel.getByLabel("Key file of the key in use").setInputFiles(env.server.keyFile);
  const references = "Case reference,Worker\nEH-ROT-1,Sam's worker\neh-rot-2,Ali's worker\n";
  await panel.getByLabel("Case references to carry over", { exact: false }).setInputFiles({ name: "open-cases.csv", mimeType: "text/csv", buffer: Buffer.from(references) });
  await panel.getByRole("button", { name: "Make a new key" }).click();
  await panel.getByRole("status").getByText("The new key is made in this browser (2 case references read).", { exact: false }).waitFor();
  // Not used before its backup is saved and that is confirmed.
  const start = panel.getByRole("button", { name: "Start using the new key" });
  assert.ok(await start.isDisabled());
  const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Save the new key's backup file" }).click()]);
  const backup = JSON.parse(readFileSync(await download.path(), "utf8"));
  const newKey = Buffer.from(backup.key, "base64url");
  assert.equal(backup.partnership, "Demo Partnership");
  assert.notDeepEqual(newKey, oldKey);
  await panel.getByRole("checkbox", { name: "I have saved the new key's backup file somewhere safe" }).check();
  assert.deepEqual(await axeViolations(page), [], "a new key, made, waiting for its backup");
  const sent = [];
  page.on("request", (r) => { if (r.method() === "POST") sent.push(r.postData() ?? ""); });
  await start.click();
  await page.getByRole("status").getByText("The new key is in use: tablets take it on their next contact. 2 cases are linked across the two keys.", { exact: false }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "setup with the new key in use");
  // Neither key nor any reference left the browser; the server knows only the new fingerprint.
  const posted = sent.join("\n");
  for (const secret of [oldKey.toString("base64url"), newKey.toString("base64url"), "EH-ROT-1", "EH-ROT-2", "Sam"]) {
    assert.ok(!posted.includes(secret), `sent to the server: ${secret}`);
  }
  const me = await (await page.request.get(`${env.server.url}/api/v1/me`)).json();
  assert.equal(me.key_fingerprint, backup.fingerprint);
  // The old key file no longer makes enrolment codes, and says why.
  await page.getByLabel("Partnership key file (read to seal the key into the code, not kept)").setInputFiles(env.server.keyFile);
  await page.getByRole("button", { name: "Issue an enrolment code" }).click();
  await page.getByRole("status").getByText("That file holds an earlier key of this partnership", { exact: false }).waitFor();

  // The tablet comes back online and sends: its waiting answer (old key) is taken, and it
  // takes the new key.
  await t.setOffline(false);
  const enrolment = async () => (await decryptedRecords(tablet, "settings")).find((s) => s && s.device_token !== undefined);
  await until(async () => (await pendingOnTablet(tablet)).length === 0 && (await enrolment()).key_fingerprint === backup.fingerprint, 15_000);
  const held = await enrolment();
  assert.equal(held.key_fingerprint, backup.fingerprint, "the tablet holds the new key");
  assert.equal(held.partnership_key, newKey.toString("base64url"));
  assert.deepEqual(held.earlier.map((e) => e.fingerprint), [createHash("sha256").update(oldKey).digest("hex")], "and can still open backups made under the old one");
  // The same child heard again at another visit: the new key's pseudonym on the tablet.
  await visit(tablet, "/child");
  await endSession(tablet);
  await answerFor(tablet, "EH-ROT-1");
  const [again] = await pendingOnTablet(tablet);
  assert.equal(again.context.case, pseudonym(newKey, "EH-ROT-1"));
  await tablet.getByRole("button", { name: "Send", exact: true }).click();
  await until(async () => (await pendingOnTablet(tablet)).length === 0, 15_000);

  // One case on the server: erased by its reference (pseudonymised with the new key), both
  // answers go, the one from before the new key too.
  await page.getByRole("textbox", { name: "Case reference to erase" }).fill("EH-ROT-1");
  await page.getByRole("button", { name: "Erase this case…" }).click();
  await page.getByRole("button", { name: "Yes, erase it for good" }).click();
  await page.getByRole("status").getByText("Erased: 2 answers, 0 outcomes and 0 conflicting copies.", { exact: false }).waitFor();
  await c.close();
  await t.close();
});
