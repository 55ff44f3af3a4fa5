// Keyboard help for the counsellor inbox (the page works without it):
// j / k move to the next / previous conversation, "/" jumps to search;
// on a conversation, choosing a canned reply fills the reply box.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(document.activeElement)) return;
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-inbox-item]"));
    if (event.key === "/") {
      var search = document.getElementById("id_q");
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    if (!items.length || (event.key !== "j" && event.key !== "k")) return;
    var index = items.indexOf(document.activeElement);
    if (event.key === "j") index = index < 0 ? 0 : Math.min(items.length - 1, index + 1);
    else index = index < 0 ? 0 : Math.max(0, index - 1);
    event.preventDefault();
    items[index].focus();
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("[data-canned-target]")) return;
    var option = select.options[select.selectedIndex];
    var box = document.getElementById(select.getAttribute("data-canned-target"));
    if (box && option && option.getAttribute("data-body")) {
      box.value = option.getAttribute("data-body");
      box.focus();
    }
  });
})();
