// Linli's service worker: an offline page when the network is gone, and Web Push.
// Pages are rendered on the server and must stay fresh, so they go to the network; the offline
// page, the icon and the bundle's files (named per build, see keepAsset) are cached. One exception: the inspection forms a QR
// code opens (/i/…) are kept, with the bundle they run on, so that a code scanned in a
// basement without signal still opens its form (network first; the copy only when offline).
// The form keeps its results on the phone and sends them when the signal returns.
const CACHE = "linli-v1";
const SCAN = "linli-scan-v1";
// Photos an inspection form keeps on the phone until they can be sent (written by the page).
const KEPT = "linli-kept-files";
const OFFLINE = "/offline.html";

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll([OFFLINE, "/favicon.svg", "/icon-192.png"])));
  self.skipWaiting();
});

self.addEventListener("activate", (e) => {
  e.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE && k !== SCAN && k !== KEPT).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Each build's files are in /pkg/<hash>/ (the main bundle, its lazily loaded parts, the
// stylesheet): a cached file never goes stale, so a second visit fetches them from here and
// downloads nothing but data. A new build's first file clears the older builds' copies.
const BUILD = /^\/pkg\/([0-9a-f]{16})\//;
function keepAsset(cache, req, res) {
  const hash = (new URL(req.url).pathname.match(BUILD) || [])[1];
  if (!hash || !res.ok) return Promise.resolve();
  return cache.put(req, res).then(() => cache.keys()).then((reqs) => Promise.all(reqs
    .filter((r) => { const p = new URL(r.url).pathname; return p.startsWith("/pkg/") && !p.startsWith("/pkg/" + hash + "/"); })
    .map((r) => cache.delete(r))));
}

self.addEventListener("fetch", (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || req.method !== "GET") return;
  if (req.mode === "navigate" && url.pathname.startsWith("/i/")) {
    e.respondWith(fetch(req).then((res) => {
      if (res.ok) { const copy = res.clone(); e.waitUntil(caches.open(SCAN).then((c) => c.put(req, copy))); }
      return res;
    }).catch(() => caches.match(req, { cacheName: SCAN }).then((hit) => hit || caches.match(OFFLINE))));
    return;
  }
  if (BUILD.test(url.pathname)) {
    e.respondWith(caches.open(SCAN).then((c) => c.match(req).then((hit) => hit || fetch(req).then((res) => {
      e.waitUntil(keepAsset(c, req, res.clone()));
      return res;
    }))));
    return;
  }
  if (req.mode !== "navigate") return;
  // Signing in or out may change who uses this phone: forget the kept forms (they carry the
  // signed-in user).
  if (url.pathname === "/login") e.waitUntil(caches.open(SCAN).then((c) => c.keys().then((reqs) =>
    Promise.all(reqs.filter((r) => new URL(r.url).pathname.startsWith("/i/")).map((r) => c.delete(r))))));
  e.respondWith(fetch(req).catch(() => caches.match(OFFLINE)));
});

// A push carries {id, title, body, link, category} (JSON), encrypted end to end (RFC 8291).
self.addEventListener("push", (e) => {
  let d = {};
  try {
    d = e.data ? e.data.json() : {};
  } catch (_) {
    d = { title: "邻里", body: e.data ? e.data.text() : "" };
  }
  e.waitUntil(
    self.registration.showNotification(d.title || "邻里", {
      body: d.body || "",
      icon: "/icon-192.png",
      badge: "/icon-192.png",
      tag: d.id ? "n" + d.id : undefined,
      data: { link: d.link || "/inbox" },
      lang: "zh-CN",
    }),
  );
});

self.addEventListener("notificationclick", (e) => {
  e.notification.close();
  const link = (e.notification.data && e.notification.data.link) || "/inbox";
  e.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
      for (const c of list) {
        if (new URL(c.url).origin === self.location.origin && "focus" in c) {
          c.navigate(link);
          return c.focus();
        }
      }
      return self.clients.openWindow(link);
    }),
  );
});
