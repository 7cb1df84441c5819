// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to an error summary so keyboard and screen-reader users hear it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

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
