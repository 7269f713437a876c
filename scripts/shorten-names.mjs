// Gives the names that join a wasm-bindgen module to its JS glue short names, in both files:
// `node scripts/shorten-names.mjs <file_bg.wasm> <file.js>`.
//
// wasm-bindgen names each import after the function it wraps plus a 16-digit hash
// (`__wbg_getItem_9c4b2d0f1a3e5b7c`), in a module named after the file, and each closure
// export after its full Rust type (some over 300 characters); both files carry every name,
// and hashes do not compress. Nothing outside these two files sees the names: the JS hands
// the wasm its imports and calls its exports by them. Run on the final (optimised, minified) files; it stops, changing nothing,
// if a name is not where it expects it.
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

const [wasmFile, jsFile] = process.argv.slice(2);
const wasm = readFileSync(wasmFile);
let js = readFileSync(jsFile, "utf8");
// The module the glue's import object answers for: "./heard_bg.js".
const glueModule = `./${basename(wasmFile).replace(/\.wasm$/, "")}.js`;

function fail(why) {
  console.error(`shorten-names: ${why}; ${wasmFile} and ${jsFile} are left as they were`);
  process.exit(1);
}

// Reading and writing the parts of the binary format this needs.
function readU32(bytes, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}
function u32(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}
function readName(bytes, at) {
  const [len, start] = readU32(bytes, at);
  return [bytes.subarray(start, start + len).toString("utf8"), start + len];
}
const name = (s) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s, "utf8")]);

// a, b, ... z, A ... Z, aa, ab ...: identifiers, so they stand as object keys and after a dot.
function shortName(i) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  do {
    s = letters[i % letters.length] + s;
    i = Math.floor(i / letters.length) - 1;
  } while (i >= 0);
  return s;
}

// The import section (2): every import from the glue module is renamed, and the module "a".
function renameImports(body, renamed) {
  let [count, at] = readU32(body, 0);
  const parts = [u32(count)];
  for (let i = 0; i < count; i++) {
    const [module, afterModule] = readName(body, at);
    const [field, afterField] = readName(body, afterModule);
    const descStart = afterField;
    const kind = body[descStart];
    let end = descStart + 1;
    if (kind === 0) end = readU32(body, end)[1]; // function: type index
    else if (kind === 1) { end += 1; const flags = body[end]; end = readU32(body, end + 1)[1]; if (flags & 1) end = readU32(body, end)[1]; } // table
    else if (kind === 2) { const flags = body[end]; end = readU32(body, end + 1)[1]; if (flags & 1) end = readU32(body, end)[1]; } // memory
    else if (kind === 3) end += 2; // global: type, mutability
    else fail(`an import of kind ${kind}`);
    let [newModule, newField] = [module, field];
    if (module === glueModule) {
      newModule = "a";
      newField = shortName(renamed.size);
      renamed.set(field, newField);
    }
    parts.push(name(newModule), name(newField), body.subarray(descStart, end));
    at = end;
  }
  if (at !== body.length) fail("the import section has bytes after its last import");
  return Buffer.concat(parts);
}

// The export section (7): every export but the memory is renamed.
function renameExports(body, renamed) {
  let [count, at] = readU32(body, 0);
  const parts = [u32(count)];
  for (let i = 0; i < count; i++) {
    const [field, afterField] = readName(body, at);
    const [, end] = readU32(body, afterField + 1);
    let newField = field;
    if (field !== "memory") {
      newField = shortName(renamed.size);
      renamed.set(field, newField);
    }
    parts.push(name(newField), body.subarray(afterField, end));
    at = end;
  }
  if (at !== body.length) fail("the export section has bytes after its last export");
  return Buffer.concat(parts);
}

const imports = new Map();
const exports = new Map();
const sections = [wasm.subarray(0, 8)];
for (let at = 8; at < wasm.length; ) {
  const id = wasm[at];
  const [size, start] = readU32(wasm, at + 1);
  let body = wasm.subarray(start, start + size);
  if (id === 2) body = renameImports(body, imports);
  if (id === 7) body = renameExports(body, exports);
  sections.push(Buffer.from([id]), u32(body.length), body);
  at = start + size;
}

const escape = (s) => s.replace(/[$]/g, "\\$&");
const moduleKey = `"${glueModule}":{`;
if (js.split(moduleKey).length !== 2) fail(`the import object's key ${moduleKey} is not in the JS once`);
js = js.replace(moduleKey, "a:{");
// In the glue, an import is a key of the import object (`__wbg_x_1234:function`), an export a
// property of the instance's exports (`u.__wbindgen_malloc`).
for (const [from, to] of imports) {
  const key = new RegExp(`(?<=[{,])${escape(from)}(?=:)`, "g");
  const found = js.match(key)?.length ?? 0;
  if (found !== 1) fail(`the import ${from} is in the JS ${found} times, not once as a key`);
  js = js.replace(key, to);
}
for (const [from, to] of exports) {
  const use = new RegExp(`(?<=\\.)${escape(from)}(?![\\w$])`, "g");
  js = js.replace(use, to);
}
// An export reached some other way (`exports["name"]`) would now be missing: stop instead.
for (const from of exports.keys()) {
  if (new RegExp(`(?<![\\w$])${escape(from)}(?![\\w$])`).test(js)) fail(`the export ${from} is in the JS other than as .${from}`);
}
const out = Buffer.concat(sections);
writeFileSync(wasmFile, out);
writeFileSync(jsFile, js);
console.log(`${basename(wasmFile)}: ${imports.size} imports and ${exports.size} exports renamed, ${wasm.length - out.length} bytes fewer in the wasm`);
