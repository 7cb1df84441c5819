// "Show my card": a fresh signed QR code every minute while online, a running clock, and
// "offline since …" with the last code when there is no connection. Without this file
// the page still shows the number and the QR code it was loaded with.
(function () {
  "use strict";
  var card = document.querySelector(".mcard[data-token-url]");
  if (!card || !card.querySelector("[data-qr]")) { return; }
  var qr = card.querySelector("[data-qr]"), clock = card.querySelector("[data-clock]");
  var state = card.querySelector("[data-state]"), offline = card.querySelector("[data-offline]");
  var texts = document.querySelector("[data-texts]");
  var KEY = "omakaiku-last-card";
  var lastOk = null;

  function hhmm(d) { return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }
  function tick() { clock.textContent = hhmm(new Date()); }
  function show(data) {
    qr.innerHTML = data.qr;
    state.textContent = texts.getAttribute("data-signed").replace("{time}", hhmm(new Date(data.signed_at)));
  }
  function goneOffline() {
    var since = lastOk || new Date(card.getAttribute("data-signed-at"));
    offline.textContent = texts.getAttribute("data-offline-since").replace("{time}", hhmm(since));
    offline.hidden = false;
  }
  function refresh() {
    fetch(card.getAttribute("data-token-url"), {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        lastOk = new Date();
        offline.hidden = true;
        show(data);
        try { localStorage.setItem(KEY, JSON.stringify({qr: data.qr, signed_at: data.signed_at, at: lastOk.toISOString()})); } catch (e) { /* private mode */ }
      })
      .catch(function () {
        try {
          var saved = JSON.parse(localStorage.getItem(KEY) || "null");
          if (saved && new Date(saved.signed_at) > new Date(card.getAttribute("data-signed-at"))) {
            show(saved);
            lastOk = new Date(saved.at);
          }
        } catch (e) { /* nothing saved */ }
        goneOffline();
      });
  }
  tick();
  setInterval(tick, 1000);
  setInterval(refresh, 60000);
  window.addEventListener("online", refresh);
  window.addEventListener("offline", goneOffline);
  if (!navigator.onLine) { refresh(); }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(card.getAttribute("data-sw") || "/oma/sw.js", {scope: "/oma/"}).catch(function () {});
  }
})();
