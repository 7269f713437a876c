// Shared harness for the end-to-end tests: a real heard-server on a free port with its own
// SQLite file, Debian's Chromium driven by playwright-core, and an axe-core scan.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const serverBin = process.env.HEARD_SERVER_BIN ?? join(root, "target/debug/heard-server");
const dist = process.env.HEARD_DIST ?? join(root, "dist");

// Flags for a closed network (TOOLCHAIN.md): without them Chromium keeps calling home.
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** A running heard-server. `stop()` and `start()` again keep the same port and database. */
export class Server {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "heard-e2e-"));
    this.port = 0;
    this.proc = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    const args = ["--addr", `127.0.0.1:${this.port}`, "--database-url", `sqlite:${join(this.dir, "heard.sqlite3")}`, "--dist", dist, "--demo"];
    this.proc = spawn(serverBin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    this.proc.stderr.on("data", (d) => { stderr += d; });
    const line = await new Promise((ok, fail) => {
      let out = "";
      this.proc.stdout.on("data", (d) => {
        out += d;
        const m = out.match(/running at http:\/\/127\.0\.0\.1:(\d+)/);
        if (m) {
          this.enrolmentText = out.match(/enrol a tablet with:\s+(\S+)/)[1];
          ok(m);
        }
      });
      this.proc.on("exit", (code) => fail(new Error(`heard-server exited with ${code}: ${stderr}`)));
    });
    this.port = Number(line[1]);
  }

  /** Stops the server as Ctrl-C would; resolves to its exit code (0 when it stopped cleanly). */
  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return this.proc?.exitCode ?? null;
    const exited = new Promise((ok) => this.proc.on("exit", (code) => ok(code)));
    this.proc.kill("SIGINT");
    return exited;
  }

  async dispose() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** Runs axe-core on the page as it is now and returns its violations, described for a human. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: join(root, "node_modules/axe-core/axe.min.js") });
  const result = await page.evaluate(() =>
    globalThis.axe.run(document, {
      resultTypes: ["violations"],
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    }),
  );
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
}

/** Fails the test on any console error or uncaught exception in the page. */
export function watchConsole(page) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("console", (m) => {
    // Network failures and 4xx answers are part of the flows under test (offline, a wrong
    // password, "not logged in yet"); the tests check what the page says about them.
    const expected = m.text().includes("net::ERR_") || /status of 4\d\d/.test(m.text());
    if (m.type() === "error" && !expected) problems.push(`console: ${m.text()}`);
  });
  return problems;
}

/** The responses waiting in the tablet's outbox, read straight from IndexedDB. */
export async function pendingOnTablet(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("heard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction("pending_responses").objectStore("pending_responses").getAll();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

export const DEMO_LOGIN = { email: "coordinator@demo.heard", password: "demo-coordinator" };

/** Enrols the page's tablet with the server's demo code, as a practitioner would. */
export async function enrol(page, server) {
  await page.goto(`${server.url}/enrol`);
  await page.getByRole("textbox", { name: "Enrolment code" }).fill(server.enrolmentText);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("This tablet is enrolled for Demo Early Help Team (Demo Partnership).").waitFor();
}

/** Logs the page in as the demo coordinator. */
export async function logIn(page, server) {
  await page.goto(`${server.url}/coordinator`);
  await page.getByRole("textbox", { name: "Email" }).fill(DEMO_LOGIN.email);
  await page.getByLabel("Password").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByText(`Logged in as ${DEMO_LOGIN.email}, Demo Partnership.`).waitFor();
}

/** How many responses the server holds for the demo partnership, read as the coordinator. */
export async function heldOnServer(server) {
  const login = await fetch(`${server.url}/api/v1/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(DEMO_LOGIN),
  });
  const cookie = login.headers.get("set-cookie").split(";")[0];
  const stats = await fetch(`${server.url}/api/v1/stats`, { headers: { cookie } });
  return (await stats.json()).responses;
}
