// The child's screens use the tablet they are on, at a landscape and a portrait tablet's size
// and on a phone: the drawing pad and the answers grow with the screen, a speaker never
// touches the card it reads, nothing is hidden under Back and Next, and the end of a form is
// on screen when the child finishes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serverAndBrowser, withSession, visit, begin, draw, axeViolations, enrol } from "./harness.mjs";

const env = serverAndBrowser({ voices: true });
const SIZES = { landscape: [1280, 800], portrait: [800, 1280], phone: [390, 844] };

/** For each answer card on screen: its size, and the gap to its speaker (negative: they overlap). */
const cards = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll(".choice")].map((c) => {
      const card = c.querySelector(".choice-button").getBoundingClientRect();
      const speaker = c.querySelector("button.speak").getBoundingClientRect();
      const gap = Math.max(speaker.top - card.bottom, card.top - speaker.bottom, speaker.left - card.right, card.left - speaker.right);
      return { width: card.width, height: card.height, gap };
    }),
  );

for (const [shape, [width, height]] of Object.entries(SIZES)) {
  test(`${shape} (${width}x${height}): answers and pad grow with the screen, speakers stand clear, nothing hides under Back and Next`, async () => {
    const { context, page } = await withSession(env, { age: 6 }, { viewport: { width, height } });
    await visit(page, "/child/early-years-check?lang=en");
    await begin(page);
    await page.getByRole("button", { name: "Listen: Happy" }).waitFor();
    const faces = await cards(page);
    assert.equal(faces.length, 3);
    for (const f of faces) assert.ok(f.gap >= 12, `a face's speaker stands at least 12px clear of it (${f.gap}px)`);
    if (shape !== "phone") for (const f of faces) assert.ok(f.width >= 180 && f.height >= 180, `faces grow on a tablet (${f.width}x${f.height})`);
    // Nothing runs off the side: Pause, the progress and Stop fit (on a phone, on two lines).
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no sideways scrolling");
    await page.getByRole("button", { name: "Happy", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("button", { name: "Listen: Not sure" }).waitFor();
    for (const s of await cards(page)) assert.ok(s.gap >= 12, `a symbol's speaker stands clear (${s.gap}px)`);

    await page.getByRole("button", { name: "Yes", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("button", { name: "Happy", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("heading", { name: /^Draw something/ }).waitFor();
    const pad = await page.getByRole("img", { name: "Drawing space" }).boundingBox();
    const floor = { landscape: [520, 390], portrait: [740, 550], phone: [340, 255] }[shape];
    assert.ok(pad.width >= floor[0] && pad.height >= floor[1], `the drawing pad uses the screen: ${Math.round(pad.width)}x${Math.round(pad.height)}`);
    if (shape === "landscape") {
      // Not held to a reading column: the form spans the tablet.
      const main = await page.locator("main").boundingBox();
      assert.ok(main.width >= 1100, `the form spans the tablet (${main.width}px)`);
    }
    // No drawing tool is ever under Back and Next: at the top of the page and scrolled to the end.
    for (const to of ["top", "bottom"]) {
      await page.evaluate((to) => scrollTo(0, to === "top" ? 0 : document.documentElement.scrollHeight), to);
      const covered = await page.evaluate(() => {
        const steps = document.querySelector(".run .steps").getBoundingClientRect();
        return [...document.querySelectorAll(".drawing-pad button")]
          .map((b) => b.getBoundingClientRect())
          .filter((t) => t.height > 0 && t.bottom > steps.top && t.top < steps.bottom).length;
      });
      assert.equal(covered, 0, `no drawing tool under Back and Next (scrolled to the ${to})`);
    }
    await draw(page);
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("button", { name: "On my own", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.getByRole("button", { name: "No, keep them private", exact: true }).click();
    // Finished: "All done" and the practitioner's button are on screen, not below it.
    const done = page.getByText("All done. Please give the tablet back to your worker.");
    await done.waitFor();
    for (const shown of [done, page.getByRole("button", { name: "Practitioner: take the tablet back" })]) {
      await page.waitForFunction((el) => el.getBoundingClientRect().bottom <= innerHeight, await shown.elementHandle());
    }
    assert.deepEqual(await axeViolations(page), [], `axe on the end screen (${shape})`);
    await context.close();
  });
}

test("a phone on its side and a teen's longer progress, in Arabic: nothing runs off the side, and the pad can be drawn on", async () => {
  for (const [width, height] of [[390, 844], [844, 390]]) {
    const { context, page } = await withSession(env, { age: 14 }, { viewport: { width, height } });
    await visit(page, "/child/teen-check?lang=ar");
    await begin(page, "لنبدأ");
    await page.locator(".run .prompt h1").waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `no sideways scrolling at ${width}x${height}`);
    await context.close();
  }
  const { context, page } = await withSession(env, { age: 6 }, { viewport: { width: 844, height: 390 } });
  await visit(page, "/child/early-years-check?lang=en");
  await begin(page);
  for (const name of ["Happy", "Next", "Yes", "Next", "Happy", "Next"]) await page.getByRole("button", { name, exact: true }).click();
  const pad = await page.getByRole("img", { name: "Drawing space" }).boundingBox();
  assert.ok(pad.width >= 250 && pad.height >= 185, `a short screen still has a pad to draw on (${Math.round(pad.width)}x${Math.round(pad.height)})`);
  await context.close();
});

test("on a phone, the session form's checkboxes keep their size when their words take two lines", async () => {
  const context = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await enrol(page, env.server);
  await visit(page, "/child");
  await page.getByRole("heading", { name: "Start a session" }).waitFor();
  const boxes = await page.getByRole("group", { name: "About the family" }).getByRole("checkbox").evaluateAll((all) =>
    all.map((b) => ({ name: b.parentElement.textContent.trim(), width: b.getBoundingClientRect().width })),
  );
  assert.equal(boxes.length, 5);
  for (const b of boxes) assert.ok(b.width >= 23, `"${b.name}": a box a finger can find (${b.width}px wide)`);
  await context.close();
});
