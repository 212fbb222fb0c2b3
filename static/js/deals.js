// Deals forms: show the exclusion reason only when a deal is not counted; on the stage form,
// name the effective date after the chosen stage (签约日期, 开工日期 …) and flag when a reason is required.
(function () {
  "use strict";

  function setupCounted() {
    var box = document.getElementById("is_counted");
    var reason = document.querySelector(".js-exclusion");
    if (!box || !reason) return;
    var sync = function () { reason.hidden = box.checked; };
    box.addEventListener("change", sync);
    sync();
  }

  function setupStageForm(root) {
    var form = (root || document).querySelector("[data-date-labels]");
    if (!form) return;
    var labels = JSON.parse(form.getAttribute("data-date-labels") || "{}");
    var needsReason = JSON.parse(form.getAttribute("data-needs-reason") || "[]");
    var select = form.querySelector("select[name=to_stage]");
    var dateLabel = form.querySelector("label[for=effective_on]");
    var reasonLabel = form.querySelector("label[for=reason]");
    if (!select || !dateLabel) return;
    var reasonText = reasonLabel ? reasonLabel.textContent : "";
    var sync = function () {
      dateLabel.textContent = labels[select.value] || "生效日期";
      if (reasonLabel) {
        var required = needsReason.indexOf(select.value) !== -1;
        reasonLabel.textContent = required ? "原因（必填）" : reasonText;
        reasonLabel.classList.toggle("text-danger", required);
      }
    };
    select.addEventListener("change", sync);
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupCounted();
    setupStageForm();
  });
  // The kanban's drop dialog loads the same stage form and wires it with this.
  window.CRMDeals = { setupStageForm: setupStageForm };
})();
