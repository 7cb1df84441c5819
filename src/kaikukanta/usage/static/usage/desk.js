// The ticket desk's enhancements; the desk works without this file (type or scan with a
// USB scanner, press Enter).
(function () {
  "use strict";

  var narrow = window.matchMedia("(max-width: 40rem)");

  // Camera scanning of the card's QR code or Code 39 barcode, where the browser reads
  // them itself (BarcodeDetector). The number goes into the field and is checked at once.
  function setUpCamera(lookup, input) {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices ||
        !navigator.mediaDevices.getUserMedia) {
      return;
    }
    window.BarcodeDetector.getSupportedFormats().then(function (supported) {
      var formats = ["qr_code", "code_39"].filter(function (f) {
        return supported.indexOf(f) >= 0;
      });
      if (!formats.length) { return; }
      var detector = new window.BarcodeDetector({ formats: formats });
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button desk-scan";
      button.textContent = lookup.dataset.scan;
      var video = document.createElement("video");
      video.className = "desk-video";
      video.hidden = true;
      video.setAttribute("playsinline", "");
      video.setAttribute("aria-hidden", "true");
      lookup.querySelector(".desk-row").insertAdjacentElement("afterend", button);
      button.insertAdjacentElement("afterend", video);
      var stream = null;
      function stop() {
        if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
        stream = null;
        video.hidden = true;
        button.textContent = lookup.dataset.scan;
      }
      function tick() {
        if (!stream) { return; }
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            input.value = codes[0].rawValue;
            stop();
            input.focus();
            lookup.requestSubmit();
          } else {
            window.requestAnimationFrame(tick);
          }
        }).catch(stop);
      }
      button.addEventListener("click", function () {
        if (stream) { stop(); input.focus(); return; }
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
          .then(function (s) {
            stream = s;
            video.srcObject = s;
            video.hidden = false;
            button.textContent = lookup.dataset.scanStop;
            video.play().then(tick).catch(stop);
          })
          .catch(function () { button.hidden = true; });
      });
    });
  }

  // --- without a connection ----------------------------------------------------------
  // Uses recorded while offline wait in this browser (localStorage) with their
  // idempotency keys and are sent one by one when the connection returns; each is then
  // confirmed or shown with its error for the clerk. A resent use counts once (the key).
  var QUEUE_KEY = "kaikukanta-desk-queue";
  var ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

  function normalise(text) {
    var value = (text || "").trim().toUpperCase();
    if (value.indexOf("KAIKU:") === 0) { value = value.slice(6); }
    return value.replace(/[\s-]/g, "");
  }

  // The card number's own check: 8 characters of the alphabet whose weighted sum
  // (weights 2, 3, … for the first seven, 1 for the check character) divides by 31.
  function checkCharacterOk(number) {
    if (number.length !== 8) { return false; }
    var sum = 0;
    for (var i = 0; i < 8; i++) {
      var v = ALPHABET.indexOf(number.charAt(i));
      if (v < 0) { return false; }
      sum += v * (i < 7 ? i + 2 : 1);
    }
    return sum % 31 === 0;
  }

  function display(number) { return number.slice(0, 4) + "-" + number.slice(4); }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY)) || []; }
    catch (e) { return []; }
  }
  function save(queue) { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); }

  function newToken() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID().replace(/-/g, "");
    }
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function setUpOffline(lookup, input) {
    var texts = lookup.dataset;
    var queueBox = document.getElementById("desk-queue");
    var list = queueBox.querySelector("ul");
    var note = document.getElementById("desk-offline-note");
    var template = document.getElementById("desk-offline-answer");
    var sent = [];
    var sending = false;

    if ("serviceWorker" in navigator && texts.sw) {
      navigator.serviceWorker.register(texts.sw, { scope: "/venue/desk/" }).catch(function () {});
    }

    function csrf() {
      var field = document.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    }

    function render() {
      var queue = load();
      list.textContent = "";
      queue.concat(sent).forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.state = item.state;
        var text = display(item.number) + " · " + item.label + " · ";
        if (item.state === "waiting") {
          li.textContent = text + texts.waiting;
        } else if (item.state === "sent") {
          li.textContent = text + texts.sent + ": " + item.message;
        } else {
          var strong = document.createElement("span");
          strong.className = "queue-error";
          strong.textContent = item.message;
          li.textContent = text;
          li.appendChild(strong);
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "link-button";
          remove.textContent = texts.remove;
          remove.addEventListener("click", function () {
            save(load().filter(function (q) { return q.token !== item.token; }));
            render();
            input.focus();
          });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(remove);
        }
        list.appendChild(li);
      });
      queueBox.hidden = !list.children.length;
    }

    function showOffline() {
      note.hidden = navigator.onLine;
      note.textContent = texts.offlineNote;
    }

    function send() {
      if (sending || !navigator.onLine) { return; }
      var item = load().filter(function (q) { return q.state === "waiting"; })[0];
      if (!item) { return; }
      sending = true;
      var body = new FormData();
      Object.keys(item.fields).forEach(function (k) { body.append(k, item.fields[k]); });
      body.append("token", item.token);
      body.append("csrfmiddlewaretoken", csrf());
      fetch(texts.queueUrl, { method: "POST", body: body, credentials: "same-origin",
                              headers: { "X-CSRFToken": csrf() } })
        .then(function (response) {
          return response.json().catch(function () {
            return { ok: false, message: response.statusText || String(response.status) };
          });
        })
        .then(function (answer) {
          var queue = load();
          if (answer.ok) {
            item.state = "sent";
            item.message = answer.message;
            sent.push(item);
            queue = queue.filter(function (q) { return q.token !== item.token; });
          } else {
            queue.forEach(function (q) {
              if (q.token === item.token) { q.state = "error"; q.message = answer.message; }
            });
          }
          save(queue);
          sending = false;
          render();
          send();
        })
        .catch(function () { sending = false; });  // still offline: try again later
    }

    function enqueue(form, number, token) {
      var fields = {};
      new FormData(form).forEach(function (value, key) {
        if (key !== "csrfmiddlewaretoken" && key !== "token") { fields[key] = value; }
      });
      fields.number = number;
      var offer = form.querySelector("select[name=offer]");
      var category = form.querySelector("select[name=category]");
      var label = offer && offer.value ? offer.options[offer.selectedIndex].text
        : (category ? category.options[category.selectedIndex].text : "");
      var queue = load();
      queue.push({ token: token || newToken(), number: number, fields: fields, label: label,
                   state: "waiting" });
      save(queue);
      document.querySelectorAll(".desk-answer, .desk-record").forEach(function (el) {
        el.remove();
      });
      render();
      input.value = "";
      input.focus();
    }

    // A look-up without a connection: only the check character can be checked.
    lookup.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      var number = normalise(input.value);
      document.querySelectorAll(".desk-answer, .desk-record").forEach(function (el) {
        el.remove();
      });
      var errors = document.getElementById("number_errors");
      if (errors) { errors.remove(); }
      if (!checkCharacterOk(number)) {
        var p = document.createElement("div");
        p.id = "number_errors";
        p.className = "field-errors desk-error";
        p.setAttribute("role", "alert");
        p.textContent = texts.offlineBad;
        lookup.querySelector(".desk-row").insertAdjacentElement("afterend", p);
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      input.removeAttribute("aria-invalid");
      var fragment = template.content.cloneNode(true);
      fragment.querySelector(".desk-reason").textContent = texts.offlineOk;
      fragment.querySelector(".desk-num").textContent = display(number);
      fragment.querySelector("input[name=number]").value = number;
      lookup.insertAdjacentElement("afterend", document.createElement("div"));
      var holder = lookup.nextElementSibling;
      holder.replaceWith(fragment);
      var form = document.getElementById("desk-offline-record");
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        enqueue(form, number, null);
      });
      document.querySelector("button[form=desk-offline-record]").focus();
    });

    // The page's own record form (looked up online, the connection lost since).
    var online = document.getElementById("desk-record");
    if (online) {
      online.addEventListener("submit", function (event) {
        if (navigator.onLine) { return; }
        event.preventDefault();
        enqueue(online, online.querySelector("input[name=number]").value,
                online.querySelector("input[name=token]").value);
      });
    }

    window.addEventListener("online", function () { showOffline(); send(); });
    window.addEventListener("offline", showOffline);
    showOffline();
    render();
    send();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var lookup = document.getElementById("desk-lookup");
    if (!lookup) { return; }
    var input = lookup.querySelector("input[name=number]");
    // On a phone the desk starts at the number field (language, text size and the menu
    // stay above it, one swipe away).
    if (narrow.matches) {
      lookup.scrollIntoView({ block: "start" });
    }
    setUpCamera(lookup, input);
    setUpOffline(lookup, input);
  });
})();
