// 台账导入: show a busy hint while a large ledger uploads and parses (no inline scripts under the CSP).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-import-upload") || event.defaultPrevented) return;
    var busy = form.querySelector(".js-import-busy");
    if (busy) busy.classList.remove("d-none");
    var button = form.querySelector("button[type=submit]");
    if (button) window.setTimeout(function () { button.disabled = true; }, 0);
  });
})();
