// Every string a screen asks for exists in every shipped translation file, and every string in
// the files is used. Keys are found in the app's source: literal keys, plus the families the
// code builds from numbers or ids (listed here, so a new family must be added on purpose).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const read = (dir) => readdirSync(join(root, dir)).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(root, dir, f), "utf8")));
// The tablet's wording, and the coordinator's own (kept apart so tablets do not download it).
const tabletFiles = read("domain/i18n");
const coordinatorFiles = read("domain/i18n/coordinator");
const files = tabletFiles.map((t) => {
  const c = coordinatorFiles.find((f) => f.lang === t.lang);
  return { ...t, strings: { ...t.strings, ...(c?.strings ?? {}) } };
});

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".rs") ? [readFileSync(path, "utf8")] : [];
  });
}

const PREFIXES = ["app", "nav", "lang", "forms", "child", "faces", "yesno", "helper", "text", "scale", "houses", "draw", "colour", "outbox", "store", "coord", "speech", "scan", "enrol", "gate", "unlock", "lock", "session", "followup", "outcome", "drafts", "dash", "setup", "import", "create", "offline", "said", "month"];
const literal = new RegExp(`"((?:${PREFIXES.join("|")})\\.[a-z_.0-9]+)"`, "g");
// The dashboard's headings are keys the server sends, and the import's problems keys the
// domain crate gives the coordinator's app: named there.
const domainSources = [...sources(join(root, "domain/src/dashboard")), readFileSync(join(root, "domain/src/import.rs"), "utf8")];
const used = new Set([...sources(join(root, "src")), ...domainSources].flatMap((src) => [...src.matchAll(literal)].map((m) => m[1])));
const families = [
  ...[1, 2, 3].map((n) => `faces.3.${n}`),
  ...[1, 2, 3, 4, 5].map((n) => `faces.5.${n}`),
  ...Array.from({ length: 10 }, (_, i) => `colour.${i}`),
  ...[0, 1, 2].map((b) => `draw.brush.${b}`),
  // IDLE_LOCK_CHOICES (src/store/settings.rs).
  ...[1, 2, 5, 10, 15].map((n) => `lock.minutes.${n}`),
  ...["worries", "good_things", "dreams"].map((h) => `houses.${h}`),
  ...["early_years", "middle", "teen", "symbols"].map((b) => `forms.band.${b}`),
  ...["send", "homeless", "early_help_assessment", "child_protection_plan", "young_carer"].map((f) => `session.flag.${f}`),
  ...["start", "review", "closing"].map((st) => `session.stage.${st}`),
  ...["voice_by_agency", "voice_by_band", "voice_by_flag", "outcomes_by_agency", "change_by_outcome", "change_by_agency", "focus_voice", "focus_outcomes", "focus_change", "drift_by_agency", "drift_focus"].map((t) => `dash.table.${t}`),
  ...["voice", "outcomes", "focus", "drift", "said"].flatMap((s) => [`dash.section.${s}`, `dash.section.${s}.intro`]),
  ...["better", "same", "worse", ...[0, 1, 2, 3].map((i) => `drift_${i}`)].map((c) => `dash.col.${c}`),
  ...["school", "health", "early_help", "police", "housing", "voluntary_sector", "social_care", "other"].map((k) => `setup.kind.${k}`),
  ...["needs_met", "stepped_down", "stepped_up", "child_protection", "specialist", "disengaged", "moved_away", "other"].map((o) => `outcome.${o}`),
  // The dashboard's periods (src/coordinator/dashboard.rs).
  ...Array.from({ length: 12 }, (_, i) => `month.${i + 1}`),
];
const needed = new Set([...used, ...families]);
// Keys the tablet's own screens use (everything outside src/coordinator).
const tabletSources = readdirSync(join(root, "src"))
  .filter((name) => name !== "coordinator")
  .flatMap((name) => {
    const path = join(root, "src", name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".rs") ? [readFileSync(path, "utf8")] : [];
  });
const usedByTablet = new Set(tabletSources.flatMap((src) => [...src.matchAll(literal)].map((m) => m[1])));

test("the tablet's screens find all their words in the tablet's own files", () => {
  assert.ok(usedByTablet.size > 40);
  for (const file of tabletFiles) {
    const missing = [...usedByTablet].filter((k) => !(k in file.strings));
    assert.deepEqual(missing, [], `${file.lang} (tablet) lacks strings`);
  }
  assert.equal(coordinatorFiles.length, tabletFiles.length, "the coordinator's wording comes in every shipped language");
});

test("every key the screens use is in every shipped language", () => {
  assert.ok(used.size > 40, `found ${used.size} keys in src/`);
  for (const file of files) {
    const missing = [...needed].filter((k) => !(k in file.strings));
    assert.deepEqual(missing, [], `${file.lang} lacks strings`);
  }
});

test("no translation file carries strings nothing uses", () => {
  for (const file of files) {
    const unused = Object.keys(file.strings).filter((k) => !needed.has(k));
    assert.deepEqual(unused, [], `${file.lang} has unused strings`);
  }
});

test("languages other than English are marked for review by a native speaker", () => {
  for (const file of [...tabletFiles, ...coordinatorFiles]) assert.equal(file.awaiting_review, file.lang !== "en", file.lang);
});

test("Polish speaks to the child without assuming they are a boy or a girl", () => {
  // Second-person past tense is gendered in Polish ("powiedziałeś" / "powiedziałaś"); the
  // child's screens and forms say it another way ("Twoje odpowiedzi").
  const formFiles = readdirSync(join(root, "domain/forms")).map((f) => readFileSync(join(root, "domain/forms", f), "utf8"));
  const polish = [
    ...Object.values(tabletFiles.find((f) => f.lang === "pl").strings),
    ...formFiles.flatMap((text) => [...text.matchAll(/"pl":\s*"([^"]*)"/g)].map((m) => m[1])),
  ];
  assert.ok(polish.length > 200, `found ${polish.length} Polish strings`);
  assert.deepEqual(polish.filter((s) => /\p{L}+(łeś|łaś)(?!\p{L})/u.test(s)), []);
});
