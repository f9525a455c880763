/* Small behaviours the design system needs. Pages work without them. */
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll("details[data-menu][open]");
  }

  document.addEventListener("click", function (event) {
    // A <details> dropdown closes when you click anywhere else.
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
    // <button data-dismiss=".alert"> removes its closest matching ancestor.
    var dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) {
      var target = dismiss.closest(dismiss.getAttribute("data-dismiss"));
      if (target) target.remove();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  // Success and info toasts leave on their own; errors stay until dismissed.
  window.setTimeout(function () {
    document.querySelectorAll(".toasts [data-autohide]").forEach(function (toast) {
      toast.remove();
    });
  }, 8000);

  // <input data-slug-from="#id_name">: until the user types a slug of their own, keep it
  // in step with the source field and fire the input's htmx check.
  function slugify(value, maxLength) {
    return value
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+/, "")
      .slice(0, maxLength)
      .replace(/-+$/, "");
  }

  document.querySelectorAll("[data-slug-from]").forEach(function (slugInput) {
    var source = document.querySelector(slugInput.getAttribute("data-slug-from"));
    if (!source) return;
    var filled = "";
    source.addEventListener("input", function () {
      if (slugInput.value !== "" && slugInput.value !== filled) return; // typed by hand
      filled = slugify(source.value, slugInput.maxLength > 0 ? slugInput.maxLength : 40);
      if (filled === slugInput.value) return;
      slugInput.value = filled;
      if (window.htmx) window.htmx.trigger(slugInput, "input");
    });
  });
})();
