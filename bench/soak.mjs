// Soak: one heard-server under a steady mixed load for a while, on one backend: tablets sending
// batches at once (some re-sent, as after a lost reply), slow clients that open connections and
// stall mid-request, wrong-password logins at a steady rate, and a coordinator reading the
// dashboard throughout. At the end every response a tablet was told is held must be stored
// exactly once (read back from the database itself), with no 5xx answer, and the server's
// memory flat. Prints the figures. Run by bench/soak.sh; not part of the test command.
//
// Environment: HEARD_SERVER_BIN, HEARD_DATABASE_URL, HEARD_SOAK_SECS (300), HEARD_SOAK_TABLETS (50),
// HEARD_SOAK_SLOW (20), HEARD_SOAK_LOGINS (100 a second), HEARD_SOAK_IDS (a command that prints
// every stored response id, one per line).
import { spawn, execSync } from "node:child_process";
import { connect } from "node:net";
import { randomUUID, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SECS = Number(process.env.HEARD_SOAK_SECS ?? 300);
const TABLETS = Number(process.env.HEARD_SOAK_TABLETS ?? 50);
const SLOW = Number(process.env.HEARD_SOAK_SLOW ?? 20);
const LOGINS = Number(process.env.HEARD_SOAK_LOGINS ?? 100);
const bin = process.env.HEARD_SERVER_BIN;
const database = process.env.HEARD_DATABASE_URL;
const idsCommand = process.env.HEARD_SOAK_IDS;
const DEMO = { email: "coordinator@demo.heard", password: "demo-coordinator" };

const dist = mkdtempSync(join(tmpdir(), "heard-soak-dist-"));
writeFileSync(join(dist, "index.html"), "<!doctype html><title>Heard soak</title>");
const server = spawn(bin, ["--addr", "127.0.0.1:0", "--database-url", database, "--dist", dist, "--demo", "--demo-cases", "0"], { stdio: ["ignore", "pipe", "pipe"] });
let serverErr = "";
server.stderr.on("data", (d) => (serverErr = (serverErr + d).slice(-1_000_000)));
const port = await new Promise((ok, fail) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = out.match(/running at http:\/\/127\.0\.0\.1:(\d+)/);
    if (m) ok(Number(m[1]));
  });
  server.on("exit", (code) => fail(new Error(`heard-server exited with ${code}: ${serverErr}`)));
});
const base = `http://127.0.0.1:${port}`;

const statuses = new Map();
const count = (what, status) => statuses.set(`${what} ${status}`, (statuses.get(`${what} ${status}`) ?? 0) + 1);
const fiveXX = () => [...statuses].filter(([k]) => / 5\d\d$/.test(k)).reduce((n, [, v]) => n + v, 0);

async function call(what, path, { method = "GET", headers = {}, body } = {}) {
  try {
    const r = await fetch(base + path, { method, headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers }, body: body && JSON.stringify(body) });
    count(what, r.status);
    return { status: r.status, json: await r.json().catch(() => null), headers: r.headers };
  } catch (e) {
    count(what, "network");
    return { status: 0, json: null };
  }
}

// The coordinator, and one enrolment code per tablet.
const login = await call("setup", "/api/v1/login", { method: "POST", body: DEMO });
const cookie = login.headers.get("set-cookie").split(";")[0];
const csrf = login.json.csrf_token;
const [agency] = (await call("setup", "/api/v1/agencies", { headers: { cookie } })).json;
const tablets = [];
for (let i = 0; i < TABLETS; i++) {
  const { json: issued } = await call("setup", "/api/v1/enrolment-codes", { method: "POST", headers: { cookie, "x-csrf-token": csrf }, body: { agency_id: agency.id } });
  const { json: enrolled } = await call("setup", "/api/v1/enrol", { method: "POST", body: { code: issued.code, enrolment_id: randomUUID().replaceAll("-", "") } });
  tablets.push({ token: enrolled.device_token, fingerprint: enrolled.key_fingerprint });
}

const flags = { send: false, homeless: false, early_help_assessment: false, child_protection_plan: false, young_carer: false };
const bands = ["early_years", "middle", "teen"];
const response = () => ({
  id: randomUUID(),
  form_id: "early-years-check",
  form_version: 1,
  lang: "en",
  date: new Date(Date.now() - Math.floor(Math.random() * 300) * 86_400_000).toISOString().slice(0, 10),
  answers: [{ question_id: "home", value: { face: 1 + Math.floor(Math.random() * 3) } }],
  share: false,
  context: { case: randomBytes(32).toString("hex"), age_band: bands[Math.floor(Math.random() * 3)], flags, stage: "start" },
});

const deadline = Date.now() + SECS * 1000;
const confirmed = new Set();
let resent = 0;
let batches = 0;

// A tablet: a batch of 1 to 200, sent until the server has answered for each item; every tenth
// batch is sent again, as a tablet does whose confirmation was lost.
async function tablet({ token, fingerprint }) {
  while (Date.now() < deadline) {
    const items = Array.from({ length: 1 + Math.floor(Math.random() * 200) }, response);
    const body = { key_fingerprint: fingerprint, responses: items };
    for (let tries = 0; ; tries++) {
      const r = await call("responses", "/api/v1/responses", { method: "POST", headers: { authorization: `Bearer ${token}` }, body });
      if (r.status === 200) {
        for (const item of r.json.results) if (item.status === "accepted" || item.status === "already_had") confirmed.add(item.id);
        const bad = r.json.results.filter((item) => item.status !== "accepted" && item.status !== "already_had");
        if (bad.length) throw new Error(`refused: ${JSON.stringify(bad[0])}`);
        break;
      }
      await new Promise((ok) => setTimeout(ok, 200 * (tries + 1)));
    }
    batches++;
    if (batches % 10 === 0) {
      const again = await call("responses", "/api/v1/responses", { method: "POST", headers: { authorization: `Bearer ${token}` }, body });
      if (again.status === 200) resent += again.json.results.filter((item) => item.status === "already_had").length;
    }
    await new Promise((ok) => setTimeout(ok, Math.random() * 1000));
  }
}

// A slow client: opens a connection, sends half a request, and waits for the server to cut it.
const slowCuts = [];
async function slowClient() {
  while (Date.now() < deadline) {
    const started = Date.now();
    await new Promise((done) => {
      const socket = connect(port, "127.0.0.1", () => socket.write("POST /api/v1/responses HTTP/1.1\r\nHost: heard\r\nContent-Length: 1000\r\n"));
      socket.on("data", () => {});
      socket.on("error", () => {});
      socket.on("close", () => {
        slowCuts.push(Date.now() - started);
        done();
      });
    });
  }
}

// Wrong passwords for made-up accounts, at a steady rate.
async function logins() {
  const started = Date.now();
  let sent = 0;
  const inFlight = new Set();
  while (Date.now() < deadline) {
    const due = Math.floor(((Date.now() - started) / 1000) * LOGINS);
    while (sent < due) {
      sent++;
      const p = call("login", "/api/v1/login", { method: "POST", body: { email: `soak-${sent}@example.test`, password: "not the password" } });
      inFlight.add(p);
      p.finally(() => inFlight.delete(p));
    }
    await new Promise((ok) => setTimeout(ok, 10));
  }
  await Promise.all(inFlight);
  return sent;
}

// The coordinator reads the dashboard every two seconds.
const dashboardMs = [];
let stillCounting = 0;
async function dashboard() {
  while (Date.now() < deadline) {
    const t = performance.now();
    const r = await call("dashboard", "/api/v1/dashboard", { headers: { cookie } });
    if (r.status === 200) dashboardMs.push(performance.now() - t);
    if (r.status === 200) stillCounting = Math.max(stillCounting, r.json.still_counting);
    await new Promise((ok) => setTimeout(ok, 2000));
  }
}

// The server's resident memory, every five seconds.
const rss = [];
const rssOf = () => Number(readFileSync(`/proc/${server.pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/)[1]) / 1024;
const sampler = setInterval(() => rss.push(rssOf()), 5000);

console.log(`soak: ${SECS} s, ${TABLETS} tablets, ${SLOW} slow clients, ${LOGINS} logins a second, ${database.split(":")[0]}`);
const [, , loginsSent] = await Promise.all([Promise.all(tablets.map(tablet)), Promise.all(Array.from({ length: SLOW }, slowClient)), logins(), dashboard()]);
clearInterval(sampler);

// The load over, how long until the dashboard counts everything (the summariser catching up).
const stopped = Date.now();
let final;
do {
  final = await call("dashboard", "/api/v1/dashboard", { headers: { cookie } });
} while (final.status === 200 && final.json.still_counting > 0 && Date.now() - stopped < 30 * 60_000);
const caughtUp = (Date.now() - stopped) / 1000;

// Every response the tablets were told is held, read back from the database.
const stored = execSync(idsCommand, { encoding: "utf8", maxBuffer: 1 << 30 }).split("\n").filter(Boolean);
const storedSet = new Set(stored);
const missing = [...confirmed].filter((id) => !storedSet.has(id)).length;
const extra = stored.filter((id) => !confirmed.has(id)).length;
const duplicates = stored.length - storedSet.size;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const max = (xs) => Math.max(...xs);
const minute = Math.max(1, Math.round(60 / 5));
const firstMinute = rss.slice(0, minute);
const lastMinute = rss.slice(-minute);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const growth = (mean(lastMinute) / mean(firstMinute) - 1) * 100;

console.log(`responses confirmed to tablets: ${confirmed.size} in ${batches} batches (${resent} re-sent and answered "already had")`);
console.log(`stored in the database: ${stored.length}; missing ${missing}, not confirmed ${extra}, duplicated ${duplicates}`);
console.log(`answers: ${[...statuses].map(([k, v]) => `${k}: ${v}`).sort().join(", ")}`);
console.log(`5xx answers: ${fiveXX()}`);
console.log(`logins tried: ${loginsSent} (${(loginsSent / SECS).toFixed(0)} a second)`);
console.log(`slow clients cut off: ${slowCuts.length}, after a median ${(median(slowCuts) / 1000).toFixed(1)} s (longest ${(max(slowCuts) / 1000).toFixed(1)} s)`);
console.log(`dashboard: ${dashboardMs.length} reads answered, median ${median(dashboardMs).toFixed(0)} ms, slowest ${max(dashboardMs).toFixed(0)} ms, at most ${stillCounting} items still being counted`);
console.log(`after the load: every item counted ${caughtUp.toFixed(0)} s later (dashboard HTTP ${final.status}, ${final.json?.still_counting ?? "?"} still being counted)`);
// What the server said on its error stream (never personal data), each line once with a count.
const said = new Map();
for (const line of serverErr.split("\n").filter(Boolean)) said.set(line, (said.get(line) ?? 0) + 1);
for (const [line, n] of said) console.log(`server said ${n}×: ${line.slice(0, 200)}`);
console.log(`server memory (RSS): first minute ${mean(firstMinute).toFixed(1)} MB, last minute ${mean(lastMinute).toFixed(1)} MB (${growth >= 0 ? "+" : ""}${growth.toFixed(1)}%), peak ${max(rss).toFixed(1)} MB`);

const ok = missing === 0 && extra === 0 && duplicates === 0 && fiveXX() === 0 && final.status === 200 && final.json.still_counting === 0 && growth < 20;
console.log(ok ? "soak: no loss, no duplicate, no 5xx, memory flat" : "soak: FAILED");
server.kill("SIGINT");
await new Promise((done) => server.on("exit", done));
rmSync(dist, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
