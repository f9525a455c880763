/* The bio editor's behaviours: drag-and-drop reordering (native HTML5 drag events; the
   ↑/↓ buttons are the keyboard fallback), copying the public link, and letting HTMX
   show refused changes (422) and "nothing to undo" (409) instead of dropping them. */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var text = button.getAttribute("data-copy");
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var field = document.createElement("textarea");
      field.value = text;
      field.setAttribute("readonly", "");
      field.style.position = "absolute";
      field.style.left = "-9999px";
      document.body.appendChild(field);
      field.select();
      document.execCommand("copy");
      field.remove();
      done();
    }
  });

  var dragged = null;
  var startIndex = -1;

  function items(list) {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > li[data-component]"));
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-sortable] > li[draggable]");
    if (!item) return;
    dragged = item;
    startIndex = items(item.parentNode).indexOf(item);
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-component"));
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = event.target.closest && event.target.closest("[data-sortable] > li[data-component]");
    if (!over || over === dragged || over.parentNode !== dragged.parentNode) {
      if (event.target.closest && event.target.closest("[data-sortable]")) event.preventDefault();
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
    finish(true);
  });

  document.addEventListener("dragend", function () {
    if (dragged) finish(true);
  });

  function finish(save) {
    var item = dragged;
    dragged = null;
    item.classList.remove("is-dragging");
    var position = items(item.parentNode).indexOf(item);
    if (!save || position === startIndex || position < 0) return;
    window.htmx.ajax("POST", item.getAttribute("data-move-url"), {
      source: item,
      target: "#bio-editor",
      swap: "outerHTML",
      values: { position: position }
    });
  }
})();
