// Starts the tablet app. A file of its own, not inline in index.html: the server's
// Content-Security-Policy runs scripts only from files it serves (lib.rs). The build fills in
// the hashed names.
import init from "/@JS@";
init({ module_or_path: "/@WASM@" });
// Keep the app on the tablet for use with no network (service workers need HTTPS or localhost).
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");
