// Removes from a wasm-bindgen output module the exports the app never calls, so wasm-opt can
// then drop the code behind them: `node scripts/drop-unused-exports.mjs <file.wasm>`.
//
// Leptos always links server_fn, which links wasm-streams, whose #[wasm_bindgen] classes
// (IntoUnderlyingSource, IntoUnderlyingByteSource, IntoUnderlyingSink) are exported whether
// used or not. Neither app streams anything to or from a server function; the JS glue keeps
// the classes' wrappers, which nothing constructs, so nothing calls these exports.
import binaryen from "binaryen";
import { readFileSync, writeFileSync } from "node:fs";

const UNUSED = /^(__wbg_)?intounderlying(bytesource|sink|source)_/;

const [file] = process.argv.slice(2);
const module = binaryen.readBinary(readFileSync(file));
const names = [];
for (let i = 0; i < module.getNumExports(); i++) names.push(binaryen.getExportInfo(module.getExportByIndex(i)).name);
const dropped = names.filter((name) => UNUSED.test(name));
for (const name of dropped) module.removeExport(name);
writeFileSync(file, module.emitBinary());
console.log(`${file}: dropped ${dropped.length} unused exports`);
