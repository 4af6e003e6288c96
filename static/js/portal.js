/* Small behaviours every portal page may use, declared with data attributes instead of inline
   handlers (the Content-Security-Policy refuses inline script; docs/security.md):
   - <select data-autosubmit> submits its form when changed;
   - <input type="checkbox" data-select-all="NAME"> ticks or clears every checkbox named NAME. */
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
})();
