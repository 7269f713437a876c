// Read-aloud with real voices (espeak-ng through speech-dispatcher): a child completes a form
// hearing every prompt, in the form's language, with a voice of that language; every speaker
// button reads its words. The no-voice case is in forms.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serverAndBrowser, axeViolations, begin, draw, enrol, startSession, unlock, until, visit } from "./harness.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const form = (id) => JSON.parse(readFileSync(join(root, `domain/forms/${id}.json`), "utf8"));

const env = serverAndBrowser({ voices: true });

/**
 * A page whose speech is recorded as it happens: each utterance the app speaks, its
 * language, the language of the voice that read it, and its events (the speaking itself is
 * the browser's own).
 */
async function listeningPage() {
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    globalThis.spoken = [];
    const speak = speechSynthesis.speak.bind(speechSynthesis);
    speechSynthesis.speak = (u) => {
      const said = { text: u.text, lang: u.lang, voice: u.voice?.lang ?? null, events: [] };
      globalThis.spoken.push(said);
      for (const type of ["start", "end", "error"]) u.addEventListener(type, (e) => said.events.push(e.error ? `error: ${e.error}` : type));
      speak(u);
    };
  });
  return { context, page: await context.newPage() };
}

/** Waits until `text` has been read aloud from start to end; returns how it was read. */
async function heard(page, text) {
  const find = () => page.evaluate((text) => globalThis.spoken.find((s) => s.text === text && s.events.includes("end")), text);
  await until(async () => Boolean(await find()), 10_000);
  const said = await find();
  assert.ok(said, `"${text}" was read aloud to the end (read: ${JSON.stringify(await page.evaluate(() => globalThis.spoken))})`);
  return said;
}

/**
 * What a child would need read on this screen and cannot have read: the headings, every
 * answer, every button that moves between questions (Back, Next, Pause, Stop here) and every
 * line of the end screen without a speaker button for its words. The drawing tools (the
 * colours say their names as they are picked) and a disabled Back are left out; the numbers
 * of a scale need no reading.
 */
async function withoutSpeaker(page) {
  return page.evaluate(() => {
    const shown = (e) => e.getClientRects().length > 0;
    const spoken = new Set([...document.querySelectorAll("button.speak")].filter(shown).map((b) => b.getAttribute("aria-label").replace(/^Listen: /, "")));
    return [...document.querySelectorAll(".run h1, .run h2, #share-question, .run button:not(.speak):not(.handback):not(.scale-number):not(:disabled), .run .with-speaker [role=status]")]
      .filter((e) => shown(e) && !e.closest(".drawing-pad"))
      .map((e) => (e.querySelector(".choice-label") ?? e).textContent.trim())
      .filter((words) => words && !spoken.has(words));
  });
}

/** A page for a child of `age` (and `firstName`, if given) with voices loaded and a session started. */
async function childWithVoices(age, firstName = "") {
  const { context, page } = await listeningPage();
  await enrol(page, env.server);
  await startSession(page, { age, firstName });
  await until(async () => (await page.evaluate(() => speechSynthesis.getVoices().length)) > 0);
  await page.getByText("Read-aloud is not available").waitFor({ state: "detached" });
  return { context, page };
}

test("a child who cannot read can hear every answer, the stop question and the end screen, and Early years reads them out", async () => {
  const { context, page } = await childWithVoices(5, "Sam");
  const early = form("early-years-check");
  await visit(page, `/child/${early.id}?lang=en`);
  // The greeting, then who will read the child's answers, are read before the first question.
  await page.getByRole("heading", { name: "Before we start", exact: true }).waitFor();
  await heard(page, "Hello, Sam!");
  await heard(page, "Before we start");
  await heard(page, "Your worker will read what you choose, write and draw, so they can help you. If you tell us someone is hurting you, or you are not safe, your worker may need to tell someone whose job is keeping children safe.");
  assert.deepEqual(await withoutSpeaker(page), [], "the introduction and Start have speakers");
  await begin(page);
  await page.getByRole("heading", { name: early.questions[0].prompt.en, exact: true }).waitFor();
  await heard(page, early.questions[0].prompt.en);
  assert.deepEqual(await withoutSpeaker(page), [], "faces and \"I don't want to answer\" have speakers");
  await page.getByRole("button", { name: "Listen: I don't want to answer" }).click();
  await heard(page, "I don't want to answer");
  // Next is offered once the child has answered ("I don't want to answer" is an answer).
  await page.getByRole("button", { name: "I don't want to answer", exact: true }).click();
  const next = await page.getByRole("button", { name: "Next", exact: true }).boundingBox();
  // Each button that moves the child on carries a picture as well as words, and a speaker.
  for (const name of ["I don't want to answer", "Next", "Pause", "Stop here"]) {
    assert.equal(await page.getByRole("button", { name, exact: true }).locator("svg").count(), 1, `"${name}" has a symbol`);
  }
  assert.deepEqual(await withoutSpeaker(page), [], "Next, Pause and Stop here can be heard too");

  // Stopping asks first, out loud for the youngest; both answers can be heard.
  await page.getByRole("button", { name: "Stop here", exact: true }).click();
  await heard(page, "Stop now? Everything you have answered so far is kept.");
  assert.deepEqual(await withoutSpeaker(page), []);
  // "No, carry on" stands where Next was: a tap from habit does not end the form.
  const carryOn = await page.getByRole("button", { name: "No, carry on", exact: true }).boundingBox();
  assert.ok(Math.abs(carryOn.x + carryOn.width - (next.x + next.width)) < 80, `carry on (${carryOn.x}) where Next was (${next.x})`);
  await page.getByRole("button", { name: "Listen: No, carry on" }).click();
  await heard(page, "No, carry on");
  await page.getByRole("button", { name: "No, carry on", exact: true }).click();

  for (const q of early.questions) {
    await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
    assert.deepEqual(await withoutSpeaker(page), [], `every answer to "${q.prompt.en}" can be heard`);
    const kind = typeof q.kind === "string" ? q.kind : Object.keys(q.kind)[0];
    if (kind === "drawing") await draw(page);
    else await page.getByRole("button", { name: { faces: "Happy", yes_no_not_sure: "Yes", who_helped: "On my own" }[kind], exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }

  // The child drew, so the end screen asks about sharing: read out, and pictured.
  await page.getByRole("heading", { name: "Thank you for telling us." }).waitFor();
  await heard(page, "Thank you for telling us.");
  await heard(page, "Can we show your words and drawings to the people who plan help for children? We will not show your name.");
  assert.deepEqual(await withoutSpeaker(page), []);
  const share = page.getByRole("group", { name: /Can we show your words/ });
  for (const name of ["Yes, you can show them", "No, keep them private"]) {
    assert.equal(await share.getByRole("button", { name, exact: true }).locator("svg").count(), 1, `"${name}" has a symbol`);
  }
  assert.equal(await share.locator(".symbol-no").count(), 0, "keeping them private is a padlock, never the cross of a wrong answer");
  await page.getByRole("button", { name: "Listen: Yes, you can show them" }).click();
  await heard(page, "Yes, you can show them");
  const other = page.getByRole("button", { name: "Yes, you can show them", exact: true });
  const before = await other.boundingBox();
  await page.getByRole("button", { name: "No, keep them private", exact: true }).click();
  await page.getByRole("button", { name: "No, keep them private", pressed: true }).waitFor();
  assert.deepEqual(await other.boundingBox(), before, "choosing one answer does not move the other");
  await page.getByRole("button", { name: "Listen: All done. Please give the tablet back to your worker." }).click();
  await heard(page, "All done. Please give the tablet back to your worker.");
  assert.deepEqual(await withoutSpeaker(page), []);
  assert.deepEqual(await axeViolations(page), [], "axe on the end screen with its speakers");
  await context.close();
});

test("the houses, the ends of a scale, the drawing question and the pause screen can all be heard", async () => {
  const { context, page } = await childWithVoices(14);
  const middle = form("middle-check");
  await visit(page, `/child/${middle.id}?lang=en`);
  await begin(page);
  for (const q of middle.questions) {
    await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
    assert.deepEqual(await withoutSpeaker(page), [], `every answer to "${q.prompt.en}" can be heard`);
    if (q.kind === "three_houses") {
      // Back on a question the child chose not to answer, the reassurance can be heard too.
      await page.getByRole("button", { name: "Back", exact: true }).click();
      await page.getByRole("button", { name: "Listen: That's fine. You don't have to answer." }).waitFor();
      assert.deepEqual(await withoutSpeaker(page), []);
      await page.getByRole("button", { name: "Next", exact: true }).click();
      await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
      await page.getByRole("button", { name: "Listen: House of worries" }).click();
      await heard(page, "House of worries");
      for (const house of ["House of good things", "House of dreams"]) {
        await page.getByRole("tab", { name: house }).click();
        await page.getByRole("button", { name: "Listen: Words for this house" }).waitFor();
        assert.deepEqual(await withoutSpeaker(page), [], `${house}: its name and words box can be heard`);
      }
      break;
    }
    await page.getByRole("button", { name: "I don't want to answer", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }

  const teen = form("teen-check");
  // Leaving a form locks the tablet: the practitioner's PIN opens the next one.
  await visit(page, `/child/${teen.id}?lang=en`);
  await unlock(page);
  await begin(page);
  await page.getByRole("heading", { name: teen.questions[0].prompt.en, exact: true }).waitFor();
  assert.deepEqual(await withoutSpeaker(page), []);
  await page.getByRole("button", { name: "Listen: 0, Really bad" }).click();
  await heard(page, "0, Really bad");
  await page.getByRole("button", { name: "Listen: 10, Really good" }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "axe on a scale with its speakers");

  await page.getByRole("button", { name: "Pause", exact: true }).click();
  const paused = page.getByRole("heading", { name: "Paused. Take your time." });
  await paused.waitFor();
  assert.ok(await paused.evaluate((h) => document.activeElement === h), "the pause screen's heading has the focus");
  assert.equal(await page.getByRole("button", { name: /^(Pause|Stop here)$/ }).count(), 0, "nothing to pause or stop while paused");
  await page.getByRole("button", { name: "Listen: Carry on" }).waitFor();
  await page.getByRole("button", { name: "Listen: Paused. Take your time." }).click();
  await heard(page, "Paused. Take your time.");
  await page.getByRole("button", { name: "Carry on", exact: true }).click();

  const early = form("early-years-check");
  await visit(page, `/child/${early.id}?lang=en`);
  await unlock(page);
  await begin(page);
  const drawing = early.questions.findIndex((q) => q.kind === "drawing");
  for (let i = 0; i < drawing; i++) {
    await page.getByRole("heading", { name: early.questions[i].prompt.en, exact: true }).waitFor();
    await page.getByRole("button", { name: "I don't want to answer", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  await page.getByRole("heading", { name: early.questions[drawing].prompt.en, exact: true }).waitFor();
  assert.deepEqual(await withoutSpeaker(page), []);
  await page.getByRole("button", { name: "Listen: Back" }).click();
  await heard(page, "Back");
  await context.close();
});

test("with switch scanning, each answer is said as the highlight reaches it, after the question", async () => {
  const { context, page } = await childWithVoices(9);
  // Every button the highlight rests on, in order.
  await page.evaluate(() => {
    globalThis.highlights = [];
    new MutationObserver((changes) => {
      for (const c of changes) if (c.target.classList.contains("scanned")) globalThis.highlights.push(c.target);
    }).observe(document.body, { subtree: true, attributeFilter: ["class"] });
  });
  const symbols = form("symbols-check");
  // A slow pace: the test presses after hearing "No", while the highlight is still on it.
  await visit(page, `/child/${symbols.id}?lang=en&scan=2500`);
  await begin(page);
  const question = symbols.questions[0].prompt.en;
  await page.getByRole("heading", { name: question, exact: true }).waitFor();
  const prompt = await heard(page, question);
  // Said as the highlight reaches it: "No" comes after the question has been read to the end.
  const no = await heard(page, "No");
  const order = await page.evaluate(() => globalThis.spoken.map((s) => s.text));
  assert.ok(order.indexOf("No") > order.indexOf(question), `the answers come after the question (${JSON.stringify(order)})`);
  assert.ok(!prompt.events.includes("error: interrupted") && !prompt.events.includes("error: canceled"), "the question is not cut short by the highlight");
  assert.equal(no.lang, "en");
  await page.getByRole("button", { name: "No", exact: true }).and(page.locator("button.scanned")).waitFor();
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "No", exact: true, pressed: true }).waitFor();
  const speakers = await page.evaluate(() => globalThis.highlights.filter((b) => b.classList.contains("speak")).length);
  assert.equal(speakers, 0, "the speaker buttons are never highlighted: the highlight says their words");
  const first = await page.evaluate(() => globalThis.highlights[0].textContent.trim());
  assert.equal(first, "Yes", "the highlight starts on the answers, not on Pause");
  await context.close();
});

test("a child hears every prompt of the Early years form read aloud, and every speaker button reads its words", async () => {
  const { context, page } = await listeningPage();
  await enrol(page, env.server);
  await startSession(page, { age: 5 });
  // Browsers load their voices after the page starts.
  await until(async () => (await page.evaluate(() => speechSynthesis.getVoices().length)) > 0);
  assert.ok(await page.evaluate(() => speechSynthesis.getVoices().length) > 0, "the browser has voices");
  await page.getByText("Read-aloud is not available").waitFor({ state: "detached" });

  const early = form("early-years-check");
  await visit(page, `/child/${early.id}?lang=en`);
  await begin(page);
  for (const [i, q] of early.questions.entries()) {
    await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
    // On by default for Early years: each prompt is read as its screen appears.
    const prompt = await heard(page, q.prompt.en);
    assert.match(prompt.voice, /^en/, `"${q.prompt.en}" in an English voice`);
    if (i === 0) {
      assert.deepEqual(await axeViolations(page), [], "axe with speaker buttons shown");
      await page.getByRole("button", { name: "Listen: Happy" }).click();
      assert.match((await heard(page, "Happy")).voice, /^en/);
    }
    const kind = typeof q.kind === "string" ? q.kind : Object.keys(q.kind)[0];
    const choice = { faces: "Happy", yes_no_not_sure: "Yes", drawing: "I don't want to answer", who_helped: "On my own" }[kind];
    await page.getByRole("button", { name: choice, exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  // No drawing: no words or drawings, so nothing to ask about sharing.
  await page.getByText("All done. Please give the tablet back to your worker.").waitFor();
  await context.close();
});

test("a network voice is never used: with only one for Polish, a Polish form has no speakers and nothing is read", async () => {
  const { context, page } = await listeningPage();
  // The device's Polish voices hidden, and a network one (as some of Chrome's are) in their place.
  await context.addInitScript(() => {
    const real = speechSynthesis.getVoices.bind(speechSynthesis);
    const network = Object.create(SpeechSynthesisVoice.prototype, {
      lang: { get: () => "pl-PL" },
      name: { get: () => "Network Polish" },
      voiceURI: { get: () => "Network Polish" },
      localService: { get: () => false },
      default: { get: () => false },
    });
    speechSynthesis.getVoices = () => [...real().filter((v) => !v.lang.toLowerCase().startsWith("pl")), network];
  });
  await enrol(page, env.server);
  await startSession(page, { age: 5, firstName: "Ola" });
  await until(async () => (await page.evaluate(() => speechSynthesis.getVoices().length)) > 1);
  const early = form("early-years-check");
  await page.getByRole("combobox", { name: "The child's language" }).selectOption("pl");
  await page.getByRole("status").getByText("Read-aloud is not available on this device").waitFor();
  await visit(page, `/child/${early.id}?lang=pl`);
  await begin(page, "Zaczynamy");
  await page.getByRole("heading", { name: early.questions[0].prompt.pl, exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: /^Posłuchaj|^Listen/ }).count(), 0, "no speaker that would use the network voice");
  await page.waitForTimeout(1000);
  assert.deepEqual(await page.evaluate(() => globalThis.spoken), [], "nothing read, not even the greeting with the child's name");
  await context.close();
});

test("while the browser is still loading its voices, the practitioner is not told read-aloud is unavailable", async () => {
  const { context, page } = await listeningPage();
  // The voices arrive late, as in some browsers: none at first, then all of them at once.
  await context.addInitScript(() => {
    const real = speechSynthesis.getVoices.bind(speechSynthesis);
    let ready = false;
    speechSynthesis.getVoices = () => (ready ? real() : []);
    // The browser's own news of its voices is held back too, until they are released.
    speechSynthesis.addEventListener("voiceschanged", (e) => {
      if (!ready) e.stopImmediatePropagation();
    });
    globalThis.releaseVoices = () => {
      ready = true;
      speechSynthesis.dispatchEvent(new Event("voiceschanged"));
    };
    globalThis.toldUnavailable = false;
    new MutationObserver(() => {
      if (document.body?.textContent.includes("Read-aloud is not available")) globalThis.toldUnavailable = true;
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await enrol(page, env.server);
  await startSession(page, { age: 6 });
  // The app starts afresh (a reload locks the tablet) with no voices yet.
  await page.reload();
  await unlock(page);
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
  await page.waitForTimeout(1000);
  await until(async () => (await real(page)) > 0);
  await page.evaluate(() => globalThis.releaseVoices());
  await visit(page, `/child/${form("early-years-check").id}?lang=en`);
  await page.getByRole("button", { name: "Listen: Start" }).waitFor();
  assert.equal(await page.evaluate(() => globalThis.toldUnavailable), false, "never said while the voices were loading");
  await context.close();
});

/** How many voices the browser really has, under a test's stand-in for `getVoices`. */
async function real(page) {
  return page.evaluate(() => Object.getPrototypeOf(speechSynthesis).getVoices.call(speechSynthesis).length);
}

test("Polish and Arabic prompts are read in a Polish and an Arabic voice", async () => {
  const symbols = form("symbols-check");
  for (const lang of ["pl", "ar"]) {
    const { context, page } = await listeningPage();
    await enrol(page, env.server);
    await startSession(page, { age: 9 });
    await visit(page, `/child/${symbols.id}?lang=${lang}`);
    await begin(page, { pl: "Zaczynamy", ar: "لنبدأ" }[lang]);
    const first = symbols.questions[0].prompt[lang];
    await page.getByRole("heading", { name: first, exact: true }).waitFor();
    const said = await heard(page, first);
    assert.equal(said.lang, lang);
    assert.match(said.voice, new RegExp(`^${lang}`, "i"), `read in a ${lang} voice, not the system's default one`);
    await context.close();
  }
});
