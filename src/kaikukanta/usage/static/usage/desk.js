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
  });
})();
