/* 「時間帯を追加」 on the service form: one more empty range row from the formset's empty form
(progressive enhancement: without JavaScript the form always ends with one empty row, and saving
then opening the form again gives another). */
(function () {
  "use strict";
  var button = document.getElementById("add-schedule");
  var template = document.getElementById("schedule-template");
  var total = document.getElementById("id_schedules-TOTAL_FORMS");
  if (!button || !template || !total) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1));
    button.insertAdjacentHTML("beforebegin", html);
    total.value = String(index + 1);
    var first = button.previousElementSibling.querySelector("input[type=checkbox]");
    if (first) { first.focus(); }
  });
}());
