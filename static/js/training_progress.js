/* Live progress of a running training: every element with data-training-run="URL" polls that
   training-run API URL once a second and updates its bar and message; when the run has
   finished, the page reloads to show the new version (or the reason it failed). */
(function () {
  "use strict";
  var INTERVAL_MS = 1000;
  var FINISHED = ["succeeded", "failed"];

  function follow(element) {
    var url = element.dataset.trainingRun;
    var bar = element.querySelector("[data-run-progress]");
    var status = element.querySelector("[data-run-status]");
    var message = element.querySelector("[data-run-message]");

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (run) {
          bar.value = run.progress;
          bar.textContent = Math.round(run.progress * 100) + "%";
          status.textContent = run.status;
          message.textContent = run.message || "waiting for a worker";
          if (FINISHED.indexOf(run.status) >= 0) {
            window.location.reload();
          } else {
            window.setTimeout(poll, INTERVAL_MS);
          }
        })
        .catch(function () { window.setTimeout(poll, INTERVAL_MS * 5); });
    }
    window.setTimeout(poll, INTERVAL_MS);
  }

  function start() { document.querySelectorAll("[data-training-run]").forEach(follow); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
