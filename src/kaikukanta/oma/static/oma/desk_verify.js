// The desk checks a scanned mobile-card token itself when there is no connection, with
// the registry's public key (saved while online). Online, the form goes to the server as
// usual (which also knows whether the card was inactivated after signing). A valid card
// is announced to the desk's own script (usage/desk.js) with a "kaikukanta:card-verified"
// event on the form, so that the use can wait in the browser's queue.
(function () {
  "use strict";
  var form = document.querySelector("form.desk-lookup");
  var box = document.querySelector("[data-offline-answer]");
  var texts = document.querySelector("[data-offline-texts]");
  if (!form || !box || !texts || !window.crypto || !crypto.subtle) { return; }
  var KEYS = "kaikukanta-card-keys";
  var SHAPE = /^[A-Za-z0-9_-]{10,400}\.[A-Za-z0-9_-]{10,600}\.[A-Za-z0-9_-]{80,90}$/;

  if (navigator.onLine) {
    fetch("/.well-known/kaikukanta-card-keys.json").then(function (r) { return r.ok ? r.text() : null; })
      .then(function (t) { if (t) { try { localStorage.setItem(KEYS, t); } catch (e) { /* full */ } } })
      .catch(function () {});
  }
  function bytes(b64url) {
    var s = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function json(b64url) { return JSON.parse(new TextDecoder().decode(bytes(b64url))); }
  function t(name, values) {
    var s = texts.getAttribute("data-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { s = s.replace("{" + k + "}", values[k]); });
    return s;
  }
  function hhmm(d) { return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }
  function show(ok, lines) {
    box.hidden = false;
    box.className = "desk-answer " + (ok ? "desk-ok" : "desk-bad");
    box.setAttribute("data-status", ok ? "valid-offline" : "not-valid-offline");
    box.querySelector("[data-verdict]").textContent = ok ? t("valid") : t("not-valid");
    box.querySelector("[data-lines]").textContent = lines.join(" ");
    box.focus();
  }
  function check(token) {
    var keys;
    try { keys = JSON.parse(localStorage.getItem(KEYS) || "null"); } catch (e) { keys = null; }
    if (!keys) { show(false, [t("no-key")]); return; }
    var parts = token.split("."), header, payload;
    try { header = json(parts[0]); payload = json(parts[1]); } catch (e) { show(false, [t("malformed")]); return; }
    var jwk = (keys.keys || []).filter(function (k) { return k.kid === header.kid; })[0];
    if (!jwk || header.alg !== "EdDSA") { show(false, [t("bad-signature")]); return; }
    crypto.subtle.importKey("jwk", {kty: "OKP", crv: "Ed25519", x: jwk.x}, {name: "Ed25519"}, false, ["verify"])
      .then(function (key) {
        return crypto.subtle.verify({name: "Ed25519"}, key, bytes(parts[2]),
                                    new TextEncoder().encode(parts[0] + "." + parts[1]));
      })
      .then(function (good) {
        if (!good) { show(false, [t("bad-signature")]); return; }
        if (header.typ !== "kaikukortti-card") { show(false, [t("wrong-kind")]); return; }
        var now = Date.now() / 1000, signed = hhmm(new Date(payload.iat * 1000));
        if (now > payload.exp || payload.iat > now + 60) { show(false, [t("expired", {time: signed})]); return; }
        var number = payload.sub.slice(0, 4) + "-" + payload.sub.slice(4);
        var until = payload.valid_until.split("-").reverse().map(Number).join(".");
        var today = new Date(), iso = today.getFullYear() + "-" + ("0" + (today.getMonth() + 1)).slice(-2) + "-" + ("0" + today.getDate()).slice(-2);
        if (payload.valid_until < iso) { show(false, [number, t("card-expired", {date: until})]); return; }
        show(true, [number, t("details", {time: signed, date: until, children: payload.children})]);
        form.dispatchEvent(new CustomEvent("kaikukanta:card-verified",
          {detail: {number: payload.sub, children: payload.children}}));
      })
      .catch(function () { show(false, [t("no-crypto")]); });
  }
  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[name=number]");
    var value = (input && input.value || "").trim();
    if (navigator.onLine || !SHAPE.test(value)) { box.hidden = true; return; }
    event.preventDefault();
    check(value);
  });
})();
