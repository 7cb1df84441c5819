// The ticket desk's service worker (served as /venue/desk/sw.js, so it looks after the
// desk's pages only). The desk page and its static files are kept, so that the desk opens
// and records (into the browser's queue) when the connection is down. Nothing but the
// desk's own pages and the site's static files is stored.
"use strict";

var CACHE = "kaikukanta-desk-1";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("kaikukanta-desk-") === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// The desk page of a site is kept under /venue/desk/?site=<id> (without a looked-up number).
function deskKey(url) {
  var site = url.searchParams.get("site");
  return url.origin + url.pathname + (site ? "?site=" + site : "");
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname === "/venue/desk/") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(deskKey(url), copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(deskKey(url)).then(function (hit) {
          return hit || cache.match(url.origin + url.pathname);
        });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      }).catch(function () { return cache.match(request); });
    }));
  }
});
