// Multiple-file pickers of the attachment panels: show every chosen name, not just the first.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("js-multi-file")) return;
    var label = input.closest(".js-file-picker").querySelector(".js-file-name");
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    label.textContent = names.length ? names.join("、") : "未选择文件";
  });
})();
