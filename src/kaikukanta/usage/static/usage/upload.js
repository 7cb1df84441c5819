// Shows a progress note while a large file is checked; the form works without this.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-upload]");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var note = form.querySelector("[data-progress]");
    if (note) { note.hidden = false; }
    form.querySelector("button[type=submit]").disabled = true;
  });
});
