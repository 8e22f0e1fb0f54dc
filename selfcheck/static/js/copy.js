// Copy buttons beside links, codes and ready texts. Progressive enhancement: the
// buttons are hidden until this script runs, and the text stays selectable without it.
(function () {
  var buttons = document.querySelectorAll("button[data-copy]");
  if (!buttons.length) return;
  var status = document.createElement("p");
  status.className = "sr-only";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function fallbackCopy(source) {
    if (source.select) {  // a textarea: select its value
      source.select();
      try { return document.execCommand("copy"); } finally { source.setSelectionRange(0, 0); }
    }
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { return document.execCommand("copy"); } finally { selection.removeAllRanges(); }
  }

  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.tagName === "TEXTAREA" ? source.value : source.textContent;
      var done = function () {
        button.textContent = button.getAttribute("data-copied") || "✓";
        status.textContent = button.getAttribute("data-copied") || "";
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.trim()).then(done, function () {
          if (fallbackCopy(source)) done();
        });
      } else if (fallbackCopy(source)) {
        done();
      }
    });
  });
})();
