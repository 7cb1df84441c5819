// Small progressive enhancements for card-number inputs; every page works without this file.
(function () {
  "use strict";

  // A USB or Bluetooth scanner types the number and presses Enter. In a form with more
  // fields, Enter in a card-number box moves to the next field instead of sending the form.
  function nextField(input) {
    var fields = Array.prototype.filter.call(input.form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.tagName !== "FIELDSET" &&
        el.offsetParent !== null;
    });
    var i = fields.indexOf(input);
    return i >= 0 ? fields[i + 1] : null;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.classList || !input.classList.contains("card-number") ||
        !input.form || input.form.method.toLowerCase() !== "post") {
      return;
    }
    var next = nextField(input);
    if (next && next.type !== "submit") {
      event.preventDefault();
      next.focus();
    }
  });

  // Reading the QR code or barcode with the phone camera, where the browser can do it
  // itself (BarcodeDetector). Elsewhere the number is typed or scanned as above.
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input.card-number[data-scan]").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button scan-button";
      button.textContent = input.getAttribute("data-scan");
      var video = document.createElement("video");
      video.className = "scan-video";
      video.hidden = true;
      video.setAttribute("playsinline", "");
      video.setAttribute("aria-hidden", "true");
      input.insertAdjacentElement("afterend", button);
      button.insertAdjacentElement("afterend", video);
      button.addEventListener("click", function () {
        var detector = new window.BarcodeDetector({ formats: ["qr_code", "code_39"] });
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
          .then(function (stream) {
            function stop() {
              stream.getTracks().forEach(function (track) { track.stop(); });
              video.hidden = true;
            }
            function tick() {
              if (video.hidden) { return; }
              detector.detect(video).then(function (codes) {
                if (codes.length) {
                  input.value = codes[0].rawValue;
                  stop();
                  input.focus();
                } else {
                  window.requestAnimationFrame(tick);
                }
              }).catch(stop);
            }
            video.srcObject = stream;
            video.hidden = false;
            video.play().then(tick).catch(stop);
          })
          .catch(function () { button.hidden = true; });
      });
    });
  });
})();
