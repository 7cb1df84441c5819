{% load static %}// The ticket desk's service worker, served as {{ scope }}sw.js so that it looks after the
// desk's pages only. It keeps the desk page and the files it needs, so that the desk opens
// and records (into the browser's queue, see usage/desk.js) when the connection is down.
// Network first: with a connection the desk always shows fresh pages. Nothing but the
// desk's own pages (without a looked-up number) and the site's static files is kept.
"use strict";

var CACHE = "kaikukanta-desk-{{ version }}";
var DESK = "{{ scope }}";
var ASSETS = [{% for url in assets %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", function (event) {
  // the files, and the desk of the site last chosen (the desk remembers it); a file that
  // cannot be fetched now is kept the next time a desk page uses it
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(ASSETS.concat([DESK]).map(function (url) {
      return cache.add(url).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("kaikukanta-desk-") === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// The desk page of a site is kept under {{ scope }}?site=<id>.
function deskKey(url) {
  var site = url.searchParams.get("site");
  return url.origin + url.pathname + (site ? "?site=" + encodeURIComponent(site) : "");
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname === DESK) {
    event.respondWith(fetch(request).then(function (response) {
      // sent to sign in (a navigation's redirect reaches the worker unopened): signed out,
      // so nothing of the desk is kept any longer
      if (response.redirected || response.type === "opaqueredirect") {
        caches.delete(CACHE);
        return response;
      }
      // a page with a looked-up card is not kept, only the desk ready for a number
      if (response.ok && !url.searchParams.has("number")) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(deskKey(url), copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(deskKey(url)).then(function (hit) {
          return hit || cache.match(url.origin + DESK);
        });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("{{ static_prefix }}") === 0) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) { return hit || Response.error(); });
    }));
  }
});
