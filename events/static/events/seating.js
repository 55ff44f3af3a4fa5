// Drag a participant to another table on the seating page. Progressive enhancement: every row
// keeps its own form (table number + 移動), which works without this script; the script sends
// the same form fields and asks for JSON, and the server decides (a full table is refused).
(function () {
  "use strict";
  var board = document.querySelector("[data-seating]");
  if (!board) return;
  var status = document.getElementById("seating-status");
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenInput ? tokenInput.value : "";

  function say(text, error) {
    status.textContent = text;
    status.classList.toggle("is-error", !!error);
  }

  function recount() {
    board.querySelectorAll("[data-table]").forEach(function (card) {
      var count = card.querySelectorAll("[data-registration]").length;
      card.querySelector("[data-count]").textContent = String(count);
      card.classList.toggle("seat-table-empty", count === 0);
    });
  }

  board.querySelectorAll("[data-registration]").forEach(function (seat) {
    seat.setAttribute("draggable", "true");
    seat.addEventListener("dragstart", function (event) {
      event.dataTransfer.setData("text/plain", seat.dataset.registration);
      event.dataTransfer.effectAllowed = "move";
      seat.classList.add("dragging");
    });
    seat.addEventListener("dragend", function () {
      seat.classList.remove("dragging");
    });
  });

  board.querySelectorAll("[data-table]").forEach(function (card) {
    card.addEventListener("dragover", function (event) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      card.classList.add("drop-target");
    });
    card.addEventListener("dragleave", function () {
      card.classList.remove("drop-target");
    });
    card.addEventListener("drop", function (event) {
      event.preventDefault();
      card.classList.remove("drop-target");
      var uuid = event.dataTransfer.getData("text/plain");
      var seat = board.querySelector('[data-registration="' + uuid + '"]');
      if (!seat || seat.closest("[data-table]") === card) return;
      var table = card.dataset.table === "0" ? "" : card.dataset.table;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token);
      body.append("action", "move");
      body.append("registration", uuid);
      body.append("table", table);
      say("…", false);
      fetch(board.dataset.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (result) {
          if (!result.ok) {
            say(result.data.error || "移動できませんでした。", true);
            return;
          }
          card.querySelector(".seat-list").appendChild(seat);
          var note = card.querySelector(".seat-empty-note");
          if (note) note.remove();
          seat.querySelector("input[name=table]").value = table;
          recount();
          say(result.data.message, false);
        })
        .catch(function () {
          say("通信できませんでした。ページを読み込み直して、番号を入れて「移動」を押してください。", true);
        });
    });
  });
})();
