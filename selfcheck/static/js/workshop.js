// Workshop view: the arrow keys go to the previous or next recommendation, and the
// page tells the presenter view which recommendation is open (a POST with the CSRF
// token, as the "Show this on the shared screen" button does without JavaScript).
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName))) return;
  var rel = event.key === "ArrowRight" ? "next" : event.key === "ArrowLeft" ? "prev" : null;
  if (!rel) return;
  var link = document.querySelector('a[rel="' + rel + '"]');
  if (link) {
    event.preventDefault();
    window.location.href = link.href;
  }
});
(function () {
  var form = document.getElementById("make-current");
  if (!form || !window.fetch || form.getAttribute("data-current") === "yes") return;
  fetch(form.action, {
    method: "POST", credentials: "same-origin", body: new FormData(form),
    headers: { "Accept": "application/json" }
  }).then(function (response) {
    if (response.ok) form.setAttribute("data-current", "yes");
    return response.text();  // read the body, so the request completes
  }).catch(function () { /* the button still works */ });
})();
