// Site-wide behaviour. No inline scripts: the CSP allows scripts from this site only.
(function () {
  "use strict";
  function enhanceSelects(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select.js-tom-select, select[data-remote]").forEach(function (el) {
      if (el.tomselect) return;
      var settings = { plugins: el.multiple ? ["remove_button"] : [], maxOptions: 500, allowEmptyOption: true };
      if (el.dataset.remote) {
        // Pickers that can grow: the page renders only the selected records, the rest come from
        // GET /api/search/<kind>?q=… (20 at a time, the user's scope) as the user types.
        var url = el.dataset.remote;
        settings.valueField = "value";
        settings.labelField = "text";
        settings.searchField = ["text"];
        settings.preload = "focus";
        settings.loadThrottle = 250;
        settings.score = function () { return function () { return 1; }; };  // the server filtered
        settings.shouldLoad = function () { return true; };
        settings.load = function (query, callback) {
          var self = this;
          fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (response) { return response.ok ? response.json() : []; })
            .then(function (items) {
              // Drop the previous answer's options; keep the chosen ones and the blank (value 0).
              self.clearOptions(function (option, value) { return value === "0" || value === "" || self.items.indexOf(value) >= 0; });
              callback(items);
            })
            .catch(function () { callback(); });
        };
        settings.render = { no_results: function () { return '<div class="no-results">无匹配结果</div>'; },
                            loading: function () { return '<div class="spinner-border spinner-border-sm m-2"></div>'; } };
      }
      new TomSelect(el, settings);
    });
  }
  // Buttons/forms that ask for confirmation: <form data-confirm="确定删除？">
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // One submission per POST form: a second click (or Enter) while the first is on its way is
  // ignored and the buttons show that saving is under way. The server's one-time form token
  // (app/core/once.py) is the guarantee; this keeps the user from trying twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.getAttribute || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post") || form.hasAttribute("data-allow-resubmit")) return;
    if (form.dataset.submitting === "1") { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    // Disabled after this tick, so the clicked button's own name/value is still sent.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        if (button.tagName === "BUTTON" && !button.dataset.label) {
          button.dataset.label = button.innerHTML;
          button.insertAdjacentHTML("afterbegin", '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>');
        }
      });
    }, 0);
  });
  // Back/forward cache: a page shown again must be usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("[aria-busy=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        if (button.dataset.label) { button.innerHTML = button.dataset.label; delete button.dataset.label; }
      });
    });
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
