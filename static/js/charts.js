/* Draw every dashboard chart: each <div data-figure="ID"> reads the figure JSON that the
   template embedded with json_script under that id, and hands it to plotly.js. */
(function () {
  "use strict";
  var config = { responsive: true, displaylogo: false, displayModeBar: false };

  function draw() {
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(element, figure.data, figure.layout, config);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
