/* Small enhancements to pages that work without JavaScript. Loaded in <head>, so it runs before first paint. */
(function () {
  "use strict";
  // Pages are styled for "no-js" until this runs: the menu is shown open, since its toggle needs JavaScript.
  document.documentElement.classList.remove("no-js");

  document.addEventListener("DOMContentLoaded", function () {
    // After a form is sent with problems, take keyboard and screen reader users straight to the summary.
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();
