// Heard's service worker: keeps this build's app files on the tablet so the app starts and
// forms can be answered with no network. The build fills in the hashed file names; each
// build gets its own cache, and the previous one is dropped once the new one is active.
// Children's answers are never here: they live, encrypted, in IndexedDB, which an update
// does not touch. API calls always go to the network.
const CACHE = "heard-@BUILD@";
const FILES = ["/", "/@START@", "/@JS@", "/@WASM@", "/@CSS@", "/favicon.svg", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("heard-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  // The coordinator's pages are another app, used online: straight to the network. Opened
  // with no connection, or with Heard down behind a proxy that answers in its place (5xx),
  // this app answers and says so (installed, there is no Back button).
  if (url.pathname === "/coordinator" || url.pathname.startsWith("/coordinator/") || url.pathname.startsWith("/coordinator-")) {
    if (event.request.mode === "navigate") {
      const offline = (reply) => caches.match("/", { cacheName: CACHE }).then((hit) => hit || reply);
      event.respondWith(fetch(event.request).then((reply) => (reply.status >= 500 ? offline(reply) : reply), () => offline(undefined)));
    }
    return;
  }
  // Every screen of the app is the same page; the app picks the screen from the address.
  const key = event.request.mode === "navigate" ? "/" : event.request;
  event.respondWith(caches.match(key, { cacheName: CACHE }).then((hit) => hit || fetch(event.request)));
});
