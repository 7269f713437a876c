// The walking skeleton end to end, as a practitioner and a coordinator would use it: a
// child's tap is kept on the tablet through a reload, an offline send and a server outage,
// a lost confirmation is resent without a duplicate, and the coordinator sees the count.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Server, launchBrowser, axeViolations, watchConsole } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = new Server();
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.dispose();
});

async function heldOnServer() {
  const r = await fetch(`${server.url}/api/v1/stats`);
  return (await r.json()).responses;
}

async function expectWaiting(page, text) {
  await page.getByText(text, { exact: true }).waitFor();
}

test("a child's tap reaches the coordinator once, surviving reload, offline and a lost confirmation", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchConsole(page);

  // Home: the way in to each screen.
  await page.goto(`${server.url}/`);
  await page.getByRole("heading", { name: "Heard" }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "home screen");
  await page.getByRole("link", { name: "Child screen" }).click();

  // 1. One question, three large faces, each named.
  await page.getByRole("heading", { name: "How are things at home?" }).waitFor();
  const faces = page.getByRole("group", { name: "How are things at home?" }).getByRole("button");
  assert.deepEqual(await faces.allTextContents(), ["Sad", "Okay", "Happy"]);
  for (const name of ["Sad", "Okay", "Happy"]) {
    const box = await page.getByRole("button", { name }).boundingBox();
    assert.ok(box.width >= 48 && box.height >= 48, `${name} is at least 48px square (${box.width}x${box.height})`);
  }
  assert.deepEqual(await axeViolations(page), [], "child screen");

  // 2. A tap is saved on the tablet at once, and is still pending after a reload.
  await page.getByRole("button", { name: "Happy" }).click();
  await page.getByRole("status").getByText("Thank you. Your answer is saved.").waitFor();
  await page.goto(`${server.url}/outbox`);
  await expectWaiting(page, "1 answer waiting to send.");
  await page.reload();
  await expectWaiting(page, "1 answer waiting to send.");
  const items = page.getByRole("list", { name: "Answers waiting to send" }).getByRole("listitem");
  assert.match(await items.first().textContent(), /home-check · Happy/);
  assert.deepEqual(await axeViolations(page), [], "outbox screen");

  // 5a. Offline at send: a clear message, the response stays pending.
  await context.setOffline(true);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").getByText(/Could not reach the Heard server/).waitFor();
  await expectWaiting(page, "1 answer waiting to send.");
  await context.setOffline(false);

  // 5b. Server down at send: the same.
  assert.equal(await server.stop(), 0, "Ctrl-C stops the server cleanly");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").getByText(/Could not reach the Heard server/).waitFor();
  await expectWaiting(page, "1 answer waiting to send.");
  await server.start();
  assert.equal(await heldOnServer(), 0);

  // 3. The server stores the response but its confirmation is lost on the way back:
  // the response must stay pending, and the resend must not create a duplicate.
  await page.route("**/api/v1/responses", async (route) => {
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").getByText(/Could not reach the Heard server/).waitFor();
  await expectWaiting(page, "1 answer waiting to send.");
  assert.equal(await heldOnServer(), 1, "the server did receive it");
  await page.unroute("**/api/v1/responses");

  await page.getByRole("button", { name: "Send" }).click();
  await page.getByRole("status").getByText("Sent 1 answer. The server has it.").waitFor();
  await expectWaiting(page, "Nothing is waiting to send.");
  await page.reload();
  await expectWaiting(page, "Nothing is waiting to send.");
  assert.equal(await heldOnServer(), 1, "the resend created no duplicate");

  // 4. The coordinator sees how many responses the server holds.
  await page.goto(`${server.url}/coordinator`);
  await page.getByRole("heading", { name: "Partnership overview" }).waitFor();
  const held = page.getByRole("definition");
  await held.filter({ hasText: /^1$/ }).waitFor();
  assert.deepEqual(await axeViolations(page), [], "coordinator screen");

  // 5c. Malformed and oversized posts: a 4xx JSON error naming the problem, nothing stored.
  const malformed = await page.request.post(`${server.url}/api/v1/responses`, {
    headers: { "content-type": "application/json" },
    data: '{"responses": [{"id": 12}]}',
  });
  assert.equal(malformed.status(), 400);
  assert.match((await malformed.json()).detail, /invalid type: integer `12`, expected a formatted UUID string/);
  const oversized = await page.request.post(`${server.url}/api/v1/responses`, {
    headers: { "content-type": "application/json" },
    data: JSON.stringify({ responses: [], padding: "x".repeat(300 * 1024) }),
  });
  assert.equal(oversized.status(), 413);
  assert.equal((await oversized.json()).error, "too_large");
  await page.getByRole("button", { name: "Refresh" }).click();
  await held.filter({ hasText: /^1$/ }).waitFor();
  assert.equal(await heldOnServer(), 1);

  assert.deepEqual(problems, [], "no errors in the page's console");
  await context.close();
});
