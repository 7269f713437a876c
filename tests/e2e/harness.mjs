// Shared harness for the end-to-end tests: a real heard-server on a free port with its own
// SQLite file, Debian's Chromium driven by playwright-core, and an axe-core scan.
import { spawn } from "node:child_process";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
// Where cargo built the server: its target folder, as CARGO_TARGET_DIR may move it.
const serverBin = process.env.HEARD_SERVER_BIN ?? join(resolve(root, process.env.CARGO_TARGET_DIR ?? "target"), "debug/heard-server");
export const SERVER_BIN = serverBin;
const dist = process.env.HEARD_DIST ?? join(root, "dist");

// Flags for a closed network (TOOLCHAIN.md): without them Chromium keeps calling home.
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/**
 * Starts a server and a browser before the file's tests and stops them after; the returned
 * object's `server` and `browser` are set once the tests run.
 */
/**
 * One server and browser for a test file. The demo partnership starts with `demoCases`
 * synthetic cases (none by default, so counts in a test are its own).
 */
export function serverAndBrowser({ demoCases = 0, forms = null, voices = false } = {}) {
  const shared = {};
  before(async () => {
    shared.server = new Server(demoCases, { forms });
    await shared.server.start();
    shared.browser = await launchBrowser({ voices });
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.dispose();
  });
  return shared;
}

/** A running heard-server. `stop()` and `start()` again keep the same port and database. */
export const DIST = dist;
export class Server {
  /** `forms`: a folder of the partnership's own forms (`--forms`), if any. */
  constructor(demoCases = 0, { forms = null } = {}) {
    this.demoCases = demoCases;
    this.forms = forms;
    // The built app it serves; a test may point it at another build before `start()`.
    this.dist = dist;
    this.dir = mkdtempSync(join(tmpdir(), "heard-e2e-"));
    this.port = 0;
    this.proc = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    const args = ["--addr", `127.0.0.1:${this.port}`, "--database-url", `sqlite:${join(this.dir, "heard.sqlite3")}`, "--dist", this.dist, "--demo", "--demo-cases", String(this.demoCases)];
    if (this.forms) args.push("--forms", this.forms);
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
          this.keyFile = out.match(/partnership key file:\s+(\S+)/)?.[1];
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

/**
 * Debian's Chromium, headless. With `voices`, it reads aloud with real voices: espeak-ng
 * through speech-dispatcher (installed by scripts/setup.sh --for-tests), which Chromium
 * starts itself, configured in a home of its own to play into libao's null driver (there is
 * no sound device here), so the machine's own speech settings are never touched. Without,
 * it has no voice at all.
 */
export async function launchBrowser({ voices = false } = {}) {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!voices) return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const system = "/etc/speech-dispatcher";
  if (!existsSync(`${system}/speechd.conf`) || !existsSync("/usr/bin/espeak-ng")) {
    throw new Error("reading aloud needs speech-dispatcher and espeak-ng: run scripts/setup.sh --for-tests");
  }
  const home = mkdtempSync(join(tmpdir(), "heard-voices-"));
  const config = join(home, ".config/speech-dispatcher");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "speechd.conf"), `${readFileSync(`${system}/speechd.conf`, "utf8")}\nAudioOutputMethod "libao"\n`);
  for (const d of ["clients", "modules"]) symlinkSync(`${system}/${d}`, join(config, d));
  writeFileSync(join(home, ".libao"), "default_driver=null\nquiet\n");
  const browser = await chromium.launch({
    executablePath,
    args: [...CHROMIUM_ARGS, "--enable-speech-dispatcher"],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config") },
  });
  browser.on("disconnected", () => rmSync(home, { recursive: true, force: true }));
  return browser;
}

/** A browser with a profile of its own in `dir` (not incognito, as an installed app's is). */
export async function launchWithProfile(dir) {
  return chromium.launchPersistentContext(dir, { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** Runs axe-core on the page as it is now and returns its violations, described for a human. */
export async function axeViolations(page) {
  // Evaluated by the test driver, not added as a <script>: the app's Content-Security-Policy
  // refuses any script the server did not serve, a test's included.
  await page.evaluate(readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8"));
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
    // Network failures, 4xx answers and a server without its database (503) are part of the
    // flows under test (offline, a wrong password, "not logged in yet"); the tests check what
    // the page says about them.
    const expected = m.text().includes("net::ERR_") || /status of (4\d\d|503)/.test(m.text());
    if (m.type() === "error" && !expected) problems.push(`console: ${m.text()}`);
  });
  return problems;
}

/** Every record of one object store, exactly as IndexedDB holds it. */
export async function rawRecords(page, store) {
  return page.evaluate(
    (store) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("heard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(store);
          const req = tx.objectStore(store).getAll();
          const keys = tx.objectStore(store).getAllKeys();
          tx.oncomplete = () => {
            db.close();
            resolve(req.result.map((value, i) => ({ key: keys.result[i], value })));
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    store,
  );
}

/**
 * The records of `store`, decrypted with the PIN as the documented format says: the keyring's
 * data key is AES-GCM-sealed under PBKDF2-SHA256(PIN, salt, iterations); each record is
 * base64url(IV[12] || ciphertext) of JSON. Written independently of the app, in the page's
 * own WebCrypto, so it checks the format rather than reusing the app's code.
 */
export async function decryptedRecords(page, store, pin = PIN) {
  const records = (await rawRecords(page, store)).filter((r) => typeof r.value.sealed === "string");
  return (await withDataKey(page, pin, { sealed: records.map((r) => r.value.sealed) })).opened;
}

/**
 * Writes records into `store` sealed as the app seals them (the inverse of decryptedRecords):
 * for responses the app itself would never queue, such as one the server refuses.
 */
export async function sealRecords(page, store, objects, pin = PIN) {
  const { records } = await withDataKey(page, pin, { plain: objects });
  await page.evaluate(
    ({ records, store }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("heard");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(store, "readwrite");
          for (const r of records) tx.objectStore(store).put(r);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { records, store },
  );
}

/**
 * Unwraps the tablet's data key with the PIN, in the page's WebCrypto, then opens the `sealed`
 * texts and seals the `plain` objects (as records `{ id, sealed }`) with it.
 */
async function withDataKey(page, pin, { sealed = [], plain = [] }) {
  const keyring = (await rawRecords(page, "settings")).find((r) => r.key === "keyring").value.keyring;
  return page.evaluate(
    async ({ keyring, pin, sealed, plain }) => {
      const b64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
      const text = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      const open = async (key, sealedText) => {
        const bytes = b64(sealedText);
        return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, key, bytes.slice(12)));
      };
      const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
      const wrapping = await crypto.subtle.deriveKey(
        { name: "PBKDF2", hash: "SHA-256", salt: b64(keyring.salt), iterations: keyring.iterations },
        base,
        { name: "AES-GCM", length: 256 },
        false,
        ["decrypt"],
      );
      const raw = await open(wrapping, keyring.wrapped);
      const dataKey = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
      const opened = [];
      for (const s of sealed) opened.push(JSON.parse(new TextDecoder().decode(await open(dataKey, s))));
      const records = [];
      for (const o of plain) {
        const iv = crypto.getRandomValues(new Uint8Array(12));
        const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, dataKey, new TextEncoder().encode(JSON.stringify(o))));
        records.push({ id: o.id, sealed: text([...iv, ...ciphertext]) });
      }
      return { opened, records };
    },
    { keyring, pin, sealed, plain },
  );
}

/** The responses waiting in the tablet's outbox, decrypted with the PIN. */
export async function pendingOnTablet(page) {
  return decryptedRecords(page, "pending_responses");
}

export const DEMO_LOGIN = { email: "coordinator@demo.heard", password: "demo-coordinator" };

export const PIN = "246813";

/** The demo partnership's key, from the backup file the demo server wrote. */
export function demoKey(server) {
  return Buffer.from(JSON.parse(readFileSync(server.keyFile, "utf8")).key, "base64url");
}

/**
 * Seals `key` for one enrolment as the coordinator's browser does, written independently of the
 * app: a fresh 16-byte secret (an AES-128-GCM key) for the text, and base64url(IV[12] ||
 * ciphertext || tag) for the server.
 */
export function sealForEnrolment(key) {
  const secret = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-128-gcm", secret, iv);
  const sealed = Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
  return { secret: secret.toString("base64url"), sealed: sealed.toString("base64url") };
}

/** Opens a sealed key with the text's secret (base64url), as a tablet does. */
export function openEnrolmentKey(secret, sealed) {
  const bytes = Buffer.from(sealed, "base64url");
  const decipher = createDecipheriv("aes-128-gcm", Buffer.from(secret, "base64url"), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
}

/** A fresh one-time enrolment text for the demo agency, issued as the coordinator would. */
export async function freshEnrolmentText(server) {
  const cookie = await staffCookie(server);
  const me = await (await fetch(`${server.url}/api/v1/me`, { headers: { cookie } })).json();
  const [agency] = await (await fetch(`${server.url}/api/v1/agencies`, { headers: { cookie } })).json();
  const { secret, sealed } = sealForEnrolment(demoKey(server));
  const issued = await fetch(`${server.url}/api/v1/enrolment-codes`, {
    method: "POST",
    headers: { cookie, "x-csrf-token": me.csrf_token, "content-type": "application/json" },
    body: JSON.stringify({ agency_id: agency.id, sealed_key: sealed }),
  });
  const { code } = await issued.json();
  return `HEARD-${code}-${secret}`;
}

/** Enrols the page's tablet with a fresh demo code and sets the PIN, as a practitioner would. */
export async function enrol(page, server) {
  await page.goto(`${server.url}/enrol`);
  await page.getByRole("textbox", { name: "Enrolment code" }).fill(await freshEnrolmentText(server));
  await page.getByLabel("Choose a PIN (6 to 12 digits)").fill(PIN);
  await page.getByLabel("The same PIN again").fill(PIN);
  await page.getByRole("button", { name: "Enrol" }).click();
  await page.getByRole("status").getByText("Enrolled: this tablet is now enrolled for Demo Early Help Team (Demo Partnership).").waitFor();
}

/**
 * Moves to `path` inside the running app, as a link would: the page is not reloaded, so an
 * unlocked tablet stays unlocked (a reload locks it, as on a real tablet).
 */
export async function visit(page, path) {
  await page.evaluate((path) => {
    history.pushState(null, "", path);
    dispatchEvent(new PopStateEvent("popstate"));
  }, path);
}

/** Starts a practitioner's session for a child (on the Child screen). */
export async function startSession(page, { reference = "EH-2024-00123", age = 10, firstName = "", otherNames = "", flags = [] } = {}) {
  await visit(page, "/child");
  await page.getByRole("heading", { name: "Start a session" }).waitFor();
  await page.getByRole("textbox", { name: "Case reference" }).fill(reference);
  await page.getByRole("spinbutton", { name: "Child's age in years" }).fill(String(age));
  if (firstName) await page.getByRole("textbox", { name: "First name for the greeting (optional)" }).fill(firstName);
  if (otherNames) await page.getByRole("textbox", { name: "Other names to keep out of the child's words (optional)" }).fill(otherNames);
  for (const flag of flags) await page.getByRole("checkbox", { name: flag }).check();
  await page.getByRole("button", { name: "Start the session" }).click();
  await page.getByRole("heading", { name: "Choose a form" }).waitFor();
}

/**
 * A fresh tablet (its own browser context, `contextOptions` passed on), enrolled, with a
 * session started (`session`: as for `startSession`): where most tablet tests begin.
 */
export async function withSession(env, session = {}, contextOptions = {}) {
  const context = await env.browser.newContext(contextOptions);
  const page = await context.newPage();
  await enrol(page, env.server);
  await startSession(page, session);
  return { context, page };
}

/** Polls `condition` every 100 ms for up to `ms`; resolves once it holds (or time is up). */
export async function until(condition, ms = 5000) {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await condition()) return;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

const symbolsCheck = JSON.parse(readFileSync(join(root, "domain/forms/symbols-check.json"), "utf8"));

/**
 * Answers the Symbols check as a child would, by the controls' names ("Yes" to each question,
 * "On my own" for who helped), and keeps the words private. The session must have started.
 */
export async function completeSymbolsCheck(page) {
  await visit(page, "/child/symbols-check?lang=en");
  await begin(page);
  await answerYesThroughout(page, symbolsCheck);
}

/**
 * A new form first tells the child who will read their answers (and the limit of
 * confidentiality); the child goes on with "Start" (`start`, in the form's language).
 */
export async function begin(page, start = "Start") {
  await page.getByRole("button", { name: start, exact: true }).click();
}

/**
 * On a form of the Symbols check's kind, already open: "Yes" to each question, "On my own"
 * for who helped (no words or drawings, so no question about sharing them).
 */
export async function answerYesThroughout(page, form) {
  for (const q of form.questions) {
    await page.getByRole("heading", { name: q.prompt.en, exact: true }).waitFor();
    await page.getByRole("button", { name: q.kind === "who_helped" ? "On my own" : "Yes", exact: true }).click();
    await page.getByRole("button", { name: "Next", exact: true }).click();
  }
  await page.getByText("All done. Please give the tablet back to your worker.").waitFor();
}

/** Ends the practitioner's session, confirming when asked (it deletes what the child said). */
export async function endSession(page) {
  await page.getByRole("button", { name: "End the session" }).click();
  await page.getByRole("button", { name: "Yes, end the session" }).click();
}

/** Draws a line with the mouse on the `nth` drawing pad named `name`. */
export async function draw(page, name = "Drawing space", nth = 0) {
  const canvas = page.getByRole("img", { name }).nth(nth);
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await page.mouse.move(box.x + 20, box.y + 20);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 20 + i * 10, box.y + 20 + i * 5);
  await page.mouse.up();
}

/** Unlocks the tablet on the current page with the PIN. */
export async function unlock(page) {
  await page.getByRole("heading", { name: "Enter your PIN" }).waitFor();
  await page.getByLabel("PIN", { exact: true }).fill(PIN);
  await page.getByRole("button", { name: "Unlock" }).click();
  await page.getByRole("heading", { name: "Enter your PIN" }).waitFor({ state: "detached" });
}

/**
 * Once a child has finished a form, the PIN first shows the practitioner the answers to follow
 * up (or that there are none); this reads past it to the screen asked for.
 */
export async function pastFollowUps(page) {
  const prompt = page.getByRole("region", { name: "Before anything else" });
  await prompt.waitFor();
  await prompt.getByRole("button").click();
  await prompt.waitFor({ state: "detached" });
}

/** Logs the page in as the demo coordinator. */
export async function logIn(page, server) {
  await page.goto(`${server.url}/coordinator`);
  await page.getByRole("textbox", { name: "Email" }).fill(DEMO_LOGIN.email);
  await page.getByLabel("Password").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByText(`Logged in as ${DEMO_LOGIN.email}, Demo Partnership.`).waitFor();
}

/** A session cookie of the demo coordinator. */
export async function staffCookie(server) {
  const login = await fetch(`${server.url}/api/v1/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(DEMO_LOGIN),
  });
  return login.headers.get("set-cookie").split(";")[0];
}

/** How many responses the server holds for the demo partnership, read as the coordinator. */
export async function heldOnServer(server) {
  const cookie = await staffCookie(server);
  const stats = await fetch(`${server.url}/api/v1/stats`, { headers: { cookie } });
  return (await stats.json()).responses;
}
