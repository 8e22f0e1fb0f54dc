// Presenter view on the projector: follow the facilitator without a reload by hand,
// and go back and forth with the arrow keys. Without JavaScript the "Update" link
// and the Previous/Next links do the same.
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var rel = event.key === "ArrowRight" ? "next" : event.key === "ArrowLeft" ? "prev" : null;
    var link = rel && document.querySelector('a[rel="' + rel + '"]');
    if (link) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });
  var nav = document.querySelector("[data-state]");
  if (!nav || !window.fetch) return;
  var shown = null;
  function poll() {
    fetch(nav.getAttribute("data-state"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) return;
        var now = state.position + "|" + state.changed;
        if (shown === null) shown = now;
        else if (now !== shown) window.location.reload();
      })
      .catch(function () { /* the network blinked: try again at the next tick */ });
  }
  poll();
  window.setInterval(poll, 2000);
})();
