// Facilitator dashboard: keep the participation count current without a reload.
// Progressive enhancement only: the page is complete without JavaScript.
(function () {
  var counter = document.getElementById("participation");
  var notice = document.getElementById("participation-changed");
  if (!counter || !window.fetch) return;
  var shown = counter.getAttribute("data-counts");
  function poll() {
    fetch(counter.getAttribute("data-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var counts = data.submitted + "/" + data.started;
        if (counts !== shown) {
          counter.textContent = data.text;
          if (notice) notice.hidden = false;
          shown = counts;
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  window.setInterval(poll, Number(counter.getAttribute("data-interval")) || 10000);
})();
