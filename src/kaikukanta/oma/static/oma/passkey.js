// Passkeys (WebAuthn) for OmaKaiku. Only shown where the browser supports them; every
// page also works with a password and without this file.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }

  function toBytes(b64url) {
    var s = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : (m ? m[1] : "");
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: body ? JSON.stringify(body) : "{}"
    }).then(function (r) { return r.json().then(function (j) { j._ok = r.ok; return j; }); });
  }
  function credentialJSON(cred) {
    var r = cred.response, out = {
      id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: {clientDataJSON: toB64url(r.clientDataJSON)}
    };
    if (cred.authenticatorAttachment) { out.authenticatorAttachment = cred.authenticatorAttachment; }
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) { out.response.transports = r.getTransports(); }
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      if (r.userHandle) { out.response.userHandle = toB64url(r.userHandle); }
    }
    return out;
  }
  function run(box, register) {
    var button = box.querySelector("[data-options]"), error = box.querySelector("[data-passkey-error]");
    box.hidden = false;
    button.addEventListener("click", function () {
      error.textContent = "";
      button.disabled = true;
      post(button.getAttribute("data-options")).then(function (opts) {
        if (!opts._ok) { throw new Error(opts.message || ""); }
        opts.challenge = toBytes(opts.challenge);
        if (register) {
          opts.user.id = toBytes(opts.user.id);
          (opts.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
          return navigator.credentials.create({publicKey: opts});
        }
        (opts.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
        return navigator.credentials.get({publicKey: opts});
      }).then(function (cred) {
        return post(button.getAttribute("data-verify"), credentialJSON(cred));
      }).then(function (result) {
        if (!result._ok) { throw new Error(result.message || ""); }
        window.location.assign(result.next);
      }).catch(function (e) {
        button.disabled = false;
        error.textContent = (e && e.message && e.name === "Error") ? e.message : box.getAttribute("data-failed") || "";
      });
    });
  }
  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (b) { run(b, false); });
  document.querySelectorAll("[data-passkey-register]").forEach(function (b) { run(b, true); });
})();
