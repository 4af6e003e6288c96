/* Small behaviours every portal page may use, declared with data attributes instead of inline
   handlers (the Content-Security-Policy refuses inline script; docs/security.md):
   - <select data-autosubmit> submits its form when changed;
   - <input type="checkbox" data-select-all="NAME"> ticks or clears every checkbox named NAME;
   - <details data-navgroup> drop-downs of the top bar: opening one closes the others, and a click
     elsewhere or Escape closes them. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-autosubmit]") && target.form) {
      target.form.submit();
    }
    if (target.matches("[data-select-all]")) {
      var name = target.getAttribute("data-select-all");
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
  });
  function closeNavgroups(except) {
    document.querySelectorAll("details[data-navgroup][open]").forEach(function (group) {
      if (group !== except) {
        group.removeAttribute("open");
      }
    });
  }
  document.addEventListener("toggle", function (event) {
    if (event.target.matches("details[data-navgroup]") && event.target.open) {
      closeNavgroups(event.target);
    }
  }, true);
  document.addEventListener("click", function (event) {
    closeNavgroups(event.target.closest("details[data-navgroup]"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      closeNavgroups(null);
    }
  });
})();
