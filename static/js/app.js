// Site-wide behaviour. No inline scripts: the CSP allows scripts from this site only.
(function () {
  "use strict";
  function enhanceSelects(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select.js-tom-select").forEach(function (el) {
      if (el.tomselect) return;
      new TomSelect(el, { plugins: el.multiple ? ["remove_button"] : [], maxOptions: 500, allowEmptyOption: true });
    });
  }
  // Buttons/forms that ask for confirmation: <form data-confirm="确定删除？">
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // Chinese file pickers (see render_field): show the chosen file's name.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("js-file-input")) return;
    var picker = input.closest(".js-file-picker");
    var label = picker && picker.querySelector(".js-file-name");
    if (label) label.textContent = input.files && input.files.length ? input.files[0].name : "未选择文件";
  });
  // A period picker that submits on change: <select data-submit-on-change>; the form's as-of date
  // ([data-reset-on-change]) is left out so the new year shows at its default date.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.hasAttribute || !select.hasAttribute("data-submit-on-change")) return;
    select.form.querySelectorAll("[data-reset-on-change]").forEach(function (el) { el.disabled = true; });
    select.form.submit();
  });
  document.addEventListener("DOMContentLoaded", function () { enhanceSelects(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhanceSelects(event.target); });
  window.CRM = { enhanceSelects: enhanceSelects };
})();
