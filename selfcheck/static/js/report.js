// The "Rapport" page: the texts are saved as they are typed. The form still works without
// this file (the Save button posts it and the page comes back); with it, the whole form is
// posted to its autosave address a moment after the typing stops, with the form's CSRF
// token, and the status line (aria-live) says "Saved", or why not. A saved text also
// reloads the preview.
(function () {
  var form = document.getElementById("report-form");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("report-status");
  var preview = document.getElementById("report-preview");
  var url = form.getAttribute("data-autosave");
  var WAIT = 800;  // ms after the last key press
  var timer = null;
  var edits = 0;     // changes made on the page
  var sent = 0;      // the changes the latest request carries
  var busy = false;

  function say(text, kind) {
    status.textContent = text;
    status.className = "report-status" + (kind ? " report-status-" + kind : "");
  }

  function save() {
    timer = null;
    if (busy) { timer = setTimeout(save, WAIT); return; }
    busy = true;
    sent = edits;
    say(form.getAttribute("data-saving"), "busy");
    fetch(url, {
      method: "POST", credentials: "same-origin", body: new FormData(form),
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) {
        return { ok: response.ok, answer: answer };
      }, function () { return { ok: false, answer: null }; });
    }).then(function (result) {
      busy = false;
      if (result.ok && result.answer && result.answer.saved) {
        if (sent === edits) {
          say(result.answer.message, "saved");
          form.setAttribute("data-dirty", "no");
          if (preview) preview.src = preview.src;
        }
        return;
      }
      var answer = result.answer;
      var text = answer && answer.lines && answer.lines.length
        ? answer.message + " " + answer.lines.join(" ")
        : form.getAttribute("data-failed");
      say(text, "failed");
    }).catch(function () {
      busy = false;
      say(form.getAttribute("data-failed"), "failed");
    });
  }

  function changed() {
    edits += 1;
    form.setAttribute("data-dirty", "yes");
    say(form.getAttribute("data-unsaved"), "busy");
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, WAIT);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", function (event) {
    if (event.target && event.target.type === "checkbox") changed();
  });
  window.addEventListener("beforeunload", function (event) {
    if (form.getAttribute("data-dirty") === "yes" && form.getAttribute("data-submitting") !== "yes") {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  form.addEventListener("submit", function () { form.setAttribute("data-submitting", "yes"); });
})();
