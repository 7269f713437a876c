// The whole chain end to end, as a practitioner, a child and a coordinator would use it: a
// child's answers are kept on the tablet through a reload, an offline send and a server
// outage; a lost confirmation is resent without a duplicate; the coordinator sees the count.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  serverAndBrowser, axeViolations, begin, watchConsole, pendingOnTablet, rawRecords, decryptedRecords, unlock, until, visit, heldOnServer as held, staffCookie, demoKey, DEMO_LOGIN, PIN,
} from "./harness.mjs";

const env = serverAndBrowser();

const heldOnServer = () => held(env.server);

/** Waits until `heading` has the focus (a new screen takes it there), failing if it never does. */
async function expectFocused(heading) {
  await heading.waitFor();
  await until(() => heading.evaluate((e) => e === document.activeElement));
  assert.ok(await heading.evaluate((e) => e === document.activeElement), `${await heading.textContent()} has the focus`);
}

/** Waits until `field` is marked as the one at fault and has the focus. */
async function expectAtFault(field) {
  await until(async () => (await field.getAttribute("aria-invalid")) === "true");
  assert.equal(await field.getAttribute("aria-invalid"), "true");
  assert.ok(await field.evaluate((e) => e === document.activeElement), "the field at fault has the focus");
}

async function expectWaiting(page, text) {
  await page.getByText(text, { exact: true }).waitFor();
}

test("a child's answers reach the coordinator once, surviving reload, offline and a lost confirmation", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  const problems = watchConsole(page);

  // Home, then enrolling the tablet with the code the coordinator gave.
  await page.goto(`${env.server.url}/`);
  await page.getByRole("heading", { name: "Heard" }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "home screen");
  await page.getByRole("link", { name: "Enrol this tablet" }).click();
  const code = page.getByRole("textbox", { name: "Enrolment code" });
  await code.fill(env.server.enrolmentText.slice(0, -3));
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("The end of the code is incomplete or mistyped.", { exact: false }).waitFor();
  await expectAtFault(code);
  await code.fill(env.server.enrolmentText);
  // Four digits are refused, and the screen says why.
  await page.getByText("could try every 4-digit PIN in under a second", { exact: false }).waitFor();
  await page.getByLabel("Choose a PIN (6 to 12 digits)").fill("2468");
  await page.getByLabel("The same PIN again").fill("2468");
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("A PIN has 6 to 12 digits.").waitFor();
  await expectAtFault(page.getByLabel("Choose a PIN (6 to 12 digits)"));
  await page.getByLabel("Choose a PIN (6 to 12 digits)").fill(PIN);
  await page.getByLabel("The same PIN again").fill("1357");
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("The two PINs are different. Type the same PIN twice.").waitFor();
  await expectAtFault(page.getByLabel("The same PIN again"));
  await page.getByLabel("The same PIN again").fill(PIN);
  // A Wi-Fi login page (or a proxy) answers in the server's place: the code is not blamed.
  const portal = (route) => route.fulfill({ status: 403, contentType: "text/html", body: "<h1>Sign in to the café Wi-Fi</h1>" });
  await page.route("**/api/v1/enrol", portal);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("Could not reach the Heard server. Enrolling needs a connection once; try again when you are online.").waitFor();
  await page.unroute("**/api/v1/enrol", portal);
  // The server without its database: not the code's fault either.
  const noDatabase = (route) => route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: "storage_unavailable", detail: "the server could not reach its database" }) });
  await page.route("**/api/v1/enrol", noDatabase);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("The Heard server could not store anything just now, so the tablet is not enrolled yet; the code is still good. Try again later.").waitFor();
  assert.equal(await code.getAttribute("aria-invalid"), null, "the code is not marked wrong");
  await page.unroute("**/api/v1/enrol", noDatabase);
  // The server enrols the tablet, but its reply is lost on the way back (a Wi-Fi drop): the
  // same code, tried again, enrols the same tablet once, not "already used".
  const cookie = await staffCookie(env.server);
  const tablets = async () => (await (await fetch(`${env.server.url}/api/v1/devices`, { headers: { cookie } })).json()).length;
  const tabletsBefore = await tablets();
  const lostReply = async (route) => {
    await route.fetch();
    await route.abort("connectionreset");
  };
  await page.route("**/api/v1/enrol", lostReply);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("Could not reach the Heard server. Enrolling needs a connection once; try again when you are online.").waitFor();
  assert.equal(await tablets(), tabletsBefore + 1, "the server enrolled it");
  await page.unroute("**/api/v1/enrol", lostReply);
  // Tried again with a slip in the secret after the code: the server gives the sealed key, which
  // the slip cannot open; said so, and the text put right still works for this same tablet.
  const right = env.server.enrolmentText;
  const slip = right.slice(0, 18) + (right[18] === "A" ? "B" : "A") + right.slice(19);
  await code.fill(slip);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("The end of the code does not open the partnership's key.", { exact: false }).waitFor();
  await code.fill(right);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("Enrolled: this tablet is now enrolled for Demo Early Help Team (Demo Partnership).").waitFor();
  assert.equal(await tablets(), tabletsBefore + 1, "one tablet, not a second that nobody holds");
  assert.deepEqual(await axeViolations(page), [], "enrolment screen");
  // The code is used up: its box is emptied. Pasted again, it is refused in words, and the
  // tablet still says what it is enrolled for.
  assert.equal(await code.inputValue(), "", "the used code is cleared");
  await code.fill(env.server.enrolmentText);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("The server did not accept this code: it may be mistyped, already used or expired. Ask your coordinator for a new one.").waitFor();
  await page.getByText("Enrolled: this tablet is now enrolled for Demo Early Help Team (Demo Partnership).").waitFor();

  // The practitioner starts a session (moving within the app keeps the tablet unlocked; a
  // reload locks it): the case reference becomes a pseudonym at once.
  await page.getByRole("link", { name: "Child screen" }).click();
  await page.getByRole("heading", { name: "Start a session" }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "session screen");
  // Mistakes are said in the app's words (not the browser's), all at once, each beside its
  // field (where an on-screen keyboard does not hide it), the first field focused.
  const age = page.getByRole("spinbutton", { name: "Child's age in years" });
  const reference = page.getByRole("textbox", { name: "Case reference" });
  await age.fill("3");
  await page.getByRole("button", { name: "Start the session" }).click();
  await expectAtFault(reference);
  assert.equal(await age.getAttribute("aria-invalid"), "true", "the age is marked too");
  const fieldProblems = await page.locator(".field-problem").allTextContents();
  assert.deepEqual(fieldProblems.filter(Boolean), ["Enter the case reference (up to 64 characters).", "Enter the child's age: Heard's forms are for ages 4 to 18."]);
  // Each problem is part of its field's description, for a screen reader.
  assert.match(await reference.evaluate((e) => e.getAttribute("aria-describedby")), /case-ref-problem/);
  assert.deepEqual(await axeViolations(page), [], "session screen with its mistakes");
  await age.fill("6");
  await page.getByRole("button", { name: "Start the session" }).click();
  await page.getByText("Enter the case reference (up to 64 characters).").waitFor();
  assert.equal(await page.getByText("Enter the child's age", { exact: false }).count(), 0, "a mended field is no longer at fault");
  await expectAtFault(reference);
  await page.getByRole("textbox", { name: "Case reference" }).fill("eh-2024 00123");
  // The bar's link to the screen on show is marked so, and leaves what is typed as it is.
  const here = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Child screen" });
  assert.equal(await here.getAttribute("aria-current"), "page");
  await here.click();
  assert.equal(await page.getByRole("textbox", { name: "Case reference" }).inputValue(), "eh-2024 00123");
  await page.getByRole("textbox", { name: "First name for the greeting (optional)" }).fill("Sam");
  await page.getByRole("checkbox", { name: "Homeless or in temporary accommodation" }).check();
  await page.getByRole("button", { name: "Start the session" }).click();
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  await page.getByText("Session for a child in Early years (4–7), Start of support.").waitFor();
  assert.deepEqual(await axeViolations(page), [], "form picker");
  // The practitioner's bar leads between screens (an installed app has no Back button).
  const bar = page.getByRole("navigation", { name: "Main" });
  assert.equal(await bar.getByRole("link", { name: "Child screen" }).getAttribute("aria-current"), "page");
  await bar.getByRole("link", { name: "Outbox" }).click();
  await expectFocused(page.getByRole("heading", { name: "Outbox" }));
  assert.equal(await bar.getByRole("link", { name: "Outbox" }).getAttribute("aria-current"), "page");
  await bar.getByRole("link", { name: "Child screen" }).click();
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  // The browser's own back and forward buttons move between screens.
  await page.goBack();
  await page.getByRole("heading", { name: "Outbox" }).waitFor();
  await page.goForward();
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  await page.getByRole("region", { name: "Early years (4–7)" }).getByRole("link", { name: "How are things?" }).click();

  // The child: greeted by name, told who reads their answers, then one question per screen,
  // three large named faces.
  await page.getByText("Hello, Sam!").waitFor();
  await page.getByRole("heading", { name: "Before we start" }).waitFor();
  await begin(page);
  await page.getByRole("heading", { name: "How are things at home?" }).waitFor();
  for (const name of ["Sad", "Okay", "Happy"]) {
    const box = await page.getByRole("button", { name, exact: true }).boundingBox();
    assert.ok(box.width >= 48 && box.height >= 48, `${name} is at least 48px square (${box.width}x${box.height})`);
  }
  assert.deepEqual(await axeViolations(page), [], "child question screen");
  await page.getByRole("button", { name: "Happy", exact: true }).click();
  await page.getByRole("button", { name: "Happy", exact: true, pressed: true }).waitFor();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("heading", { name: "Do you feel safe at home?" }).waitFor();
  await page.getByRole("button", { name: "No", exact: true }).click();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("button", { name: "Okay", exact: true }).click();
  await page.getByRole("button", { name: "Next", exact: true }).click();

  // Drawing with pointer events (a mouse here).
  await page.getByRole("heading", { name: "Draw something that makes you happy or worried." }).waitFor();
  const canvas = page.getByRole("img", { name: "Drawing space" });
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.getByRole("button", { name: "Green" }).click();
  await page.mouse.move(box.x + 40, box.y + 40);
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) await page.mouse.move(box.x + 40 + i * 8, box.y + 40 + Math.sin(i / 4) * 30);
  await page.mouse.up();
  assert.deepEqual(await axeViolations(page), [], "drawing screen");
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("button", { name: "With my worker" }).click();
  await page.getByRole("button", { name: "Next", exact: true }).click();

  // The end: thanks, and the question about sharing.
  await page.getByRole("heading", { name: "Thank you for telling us." }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "end screen");
  await page.getByRole("button", { name: "Yes, you can show them" }).click();
  await page.getByText("All done. Please give the tablet back to your worker.").waitFor();

  const [stored] = await pendingOnTablet(page);
  const drawing = stored.answers.find((a) => a.question_id === "draw").value.drawing;
  assert.match(drawing, /^d1\./, "the drawing is kept as compact strokes");
  assert.ok(drawing.length < 2000, `a 31-point stroke is small (${drawing.length} chars)`);
  assert.equal(stored.share, true);
  // The case is its HMAC-SHA256 pseudonym under the partnership key; the age only a band.
  const expected = createHmac("sha256", demoKey(env.server)).update("EH-202400123").digest("hex");
  assert.deepEqual(stored.context, {
    case: expected,
    age_band: "early_years",
    flags: { send: false, homeless: true, early_help_assessment: false, child_protection_plan: false, young_carer: false },
    stage: "start",
  });

  // No signal in the family's kitchen: every call to the server fails (the app itself still
  // loads, as it will from the service worker). The automatic send that starts on unlocking
  // fails, and nothing is lost.
  const noSignal = (route) => route.abort("internetdisconnected");
  await page.route("**/api/v1/**", noSignal);

  // The practitioner takes the tablet back: it locks, and after the PIN the answers to follow
  // up come before anything else (the child never saw them).
  await page.getByRole("button", { name: "Practitioner: take the tablet back" }).click();
  await unlock(page);
  await expectFocused(page.getByRole("heading", { name: "Before anything else" }));
  const prompt = page.getByRole("region", { name: "Before anything else" });
  const followUps = await prompt.getByRole("list", { name: /may mean the child is not safe/ }).getByRole("listitem").allTextContents();
  assert.deepEqual(followUps, ["Do you feel safe at home?Answer: No"]);
  // Then what the child said: the drawing itself, named, which Heard does not read for signals.
  const said = prompt.getByRole("region", { name: "What the child said" });
  await said.getByText("Heard does not read these for signs").waitFor();
  await said.getByRole("img", { name: "The child's drawing for: Draw something that makes you happy or worried." }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "follow-up prompt");
  await page.getByRole("button", { name: "I have read these and will follow them up" }).click();
  await expectFocused(page.getByRole("heading", { name: "Choose a form" }));

  // At closure the practitioner records how the case ended; it waits in the outbox too.
  await page.getByText("Record the case outcome").click();
  await page.getByRole("combobox", { name: "How the case ended" }).selectOption({ label: "Stepped down to universal services" });
  await page.getByRole("button", { name: "Record the outcome" }).click();
  await page.getByRole("status").getByText("The outcome is saved on this tablet and will be sent with the answers.").waitFor();
  assert.deepEqual(await axeViolations(page), [], "session screen with the outcome form");

  // The outbox holds it through a reload, which locks the tablet: the PIN opens it again.
  await visit(page, "/outbox");
  await expectWaiting(page, "1 answer waiting to send.");
  await page.reload();
  await page.getByRole("heading", { name: "Enter your PIN" }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "unlock screen");

  // What a locked tablet holds is unreadable: no answer, drawing, token or partnership key.
  const raw = JSON.stringify([await rawRecords(page, "pending_responses"), await rawRecords(page, "drafts"), await rawRecords(page, "settings")]);
  const secrets = [drawing, '"face"', "who_helped", "Demo Early Help Team", demoKey(env.server).toString("base64url"), "00123", "Sam", expected];
  for (const secret of secrets) assert.ok(!raw.includes(secret), `the locked tablet's storage shows ${secret}`);

  await page.getByLabel("PIN", { exact: true }).fill("0000");
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.getByRole("status").getByText("That PIN is not right.").waitFor();
  await unlock(page);
  await expectWaiting(page, "1 answer waiting to send.");
  const items = page.getByRole("list", { name: "Answers waiting to send" }).getByRole("listitem");
  assert.match(await items.first().textContent(), /How are things\? · 5 answered, 0 chose not to answer/);
  assert.deepEqual(await axeViolations(page), [], "outbox screen");

  // No signal at send: a clear message, the response stays pending.
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").getByText(/Could not reach the Heard server/).waitFor();
  await expectWaiting(page, "1 answer waiting to send.");
  await page.unroute("**/api/v1/**", noSignal);

  // Server down at send: the same.
  assert.equal(await env.server.stop(), 0, "Ctrl-C stops the server cleanly");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").getByText(/Could not reach the Heard server/).waitFor();
  await expectWaiting(page, "1 answer waiting to send.");
  await env.server.start();

  // Offline at send: the same.
  await context.setOffline(true);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").getByText(/Could not reach the Heard server/).waitFor();
  await expectWaiting(page, "1 answer waiting to send.");
  assert.equal(await heldOnServer(), 0);

  // Back online, the tablet sends by itself; here the server stores the response but its
  // confirmation is lost on the way back, so the response stays pending.
  await page.route("**/api/v1/responses", async (route) => {
    await route.fetch();
    await route.abort("connectionreset");
  });
  await context.setOffline(false);
  for (let i = 0; i < 50 && (await heldOnServer()) === 0; i++) await page.waitForTimeout(100);
  assert.equal(await heldOnServer(), 1, "the automatic send reached the server");
  await page.unroute("**/api/v1/responses");
  // (the server answers slowly now, so the outbox is on screen before the send ends)
  await page.route("**/api/v1/responses", async (route) => {
    await new Promise((ok) => setTimeout(ok, 1500));
    await route.continue();
  });
  await page.reload();
  await unlock(page);
  // Unlocking sends again at once: the server already has it (no duplicate) and confirms,
  // and the outbox on screen says so without being opened again.
  await expectWaiting(page, "1 answer waiting to send.");
  await expectWaiting(page, "Nothing is waiting to send.");
  await page.unroute("**/api/v1/responses");
  assert.equal(await heldOnServer(), 1, "the resend created no duplicate");
  // The outbox says what reached the server: which form, for which child, when; no answers.
  const sentList = page.getByRole("list", { name: "Sent lately: the server has these" });
  assert.deepEqual(
    (await sentList.getByRole("listitem").allTextContents()).map((t) => t.replace(/\d{4}-\d\d-\d\d/g, "DATE")),
    ["How are things? · Early years (4–7), Start of support · answered DATE, sent DATE"],
  );
  const sentRecord = JSON.stringify((await rawRecords(page, "settings")).find((r) => r.key === "sent"));
  assert.ok(sentRecord && !sentRecord.includes("early-years") && !sentRecord.includes("start"), `sealed on the tablet: ${sentRecord}`);

  // The coordinator logs in and sees how many responses the server holds.
  await page.goto(`${env.server.url}/coordinator`);
  await page.getByRole("heading", { name: "Partnership overview" }).waitFor();
  await page.getByRole("textbox", { name: "Email" }).fill(DEMO_LOGIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("status").getByText("Could not log in: that email and password do not match an account").waitFor();
  assert.deepEqual(await axeViolations(page), [], "coordinator login");
  await page.getByLabel("Password").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByText(`Logged in as ${DEMO_LOGIN.email}, Demo Partnership.`).waitFor();
  await page.getByTestId("responses-held").filter({ hasText: /^1$/ }).waitFor();
  await page.getByTestId("outcomes-held").filter({ hasText: /^1$/ }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "coordinator screen");

  // Malformed and oversized posts: a 4xx JSON error naming the problem, nothing stored.
  const { device_token, key_fingerprint } = (await decryptedRecords(page, "settings", PIN).then((all) => all[0]));
  const auth = { authorization: `Bearer ${device_token}`, "content-type": "application/json" };
  const malformed = await page.request.post(`${env.server.url}/api/v1/responses`, {
    headers: auth,
    data: Buffer.from('{"responses": [{"id": 12}'),
  });
  assert.equal(malformed.status(), 400);
  assert.match((await malformed.json()).detail, /not valid JSON for this endpoint: responses: EOF while parsing/);
  const badItem = await page.request.post(`${env.server.url}/api/v1/responses`, {
    headers: auth,
    data: Buffer.from(`{"key_fingerprint": "${key_fingerprint}", "responses": [{"id": 12}]}`),
  });
  assert.equal(badItem.status(), 200, "a bad response is answered on its own");
  const [result] = (await badItem.json()).results;
  assert.equal(result.status, "rejected");
  assert.match(result.reason, /^responses\[0\]\.id: invalid type: integer `12`, expected a formatted UUID string/);
  const oversized = await page.request.post(`${env.server.url}/api/v1/responses`, {
    headers: auth,
    data: JSON.stringify({ responses: [], padding: "x".repeat(5 * 1024 * 1024) }),
  });
  assert.equal(oversized.status(), 413);
  assert.equal((await oversized.json()).error, "too_large");
  const anonymous = await page.request.post(`${env.server.url}/api/v1/responses`, { headers: { "content-type": "application/json" }, data: "{}" });
  assert.equal(anonymous.status(), 401, "only an enrolled tablet may send");
  await page.reload();
  await page.getByTestId("responses-held").filter({ hasText: /^1$/ }).waitFor();
  assert.equal(await heldOnServer(), 1);

  assert.deepEqual(problems, [], "no errors in the page's console");
  await context.close();
});

test("a script the server did not serve does not run in the tablet's or the coordinator's pages", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const refused = [];
  page.on("console", (m) => m.type() === "error" && /Content Security Policy/.test(m.text()) && refused.push(m.text()));
  for (const path of ["/", "/coordinator"]) {
    const reply = await page.goto(`${env.server.url}${path}`);
    assert.match(reply.headers()["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval'/, path);
    // The app itself starts (its start script is a file the server serves).
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    // What an injected comment or a hostile form text would try: an inline script, and an
    // inline event handler.
    const ran = await page.evaluate(async () => {
      window.injected = false;
      const script = document.createElement("script");
      script.textContent = "window.injected = true";
      document.body.append(script);
      const img = document.createElement("img");
      img.setAttribute("onerror", "window.injected = true");
      img.src = "/nothing-here.png";
      document.body.append(img);
      await new Promise((ok) => setTimeout(ok, 300));
      return window.injected;
    });
    assert.equal(ran, false, `${path}: an injected script ran`);
  }
  assert.ok(refused.length >= 2, `the browser reported the refusals: ${refused.join("\n")}`);
  await context.close();
});
