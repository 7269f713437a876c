// A tablet's outbox saved as an encrypted backup file and taken over by another tablet of the
// same partnership: nothing readable in the file, nothing lost, nothing counted twice when both
// tablets send; a file from elsewhere, or a damaged one, is refused by name and adds nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { serverAndBrowser, axeViolations, completeSymbolsCheck, enrol, startSession, visit, unlock, pendingOnTablet, heldOnServer, until, pastFollowUps } from "./harness.mjs";

const env = serverAndBrowser();

test("an outbox saved as a backup file is taken over by another tablet of the partnership, and counted once", async () => {
  const before = await heldOnServer(env.server);
  // Tablet A, offline in a family's home: one form answered, nothing sent.
  const a = await env.browser.newContext();
  const pageA = await a.newPage();
  await enrol(pageA, env.server);
  await a.setOffline(true);
  await startSession(pageA, { reference: "EH-BACKUP-1", age: 9 });
  await completeSymbolsCheck(pageA);
  await visit(pageA, "/outbox");
  await unlock(pageA);
  await pastFollowUps(pageA);
  await pageA.getByText("1 answer waiting to send.").waitFor();
  const [download] = await Promise.all([pageA.waitForEvent("download"), pageA.getByRole("button", { name: "Save a backup file" }).click()]);
  await pageA.getByRole("status").getByText("Backup saved. Answers waiting: 1. Unfinished: 0. Case outcomes: 0.").waitFor();
  assert.match(download.suggestedFilename(), /^heard-backup-\d{4}-\d{2}-\d{2}\.json$/);
  const file = readFileSync(await download.path(), "utf8");
  const held = await pendingOnTablet(pageA);
  assert.ok(!file.includes(held[0].context.case) && !file.includes("symbols-check") && !file.includes("happy_home"), "nothing readable in the file");
  assert.deepEqual(Object.keys(JSON.parse(file)).sort(), ["created", "format", "key_fingerprint", "sealed", "version"]);

  // Tablet B of the same partnership takes it over.
  const b = await env.browser.newContext();
  const pageB = await b.newPage();
  await enrol(pageB, env.server);
  await visit(pageB, "/outbox");
  const takeOver = pageB.getByLabel("Take over a backup file from another tablet");
  // A file from another partnership, and a damaged one, are refused and add nothing.
  const envelope = JSON.parse(file);
  await takeOver.setInputFiles({ name: "other.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ ...envelope, key_fingerprint: "0".repeat(64) })) });
  await pageB.getByRole("status").getByText("That backup was made on a tablet of another partnership, so this tablet cannot open it.").waitFor();
  const damaged = envelope.sealed.slice(0, -6) + (envelope.sealed.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
  await takeOver.setInputFiles({ name: "damaged.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify({ ...envelope, sealed: damaged })) });
  await pageB.getByRole("status").getByText("That backup file is damaged or was changed, so nothing was taken from it.").waitFor();
  await takeOver.setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from("{\"hello\": 1}") });
  await pageB.getByRole("status").getByText("That file is not a Heard backup.", { exact: false }).waitFor();
  assert.deepEqual(await pendingOnTablet(pageB), []);
  await takeOver.setInputFiles({ name: download.suggestedFilename(), mimeType: "application/json", buffer: Buffer.from(file) });
  await pageB.getByRole("status").getByText("Backup taken over. Answers waiting: 1. Unfinished: 0. Case outcomes: 0.", { exact: false }).waitFor();
  assert.deepEqual(await pendingOnTablet(pageB), held, "the same answers, under the same id");
  assert.deepEqual(await axeViolations(pageB), [], "axe on the outbox with its backup section");

  // Both tablets send: the server keeps the answer once.
  await pageB.getByRole("button", { name: "Send", exact: true }).click();
  await pageB.getByRole("status").getByText("Sent 1 answer. The server has it.").waitFor();
  // Tablet A comes back online and sends its own copy by itself: the server already has it.
  await a.setOffline(false);
  await until(async () => (await pendingOnTablet(pageA)).length === 0, 10_000);
  assert.deepEqual(await pendingOnTablet(pageA), [], "tablet A's copy was confirmed too");
  assert.equal(await heldOnServer(env.server), before + 1, "held once");
  await a.close();
  await b.close();
});
