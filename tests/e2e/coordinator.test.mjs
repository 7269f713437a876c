// The coordinator preparing a board report: log in, read each of the audit's questions on
// the dashboard (charts and tables), narrow it with a filter, see small numbers hidden as
// "c", download a table as CSV and find the same cells in it. Axe on every screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { serverAndBrowser, axeViolations, watchConsole, logIn, until, demoKey, openEnrolmentKey, SERVER_BIN, DEMO_LOGIN } from "./harness.mjs";

/** The partnership keys this browser keeps (IndexedDB), as what kind of thing each is. */
function keptKeys(page) {
  return page.evaluate(() => new Promise((ok, fail) => {
    const open = indexedDB.open("heard-coordinator");
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("keys")) { db.close(); return ok([]); }
      const all = db.transaction("keys").objectStore("keys").getAll();
      all.onsuccess = () => { db.close(); ok(all.result.map((k) => ({ type: k.constructor.name, extractable: k.extractable, algorithm: k.algorithm.name }))); };
    };
  }));
}

// A partnership with some history: synthetic cases, generated, no real child.
const env = serverAndBrowser({ demoCases: 300 });

/** The cells of a table's body, row by row, as the page shows them. */
async function bodyCells(table) {
  return table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("th, td")].map((c) => c.textContent.trim())));
}

test("a coordinator reads the dashboard, filters it, and exports a table as shown", async () => {
  const context = await env.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await logIn(page, env.server);

  for (const heading of ["Were children heard?", "What happened, and did children say things got better?", "Disabled children and homeless families", "Drift", "What children said"]) {
    await page.getByRole("heading", { name: heading, level: 2 }).waitFor();
  }
  const voice = page.getByRole("table", { name: "Voice captured, by agency" });
  const rows = await bodyCells(voice);
  assert.deepEqual(rows.map((r) => r[0]), ["Demo Early Help Team", "Demo Family Support Charity", "Demo Health Visiting", "Demo Housing Options", "Demo Primary School"]);
  const total = Number(await voice.locator("tfoot td").nth(2).textContent());
  assert.ok(total > 250, `about 300 cases, ${total} shown`);
  await page.getByRole("img", { name: "Voice captured, by agency: bar chart. The same figures are in the table below." }).waitFor();
  // Every count on the page is 0, more than 5, or hidden as "c"; some are hidden.
  const counts = await page.locator(".dash-table tbody td:not(:last-child), .dash-table tfoot td:not(:last-child)").allTextContents();
  const numbers = counts.filter((c) => /^\d+$/.test(c)).map(Number);
  assert.ok(numbers.length > 50);
  assert.deepEqual(numbers.filter((n) => n >= 1 && n <= 5), [], "no count from 1 to 5 is shown");
  assert.ok(counts.includes("c"), "some small numbers are hidden");
  await page.getByText("“c” stands for a small number, hidden, and a row of fewer than 10 cases shows none.", { exact: false }).waitFor();
  // What children agreed to share, with no case or name; a coordinator can hide an item.
  const said = page.getByRole("list", { name: "Shared words and drawings" }).getByRole("listitem");
  const sharedCount = await said.count();
  assert.ok(sharedCount > 3);
  await page.getByRole("button", { name: /^Hide this answer to/ }).first().click();
  await until(async () => (await said.count()) === sharedCount - 1);
  assert.equal(await said.count(), sharedCount - 1, "the hidden item leaves the list");
  assert.deepEqual(await axeViolations(page), [], "dashboard");
  // One meaning, one colour in every chart: worse is never green, about the same not orange.
  const keys = await page.locator(".legend li").evaluateAll((items) => items.map((li) => [li.textContent.trim(), getComputedStyle(li.querySelector(".swatch")).backgroundColor]));
  const colours = new Map();
  for (const [name, colour] of keys) colours.set(name, [...new Set([...(colours.get(name) ?? []), colour])]);
  for (const [name, seen] of colours) assert.equal(seen.length, 1, `"${name}" has one colour in every chart: ${seen}`);
  const [better, worse, same, heard, notHeard] = ["Better", "Worse", "About the same", "Heard", "Not heard"].map((n) => colours.get(n)[0]);
  assert.equal(better, "rgb(0, 158, 115)", "better is green");
  assert.equal(worse, "rgb(213, 94, 0)", "worse is vermilion, never green");
  assert.equal(new Set([better, worse, same, heard, notHeard]).size, 5, "each meaning its own colour");

  // Periods are whole months, quarters or years. One with too few cases to show safely is
  // said as such, in words; all time shows the tables again.
  const period = page.getByRole("combobox", { name: "Period" });
  assert.match(await period.getAttribute("aria-describedby"), /dates-hint/);
  await page.getByText("A period is a whole month, quarter or year, never a range of days.", { exact: false }).waitFor();
  const year = String(new Date().getFullYear() - 2);
  await period.selectOption({ label: `Jan ${year}` });
  await page.getByRole("button", { name: "Show" }).click();
  await page.getByRole("alert").getByText("Too few cases to show safely for this choice.", { exact: false }).waitFor();
  assert.equal(await page.getByRole("table", { name: "Voice captured, by agency" }).count(), 0, "no table for a view too small");
  await period.selectOption({ label: "All time" });
  await page.getByRole("button", { name: "Show" }).click();
  await page.getByRole("table", { name: "Voice captured, by agency" }).waitFor();

  // Only the teenagers.
  await page.getByRole("combobox", { name: "Age band" }).selectOption({ label: "Teen (13–18)" });
  await page.getByRole("button", { name: "Show" }).click();
  await page.getByRole("table", { name: "Voice captured, by age band" }).waitFor();
  const bands = await bodyCells(page.getByRole("table", { name: "Voice captured, by age band" }));
  for (const row of bands) {
    if (row[0] !== "Teen (13–18)") assert.deepEqual(row.slice(1, 4), ["0", "0", "0"], `${row[0]} is filtered out`);
  }
  const teenTotal = Number(await page.getByRole("table", { name: "Voice captured, by agency" }).locator("tfoot td").nth(2).textContent());
  assert.ok(teenTotal > 0 && teenTotal < total, `${teenTotal} of ${total}`);

  // The same table, as CSV, with the same filter and the same hidden cells.
  const shown = await bodyCells(page.getByRole("table", { name: "Voice captured, by agency" }));
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download “Voice captured, by agency” as CSV" }).click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8").trimEnd().split("\r\n");
  assert.equal(csv[0], "\ufeffAgency,Heard,Not heard,Total,Share heard");
  assert.deepEqual(
    csv.slice(1, 1 + shown.length).map((line) => line.split(",").slice(0, 4)),
    shown.map((r) => r.slice(0, 4)),
  );
  // In Arabic, right to left; the choice is kept for the next visit.
  await page.getByRole("combobox", { name: "Language of these screens" }).selectOption({ label: "العربية" });
  await page.getByRole("heading", { name: "نظرة عامة على الشراكة" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
  // All of it, at once: the account line and every table, not only what is drawn afresh.
  await page.getByRole("button", { name: "تسجيل الخروج" }).waitFor();
  assert.equal(await page.getByText("Log out", { exact: true }).count(), 0);
  assert.deepEqual(await axeViolations(page), [], "dashboard in Arabic");
  await page.reload();
  await page.getByRole("heading", { name: "نظرة عامة على الشراكة" }).waitFor();
  await page.getByRole("combobox").first().selectOption({ label: "English" });
  await page.getByRole("heading", { name: "Partnership overview" }).waitFor();

  // The session runs out while the page stays open: the next request leads back to the login.
  await context.clearCookies();
  await page.getByRole("link", { name: "Partnership setup" }).click();
  await page.getByRole("status").getByText("Your session has ended, as sessions do after a while. Log in again to carry on.").waitFor();
  await page.getByRole("button", { name: "Log in" }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("a coordinator sets up the partnership and imports outcomes from a CSV with some bad lines", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const problems = watchConsole(page);
  await logIn(page, env.server);
  const held = page.getByTestId("outcomes-held").filter({ hasText: /^\d+$/ });
  await held.waitFor();
  const outcomesBefore = Number(await held.textContent());

  // This browser has no key yet: restore it from the backup file the demo wrote.
  await page.getByRole("link", { name: "Partnership setup" }).click();
  await page.getByRole("heading", { name: "Partnership key", exact: true }).waitFor();
  await page.getByText("This browser does not hold the partnership key.").waitFor();
  await page.getByLabel("Partnership key backup file").setInputFiles({ name: "wrong.json", mimeType: "application/json", buffer: Buffer.from('{"not": "a key"}') });
  await page.getByRole("status").getByText("That file cannot be used: this is not a Heard partnership key backup file.").waitFor();
  assert.ok(env.server.keyFile, "the demo server names its key file");
  await page.getByLabel("Partnership key backup file").setInputFiles(env.server.keyFile);
  await page.getByRole("status").getByText("The partnership key is restored on this browser.").waitFor();
  assert.deepEqual(await axeViolations(page), [], "setup");
  // Kept only as a key no page can read back as bytes: never as text in local storage.
  assert.deepEqual(await keptKeys(page), [{ type: "CryptoKey", extractable: false, algorithm: "HMAC" }]);
  // "Forget" takes it from this browser at once; the backup file brings it back.
  await page.getByRole("button", { name: "Forget the key on this browser" }).click();
  await page.getByRole("status").getByText("This browser no longer holds the key.", { exact: false }).waitFor();
  assert.deepEqual(await keptKeys(page), []);
  await page.getByLabel("Partnership key backup file").setInputFiles(env.server.keyFile);
  await page.getByRole("status").getByText("The partnership key is restored on this browser.").waitFor();
  const keyText = demoKey(env.server).toString("base64url");
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  assert.ok(!storage.includes(keyText), "the key is not in local or session storage");

  // A new agency, and an enrolment code for it that a tablet can read.
  await page.getByRole("textbox", { name: "Agency" }).fill("Riverside Youth Club");
  await page.getByRole("combobox", { name: "Kind" }).selectOption({ label: "Voluntary sector" });
  await page.getByRole("button", { name: "Add the agency" }).click();
  await page.getByRole("status").getByText("Riverside Youth Club is added.").waitFor();
  await page.getByRole("table", { name: "Agencies" }).getByRole("rowheader", { name: "Riverside Youth Club" }).waitFor();
  await page.getByRole("combobox", { name: "Agency for the tablet" }).selectOption({ label: "Riverside Youth Club" });
  // A code needs the key file: the key is sealed into it for one tablet, not kept here.
  await page.getByRole("button", { name: "Issue an enrolment code" }).click();
  await page.getByRole("status").getByText("Choose your partnership key file first", { exact: false }).waitFor();
  await page.getByLabel("Partnership key file (read to seal the key into the code, not kept)").setInputFiles(env.server.keyFile);
  await page.getByRole("button", { name: "Issue an enrolment code" }).click();
  const code = await page.getByRole("textbox", { name: "Enrolment code for Riverside Youth Club" }).inputValue();
  assert.match(code, /^HEARD-[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Za-z0-9_-]{22}$/);
  assert.ok(!code.includes(keyText), "the code does not carry the partnership key");
  // It can be copied to hand on whole.
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url });
  await page.getByRole("button", { name: "Copy the code" }).click();
  await page.getByRole("status").getByText("The code is copied", { exact: false }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
  const enrolled = await (await page.request.post(`${env.server.url}/api/v1/enrol`, { data: { code: code.split("-").slice(1, 3).join("-") } })).json();
  assert.equal(enrolled.agency, "Riverside Youth Club", "a tablet can enrol with it");
  assert.deepEqual(openEnrolmentKey(code.split("-").slice(3).join("-"), enrolled.sealed_key), demoKey(env.server), "and open the key with the code's secret");
  // A second code with the file still chosen, for the next tablet.
  await page.getByRole("button", { name: "Issue an enrolment code" }).click();
  await until(async () => (await page.getByRole("textbox", { name: "Enrolment code for Riverside Youth Club" }).inputValue()) !== code);

  // The new tablet is listed, and can be revoked.
  await page.getByRole("link", { name: "Partnership setup" }).click();
  const devices = page.getByRole("table", { name: "Tablets" });
  const newTablet = devices.getByRole("row").filter({ hasText: "Riverside Youth Club" }).filter({ has: page.getByRole("button") });
  await newTablet.waitFor();
  // Each tablet is named by the start of its id, as the audit log names it.
  const tablet = (await newTablet.getByRole("rowheader").textContent()).trim();
  assert.match(tablet, /^[0-9a-f]{8}$/);
  page.once("dialog", (d) => d.accept());
  await devices.getByRole("button", { name: `Revoke tablet ${tablet} (Riverside Youth Club)` }).click();
  await page.getByRole("status").getByText("The tablet is revoked.").waitFor();
  // Its button went with it: the focus is on the list's heading, not lost at the top.
  const tabletsHeading = page.getByRole("heading", { name: "Tablets" });
  await until(() => tabletsHeading.evaluate((e) => e === document.activeElement));
  assert.ok(await tabletsHeading.evaluate((e) => e === document.activeElement), "the focus is on the Tablets heading");
  // Never used, it can also leave the list (a tablet whose enrolment reply was lost, say).
  page.once("dialog", (d) => d.accept());
  await devices.getByRole("button", { name: `Remove tablet ${tablet} (Riverside Youth Club), never used` }).click();
  await page.getByRole("status").getByText("The tablet is removed from the list.").waitFor();
  await devices.getByRole("rowheader", { name: tablet }).waitFor({ state: "detached" });
  assert.deepEqual(await axeViolations(page), [], "setup with a tablet removed");

  // Copies sent with other content: none in the demo, and said so.
  await page.getByRole("heading", { name: "Answers sent twice with different content" }).waitFor();
  await page.getByText("None.", { exact: true }).waitFor();

  // How long answers are kept: 24 months unless chosen; audited.
  const keep = page.getByRole("combobox", { name: "Keep a case's answers for" });
  await until(async () => (await keep.inputValue()) === "24");
  assert.equal(await keep.inputValue(), "24", "24 months unless chosen");
  await keep.selectOption({ label: "36 months after its last activity" });
  await page.getByRole("button", { name: "Save how long answers are kept" }).click();
  await page.getByRole("status").getByText("A case's answers are now kept for 36 months after its last activity.").waitFor();

  // A case erased at a family's request: asked twice, pseudonymised here, audited.
  await page.getByRole("textbox", { name: "Case reference to erase" }).fill("EH-2024-00123");
  await page.getByRole("button", { name: "Erase this case…" }).click();
  await page.getByRole("group", { name: "Erase everything held about this case, for good?" }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "setup, asked to erase a case");
  await page.getByRole("button", { name: "Yes, erase it for good" }).click();
  await page.getByRole("status").getByText(/^(Erased: \d+ answers|Nothing was held about this case)/).waitFor();
  await page.getByRole("table", { name: "Audit log" }).getByText("a case erased at the family's request", { exact: false }).waitFor();

  // An analyst account.
  await page.getByRole("textbox", { name: "Email" }).fill("analyst@demo.heard");
  await page.getByLabel("Password (at least 12 characters)").fill("a long analyst password");
  await page.getByRole("button", { name: "Create the analyst account" }).click();
  await page.getByRole("status").getByText("analyst@demo.heard can now log in as an analyst.").waitFor();
  // Listed with the coordinator's own; someone who left is removed, and cannot log in.
  await page.getByRole("textbox", { name: "Email" }).fill("leaver@demo.heard");
  await page.getByLabel("Password (at least 12 characters)").fill("a long leaver password");
  await page.getByRole("button", { name: "Create the analyst account" }).click();
  const accounts = page.getByRole("table", { name: "Accounts" });
  await accounts.getByRole("rowheader", { name: "leaver@demo.heard" }).waitFor();
  await accounts.getByRole("rowheader", { name: "analyst@demo.heard" }).waitFor();
  assert.match(await accounts.getByRole("row").filter({ hasText: DEMO_LOGIN.email }).textContent(), /Your account/);
  page.once("dialog", (d) => d.accept());
  await accounts.getByRole("button", { name: "Remove leaver@demo.heard" }).click();
  await page.getByRole("status").getByText("leaver@demo.heard can no longer log in.").waitFor();
  await accounts.getByRole("rowheader", { name: "leaver@demo.heard" }).waitFor({ state: "detached" });
  const gone = await page.request.post(`${env.server.url}/api/v1/login`, { data: { email: "leaver@demo.heard", password: "a long leaver password" } });
  assert.equal(gone.status(), 401);
  await until(async () => (await page.evaluate(() => document.activeElement?.id)) === "h-analysts");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "h-analysts", "the focus is on the list's heading, not lost");

  // The import: two good lines, three bad ones, named by line.
  await page.getByRole("link", { name: "Import outcomes" }).click();
  const csv = [
    "Case reference,Outcome,Date closed",
    "EH-2026-0001,Stepped down,2026-10-01",
    "EH-2026-0002,adopted,2026-10-01",
    "EH-2026-0003,Needs met,31/09/2026",
    ",Other,2026-10-01",
    "eh 2026 0005,\"Referred to a specialist service\",02/10/2026",
  ].join("\r\n");
  await page.getByLabel("Outcomes file (CSV)").setInputFiles({ name: "closures.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByText("Lines ready to import: 2. Lines with problems, left out: 3.").waitFor();
  const lines = await page.getByRole("list", { name: "Lines that cannot be imported" }).getByRole("listitem").allTextContents();
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^Line 3: unknown outcome "adopted"/);
  assert.equal(lines[1], 'Line 4: "31/09/2026" is not a date (write 2026-04-30 or 30/04/2026)');
  assert.equal(lines[2], "Line 5: no case reference");
  assert.deepEqual(await axeViolations(page), [], "import preview");
  await page.getByRole("button", { name: "Import 2 outcomes" }).click();
  await page.getByText("Imported 2 outcomes: 2 new, 0 already held from an earlier import.").waitFor();
  // The focus stays on the button (a disabled button dropped it to the top of the page).
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Import 2 outcomes");
  // Again: nothing twice.
  await page.getByRole("button", { name: "Import 2 outcomes" }).click();
  await page.getByText("Imported 2 outcomes: 0 new, 2 already held from an earlier import.").waitFor();

  await page.getByRole("link", { name: "Dashboard" }).click();
  await page.getByTestId("outcomes-held").filter({ hasText: String(outcomesBefore + 2) }).waitFor();
  // Each part has its own address: Back goes to the part before (it used to leave the app),
  // and a reload stays on the part.
  assert.equal(new URL(page.url()).pathname, "/coordinator");
  await page.goBack();
  await page.getByLabel("Outcomes file (CSV)").waitFor();
  assert.equal(new URL(page.url()).pathname, "/coordinator/import");
  assert.equal(await page.getByRole("link", { name: "Import outcomes" }).getAttribute("aria-current"), "page");
  await page.reload();
  await page.getByLabel("Outcomes file (CSV)").waitFor();
  await page.goForward();
  await page.getByTestId("outcomes-held").filter({ hasText: String(outcomesBefore + 2) }).waitFor();
  // The server holds pseudonyms only: no case reference from the file.
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const audit = await (await page.request.get(`${env.server.url}/api/v1/audit`, { headers: { cookie } })).text();
  assert.ok(audit.includes("outcomes imported") && !audit.includes("EH-2026"), audit.slice(0, 300));
  assert.ok(audit.includes(`device ${tablet}`), "the revoked tablet is named in the audit log as on the list");

  // Logging out forgets the key on this browser: the analyst who logs in next never sees it.
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("button", { name: "Log in" }).waitFor();
  assert.deepEqual(await keptKeys(page), [], "logging out deletes the key");
  await page.getByRole("textbox", { name: "Email" }).fill("analyst@demo.heard");
  await page.getByLabel("Password").fill("a long analyst password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByText("Logged in as analyst@demo.heard, Demo Partnership. Role: analyst (read only).").waitFor();
  const title = page.getByRole("heading", { name: "Partnership overview" });
  await until(() => title.evaluate((e) => e === document.activeElement));
  assert.ok(await title.evaluate((e) => e === document.activeElement), "after logging in the focus is on the title");
  await page.getByRole("link", { name: "Partnership setup" }).click();
  await page.getByRole("table", { name: "Tablets" }).waitFor();
  assert.equal(await page.getByRole("heading", { name: "Partnership key", exact: true }).count(), 0, "no key panel for an analyst");
  assert.equal(await page.getByRole("button", { name: "Save a backup of the key" }).count(), 0);
  // The import's address opens the dashboard for an analyst, and the address says so.
  await page.goto(`${env.server.url}/coordinator/import`);
  await page.getByRole("heading", { name: "Were children heard?", level: 2 }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/coordinator");
  assert.equal(await page.getByRole("link", { name: "Import outcomes" }).count(), 0);
  // What children said is for coordinators: an analyst is told so, and shown none.
  await page.getByText("Only the partnership's coordinators see the words and drawings children agreed to share.").waitFor();
  assert.equal(await page.getByRole("list", { name: "Shared words and drawings" }).count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a new partnership is created with a key made in the browser, after its backup is saved", async () => {
  // Whoever runs the server makes a one-time setup code.
  const database = `sqlite:${join(env.server.dir, "heard.sqlite3")}`;
  const printed = execFileSync(SERVER_BIN, ["--database-url", database, "--new-partnership-code"], { encoding: "utf8" });
  const setupCode = printed.match(/Partnership setup code \(works once, for 7 days\): ([A-Z2-9]{5}-[A-Z2-9]{5})/)[1];

  const context = await env.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.goto(`${env.server.url}/coordinator`);
  await page.getByRole("button", { name: "Set up a new partnership" }).click();
  await page.getByRole("textbox", { name: "Setup code" }).fill(setupCode);
  await page.getByRole("textbox", { name: "Partnership name" }).fill("Riverside Partnership");
  await page.getByRole("textbox", { name: "Email" }).fill("lead@riverside.test");
  await page.getByLabel("Password (at least 12 characters)").fill("a long coordinator password");
  await page.getByRole("button", { name: "Make the partnership key" }).click();
  assert.deepEqual(await axeViolations(page), [], "new partnership: save the key");

  // Nothing is created until the backup is saved and that is confirmed.
  const create = page.getByRole("button", { name: "Create the partnership" });
  assert.ok(await create.isDisabled());
  assert.ok(await page.getByRole("checkbox", { name: "I have saved the key backup file somewhere safe" }).isDisabled());
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Save the key backup file" }).click()]);
  const backup = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(backup.heard_partnership_key, 1);
  assert.equal(backup.partnership, "Riverside Partnership");
  const key = Buffer.from(backup.key, "base64url");
  assert.equal(key.length, 32);
  assert.equal(backup.fingerprint, createHash("sha256").update(key).digest("hex"));
  await page.getByRole("checkbox", { name: "I have saved the key backup file somewhere safe" }).check();
  await create.click();
  await page.getByText("Logged in as lead@riverside.test, Riverside Partnership. Role: coordinator.").waitFor();
  await page.getByRole("link", { name: "Partnership setup" }).click();
  await page.getByText("This browser holds the partnership key").waitFor();
  assert.deepEqual(await keptKeys(page), [{ type: "CryptoKey", extractable: false, algorithm: "HMAC" }], "kept, but not as bytes");
  const me = await (await page.request.get(`${env.server.url}/api/v1/me`)).json();
  assert.equal(me.key_fingerprint, backup.fingerprint);
  const stored = readFileSync(join(env.server.dir, "heard.sqlite3")).toString("latin1") + readFileSync(join(env.server.dir, "heard.sqlite3-wal")).toString("latin1");
  assert.ok(stored.includes(backup.fingerprint), "the fingerprint is in the database");
  assert.ok(!stored.includes(backup.key) && !stored.includes(key.toString("hex")), "the key is not");
  // The session runs out while the browser is closed: opened again, the key is gone with it.
  await context.clearCookies();
  await page.reload();
  await page.getByRole("button", { name: "Log in" }).waitFor();
  await until(async () => (await keptKeys(page)).length === 0);
  assert.deepEqual(await keptKeys(page), [], "the ended session took the key with it");
  await page.getByRole("textbox", { name: "Email" }).fill("lead@riverside.test");
  await page.getByLabel("Password").fill("a long coordinator password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByText("Logged in as lead@riverside.test, Riverside Partnership. Role: coordinator.").waitFor();
  // The setup code worked once.
  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByRole("button", { name: "Set up a new partnership" }).click();
  await page.getByRole("textbox", { name: "Setup code" }).fill(setupCode);
  await page.getByRole("textbox", { name: "Partnership name" }).fill("Copycat");
  await page.getByRole("textbox", { name: "Email" }).fill("copy@riverside.test");
  await page.getByLabel("Password (at least 12 characters)").fill("a long coordinator password");
  await page.getByRole("button", { name: "Make the partnership key" }).click();
  await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Save the key backup file" }).click()]);
  await page.getByRole("checkbox", { name: "I have saved the key backup file somewhere safe" }).check();
  await create.click();
  await page.getByRole("alert").getByText("setup_code: that setup code is not valid").waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
