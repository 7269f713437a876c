// A batch interrupted by the server dying (SIGKILL, no clean shutdown) at different moments,
// then resent whole once the server is back: each response is held exactly once, nothing is
// half-written, nothing is lost or doubled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { Server, freshEnrolmentText, heldOnServer } from "./harness.mjs";

function response(id, n) {
  return {
    id,
    form_id: "middle-check",
    form_version: 1,
    lang: "en",
    date: "2026-11-20",
    answers: [
      { question_id: "home", value: { face: 1 + (n % 5) } },
      // Words the child kept private reach the server only as "own_words", as a tablet sends them.
      { question_id: "words", value: n % 2 === 0 ? { text: `Answer number ${n}, with enough words to make the batch take a moment to store.` } : "own_words" },
    ],
    share: n % 2 === 0,
    context: {
      case: createHash("sha256").update(`restart case ${n}`).digest("hex"),
      age_band: "middle",
      flags: { send: false, homeless: n % 3 === 0, early_help_assessment: false, child_protection_plan: false, young_carer: false },
      stage: "start",
    },
  };
}

test("a batch cut by the server dying, at any moment, and resent, is held exactly once", async () => {
  const server = new Server(0);
  await server.start();
  try {
    const text = await freshEnrolmentText(server);
    const code = text.split("-").slice(1, 3).join("-");
    const enrolled = await (await fetch(`${server.url}/api/v1/enrol`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) })).json();
    const headers = { authorization: `Bearer ${enrolled.device_token}`, "content-type": "application/json" };
    const post = (body) => fetch(`${server.url}/api/v1/responses`, { method: "POST", headers, body });
    let expected = 0;
    // From before the request is read to after the reply (1 s): cut before, during, after.
    for (const delay of [0, 1, 3, 8, 20, 50, 150, 1000]) {
      const batch = JSON.stringify({ key_fingerprint: enrolled.key_fingerprint, responses: Array.from({ length: 200 }, (_, i) => response(randomUUID(), expected + i)) });
      const sending = post(batch).then((r) => r.status, () => "cut");
      await new Promise((ok) => setTimeout(ok, delay));
      server.proc.kill("SIGKILL");
      await new Promise((ok) => server.proc.once("exit", ok));
      const first = await sending;
      await server.start();
      // The tablet did not (or may not) have the reply: it sends the same batch again.
      const again = await post(batch);
      assert.equal(again.status, 200);
      const statuses = (await again.json()).results.map((r) => r.status);
      assert.ok(statuses.every((s) => s === "accepted" || s === "already_had"), `after a cut at ${delay} ms (${first}): ${[...new Set(statuses)]}`);
      const had = statuses.filter((s) => s === "already_had").length;
      assert.ok(had === 0 || had === 200, `all or none of the batch was stored before the cut, not ${had}`);
      expected += 200;
      assert.equal(await heldOnServer(server), expected, `after a cut at ${delay} ms`);
    }
  } finally {
    await server.dispose();
  }
});
