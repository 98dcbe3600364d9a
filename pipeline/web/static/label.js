// The Label page's keyboard shortcuts: c, i, s, u press that label's button; n goes to the
// next cluster. Keys typed into the note (or with a modifier) are left alone.
(function () {
  "use strict";
  var form = document.getElementById("label-form");
  if (!form) { return; }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT")) { return; }
    var key = event.key.toLowerCase();
    if (key === "n") {
      event.preventDefault();
      document.getElementById("label-next").click();
      return;
    }
    var button = form.querySelector('button[data-key="' + key + '"]');
    if (button) {
      event.preventDefault();
      form.requestSubmit(button);
    }
  });
})();
