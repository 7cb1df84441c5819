// The ticket desk's enhancements; the desk works without this file (type the number or
// scan it with a USB scanner, which types it, and press Enter).
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
      video.muted = true;
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
          .catch(function () { button.hidden = true; input.focus(); });
      });
    }).catch(function () {});
  }

  // --- without a connection ----------------------------------------------------------
  // Uses recorded while offline wait in this browser (localStorage) with their
  // idempotency keys and are sent one by one when the connection returns, to the desk's
  // own endpoint (the same rules and look-up limit as the desk); each is then confirmed
  // or shown with its error for the clerk. A use sent twice counts once (its key).
  var QUEUE_KEY = "kaikukanta-desk-queue";
  var ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  var RETRY_MS = 30000;

  function normalise(text) {
    var value = (text || "").trim().toUpperCase();
    if (value.indexOf("KAIKU:") === 0) { value = value.slice(6); }
    return value.replace(/[\s-]/g, "");
  }

  // The card number's own check (cards/numbers.py): 8 characters of the alphabet whose
  // weighted sum (weights 2, 3, … for the first seven, 1 for the check character)
  // divides by 31.
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

  function isoToday() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" +
      ("0" + d.getDate()).slice(-2);
  }

  // 30.11.2026 in Finnish and Swedish (Finland's convention), 30 Nov 2026 in English.
  function shownDay(iso) {
    var parts = (iso || "").split("-").map(Number);
    if (parts.length !== 3 || !parts[0]) { return iso || ""; }
    var lang = document.documentElement.lang || "fi";
    var day = new Date(parts[0], parts[1] - 1, parts[2]);
    return lang === "en"
      ? day.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" })
      : parts[2] + "." + parts[1] + "." + parts[0];
  }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY)) || []; }
    catch (e) { return []; }
  }
  function save(queue) {
    try { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); }
    catch (e) { /* storage full or off: the items stay in this page only */ }
  }

  function newToken() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID().replace(/-/g, "");
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function setUpOffline(lookup, input) {
    var queueBox = document.getElementById("desk-queue");
    var answerTemplate = document.getElementById("desk-offline-answer");
    var formTemplate = document.getElementById("desk-offline-form");
    if (!queueBox || !answerTemplate || !formTemplate) { return; }
    var texts = queueBox.dataset;
    var list = queueBox.querySelector("ul");
    var note = document.getElementById("desk-offline-note");
    var problem = document.getElementById("desk-queue-problem");
    var sent = [];  // confirmed in this page: shown until it is left
    var sending = false;
    var timer = null;

    if ("serviceWorker" in navigator && texts.sw) {
      navigator.serviceWorker.register(texts.sw, { scope: texts.scope }).catch(function () {});
    }

    function render() {
      list.textContent = "";
      load().concat(sent).forEach(function (item) {
        var li = document.createElement("li");
        li.dataset.state = item.state;
        li.textContent = display(item.number) + " · " + item.label + " · " + item.day + " · ";
        if (item.state === "waiting") {
          li.appendChild(document.createTextNode(texts.waiting));
        } else if (item.state === "sent") {
          li.appendChild(document.createTextNode(item.message));
        } else {
          var error = document.createElement("strong");
          error.className = "queue-error";
          error.textContent = item.message;
          li.appendChild(error);
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

    function showConnection() {
      note.hidden = navigator.onLine;
    }

    function later() {
      if (!timer) { timer = window.setTimeout(function () { timer = null; send(); }, RETRY_MS); }
    }

    function settle(item, state, message) {
      var queue = load();
      if (state === "sent") {
        item.state = "sent";
        item.message = message;
        sent.push(item);
        queue = queue.filter(function (q) { return q.token !== item.token; });
      } else {
        queue.forEach(function (q) {
          if (q.token === item.token) { q.state = "error"; q.message = message; }
        });
      }
      save(queue);
    }

    function send() {
      if (sending || !navigator.onLine) { return; }
      var item = load().filter(function (q) { return q.state === "waiting"; })[0];
      if (!item) { return; }
      sending = true;
      var body = new FormData();
      Object.keys(item.fields).forEach(function (k) { body.append(k, item.fields[k]); });
      body.append("site", item.site);
      body.append("number", item.number);
      body.append("token", item.token);
      fetch(texts.url, { method: "POST", body: body, credentials: "same-origin",
                         headers: { "X-CSRFToken": texts.csrf, "Accept": "application/json" },
                         redirect: "error" })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
          return (json ? response.json() : Promise.resolve(null)).then(function (answer) {
            return { status: response.status, answer: answer };
          });
        })
        .then(function (result) {
          sending = false;
          var answer = result.answer;
          if (!answer || answer.retry) {
            // signed out, a stale page or too many look-ups: the use keeps waiting
            problem.textContent = answer ? answer.message : texts.signIn;
            problem.hidden = false;
            later();
            return;
          }
          problem.hidden = true;
          settle(item, answer.ok ? "sent" : "error", answer.message);
          render();
          send();
        })
        .catch(function () {  // no connection after all (or signed out): try again later
          sending = false;
          if (navigator.onLine) { problem.textContent = texts.signIn; problem.hidden = false; }
          later();
        });
    }

    function clearAnswer() {
      document.querySelectorAll(
        "section.desk-answer:not([data-offline-answer]), .desk-record, .desk-offline-now"
      ).forEach(function (el) { el.remove(); });
      var errors = document.getElementById("number_errors");
      if (errors) { errors.remove(); }
      input.removeAttribute("aria-invalid");
    }

    function enqueue(form, number, token) {
      var fields = {};
      ["offer", "category", "event_date", "children"].forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field) { fields[name] = field.value; }
      });
      var companion = form.elements.namedItem("companion");
      if (companion && companion.checked) { fields.companion = "on"; }
      var offer = form.elements.namedItem("offer");
      var category = form.elements.namedItem("category");
      var label = offer && offer.value ? offer.options[offer.selectedIndex].text
        : (category ? category.options[category.selectedIndex].text : "");
      var queue = load();
      queue.push({ token: token || newToken(), site: form.elements.namedItem("site").value,
                   number: number, fields: fields, label: label,
                   day: shownDay(fields.event_date), state: "waiting" });
      save(queue);
      clearAnswer();
      document.querySelectorAll("[data-offline-answer]").forEach(function (box) {
        box.hidden = true;
      });
      render();
      input.value = "";
      input.focus();
      send();
    }

    // The record form for `number` (checked here only); `children` limits the children's
    // tickets when a signed mobile card told them. Placed after `after`; its Record
    // button goes into `buttonBox`, which keeps the verdict in view.
    function offerRecording(number, after, buttonBox, children) {
      var fragment = formTemplate.content.cloneNode(true);
      var form = fragment.querySelector("form");
      form.elements.namedItem("event_date").value = isoToday();
      var select = form.elements.namedItem("children");
      if (select && children !== null) {
        Array.prototype.slice.call(select.options).forEach(function (option) {
          if (Number(option.value) > children) { option.remove(); }
        });
      }
      after.insertAdjacentElement("afterend", form);
      var now = document.createElement("p");
      now.className = "desk-record-now desk-offline-now";
      var button = document.createElement("button");
      button.type = "submit";
      button.className = "button primary desk-go";
      button.setAttribute("form", form.id);
      button.textContent = texts.record;
      now.appendChild(button);
      buttonBox.appendChild(now);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        enqueue(form, number, null);
      });
      button.focus();
    }

    // A look-up without a connection: a typed number can only be checked for its check
    // character; a scanned mobile-card token is checked with the public key
    // (oma/desk_verify.js, which then sends "kaikukanta:card-verified"). Listened to on
    // the way down, so that the old answer is gone before desk_verify.js answers.
    document.addEventListener("submit", function (event) {
      if (event.target !== lookup || navigator.onLine) { return; }
      event.preventDefault();
      clearAnswer();
      if (input.value.indexOf(".") >= 0) { return; }  // a token: desk_verify.js answers
      document.querySelectorAll("[data-offline-answer]").forEach(function (box) {
        box.hidden = true;
      });
      var number = normalise(input.value);
      if (!checkCharacterOk(number)) {
        var errors = document.createElement("div");
        errors.id = "number_errors";
        errors.className = "field-errors desk-error";
        errors.setAttribute("role", "alert");
        errors.textContent = texts.bad;
        lookup.querySelector(".desk-row").insertAdjacentElement("afterend", errors);
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      var answer = answerTemplate.content.firstElementChild.cloneNode(true);
      answer.querySelector(".desk-num").textContent = display(number);
      lookup.insertAdjacentElement("afterend", answer);
      offerRecording(number, answer, answer, null);
    }, true);

    lookup.addEventListener("kaikukanta:card-verified", function (event) {
      if (navigator.onLine) { return; }
      clearAnswer();
      var box = document.querySelector("[data-offline-answer]");
      offerRecording(event.detail.number, box, box, event.detail.children);
    });

    // The page's own record form (looked up online, the connection lost since): the use
    // waits with the same key the server would have been given.
    var online = document.getElementById("desk-record");
    if (online) {
      online.addEventListener("submit", function (event) {
        if (navigator.onLine) { return; }
        event.preventDefault();
        var number = normalise(online.elements.namedItem("number").value);
        enqueue(online, number, online.elements.namedItem("token").value);
      });
    }

    window.addEventListener("online", function () { showConnection(); send(); });
    window.addEventListener("offline", showConnection);
    showConnection();
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
