// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so keyboard and screen-reader users hear it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // A table wider than the screen scrolls in its own box: the box takes the keyboard focus
  // (arrow keys scroll it) and is named after the table's caption or the heading above it.
  document.querySelectorAll(".table-wrap:not([tabindex])").forEach(function (box) {
    var caption = box.querySelector("caption");
    var heading = box.previousElementSibling;
    var name = caption ? caption.textContent : (heading && /^H[1-6]$/.test(heading.tagName)
      ? heading.textContent : document.title);
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", name.trim());
  });

  // On a phone the navigation folds behind a menu button, so that the page itself (the
  // ticket desk, a form) starts at the top of the screen. Without JavaScript it stays open.
  var nav = document.querySelector(".main-nav");
  var narrow = window.matchMedia("(max-width: 40rem)");
  if (nav && nav.dataset.menuLabel) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button menu-button";
    button.textContent = nav.dataset.menuLabel;
    button.setAttribute("aria-controls", "main-nav-content");
    nav.parentNode.insertBefore(button, nav);
    var setOpen = function (open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.hidden = !open;
    };
    button.addEventListener("click", function () { setOpen(nav.hidden); });
    var follow = function () {
      button.hidden = !narrow.matches;
      setOpen(!narrow.matches);
    };
    narrow.addEventListener("change", follow);
    follow();
  }
});
