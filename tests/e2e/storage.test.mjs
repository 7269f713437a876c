// When the tablet's storage lets the app down: the browser closing the database connection
// under the page, and the storage filling up. A child's answers given before are never lost,
// and the practitioner is told what happened in words they can act on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serverAndBrowser, axeViolations, begin, decryptedRecords, pendingOnTablet, enrol, visit, startSession, unlock, until, watchConsole } from "./harness.mjs";

const env = serverAndBrowser();

const SYMBOLS = "/child/symbols-check?lang=en";
const PROMPTS = ["Are you happy at home?", "Do you feel safe at home?", "Do you like school?", "Is anything making you scared?"];
const FULL_FOR_CHILD = "This tablet is full, so that answer could not be kept. Everything you said before is kept. Please ask your worker to help.";
const FULL_FOR_PRACTITIONER = "This tablet's storage is full, so that could not be saved. Nothing saved before is lost. Send the waiting answers from the Outbox, or free space on the tablet, then try again.";

/** Answers question `i` of the Symbols check with `name` and waits until the tablet holds `i + 1` answers. */
async function answerAndKeep(page, i, name = "Yes") {
  await page.getByRole("heading", { name: PROMPTS[i], exact: true }).waitFor();
  await page.getByRole("button", { name, exact: true }).click();
  await until(async () => (await decryptedRecords(page, "drafts"))[0]?.answers.length === i + 1);
}

const draftAnswers = async (page) => (await decryptedRecords(page, "drafts"))[0]?.answers.map((a) => a.value.yes_no);

/** Enrols, starts a session, goes offline and gives the Symbols check's first answer ("Yes"). */
async function firstAnswerGiven(context, page) {
  await enrol(page, env.server);
  await startSession(page);
  // No signal, as on a visit: what waits to be sent stays on the tablet for the test to read.
  await context.setOffline(true);
  await visit(page, SYMBOLS);
  await begin(page);
  await answerAndKeep(page, 0);
  await page.getByRole("button", { name: "Next", exact: true }).click();
}

test("when the browser closes the storage connection, the app opens a new one and no answer is lost", async () => {
  const context = await env.browser.newContext();
  // Every IndexedDB connection the app opens (it always names the version it wants; this
  // test's own reads do not), so the test can close them under the app. Chromium offers no
  // way to make the browser itself drop a page's connection; one closed from the page is in
  // the same state: every transaction started on it throws InvalidStateError.
  await context.addInitScript(() => {
    const open = IDBFactory.prototype.open;
    globalThis.heardConnections = [];
    IDBFactory.prototype.open = function (...args) {
      const request = open.apply(this, args);
      if (args.length > 1) request.addEventListener("success", () => globalThis.heardConnections.push(request.result));
      return request;
    };
  });
  const page = await context.newPage();
  const problems = watchConsole(page);
  const closeConnections = async () => {
    const closed = await page.evaluate(() => globalThis.heardConnections.splice(0).map((db) => db.close()).length);
    assert.ok(closed > 0, "the app had a connection open to close");
  };
  await firstAnswerGiven(context, page);

  await closeConnections();
  await answerAndKeep(page, 1, "Not sure");
  assert.equal(await page.getByText(/could not (save|be kept)/).count(), 0, "the child sees no failure");
  assert.deepEqual(await draftAnswers(page), ["yes", "not_sure"]);

  await closeConnections();
  await page.getByRole("button", { name: "Stop here", exact: true }).click();
  await page.getByRole("button", { name: "Yes, stop now", exact: true }).click();
  await page.getByText("All done. Please give the tablet back to your worker.").waitFor();
  const [finished] = await pendingOnTablet(page);
  assert.deepEqual(finished.answers.map((a) => a.value.yes_no), ["yes", "not_sure"], "both answers reached the outbox");
  assert.deepEqual(await decryptedRecords(page, "drafts"), []);

  // The practitioner takes the tablet back: the PIN and the outbox work on a new connection too.
  await closeConnections();
  await page.getByRole("button", { name: "Practitioner: take the tablet back" }).click();
  await unlock(page);
  await closeConnections();
  await visit(page, "/outbox");
  await page.getByText("1 answer waiting to send.").waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("a full tablet: the child's earlier answers are kept, the practitioner is told, and saving works once there is room", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  // A tablet with little room: Chromium's storage quota for this origin set to 5 MB (as
  // DevTools' "simulate custom storage quota" does), before the app first opens its storage.
  await page.goto(`${env.server.url}/manifest.webmanifest`);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Storage.overrideQuotaForOrigin", { origin: env.server.url, quotaSize: 5_000_000 });
  await firstAnswerGiven(context, page);

  // Something else on the tablet fills the space that is left (another database of this
  // origin, written until the browser refuses), and is later deleted to make room.
  const fill = () =>
    page.evaluate(async () => {
      const db = await new Promise((ok, no) => {
        const open = indexedDB.open("filler", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("s");
        open.onsuccess = () => ok(open.result);
        open.onerror = () => no(open.error);
      });
      let n = 0;
      for (const size of [20_000, 2_000, 200]) {
        for (;;) {
          const put = new Promise((ok, no) => {
            const tx = db.transaction("s", "readwrite");
            tx.objectStore("s").put(crypto.getRandomValues(new Uint8Array(size)), n++);
            tx.oncomplete = ok;
            tx.onabort = () => no(tx.error);
          });
          if (!(await put.then(() => true, () => false))) break;
        }
      }
      db.close();
    });
  const makeRoom = () => page.evaluate(() => new Promise((ok, no) => Object.assign(indexedDB.deleteDatabase("filler"), { onsuccess: ok, onerror: no })));

  await fill();
  await page.getByRole("heading", { name: PROMPTS[1], exact: true }).waitFor();
  await page.getByRole("button", { name: "Not sure", exact: true }).click();
  await page.getByRole("alert").getByText(FULL_FOR_CHILD).waitFor();
  assert.deepEqual(await draftAnswers(page), ["yes"], "the answer saved before is still there, unchanged");

  // Room again: the next answer saves the whole response, the one refused before included.
  await makeRoom();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await answerAndKeep(page, 2);
  assert.equal(await page.getByText(FULL_FOR_CHILD).count(), 0, "the message goes once answers are kept again");
  assert.deepEqual(await draftAnswers(page), ["yes", "not_sure", "yes"]);

  // The practitioner, full again, tries to send the unfinished answers on.
  await fill();
  await visit(page, "/child");
  await unlock(page);
  await page.getByRole("button", { name: "Send what was answered" }).click();
  await page.getByRole("status").getByText(FULL_FOR_PRACTITIONER).waitFor();
  assert.deepEqual(await draftAnswers(page), ["yes", "not_sure", "yes"], "nothing lost or half-moved");
  assert.deepEqual(await pendingOnTablet(page), []);

  await makeRoom();
  await page.getByRole("button", { name: "Send what was answered" }).click();
  await page.getByRole("status").getByText("Moved to the outbox, to be sent with the other answers.").waitFor();
  const [moved] = await pendingOnTablet(page);
  assert.deepEqual(moved.answers.map((a) => a.value.yes_no), ["yes", "not_sure", "yes"]);
  await context.close();
});

test("when the browser will not open the tablet's storage, the practitioner is told so, not sent to enrol again", async () => {
  const context = await env.browser.newContext();
  // The browser refusing IndexedDB (a policy, a damaged profile), while the test says so.
  await context.addInitScript(() => {
    if (localStorage.getItem("test-refuse-storage") !== "1") return;
    IDBFactory.prototype.open = function () {
      throw new DOMException("The user denied permission to access the database.", "SecurityError");
    };
  });
  const page = await context.newPage();
  await enrol(page, env.server);
  await page.evaluate(() => localStorage.setItem("test-refuse-storage", "1"));
  await page.goto(`${env.server.url}/child`);
  await page.getByRole("heading", { name: "Heard cannot open this tablet's storage" }).waitFor();
  await page.getByRole("alert").getByText("This browser is not letting Heard use its storage", { exact: false }).waitFor();
  await page.getByText("Nothing kept on this tablet is lost: do not enrol it again.", { exact: false }).waitFor();
  assert.equal(await page.getByText("This tablet is not enrolled yet.", { exact: false }).count(), 0, "not told it is not enrolled");
  assert.deepEqual(await axeViolations(page), [], "axe on the storage problem");
  // Once the browser lets it, Try again opens the tablet as it was: enrolled, asking for the PIN.
  await page.evaluate(() => localStorage.removeItem("test-refuse-storage"));
  await page.getByRole("button", { name: "Try again" }).click();
  await page.getByRole("heading", { name: "Enter your PIN" }).waitFor();
  await context.close();
});
