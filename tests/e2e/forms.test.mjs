// Every built-in form, completed as a screen-reader user would (by role and accessible
// name), then sent and accepted by the real server; one form by keyboard alone; and the
// right-to-left language mirrored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serverAndBrowser, withSession, axeViolations, watchConsole, pendingOnTablet, decryptedRecords, rawRecords, sealRecords, completeSymbolsCheck, enrol, heldOnServer, visit, startSession, unlock, until, PIN, pastFollowUps, draw, staffCookie, begin, endSession } from "./harness.mjs";

const formsDir = resolve(fileURLToPath(import.meta.url), "../../../domain/forms");
const forms = readdirSync(formsDir).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(formsDir, f), "utf8")));

const env = serverAndBrowser();

const FACE_NAMES = { 3: ["Sad", "Okay", "Happy"], 5: ["Very sad", "Sad", "Okay", "Happy", "Very happy"] };

/** Answers one question the way a child would, by the controls' names. */
async function answer(page, q) {
  const kind = typeof q.kind === "string" ? q.kind : Object.keys(q.kind)[0];
  const button = (name) => page.getByRole("button", { name, exact: true });
  switch (kind) {
    case "faces": {
      const names = FACE_NAMES[q.kind.faces.points];
      await button(names[names.length - 1]).click();
      return { face: names.length };
    }
    case "emoji_pick": {
      const options = q.kind.emoji_pick.options;
      await button(options[0].label.en).click();
      return { choices: [options[0].id] };
    }
    case "yes_no_not_sure":
      await button("Not sure").click();
      return { yes_no: "not_sure" };
    case "scale":
      await button("7").click();
      return { scale: 7 };
    case "free_text":
      // Contact details never leave the tablet: they are scrubbed before the response is queued.
      await page.getByRole("textbox", { name: "Your words" }).fill("Football on Saturdays, text me on 07700 900123");
      return { text: "Football on Saturdays, text me on [phone]" };
    case "drawing":
      await draw(page);
      return "drawing";
    case "three_houses":
      // The first house is open; the others open from the row of houses.
      await draw(page, "Drawing space", 0);
      await page.getByRole("tab", { name: "House of dreams" }).click();
      await page.getByRole("textbox", { name: "Words for this house House of dreams" }).fill("a dog in SW1A 1AA");
      return "houses";
    case "who_helped":
      await button("On my own").click();
      return { who_helped: "alone" };
    default:
      throw new Error(`no way to answer a ${kind} question`);
  }
}

test("every built-in form can be completed by role and name, and the server accepts each", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  assert.equal(forms.length, 8);
  await enrol(page, env.server);
  await startSession(page);
  for (const [n, form] of forms.entries()) {
    await visit(page, `/child/${form.id}?lang=en`);
    // Leaving a child's form locks the tablet: the practitioner's PIN opens the next one.
    if (n > 0) {
      await unlock(page);
      await pastFollowUps(page);
    }
    await begin(page);
    const expected = {};
    for (const [i, q] of form.questions.entries()) {
      await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
      if (i === 0) assert.deepEqual(await axeViolations(page), [], `${form.id}: first screen`);
      expected[q.id] = await answer(page, q);
      await page.getByRole("button", { name: "Next", exact: true }).click();
    }
    await page.getByRole("heading", { name: "Thank you for telling us." }).waitFor();
    // Asked about sharing only where the child gave words or drawings (not the Symbols forms).
    const gaveWords = Object.values(expected).some((v) => v === "drawing" || v === "houses" || v?.text);
    assert.equal(await page.getByRole("button", { name: "No, keep them private" }).count(), gaveWords ? 1 : 0, `${form.id}: the question about sharing`);
    if (gaveWords) await page.getByRole("button", { name: "No, keep them private" }).click();
    await page.getByText("All done. Please give the tablet back to your worker.").waitFor();

    const saved = (await pendingOnTablet(page)).find((r) => r.form_id === form.id);
    assert.ok(saved, `${form.id} is in the outbox`);
    assert.equal(saved.share, false);
    for (const [qid, want] of Object.entries(expected)) {
      const got = saved.answers.find((a) => a.question_id === qid)?.value;
      if (want === "drawing") assert.match(got?.drawing ?? "", /^d1\./, `${form.id}.${qid}`);
      else if (want === "houses") {
        assert.equal(got?.houses?.dreams?.words, "a dog in [postcode]", `${form.id}.${qid}`);
        assert.match(got?.houses?.worries?.drawing ?? "", /^d1\./, `${form.id}.${qid}: the first house's drawing`);
      } else assert.deepEqual(got, want, `${form.id}.${qid}`);
    }
  }

  await visit(page, "/outbox");
  await unlock(page);
  await pastFollowUps(page);
  await page.getByText("8 answers waiting to send.").waitFor();
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").getByText("Sent 8 answers. The server has them.").waitFor();
  assert.equal(await heldOnServer(env.server), 8);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a form can be completed with the keyboard alone", async () => {
  const { context, page } = await withSession(env, {}, { viewport: { width: 1024, height: 768 } });
  // What the keyboard saved is read from the outbox: sending by itself (every 15 s when due)
  // would take it from there on a slow machine before it is read.
  await page.route("**/api/v1/responses", (route) => route.abort("internetdisconnected"));
  await visit(page, "/child/symbols-check?lang=en");
  await begin(page);
  const focusedName = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return el?.getAttribute("aria-label") ?? el?.querySelector(".choice-label")?.textContent ?? el?.textContent?.trim();
    });
  async function tabTo(name) {
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press("Tab");
      if ((await focusedName()) === name) return;
    }
    throw new Error(`could not reach ${name} with Tab`);
  }
  const form = forms.find((f) => f.id === "symbols-check");
  for (const q of form.questions) {
    await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
    const choice = q.kind === "who_helped" ? "With a parent or carer" : "Yes";
    await tabTo(choice);
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: choice, exact: true, pressed: true }).waitFor();
    await tabTo("Next");
    await page.keyboard.press("Enter");
  }
  await page.getByRole("heading", { name: "Thank you for telling us." }).waitFor();
  // Yes / no answers only: nothing to ask about sharing words or drawings.
  await page.getByText("All done. Please give the tablet back to your worker.").waitFor();
  await tabTo("Practitioner: take the tablet back");
  const saved = (await pendingOnTablet(page)).find((r) => r.form_id === "symbols-check");
  assert.equal(saved.answers.length, form.questions.length);
  assert.deepEqual(saved.answers.at(-1).value, { who_helped: "parent_or_carer" });
  await page.keyboard.press("Enter");
  await unlock(page);
  await pastFollowUps(page);

  // Words typed, stopping early, and the question about sharing them: by keyboard too.
  await visit(page, "/child/teen-help-we-got?lang=en");
  await begin(page);
  await tabTo("7");
  await page.keyboard.press("Enter");
  await tabTo("Next");
  await page.keyboard.press("Enter");
  for (let i = 0; i < 30 && !(await page.evaluate(() => document.activeElement?.tagName === "TEXTAREA")); i++) await page.keyboard.press("Tab");
  await page.keyboard.type("More time with my worker");
  // A slow tablet: the finished response is still being written when the child answers about
  // sharing; "All done" must wait for the write that holds that answer, not the one before it.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });
  await tabTo("Stop here");
  await page.keyboard.press("Enter");
  await tabTo("Yes, stop now");
  await page.keyboard.press("Enter");
  await tabTo("Yes, you can show them");
  await page.keyboard.press("Space");
  await page.getByText("All done. Please give the tablet back to your worker.").waitFor();
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  const words = (await pendingOnTablet(page)).find((r) => r.form_id === "teen-help-we-got");
  assert.deepEqual(words.answers.map((a) => a.value), [{ scale: 7 }, { text: "More time with my worker" }]);
  assert.equal(words.share, true);
  await context.close();
});

test("Arabic mirrors the layout right to left, on the picker and the child's screens", async () => {
  const { context, page } = await withSession(env, {}, { viewport: { width: 1024, height: 768 } });
  await visit(page, "/child");
  // The practitioner reads Arabic: their own screens in it, and the child's form too.
  await page.getByRole("combobox", { name: "Language of these screens" }).selectOption("ar");
  await page.getByRole("heading", { name: "اختر استمارة" }).waitFor();
  // Until one is chosen for the child, the child's language follows the practitioner's.
  assert.equal(await page.getByRole("combobox", { name: "لغة الطفل" }).inputValue(), "ar");
  assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ar");
  // Everything on the picker follows, the practitioner's session controls too.
  await page.getByRole("button", { name: "أنهِ الجلسة" }).waitFor();
  await page.getByText("سجّل نتيجة الحالة").waitFor();
  assert.equal(await page.getByText("End the session").count(), 0, "no English left behind");
  assert.deepEqual(await axeViolations(page), [], "picker in Arabic");

  await page.getByRole("region", { name: "المرحلة المتوسطة (8–12)" }).getByRole("link", { name: "عنّي" }).click();
  await begin(page, "لنبدأ");
  await page.getByRole("heading", { name: "كيف هي الأمور في البيت؟" }).waitFor();
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("main")).direction), "rtl");
  // Mirrored: "Back" sits on the right and "Next" on the left.
  const back = await page.getByRole("button", { name: "رجوع" }).boundingBox();
  const next = await page.getByRole("button", { name: "التالي" }).boundingBox();
  assert.ok(back.x > next.x, `back (${back.x}) is right of next (${next.x})`);
  // The saddest face comes first in reading order, so on the right.
  const saddest = await page.getByRole("button", { name: "حزين جدًا" }).boundingBox();
  const happiest = await page.getByRole("button", { name: "سعيد جدًا" }).boundingBox();
  assert.ok(saddest.x > happiest.x);
  assert.deepEqual(await axeViolations(page), [], "child screen in Arabic");
  // This browser keeps the practitioner's language: after a reload the PIN is asked in Arabic.
  await page.reload();
  await page.getByRole("heading", { name: "أدخل رقمك السري" }).waitFor();
  // A language kept by an earlier version (the bare code, not JSON text) is still read.
  await page.evaluate(() => localStorage.setItem("heard.lang", "pl"));
  await page.reload();
  await page.getByRole("heading", { name: "Wpisz swój PIN" }).waitFor();
  await context.close();
});

test("after a child answers in Arabic, the PIN, the follow-ups and the picker are in the practitioner's own language", async () => {
  const ar = JSON.parse(readFileSync(join(formsDir, "../i18n/ar.json"), "utf8")).strings;
  const symbols = forms.find((f) => f.id === "symbols-check");
  const { context, page } = await withSession(env);
  await visit(page, "/child");
  await page.getByRole("combobox", { name: "The child's language" }).selectOption("ar");
  // The picker stays the practitioner's; only the child's form is in Arabic.
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), "ltr");
  await page.getByRole("region", { name: "Symbols (any age)" }).getByRole("link", { name: symbols.title.en }).click();
  await begin(page, ar["child.intro.start"]);
  for (const q of symbols.questions) {
    await page.getByRole("heading", { name: q.prompt.ar, exact: true }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
    const answer = q.kind === "who_helped" ? ar["helper.alone"] : q.id === "safe" ? ar["yesno.no"] : ar["yesno.yes"];
    await page.getByRole("button", { name: answer, exact: true }).click();
    await page.getByRole("button", { name: ar["child.next"], exact: true }).click();
  }
  // The practitioner's one button on the child's screen is in the practitioner's language.
  assert.equal(await page.getByRole("button", { name: ar["child.handback"] }).count(), 0);
  await page.getByRole("button", { name: "Practitioner: take the tablet back" }).click();
  await page.getByRole("heading", { name: "Enter your PIN" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dir), "ltr");
  await unlock(page);
  // What the child said, for the practitioner to act on, in words they read.
  const prompt = page.getByRole("region", { name: "Before anything else" });
  const signals = prompt.getByRole("list", { name: /may mean the child is not safe/ });
  await signals.getByText(symbols.questions.find((q) => q.id === "safe").prompt.en).waitFor();
  await signals.getByText("Answer: No").waitFor();
  await prompt.getByRole("button", { name: "I have read these and will follow them up" }).click();
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  // The same child's next form is in Arabic again, without choosing it a second time.
  assert.equal(await page.getByRole("combobox", { name: "The child's language" }).inputValue(), "ar");
  await context.close();
});

test("a switch held down presses once: the highlight moving on under it chooses nothing more", async () => {
  const { context, page } = await withSession(env, {}, { viewport: { width: 1024, height: 768 } });
  // The practitioner's fastest pace (1.5 s): the key is held for 2.5 s, so the highlight moves
  // on under it; a quicker pace could move on before the test presses.
  await visit(page, "/child/symbols-check?lang=en&scan=1500");
  await begin(page);
  await page.getByRole("heading", { name: "Are you happy at home?" }).waitFor();
  await page.getByRole("button", { name: "Yes", exact: true }).and(page.locator("button.scanned")).waitFor();
  // As a switch interface holds a key down: one press, then the key's own repeats for 2.5 s.
  const cdp = await context.newCDPSession(page);
  const key = { key: " ", code: "Space", windowsVirtualKeyCode: 32, text: " " };
  await cdp.send("Input.dispatchKeyEvent", { type: "keyDown", ...key });
  for (let i = 0; i < 50; i++) {
    await cdp.send("Input.dispatchKeyEvent", { type: "keyDown", autoRepeat: true, ...key });
    await page.waitForTimeout(50);
  }
  await cdp.send("Input.dispatchKeyEvent", { type: "keyUp", ...key });
  await page.getByRole("button", { name: "Yes", exact: true, pressed: true }).waitFor();
  const pressed = await page.locator("button[aria-pressed=true]").count();
  assert.equal(pressed, 1, "only the answer highlighted when the switch closed is chosen");
  assert.ok(await page.getByRole("heading", { name: "Are you happy at home?" }).isVisible(), "still on the first question");
  await context.close();
});

test("faces whose words take two lines keep their picture and words inside the button", async () => {
  // Tablets, and a phone, where "Smutno" and "Wesoło" ran into the next face.
  for (const [width, height, lang] of [[768, 1024, "pl"], [600, 900, "en"], [360, 740, "pl"]]) {
    const { context, page } = await withSession(env, {}, { viewport: { width, height } });
    await visit(page, `/child/middle-check?lang=${lang}`);
    await begin(page, { en: "Start", pl: "Zaczynamy", ar: "لنبدأ" }[lang]);
    await page.locator(".choices.faces .choice-button").first().waitFor();
    const spilled = await page.evaluate(() =>
      [...document.querySelectorAll(".choices.faces .choice-button")]
        .filter((b) => {
          const r = b.getBoundingClientRect();
          return [...b.querySelectorAll("*")].some((c) => {
            const q = c.getBoundingClientRect();
            return q.top < r.top - 1 || q.bottom > r.bottom + 1 || q.left < r.left - 1 || q.right > r.right + 1 || c.scrollWidth > c.clientWidth + 1;
          });
        })
        .map((b) => b.textContent.trim()),
    );
    assert.deepEqual(spilled, [], `nothing spills out at ${width}x${height} in ${lang}`);
    const tops = await page.locator(".choices.faces .face-icon").evaluateAll((faces) => faces.map((f) => Math.round(f.getBoundingClientRect().top)));
    assert.equal(new Set(tops).size, 1, `the faces stand in one line at ${width}x${height} in ${lang}: ${tops}`);
    await context.close();
  }
});

test("Symbols forms can be answered with one switch: a highlight steps through, any key or tap chooses", async () => {
  const { context, page } = await withSession(env, {}, { viewport: { width: 1024, height: 768 } });
  const problems = watchConsole(page);
  await visit(page, "/child");
  const symbols = page.getByRole("region", { name: "Symbols (any age)" });
  await symbols.getByRole("checkbox", { name: /Switch scanning/ }).check();
  await symbols.getByRole("combobox", { name: "Scanning speed" }).selectOption({ label: "Fast (1.5 seconds)" });
  assert.match(await symbols.getByRole("link", { name: "Yes or no" }).getAttribute("href"), /scan=1500/);

  // The practitioner's fastest pace: a quicker one lets the highlight move on between the
  // test seeing it and pressing, on a busy machine.
  await visit(page, "/child/symbols-check?lang=en&scan=1500");
  await begin(page);
  await page.getByRole("heading", { name: "Are you happy at home?" }).waitFor();
  const highlighted = page.locator("button.scanned");
  await page.getByRole("button", { name: "No", exact: true }).and(highlighted).waitFor();
  await page.keyboard.press("z"); // any key
  await page.getByRole("button", { name: "No", exact: true, pressed: true }).waitFor();
  await page.getByRole("button", { name: "Next", exact: true }).and(highlighted).waitFor();
  await page.mouse.click(900, 700); // a tap anywhere
  await page.getByRole("heading", { name: "Do you feel safe at home?" }).waitFor();
  const draft = await decryptedRecords(page, "drafts");
  assert.deepEqual(draft.at(-1).answers, [{ question_id: "happy_home", value: { yes_no: "no" } }]);
  // "I don't want to answer" chosen by switch: the highlight goes next to Next, as after an
  // answer (not round by Back, Pause and Stop first).
  await page.getByRole("button", { name: "I don't want to answer", exact: true }).and(highlighted).waitFor({ timeout: 20_000 });
  await page.keyboard.press("z");
  await page.getByRole("button", { name: "I don't want to answer", exact: true, pressed: true }).waitFor();
  await page.waitForFunction(() => !document.querySelector("button.scanned")?.classList.contains("decline"));
  assert.equal(await highlighted.evaluate((b) => b.textContent.trim()), "Next", "after declining, Next comes next");
  assert.deepEqual(problems, [], "choosing by switch raises no error in the page");
  await context.close();
});

test("with no voice installed, no speaker button is shown and the practitioner is told", async () => {
  const { context, page } = await withSession(env);
  await visit(page, "/child");
  const voices = await page.evaluate(() => speechSynthesis.getVoices().length);
  assert.equal(voices, 0, "this test expects a browser without voices (headless Chromium here)");
  await page.getByRole("status").getByText("Read-aloud is not available on this device").waitFor();
  await visit(page, "/child/early-years-check?lang=en");
  await begin(page);
  await page.getByRole("heading", { name: "How are things at home?" }).waitFor();
  assert.equal(await page.getByRole("button", { name: /^Listen/ }).count(), 0, "no button that would do nothing");
  await context.close();
});

test("after the first visit the app starts and a form can be answered with no network; back online the outbox empties", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  const before = await heldOnServer(env.server);
  await enrol(page, env.server);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  await page.reload();
  await unlock(page);
  await startSession(page, { reference: "EH-OFFLINE-1", age: 8 });
  await completeSymbolsCheck(page);
  await visit(page, "/outbox");
  await unlock(page);
  await pastFollowUps(page);
  await page.getByText("1 answer waiting to send.", { exact: true }).waitFor();
  assert.equal(await heldOnServer(env.server), before, "nothing could be sent offline");
  // Offline, the outbox says what will happen; a Send tried anyway says it could not reach.
  await page.getByText("This tablet is offline. What is waiting here will be sent by itself when the tablet is back online").waitFor();
  await page.getByRole("button", { name: "Send" }).click();
  const unreachable = page.getByText("Could not reach the Heard server, so nothing was sent.", { exact: false });
  await unreachable.waitFor();

  // Back online: the stale error goes, and the tablet sends by itself at once, with the
  // outbox on screen (no need to leave it and come back).
  await context.setOffline(false);
  await unreachable.waitFor({ state: "detached" });
  await page.getByText("Nothing is waiting to send.", { exact: true }).waitFor();
  assert.equal(await heldOnServer(env.server), before + 1, "back online, the tablet sent it by itself");
  assert.equal(await page.getByText("This tablet is offline.", { exact: false }).count(), 0);
  await context.close();
});

test("a child's answers survive the app being closed mid-form, and the form carries on where it stopped", async () => {
  const form = forms.find((f) => f.id === "middle-check");
  const total = form.questions.length;
  for (const closedAfter of [1, 4]) {
    // The tab is closed and reopened below: `page` changes, `context` stays.
    let { context, page } = await withSession(env);
    await visit(page, `/child/${form.id}?lang=en`);
    await begin(page);
    const given = [];
    for (const q of form.questions.slice(0, closedAfter)) {
      await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
      given.push(await answer(page, q));
      await page.getByRole("button", { name: "Next", exact: true }).click();
    }
    await page.getByRole("heading", { name: form.questions[closedAfter].prompt.en, exact: true }).waitFor();
    // Each answer is written as it is given: the sealed draft already holds them all.
    await until(async () => (await decryptedRecords(page, "drafts"))[0]?.answers.length === closedAfter);
    // The tab goes, with no chance to save anything more.
    await page.close({ runBeforeUnload: false });

    page = await context.newPage();
    await page.goto(`${env.server.url}/child`);
    await unlock(page);
    await page.getByRole("heading", { name: "Answers not finished" }).waitFor();
    // Which child it was: the case is a pseudonym, so its band and stage, and that it is this session's.
    await page
      .getByText(new RegExp(`^${form.title.en}, started \\d{4}-\\d{2}-\\d{2}, a child in Middle \\(8–12\\), Start of support: ${closedAfter} of ${total} questions done \\(this session's child\\)$`))
      .waitFor();
    assert.deepEqual(await axeViolations(page), [], `axe on the unfinished answers (closed after ${closedAfter})`);
    await page.getByRole("button", { name: "Carry on with the child" }).click();
    // On from the first question not yet answered, with the earlier answers still given.
    await page.getByRole("heading", { name: form.questions[closedAfter].prompt.en, exact: true }).waitFor();
    await page.getByRole("button", { name: "Back", exact: true }).click();
    await page.getByRole("heading", { name: form.questions[closedAfter - 1].prompt.en, exact: true }).waitFor();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    const next = form.questions[closedAfter];
    given.push(await answer(page, next));
    await page.getByRole("button", { name: "Stop here", exact: true }).click();
    await page.getByRole("button", { name: "Yes, stop now", exact: true }).click();
    if (given.some((v) => v === "drawing" || v === "houses" || v?.text)) await page.getByRole("button", { name: "No, keep them private" }).click();
    await page.getByText("All done. Please give the tablet back to your worker.").waitFor();
    const [sent] = await pendingOnTablet(page);
    assert.equal(sent.answers.length, closedAfter + 1, "every answer from before and after the tab closed");
    given.forEach((value, i) => {
      if (typeof value === "object") assert.deepEqual(sent.answers[i].value, value, `answer ${i + 1}`);
    });
    assert.deepEqual(await decryptedRecords(page, "drafts"), [], "finished: no longer unfinished");
    await context.close();
  }
});

/** Closes the tab mid-form with no chance to save, opens the app again, unlocks it and sends
 * the unfinished form as answered; the new page. */
async function sendAsAnsweredAfterClosing(context, page) {
  await page.close({ runBeforeUnload: false });
  const next = await context.newPage();
  await next.goto(`${env.server.url}/child`);
  await unlock(next);
  await next.getByRole("button", { name: "Send what was answered" }).click();
  await next.getByRole("status").getByText("Moved to the outbox, to be sent with the other answers.").waitFor();
  return next;
}

test("what a child answered before the app closed can be sent as it is", async () => {
  // The tab is closed and reopened below: `page` changes, `context` stays.
  let { context, page } = await withSession(env);
  await visit(page, "/child/teen-check?lang=en");
  await begin(page);
  const form = forms.find((f) => f.id === "teen-check");
  await page.getByRole("heading", { name: form.questions[0].prompt.en, exact: true }).waitFor();
  await answer(page, form.questions[0]);
  await until(async () => (await decryptedRecords(page, "drafts")).length > 0);
  page = await sendAsAnsweredAfterClosing(context, page);
  const [sent] = await pendingOnTablet(page);
  assert.equal(sent.answers.length, 1);
  assert.equal(sent.form_id, "teen-check");
  assert.equal(await page.getByRole("button", { name: "Carry on with the child" }).count(), 0, "nothing left unfinished");
  assert.equal(await page.getByRole("heading", { name: "Answers not finished" }).count(), 0, "and no empty list of them");
  await context.close();
});

test("a child's name, other names, a date and an address are scrubbed from words sent as answered after the app closed", async () => {
  // Before, the name went with the closed tab and a form sent as answered kept it.
  let { context, page } = await withSession(env, { firstName: "Maja", otherNames: "Kacper, Ola", age: 14 });
  await visit(page, "/child/teen-check?lang=en");
  await begin(page);
  const form = forms.find((f) => f.id === "teen-check");
  for (const q of form.questions.slice(0, 3)) {
    await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  await page.getByRole("heading", { name: form.questions[3].prompt.en, exact: true }).waitFor();
  await page.getByRole("textbox", { name: "Your words" }).fill("Maja likes art with Kacper and ola. Born 12/05/2011, I live at 4 Mill Lane, @maja_draws");
  await until(async () => (await decryptedRecords(page, "drafts"))[0]?.answers.some((a) => a.value?.text));
  page = await sendAsAnsweredAfterClosing(context, page);
  const [sent] = await pendingOnTablet(page);
  const words = sent.answers.find((a) => a.value?.text).value.text;
  assert.equal(words, "[name] likes art with [name] and [name]. Born [date], I live at [address], [handle]");
  await context.close();
});

test("on a landscape tablet, Next is on screen on every question of every form without scrolling", async () => {
  const { context, page } = await withSession(env, {}, { viewport: { width: 1024, height: 768 } });
  for (const [i, form] of forms.entries()) {
    await visit(page, `/child/${form.id}?lang=en`);
    if (i > 0) {
      // Leaving the last form's end screen locked the tablet; the PIN shows its follow-ups first.
      await unlock(page);
      await pastFollowUps(page);
    }
    await begin(page);
    for (const q of form.questions) {
      await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
      // Early years and Symbols offer Next once the child has answered ("I don't want to
      // answer" is an answer too).
      await page.getByRole("button", { name: "I don't want to answer", exact: true }).click();
      const next = page.getByRole("button", { name: "Next", exact: true });
      // On screen, and nothing drawn over it: the middle of the button is the button.
      const onTop = await next.evaluate((b) => {
        const r = b.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight && document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.closest("button") === b;
      });
      assert.ok(onTop, `Next is on screen for "${q.prompt.en}" (${form.id})`);
      // What follows a drawing pad is in view too, not behind Back and Next (the tools stand
      // beside the pad): "I don't want to answer" under a drawing, a house's words.
      const after = q.kind === "drawing" ? page.getByRole("button", { name: "I don't want to answer", exact: true }) : q.kind === "three_houses" ? page.getByRole("textbox", { name: "Words for this house" }) : null;
      if (after) {
        const seen = await after.evaluate((e) => e.getBoundingClientRect().bottom <= document.querySelector(".run .steps").getBoundingClientRect().top);
        assert.ok(seen, `what follows the pad is above Back and Next for "${q.prompt.en}" (${form.id})`);
      }
      await next.click();
    }
    await page.getByRole("heading", { name: "Thank you for telling us." }).waitFor();
  }
  await context.close();
});

test("on a landscape tablet, the question before clearing a drawing comes into view, above Back and Next", async () => {
  const { context, page } = await withSession(env, {}, { viewport: { width: 1024, height: 768 } });
  const early = forms.find((f) => f.id === "early-years-check");
  await visit(page, `/child/${early.id}?lang=en`);
  await begin(page);
  for (const q of early.questions.slice(0, early.questions.findIndex((q) => q.kind === "drawing"))) {
    await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
    await page.getByRole("button", { name: "I don't want to answer", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  await draw(page);
  // Each colour shows its own colour (set through the style object: the page's policy allows no
  // inline style attribute).
  const swatches = await page.locator("button.swatch").evaluateAll((bs) => bs.map((b) => getComputedStyle(b).getPropertyValue("--swatch").trim()));
  assert.ok(swatches.length >= 4 && swatches.every((c) => /^#[0-9a-f]{6}$/i.test(c)) && new Set(swatches).size === swatches.length, `swatches: ${swatches}`);
  await page.getByRole("button", { name: "Clear the page" }).click();
  const keep = page.getByRole("alertdialog", { name: "Clear everything you drew?" }).getByRole("button", { name: "No, keep it" });
  await keep.waitFor();
  const seen = await keep.evaluate((b) => {
    const r = b.getBoundingClientRect();
    return document.activeElement === b && r.bottom <= innerHeight && document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.closest("button") === b;
  });
  assert.ok(seen, "\"No, keep it\" has the focus and is on screen, not under Back and Next");
  // Escape keeps the drawing and gives the focus back to Clear.
  await page.keyboard.press("Escape");
  await keep.waitFor({ state: "detached" });
  assert.ok(await page.getByRole("button", { name: "Clear the page" }).evaluate((b) => document.activeElement === b));
  assert.ok(await page.getByRole("button", { name: "Undo" }).isEnabled(), "the drawing is still there");
  await context.close();
});

test("carrying on with another child's unfinished form keeps the session with the child it was started for", async () => {
  // The practitioner is with a 10-year-old; a teenager's form from an earlier visit was left unfinished.
  const { context, page } = await withSession(env, { reference: "EH-NOW-1", age: 10 });
  const flags = { send: false, homeless: false, early_help_assessment: false, child_protection_plan: false, young_carer: false };
  const other = { case: "cd".repeat(32), age_band: "teen", flags, stage: "review" };
  const teen = forms.find((f) => f.id === "teen-check");
  await sealRecords(page, "drafts", [
    { id: "00000000-0000-4000-8000-0000000000aa", form_id: teen.id, form_version: teen.version, lang: "en", date: "2026-11-20", share: false, context: other, answers: [{ question_id: "overall", value: { scale: 3 } }] },
  ]);
  await visit(page, "/outbox");
  await visit(page, "/child");
  const item = page.getByText(`${teen.title.en}, started 2026-11-20, a child in Teen (13–18), Review: 1 of ${teen.questions.length} questions done`, { exact: true });
  await item.waitFor();
  await page.getByRole("button", { name: "Carry on with the child" }).click();
  await page.getByRole("heading", { name: teen.questions[1].prompt.en, exact: true }).waitFor();
  await page.getByRole("button", { name: "Stop here", exact: true }).click();
  await page.getByRole("button", { name: "Yes, stop now", exact: true }).click();
  await page.getByRole("button", { name: "Practitioner: take the tablet back" }).click();
  await unlock(page);
  // Whatever it holds, the practitioner is told it is not the answers of the child with them.
  await page
    .getByRole("region", { name: "Before anything else" })
    .getByText("Not this session's child: these answers are from a form a child in Teen (13–18) (Review) started on 2026-11-20.", { exact: true })
    .waitFor();
  await pastFollowUps(page);

  // The next form is the 10-year-old's, not the teenager's.
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  await completeSymbolsCheck(page);
  const sent = await pendingOnTablet(page);
  const resumed = sent.find((r) => r.form_id === teen.id);
  const next = sent.find((r) => r.form_id === "symbols-check");
  assert.deepEqual(resumed.context, other, "the unfinished form stays the teenager's");
  assert.equal(next.context.age_band, "middle", "the form after it is the session's child's");
  assert.notEqual(next.context.case, other.case);
  await context.close();
});

test("the unfinished list marks a child's own forms as soon as the practitioner starts their session", async () => {
  const { context, page } = await withSession(env, { reference: "EH-MARK-1", age: 10 });
  const middle = forms.find((f) => f.id === "middle-check");
  await visit(page, `/child/${middle.id}?lang=en`);
  await begin(page);
  await page.getByRole("heading", { name: middle.questions[0].prompt.en, exact: true }).waitFor();
  await answer(page, middle.questions[0]);
  await until(async () => (await decryptedRecords(page, "drafts")).length === 1);
  await visit(page, "/child"); // leaving the form locks the tablet
  await unlock(page);
  const item = (mine) =>
    page.getByText(new RegExp(`^${middle.title.en}, started \\d{4}-\\d{2}-\\d{2}, a child in Middle \\(8–12\\), Start of support: 1 of ${middle.questions.length} questions done${mine ? " \\(this session's child\\)" : ""}$`));
  await item(true).waitFor();
  await endSession(page);
  await item(false).waitFor();
  // The same child comes back: their form is theirs again, without leaving the screen.
  await page.getByRole("textbox", { name: "Case reference" }).fill("EH-MARK-1");
  await page.getByRole("spinbutton", { name: "Child's age in years" }).fill("10");
  await page.getByRole("button", { name: "Start the session" }).click();
  await item(true).waitFor();
  // Its tile carries on with that copy rather than starting a second one.
  const tile = page.getByRole("link", { name: `${middle.title.en}: carry on where the child stopped (1 of ${middle.questions.length} done)` });
  assert.deepEqual(await axeViolations(page), [], "axe on the picker with a form to carry on");
  await tile.click();
  await page.getByRole("heading", { name: middle.questions[1].prompt.en, exact: true }).waitFor();
  assert.equal((await decryptedRecords(page, "drafts")).length, 1, "no second copy started");
  await context.close();
});

test("sending with no network, or from a revoked tablet, says so and keeps the answers", async () => {
  const devices = async () => (await (await fetch(`${env.server.url}/api/v1/devices`, { headers: { cookie: await staffCookie(env.server) } })).json()).map((d) => d.id);
  const before = await devices();
  const { context, page } = await withSession(env);
  const [tablet] = (await devices()).filter((id) => !before.includes(id));
  await completeSymbolsCheck(page);
  await visit(page, "/outbox");
  await unlock(page);
  await pastFollowUps(page);
  await page.getByText("1 answer waiting to send.", { exact: true }).waitFor();

  await context.setOffline(true);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.getByText(/^Could not reach the Heard server, so nothing was sent\./).waitFor();

  // Meanwhile the coordinator revokes the tablet (it was reported lost, say).
  const cookie = await staffCookie(env.server);
  const me = await (await fetch(`${env.server.url}/api/v1/me`, { headers: { cookie } })).json();
  const revoked = await fetch(`${env.server.url}/api/v1/devices/${tablet}/revoke`, { method: "POST", headers: { cookie, "x-csrf-token": me.csrf_token } });
  assert.equal(revoked.status, 200);
  await context.setOffline(false);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  // Said in the app's words (and language), with what to do.
  await page.getByText("The coordinator has revoked this tablet's enrolment, so it cannot send. The answers stay saved here: ask your coordinator for a new enrolment code and enrol the tablet again, then send.", { exact: true }).waitFor();
  await page.getByText("1 answer waiting to send.", { exact: true }).waitFor();
  assert.equal((await pendingOnTablet(page)).length, 1, "the answers stay on the tablet");
  // At once the tablet forgets what a lost one must not hold: its token and the partnership
  // key (with which a case reference could be turned into its pseudonym).
  const enrolment = (await decryptedRecords(page, "settings")).find((r) => "device_token" in r);
  assert.deepEqual([enrolment.device_token, enrolment.partnership_key, enrolment.revoked], ["", "", true]);
  // Its answers can still be handed over: a backup saved now opens on another tablet.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Save a backup file" }).click()]);
  await page.getByRole("status").getByText("Backup saved. Answers waiting: 1. Unfinished: 0. Case outcomes: 0.").waitFor();
  const other = await env.browser.newContext();
  const pageB = await other.newPage();
  await enrol(pageB, env.server);
  await visit(pageB, "/outbox");
  await pageB.getByLabel("Take over a backup file from another tablet").setInputFiles({ name: "revoked.json", mimeType: "application/json", buffer: readFileSync(await download.path()) });
  await pageB.getByRole("status").getByText("Backup taken over. Answers waiting: 1.", { exact: false }).waitFor();
  await other.close();
  await context.close();
});

test("the outbox says whether the browser will keep the saved answers, and the space they use", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await enrol(page, env.server);
  await visit(page, "/outbox");
  await page.getByRole("heading", { name: "Storage on this tablet" }).waitFor();
  await page.getByText(/^This browser (keeps|may clear) Heard's saved answers/).waitFor();
  await page.getByText(/^Heard is using [\d.]+ (MB|GB) of the [\d.]+ (MB|GB) this browser allows it\.$/).waitFor();
  assert.deepEqual(await axeViolations(page), [], "axe on the outbox");
  await context.close();
});

test("a response the server refuses is shown as failed with its reason, and deleted only with the PIN", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await enrol(page, env.server);
  const flags = { send: false, homeless: false, early_help_assessment: false, child_protection_plan: false, young_carer: false };
  const base = { form_id: "middle-check", form_version: 1, lang: "en", date: "2026-11-20", share: false, context: { case: "ab".repeat(32), age_band: "middle", flags, stage: "start" } };
  const response = (n, face) => ({ ...base, id: `00000000-0000-4000-8000-00000000000${n}`, answers: [{ question_id: "home", value: { face } }] });
  // Two good answers, and one with a face the five-face question does not have.
  await sealRecords(page, "pending_responses", [response(1, 3), response(2, 4), response(3, 9)]);
  const before = await heldOnServer(env.server);
  await visit(page, "/outbox");
  await page.getByText("3 answers waiting to send.").waitFor();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.getByRole("progressbar", { name: "Sent 3 of 3" }).waitFor();
  await page.getByRole("heading", { name: "Not accepted by the server" }).waitFor();
  await page.getByText(/The server did not accept it: answers\[0\]\.value: face must be 1 to 5, got 9\. Tell your coordinator\.$/).waitFor();
  await page.getByText("1 answer waiting to send.").waitFor();
  assert.equal((await heldOnServer(env.server)) - before, 2, "the good ones arrived");
  assert.deepEqual(await axeViolations(page), [], "axe on the outbox with a failed answer");

  // Sending by itself (back online, and every minute) leaves a refused answer to the
  // practitioner's Send: the server would only refuse it again.
  const posted = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/v1/responses") posted.push(r.url());
  });
  const autoSendDone = page.waitForRequest((r) => new URL(r.url()).pathname === "/api/v1/forms");
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  // The forms are fetched last, after anything it had to post.
  await autoSendDone;
  assert.deepEqual(posted, [], "the refused answer was not posted again");
  assert.equal((await pendingOnTablet(page)).length, 1, "and it still waits");

  // Deleting needs the PIN, and a wrong one deletes nothing.
  await page.getByRole("button", { name: "Delete…" }).click();
  await page.getByText("These answers have not reached the server.", { exact: false }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "axe on the delete confirmation");
  await page.getByLabel("Your PIN, to delete").fill("9999");
  await page.getByRole("button", { name: "Delete for good" }).click();
  await page.getByText("That PIN is not right, so nothing was deleted.").waitFor();
  assert.equal((await pendingOnTablet(page)).length, 1);
  await page.getByRole("button", { name: "Keep them" }).click();
  assert.equal((await pendingOnTablet(page)).length, 1, "kept");
  await page.getByRole("button", { name: "Delete…" }).click();
  await page.getByLabel("Your PIN, to delete").fill(PIN);
  await page.getByRole("button", { name: "Delete for good" }).click();
  await page.getByRole("status").getByText("Deleted from this tablet.").waitFor();
  await page.getByText("Nothing is waiting to send.").waitFor();
  assert.deepEqual(await pendingOnTablet(page), []);
  await context.close();
});

test("a case outcome the tablet cannot read is said, never holds back the others, and can be deleted", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await enrol(page, env.server);
  const outcome = (n, date) => ({ id: `00000000-0000-4000-9000-0000000000a${n}`, case: "ef".repeat(32), outcome: "needs_met", date });
  // One good, one whose date the server would not take, and one whose sealed text is damaged.
  await sealRecords(page, "pending_outcomes", [outcome(1, "2026-11-20"), outcome(2, "20/11/2026")]);
  await page.evaluate(
    () =>
      new Promise((ok, no) => {
        const open = indexedDB.open("heard");
        open.onsuccess = () => {
          const tx = open.result.transaction("pending_outcomes", "readwrite");
          tx.objectStore("pending_outcomes").put({ id: "00000000-0000-4000-9000-0000000000a3", sealed: "AAAAAAAAAAAAAAAAdamaged" });
          tx.oncomplete = () => (open.result.close(), ok());
          tx.onerror = () => no(tx.error);
        };
      }),
  );
  const stats = async () => (await (await fetch(`${env.server.url}/api/v1/stats`, { headers: { cookie: await staffCookie(env.server) } })).json()).outcomes;
  const before = await stats();
  await visit(page, "/outbox");
  await page.getByText("Case outcomes kept on this tablet that cannot be read, so cannot be sent: 2.", { exact: false }).waitFor();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.getByRole("status").getByText("Case outcomes sent: 1.", { exact: false }).waitFor();
  assert.equal((await stats()) - before, 1, "the readable one was sent");
  assert.deepEqual(await axeViolations(page), [], "axe on the outbox with unreadable outcomes");
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Delete the unreadable case outcomes" }).click();
  await page.getByRole("status").getByText("The unreadable case outcomes are deleted from this tablet.").waitFor();
  assert.deepEqual(await rawRecords(page, "pending_outcomes"), []);
  await context.close();
});

test("a send that breaks off part-way says what reached the server and what still waits", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await enrol(page, env.server);
  const flags = { send: false, homeless: false, early_help_assessment: false, child_protection_plan: false, young_carer: false };
  const base = { form_id: "middle-check", form_version: 1, lang: "en", date: "2026-11-20", share: false, context: { case: "cd".repeat(32), age_band: "middle", flags, stage: "start" } };
  const id = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const many = Array.from({ length: 251 }, (_, n) => ({ ...base, id: id(1000 + n), answers: [{ question_id: "home", value: { face: 1 + (n % 5) } }] }));
  await sealRecords(page, "pending_responses", many);
  const before = await heldOnServer(env.server);
  // The first batch of 200 arrives; then the signal goes.
  let posts = 0;
  await page.route("**/api/v1/responses", (route) => (posts++ === 0 ? route.continue() : route.abort("internetdisconnected")));
  await visit(page, "/outbox");
  await page.getByText("251 answers waiting to send.").waitFor();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page
    .getByRole("status")
    .getByText("Sent 200 answers. The server has them. Then the connection to the Heard server was lost. Still saved on this tablet, waiting to be sent when you try again: 51.", { exact: true })
    .waitFor();
  await page.getByText("51 answers waiting to send.").waitFor();
  assert.equal((await heldOnServer(env.server)) - before, 200, "the first batch arrived");
  assert.equal((await pendingOnTablet(page)).length, 51, "the rest wait on the tablet");
  assert.deepEqual(await axeViolations(page), [], "axe on the outbox after a broken-off send");
  // Back online, Send sends the rest.
  await page.unroute("**/api/v1/responses");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.getByRole("status").getByText("Sent 51 answers. The server has them.", { exact: true }).waitFor();
  assert.equal((await heldOnServer(env.server)) - before, 251);
  await context.close();
});

test("the practitioner chooses how soon an unused tablet locks itself, and the choice is kept", async () => {
  const context = await env.browser.newContext();
  let page = await context.newPage();
  await page.clock.install();
  await enrol(page, env.server);
  await visit(page, "/outbox");
  const after = page.getByRole("combobox", { name: "Lock this tablet after it has not been touched for" });
  await page.getByRole("heading", { name: "Locking" }).waitFor();
  assert.equal(await after.inputValue(), "5", "five minutes until chosen");
  await after.selectOption({ label: "1 minute" });
  await page.getByRole("status").getByText("Saved: this tablet now locks after 1 minute without a touch or key press.").waitFor();
  assert.deepEqual(await axeViolations(page), [], "axe on the outbox's settings");
  await page.clock.runFor(50_000);
  assert.equal(await page.getByRole("heading", { name: "Enter your PIN" }).count(), 0, "not yet after 50 seconds");
  await page.clock.runFor(15_000);
  await page.getByRole("heading", { name: "Enter your PIN" }).waitFor();
  // Kept on the tablet: after a reload and the PIN, it is still one minute.
  page = await context.newPage();
  await page.goto(`${env.server.url}/outbox`);
  await unlock(page);
  assert.equal(await page.getByRole("combobox", { name: "Lock this tablet after it has not been touched for" }).inputValue(), "1");
  await context.close();
});

test("after wrong PINs the wait is said in words, one second as one second", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.clock.install();
  await enrol(page, env.server);
  await page.reload();
  await page.getByRole("heading", { name: "Enter your PIN" }).waitFor();
  const pin = page.getByLabel("PIN", { exact: true });
  for (let i = 0; i < 3; i++) {
    await pin.fill("0000");
    await page.getByRole("button", { name: "Unlock" }).click();
    await page.getByRole("button", { name: "Unlock" }).and(page.locator(":enabled")).waitFor();
  }
  await page.getByText("Please wait 5 seconds before trying again.", { exact: false }).waitFor();
  await page.clock.runFor(4_200);
  await pin.fill(PIN);
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.getByText("Please wait 1 second before trying again.", { exact: true }).waitFor();
  await context.close();
});

test("when the tablet locks mid-form, the PIN brings the child back to the same answers; the practitioner then sees the follow-ups", async () => {
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  const problems = watchConsole(page);
  await page.clock.install();
  await enrol(page, env.server);
  await startSession(page, { reference: "EH-LOCKED-1", age: 9 });
  await visit(page, "/child/symbols-check?lang=en");
  await begin(page);
  await page.getByRole("heading", { name: "Are you happy at home?" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Lock" }).count(), 0, "no Lock among the child's buttons");
  await page.getByRole("button", { name: "Yes", exact: true }).click();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("heading", { name: "Do you feel safe at home?" }).waitFor();
  await page.getByRole("button", { name: "No", exact: true }).click();
  await until(async () => (await decryptedRecords(page, "drafts"))[0]?.answers.length === 2);

  // The child pauses and the tablet is left alone: the paused screen stays theirs well past
  // the idle lock's five minutes (it does not turn into the adult's PIN screen under a
  // child's eyes), and says that a tablet left for long locks, and how they carry on.
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("heading", { name: "Paused. Take your time." }).waitFor();
  await page.getByText("If the tablet is left alone for a long time, it locks. Your worker can open it again, and you carry on from here.").waitFor();
  await page.clock.runFor(20 * 60_000);
  assert.equal(await page.getByRole("heading", { name: "Enter your PIN" }).count(), 0, "a paused child's screen is not locked");
  assert.ok(await page.getByRole("heading", { name: "Paused. Take your time." }).isVisible());
  // A touch starts the wait again; carrying on, then leaving the tablet on a question: after
  // five minutes it locks itself.
  await page.getByRole("button", { name: "Carry on", exact: true }).click();
  await page.getByRole("heading", { name: "Do you feel safe at home?" }).waitFor();
  await page.clock.runFor(5 * 60_000 + 1000);
  await unlock(page);
  // Left paused for good, it locks after half an hour, and the PIN brings the child back.
  await page.getByRole("heading", { name: "Do you like school?" }).waitFor();
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("heading", { name: "Paused. Take your time." }).waitFor();
  await page.clock.runFor(29 * 60_000);
  assert.equal(await page.getByRole("heading", { name: "Enter your PIN" }).count(), 0, "not yet after 29 minutes");
  await page.clock.runFor(2 * 60_000);
  await unlock(page);
  // Back where the child was: the first question not yet answered, the answers still given.
  await page.getByRole("heading", { name: "Do you like school?" }).waitFor();
  await page.getByRole("button", { name: "Back", exact: true }).click();
  await page.getByRole("button", { name: "No", exact: true, pressed: true }).waitFor();
  // A reload (which locks too) brings back the same form as well.
  await page.reload();
  await unlock(page);
  await page.getByRole("heading", { name: "Do you like school?" }).waitFor();
  assert.equal((await decryptedRecords(page, "drafts")).length, 1, "one child, one response: no second one started");

  // Stopping asks first. Once stopped, the tablet left on the end screen locks itself; after
  // the PIN the practitioner sees the answer given before the first lock, to follow up.
  await page.getByRole("button", { name: "Stop here", exact: true }).click();
  await page.getByRole("button", { name: "No, carry on", exact: true }).click();
  await page.getByRole("heading", { name: "Do you like school?" }).waitFor();
  await page.getByRole("button", { name: "Stop here", exact: true }).click();
  await page.getByRole("button", { name: "Yes, stop now", exact: true }).click();
  await page.getByRole("heading", { name: "Thank you for telling us." }).waitFor();
  await page.clock.runFor(5 * 60_000 + 1000);
  await unlock(page);
  const followUp = page.getByRole("region", { name: "Before anything else" });
  const signals = followUp.getByRole("list", { name: /may mean the child is not safe/ });
  await signals.getByText("Do you feel safe at home?").waitFor();
  await signals.getByText("Answer: No").waitFor();
  // Not yet acknowledged when the page reloads: the PIN shows it again, kept sealed meanwhile.
  await page.reload();
  await unlock(page);
  await signals.getByText("Do you feel safe at home?").waitFor();
  await page.getByRole("button", { name: "I have read these and will follow them up" }).click();
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  // Acknowledged: gone for good.
  await page.reload();
  await unlock(page);
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  assert.equal(await followUp.count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("answers to follow up are shown when the practitioner sends an unfinished form as it is", async () => {
  const { context, page } = await withSession(env);
  await visit(page, "/child/symbols-check?lang=en");
  await begin(page);
  await page.getByRole("button", { name: "Yes", exact: true }).click();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("heading", { name: "Do you feel safe at home?" }).waitFor();
  await page.getByRole("button", { name: "No", exact: true }).click();
  await until(async () => (await decryptedRecords(page, "drafts"))[0]?.answers.length === 2);
  // The practitioner takes the tablet mid-form (leaving the form locks it).
  await visit(page, "/child");
  await unlock(page);
  await page.getByRole("link", { name: /^Yes or no: carry on where the child stopped/ }).waitFor();
  // Said in the unfinished list at once, not only once it is sent or carried on.
  await page.getByText("To follow up among these answers: Do you feel safe at home?", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Send what was answered" }).click();
  const followUp = page.getByRole("region", { name: "Before anything else" });
  const signals = followUp.getByRole("list", { name: /may mean the child is not safe/ });
  await signals.getByText("Do you feel safe at home?").waitFor();
  await signals.getByText("Answer: No").waitFor();
  assert.deepEqual(await axeViolations(page), [], "axe on the follow-up after sending an unfinished form");
  await page.getByRole("button", { name: "I have read these and will follow them up" }).click();
  await page.getByRole("status").getByText("Moved to the outbox, to be sent with the other answers.").waitFor();
  assert.equal(await followUp.count(), 0);
  assert.equal((await pendingOnTablet(page)).length, 1);
  // Nothing left to carry on with: the form's tile starts it afresh again.
  await page.getByRole("link", { name: "Yes or no", exact: true }).waitFor();
  assert.equal(await page.getByRole("link", { name: /carry on where the child stopped/ }).count(), 0);
  await context.close();
});

test("the worker reads what the child wrote, and every safety question moved past, declined or not sure, until the session ends", async () => {
  const teen = forms.find((f) => f.id === "teen-check");
  const prompt = (id) => teen.questions.find((q) => q.id === id).prompt.en;
  const { context, page } = await withSession(env, { age: 15 });
  // No signal: the form stays in the outbox, to be read there.
  await page.route("**/api/v1/responses", (route) => route.abort("internetdisconnected"));
  await visit(page, "/child/teen-check?lang=en");
  // Before the first question the child is told who reads their answers, and when they may be passed on.
  await page.getByRole("heading", { name: "Before we start" }).waitFor();
  await page.getByText("your worker may need to tell someone whose job is keeping children safe").waitFor();
  assert.deepEqual(await axeViolations(page), [], "axe on the child's introduction");
  await begin(page);
  const next = () => page.getByRole("button", { name: "Next", exact: true }).click();
  for (const q of teen.questions) {
    await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
    if (q.id === "home") {
      await page.getByRole("button", { name: "I don't want to answer", exact: true }).click();
      // Chosen, not gone: the same question until Next.
      await page.getByRole("button", { name: "I don't want to answer", exact: true, pressed: true }).waitFor();
      assert.ok(await page.getByRole("heading", { name: q.prompt.en, exact: true }).isVisible());
    } else if (q.id === "safe") {
      await page.getByRole("button", { name: "Not sure", exact: true }).click();
    } else if (q.id === "not_working") {
      // No spellcheck or suggestions: a browser's cloud spellcheck would send the words away.
      assert.deepEqual(await page.getByRole("textbox").evaluate((t) => [t.spellcheck, t.autocomplete]), [false, "off"]);
      await page.getByRole("textbox").fill("My stepdad shouts and I am scared to go home");
    } else if (q.id === "listened") {
      break;
    }
    // "overall" and "working": moved past with nothing given.
    await next();
  }
  await page.getByRole("button", { name: "Stop here", exact: true }).click();
  await page.getByRole("button", { name: "Yes, stop now", exact: true }).click();
  await page.getByRole("button", { name: "No, keep them private" }).click();
  await page.getByRole("button", { name: "Practitioner: take the tablet back" }).click();
  await unlock(page);
  const followUp = page.getByRole("region", { name: "Before anything else" });
  await followUp.getByText("None of the child's answers is one the form marks as a sign they may not be safe.").waitFor();
  const list = (name) => followUp.getByRole("list", { name }).getByRole("listitem").allTextContents();
  assert.deepEqual(await list(/were not answered plainly/), [
    `${prompt("safe")}The child answered “Not sure”`,
    `${prompt("home")}The child chose not to answer`,
    `${prompt("overall")}The child moved on without answering`,
  ]);
  // Every answer, question by question, the child's words in full.
  const said = followUp.getByRole("region", { name: "What the child said" });
  await said.getByText("My stepdad shouts and I am scared to go home").waitFor();
  const items = await said.getByRole("listitem").allTextContents();
  assert.equal(items.length, teen.questions.length);
  assert.ok(items[teen.questions.findIndex((q) => q.id === "working")].endsWith("Moved on without answering"));
  // The question the child stopped on was seen and left; the one after it never reached.
  assert.ok(items[teen.questions.findIndex((q) => q.id === "listened")].endsWith("Moved on without answering"));
  assert.ok(items[teen.questions.findIndex((q) => q.id === "who_helped")].endsWith("Not reached: the form ended before this question"));
  assert.deepEqual(await axeViolations(page), [], "axe on the follow-up with the child's words");
  await followUp.getByRole("button", { name: "I have read these and will follow them up" }).click();
  await followUp.waitFor({ state: "detached" });

  // The outbox tells how the form was left.
  await visit(page, "/outbox");
  await page.getByText(/How things are · 2 answered, 1 chose not to answer, 4 moved past · stopped early, 1 not reached$/).waitFor();
  await visit(page, "/child");
  // Still there after "I have read these", and after a reload (sealed on the tablet), until the session ends.
  const session = page.getByRole("region", { name: "What the child said this session" });
  for (const reload of [false, true]) {
    if (reload) {
      await page.reload();
      await unlock(page);
    }
    await session.getByRole("button", { name: "Show what the child said" }).click();
    await session.getByText("My stepdad shouts and I am scared to go home").waitFor();
    if (!reload) assert.deepEqual(await axeViolations(page), [], "axe on the session's answers, shown");
    await session.getByRole("button", { name: "Hide what the child said" }).click();
    assert.equal(await session.getByText("My stepdad shouts").isVisible(), false, "hidden again, for the next hand-over");
  }
  // Sealed on the tablet: nothing of the child's words readable in the browser's storage.
  const kept = (await rawRecords(page, "settings")).find((r) => r.key === "said");
  assert.ok(kept, "kept on the tablet");
  assert.ok(!JSON.stringify(kept).includes("stepdad"), "sealed, not readable");
  // Ending asks first, since it deletes what the child said; keeping is where the focus is.
  await page.getByRole("button", { name: "End the session" }).click();
  const confirm = page.getByRole("group", { name: /End this session\?/ });
  await confirm.getByRole("button", { name: "No, keep the session" }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "No, keep the session");
  assert.deepEqual(await axeViolations(page), [], "axe on ending a session");
  await confirm.getByRole("button", { name: "No, keep the session" }).click();
  await session.getByRole("button", { name: "Show what the child said" }).waitFor();
  await until(async () => page.getByRole("button", { name: "End the session" }).evaluate((b) => b === document.activeElement));
  assert.ok(await page.getByRole("button", { name: "End the session" }).evaluate((b) => b === document.activeElement), "the focus goes back to End the session");
  await endSession(page);
  await page.getByRole("heading", { name: "Start a session" }).waitFor();
  // Deleted from the tablet with the session, even for the same child's next session.
  await until(async () => !(await rawRecords(page, "settings")).some((r) => r.key === "said"));
  assert.ok(!(await rawRecords(page, "settings")).some((r) => r.key === "said"), "what the child said is deleted");
  await startSession(page, { age: 15 });
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  assert.equal(await session.count(), 0, "a new session starts with nothing said");
  await context.close();
});

test("nothing is sent while the child may still say whether their words may be shared", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.clock.install();
  await enrol(page, env.server);
  await startSession(page, { reference: "EH-CONSENT-1", age: 15 });
  const before = await heldOnServer(env.server);
  await visit(page, "/child/teen-help-we-got?lang=en");
  await begin(page);
  await page.getByRole("button", { name: "7", exact: true }).click();
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await page.getByRole("textbox").fill("More time with my worker");
  await page.getByRole("button", { name: "Stop here", exact: true }).click();
  await page.getByRole("button", { name: "Yes, stop now", exact: true }).click();
  await page.getByRole("group", { name: /Can we show your words/ }).waitFor();
  // Automatic sending comes round (once a minute) while the question waits: it keeps this one
  // back. (Each round asks for the partnership's forms: that it came round is seen there.)
  let rounds = 0;
  page.on("request", (r) => {
    if (r.url().endsWith("/api/v1/forms")) rounds++;
  });
  await page.clock.runFor(130_000);
  await until(async () => rounds > 0);
  await page.waitForTimeout(500);
  assert.ok(rounds > 0, "automatic sending came round");
  assert.equal(await heldOnServer(env.server), before, "not sent before the child has answered");
  await page.getByRole("button", { name: "Yes, you can show them", exact: true }).click();
  await page.getByText("All done.", { exact: false }).waitFor();
  await page.getByRole("button", { name: "Practitioner: take the tablet back" }).click();
  await unlock(page);
  await pastFollowUps(page);
  await page.clock.runFor(70_000);
  await until(async () => (await heldOnServer(env.server)) === before + 1, 10_000);
  assert.equal(await heldOnServer(env.server), before + 1, "sent once the child has answered, with their consent");
  assert.deepEqual(await pendingOnTablet(page), [], "and nothing stuck as a conflict");
  await context.close();
});

test("a tablet not enrolled says so under a heading; a reload on the enrol page shows the PIN prompt alone", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.server.url}/child`);
  await page.getByRole("heading", { level: 1, name: "This tablet is not enrolled" }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "axe on the not-enrolled notice");
  await enrol(page, env.server);
  await page.reload();
  await page.getByRole("heading", { name: "Enter your PIN" }).waitFor();
  assert.deepEqual(await page.getByRole("heading", { level: 1 }).allTextContents(), ["Enter your PIN"], "one screen, one heading");
  await unlock(page);
  await page.getByRole("heading", { level: 1, name: "Enrol this tablet" }).waitFor();
  await context.close();
});

test("a child cannot leave the form for the practitioner's screens without the PIN", async () => {
  const { context, page } = await withSession(env);
  await page.getByRole("link", { name: "About me" }).first().click();
  await begin(page);
  await page.getByRole("heading", { name: "How are things at home?" }).waitFor();
  await page.waitForFunction(() => document.fullscreenElement !== null);
  // The browser's back button leads to the PIN, not to the session or other children's answers.
  await page.goBack();
  await page.getByRole("heading", { name: "Enter your PIN" }).waitFor();
  assert.equal(await page.getByRole("heading", { name: "Choose a form" }).count(), 0);
  assert.equal(await page.evaluate(() => document.fullscreenElement), null, "full screen ends with the form");
  await unlock(page);
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  await context.close();
});

test("a wrong PIN is cleared for the next try; a forgotten PIN wipes the tablet only when asked twice, never by a double tap", async () => {
  const { context, page } = await withSession(env);
  await completeSymbolsCheck(page);
  await page.reload();
  const pin = page.getByLabel("PIN", { exact: true });
  await pin.fill("0000");
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.getByRole("status").getByText("That PIN is not right.").waitFor();
  assert.equal(await pin.inputValue(), "", "the wrong digits are gone");
  assert.ok(await pin.evaluate((e) => e === document.activeElement), "and the PIN box has the focus");

  // A double tap on "Wipe this tablet" (the lock can come up in front of a child) keeps it.
  // Anywhere on the button: its far end too, past where the next question's first answer ends.
  const forgot = page.getByRole("button", { name: "Forgot the PIN?" });
  for (const end of ["start", "end"]) {
    await forgot.click();
    const wipe = page.getByRole("button", { name: "Wipe this tablet" });
    const box = await wipe.boundingBox();
    await wipe.dblclick({ position: { x: end === "start" ? 8 : box.width - 8, y: box.height / 2 } });
    await page.waitForTimeout(500);
    assert.equal((await rawRecords(page, "pending_responses")).length, 1, `the answers are still there (${end})`);
    assert.equal(await page.getByText("This tablet has been wiped.", { exact: false }).count(), 0);
    // The second tap kept it, or fell beside "No, keep it", which is still there to tap.
    const keep = page.getByRole("button", { name: "No, keep it" });
    if (await keep.count()) await keep.click();
    await page.getByRole("button", { name: "Yes, wipe everything on this tablet" }).waitFor({ state: "detached" });
    assert.ok(await forgot.evaluate((e) => e === document.activeElement), "kept: the focus is back where the practitioner was");
  }

  // Asked for, and confirmed, the wipe forgets everything.
  await page.getByRole("button", { name: "Forgot the PIN?" }).click();
  await page.getByRole("button", { name: "Wipe this tablet" }).click();
  const keep = page.getByRole("button", { name: "No, keep it" });
  await keep.waitFor();
  await until(() => keep.evaluate((e) => e === document.activeElement));
  assert.ok(await keep.evaluate((e) => e === document.activeElement), "the question opens on keeping");
  // It says what would be lost, and wipes only once a word is typed that no child tapping
  // about would type.
  await page.getByText("A wipe deletes for good: answers not yet sent: 1; unfinished forms: 0; case outcomes: 0.").waitFor();
  const yes = page.getByRole("button", { name: "Yes, wipe everything on this tablet" });
  assert.ok(await yes.isDisabled(), "not without the word");
  await yes.click({ force: true });
  assert.equal((await rawRecords(page, "pending_responses")).length, 1, "a tap on it wipes nothing");
  assert.deepEqual(await axeViolations(page), [], "axe on the wipe question");
  await page.getByRole("textbox", { name: "To wipe, type WIPE" }).fill("wipe");
  await yes.click();
  await page.getByRole("status").getByText("This tablet has been wiped. Enrol it again to use it.").waitFor();
  assert.deepEqual(await rawRecords(page, "pending_responses"), []);
  await context.close();
});

test("a session survives a reload, sealed on the tablet, until the practitioner ends it", async () => {
  const { context, page } = await withSession(env, { reference: "EH-RELOAD-1", age: 10, firstName: "Samira" });
  const raw = JSON.stringify(await rawRecords(page, "settings"));
  assert.ok(!raw.includes("Samira") && !raw.includes("EH-RELOAD-1"), "no name or reference readable in storage");
  assert.ok((await decryptedRecords(page, "settings")).some((r) => r.first_name === "Samira"), "the session is kept, sealed");

  // A reload locks the tablet; with the PIN the session is back, the child's name with it.
  await page.reload();
  await unlock(page);
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  await page.getByText("Session for a child in Middle (8–12), start of support.", { exact: false }).waitFor();
  await page.getByRole("link", { name: "About me" }).first().click();
  await page.getByText("Hello, Samira!").waitFor();
  await page.goBack();
  await unlock(page);

  // Ending the session deletes it from the tablet: after a reload there is none.
  await endSession(page);
  const next = page.getByRole("heading", { name: "Start a session" });
  await next.waitFor();
  await until(() => next.evaluate((e) => e === document.activeElement));
  assert.ok(await next.evaluate((e) => e === document.activeElement), "the focus goes to the next session's form, not nowhere");
  await until(async () => !(await decryptedRecords(page, "settings")).some((r) => r.first_name));
  assert.ok(!(await decryptedRecords(page, "settings")).some((r) => "first_name" in r), "the name is gone from the tablet");
  await page.reload();
  await unlock(page);
  await page.getByRole("heading", { name: "Start a session" }).waitFor();
  await context.close();
});
