// Read-aloud with real voices (espeak-ng through speech-dispatcher): a child completes a form
// hearing every prompt, in the form's language, with a voice of that language; every speaker
// button reads its words. The no-voice case is in forms.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serverAndBrowser, axeViolations, enrol, startSession, until, visit } from "./harness.mjs";

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
    const choice = { faces: "Happy", yes_no_not_sure: "Yes", drawing: "Leave the page blank", who_helped: "On my own" }[kind];
    await page.getByRole("button", { name: choice, exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  // The page left blank: no words or drawings, so nothing to ask about sharing.
  await page.getByText("All done. Please give the tablet back to your worker.").waitFor();
  await context.close();
});

test("Polish and Arabic prompts are read in a Polish and an Arabic voice", async () => {
  const symbols = form("symbols-check");
  for (const lang of ["pl", "ar"]) {
    const { context, page } = await listeningPage();
    await enrol(page, env.server);
    await startSession(page, { age: 9 });
    await visit(page, `/child/${symbols.id}?lang=${lang}`);
    const first = symbols.questions[0].prompt[lang];
    await page.getByRole("heading", { name: first, exact: true }).waitFor();
    const said = await heard(page, first);
    assert.equal(said.lang, lang);
    assert.match(said.voice, new RegExp(`^${lang}`, "i"), `read in a ${lang} voice, not the system's default one`);
    await context.close();
  }
});
