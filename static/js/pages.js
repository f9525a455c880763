/* Workspace site pages: the countdown block ticks once a second.
 *
 * The server renders the remaining time, so the block reads correctly without this.
 * The visible digits are aria-hidden; the polite live text is refreshed once a minute
 * only, so screen readers are not flooded.
 */
(function () {
  "use strict";

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function start(el) {
    var target = Date.parse(el.getAttribute("data-target"));
    if (isNaN(target)) return;
    var units = {};
    el.querySelectorAll("[data-unit]").forEach(function (node) {
      units[node.getAttribute("data-unit")] = node;
    });
    var live = el.querySelector("[data-countdown-live]");
    var lastMinute = null;

    function tick() {
      var left = Math.max(0, Math.floor((target - Date.now()) / 1000));
      var days = Math.floor(left / 86400);
      var hours = Math.floor((left % 86400) / 3600);
      var minutes = Math.floor((left % 3600) / 60);
      var seconds = left % 60;
      if (units.days) units.days.textContent = String(days);
      if (units.hours) units.hours.textContent = pad(hours);
      if (units.minutes) units.minutes.textContent = pad(minutes);
      if (units.seconds) units.seconds.textContent = pad(seconds);
      var minuteKey = days + ":" + hours + ":" + minutes;
      if (live && minuteKey !== lastMinute) {
        lastMinute = minuteKey;
        var time = live.querySelector("time");
        live.textContent = days + " days, " + hours + " hours and " + minutes + " minutes left, until ";
        if (time) live.appendChild(time);
      }
      if (left === 0) {
        clearInterval(timer);
        var list = el.querySelector(".pg-countdown__units");
        var done = document.createElement("p");
        done.className = "pg-countdown__finished";
        done.setAttribute("role", "status");
        done.textContent = el.getAttribute("data-finished-text") || "";
        if (list) list.replaceWith(done);
        if (live) live.remove();
      }
    }

    var timer = setInterval(tick, 1000);
    tick();
  }

  function init() {
    document.querySelectorAll("[data-countdown]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
