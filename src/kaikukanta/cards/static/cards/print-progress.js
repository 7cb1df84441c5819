// Batch PDF page: asks for the progress every two seconds and reloads the page once the
// PDF is ready (or failed), which then shows the download link. Without JavaScript the
// page has a Refresh link.
(function () {
  "use strict";
  var box = document.querySelector("[data-print-progress]");
  if (!box || box.hasAttribute("data-finished")) { return; }
  var url = box.getAttribute("data-print-progress");
  var bar = box.querySelector("progress");
  var done = box.querySelector("[data-done]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        if (state.finished) { window.location.reload(); return; }
        bar.max = state.total || 1;
        bar.value = state.done;
        bar.textContent = state.percent + " %";
        done.textContent = state.done;
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
