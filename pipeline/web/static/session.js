// The idle-timeout warning (WCAG 2.2.1): a minute before the session ends, a dialog offers
// "stay signed in"; when time is up the page goes to the sign-in page. Pages work without it.
(function () {
  "use strict";
  var body = document.body;
  var idle = Number(body.dataset.idleSeconds);
  if (!idle) { return; }
  var warn = Number(body.dataset.warnSeconds) || 60;
  var dialog = document.getElementById("idle-warning");
  var warnTimer = null;
  var endTimer = null;

  function restart() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(function () {
      if (dialog && !dialog.open) { dialog.showModal(); }
    }, Math.max(idle - warn, 0) * 1000);
    endTimer = window.setTimeout(function () {
      window.location.assign("/login?expired=1");
    }, idle * 1000);
  }

  if (dialog) {
    var form = dialog.querySelector("form");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var token = form.querySelector("input[type=hidden]").value;
      window.fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": token }
      }).then(function (response) {
        if (response.ok) { dialog.close(); restart(); }
        else { window.location.assign("/login?expired=1"); }
      });
    });
  }
  // every htmx request reaches the server and so counts as activity
  body.addEventListener("htmx:afterRequest", restart);
  restart();
})();
