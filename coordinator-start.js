// Starts the coordinator's app; a file of its own for the same reason as start.js.
import init from "/@JS@";
init({ module_or_path: "/@WASM@" });
