// Kanban drag-and-drop (SortableJS): dropping a card on another stage opens the stage dialog —
// the same form and server rules as 变更阶段 — with the effective date; cancelling puts the card back.
(function () {
  "use strict";
  var board = document.querySelector("[data-kanban-editable]");
  if (!board || typeof Sortable === "undefined") return;
  var modalEl = document.getElementById("stage-dialog");
  var body = modalEl.querySelector(".modal-body");
  var title = modalEl.querySelector(".modal-title");
  var modal = bootstrap.Modal.getOrCreateInstance(modalEl);
  var pending = null; // {item, from, oldIndex, saved}
  var justDragged = false;

  function putBack() {
    if (!pending || pending.saved) return;
    var from = pending.from, item = pending.item;
    from.insertBefore(item, from.children[pending.oldIndex] || null);
    pending = null;
  }

  function showForm(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var form = doc.querySelector("[data-testid=stage-form]");
    if (!form) {
      body.innerHTML = "";
      var alert = doc.querySelector(".alert") || doc.querySelector("main") || doc.body;
      var box = document.createElement("div");
      box.className = "alert alert-warning";
      box.textContent = (alert && alert.textContent.trim()) || "无法变更阶段。";
      body.appendChild(box);
      return;
    }
    form.setAttribute("action", url);
    var cancel = form.querySelector("a.btn-outline-secondary");
    if (cancel) {
      cancel.removeAttribute("href");
      cancel.setAttribute("role", "button");
      cancel.setAttribute("data-bs-dismiss", "modal");
    }
    body.innerHTML = "";
    body.appendChild(document.importNode(form, true));
    var live = body.querySelector("form");
    if (window.CRMDeals) window.CRMDeals.setupStageForm(body);
    live.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = live.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      fetch(url, { method: "POST", body: new FormData(live), credentials: "same-origin" })
        .then(function (response) {
          if (response.redirected && response.url.indexOf("/stage") === -1) {
            pending.saved = true;
            window.location.reload();
            return null;
          }
          return response.text();
        })
        .then(function (text) { if (text !== null) showForm(text, url); })
        .catch(function () { if (button) button.disabled = false; });
    });
    var date = live.querySelector("input[name=effective_on]");
    if (date) date.focus();
  }

  board.querySelectorAll(".kanban-cards").forEach(function (list) {
    Sortable.create(list, {
      group: "deals",
      sort: false, // order inside a column is by last activity, not by hand
      draggable: ".kanban-card[data-stage-url]",
      forceFallback: true, // mouse and touch alike, no native drag image
      fallbackTolerance: 5,
      animation: 120,
      onStart: function () { justDragged = true; },
      onEnd: function () { setTimeout(function () { justDragged = false; }, 0); },
      onAdd: function (evt) {
        var stage = evt.to.closest("[data-stage]").getAttribute("data-stage");
        var url = evt.item.getAttribute("data-stage-url");
        pending = { item: evt.item, from: evt.from, oldIndex: evt.oldIndex, saved: false };
        title.textContent = "变更阶段：" + (evt.item.getAttribute("data-name") || "") + " → " + stage;
        body.textContent = "正在加载…";
        modal.show();
        fetch(url + "?to=" + encodeURIComponent(stage), { credentials: "same-origin" })
          .then(function (response) { return response.text(); })
          .then(function (html) { showForm(html, url); })
          .catch(function () { body.textContent = "加载失败，请刷新页面后重试。"; });
      }
    });
  });
  modalEl.addEventListener("hidden.bs.modal", putBack);
  // A drag must not also follow the card's link.
  board.addEventListener("click", function (event) {
    if (justDragged && event.target.closest(".kanban-card")) event.preventDefault();
  }, true);
})();
