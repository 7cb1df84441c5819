// OmaKaiku service worker: keeps only the "Show my card" page for offline use.
// Network first; without a connection the last card page (and its style) is shown.
var CACHE = "omakaiku-card-v1";
var CARD = "/oma/show/";

self.addEventListener("install", function (event) { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    // only its own older caches: the staff desk's worker keeps its own on the same site
    return Promise.all(keys.filter(function (k) { return k.indexOf("omakaiku-") === 0 && k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});
self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) { return; }
  var isCard = url.pathname === CARD;
  var isCardAsset = /^\/static\/oma\/(oma\.css|show\.js|icon\.svg)$/.test(url.pathname);
  if (!isCard && !isCardAsset) { return; }
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(isCard ? CARD : event.request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(isCard ? CARD : event.request);
  }));
});
