// Outcome import at scale, in headless Chromium against a real server: a generated CSV of
// 100,000 lines (HEARD_IMPORT_ROWS), some of them bad, is read and checked in the browser,
// pseudonymised there and sent in batches. Prints the time to the preview and to the end.
// Run: bash bench/import.sh (not part of the test command).
import { Server, launchBrowser, logIn } from "../tests/e2e/harness.mjs";

const rows = Number(process.env.HEARD_IMPORT_ROWS ?? 100_000);
const outcomes = ["Stepped down", "Needs met", "Stepped up", "Referred to a specialist service", "Disengaged", "Moved away"];
const lines = ["Case reference,Outcome,Date closed"];
for (let i = 0; i < rows; i++) {
  const day = String(1 + (i % 28)).padStart(2, "0");
  // One line in a thousand is bad: an outcome nobody uses.
  const outcome = i % 1000 === 999 ? "adopted" : outcomes[i % outcomes.length];
  lines.push(`EH-${2020 + (i % 6)}-${String(i).padStart(6, "0")},${outcome},${day}/0${1 + (i % 9)}/2026`);
}
const csv = Buffer.from(lines.join("\r\n"));

const server = new Server(0);
await server.start();
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await logIn(page, server);
  await page.getByRole("link", { name: "Partnership setup" }).click();
  await page.getByLabel("Partnership key backup file").setInputFiles(server.keyFile);
  await page.getByRole("status").getByText("The partnership key is restored on this browser.").waitFor();
  await page.getByRole("link", { name: "Import outcomes" }).click();
  let started = performance.now();
  await page.getByLabel("Outcomes file (CSV)").setInputFiles({ name: "closures.csv", mimeType: "text/csv", buffer: csv });
  const bad = Math.floor(rows / 1000);
  await page.getByText(`${rows - bad} lines are ready to import. ${bad} lines have problems and will be left out.`).waitFor({ timeout: 120_000 });
  const preview = performance.now() - started;
  started = performance.now();
  await page.getByRole("button", { name: `Import ${rows - bad} outcomes` }).click();
  await page.getByText(`Imported ${rows - bad} outcomes: ${rows - bad} new, 0 already held from an earlier import.`).waitFor({ timeout: 600_000 });
  const imported = performance.now() - started;
  console.log(`outcome import of ${rows} lines (${csv.length} bytes, ${bad} bad):`);
  console.log(`  read and checked in the browser: ${(preview / 1000).toFixed(1)} s`);
  console.log(`  pseudonymised and sent (${rows - bad} outcomes): ${(imported / 1000).toFixed(1)} s`);
} finally {
  await browser.close();
  await server.dispose();
}
