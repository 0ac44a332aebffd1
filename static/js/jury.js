/*
 * The jury's day view: a countdown timer set to the passage's duration, and the member's notes saved about one second
 * after typing stops (static/js/autosave.js, loaded before). Without this file the page shows the duration and the
 * planned end as text, and the notes form posts normally.
 */
(function () {
  "use strict";

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function formatSeconds(total) {
    var seconds = Math.max(0, Math.ceil(total));
    return pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60);
  }

  // --- Timer ------------------------------------------------------------------------------------------------------

  function setUpTimer(root) {
    var duration = parseInt(root.dataset.durationSeconds, 10);
    if (!(duration > 0)) { return; }
    var live = root.querySelector("[data-timer-live]");
    var display = root.querySelector("[data-timer-display]");
    var announce = root.querySelector("[data-timer-announce]");
    var startButton = root.querySelector("[data-timer-start]");
    var pauseButton = root.querySelector("[data-timer-pause]");
    var resetButton = root.querySelector("[data-timer-reset]");
    var elapsedBefore = 0;  // seconds counted before the current run
    var startedAt = null;   // Date.now() of the current run, null when paused
    var ticker = null;
    var warned = false;
    var ended = false;

    function elapsed() {
      return elapsedBefore + (startedAt === null ? 0 : (Date.now() - startedAt) / 1000);
    }

    function say(text) {
      announce.textContent = text;
    }

    function render() {
      var remaining = duration - elapsed();
      display.textContent = formatSeconds(remaining);
      root.classList.toggle("is-warning", remaining <= 300 && remaining > 0);
      root.classList.toggle("is-over", remaining <= 0);
      if (!warned && duration > 300 && remaining <= 300 && remaining > 0) {
        warned = true;
        say("5 minutes restantes");
      }
      if (!ended && remaining <= 0) {
        ended = true;
        say("Temps écoulé");
        pause();
      }
    }

    function start() {
      if (startedAt !== null || ended) { return; }
      startedAt = Date.now();
      ticker = window.setInterval(render, 250);
      startButton.disabled = true;
      pauseButton.disabled = false;
      startButton.textContent = "Reprendre";
      render();
    }

    function pause() {
      if (startedAt === null) { return; }
      elapsedBefore = elapsed();
      startedAt = null;
      window.clearInterval(ticker);
      ticker = null;
      startButton.disabled = ended;
      pauseButton.disabled = true;
    }

    function reset() {
      pause();
      elapsedBefore = 0;
      warned = false;
      ended = false;
      startButton.disabled = false;
      startButton.textContent = "Démarrer";
      say("");
      render();
    }

    startButton.addEventListener("click", start);
    pauseButton.addEventListener("click", pause);
    resetButton.addEventListener("click", reset);
    live.hidden = false;
    render();
  }

  // --- Notes ------------------------------------------------------------------------------------------------------

  var DELAY_MS = 1000;

  function setUpNotes(form) {
    var textarea = form.elements.text;
    var version = form.elements.version;
    var status = document.getElementById("jury-notes-status");
    var conflictBox = document.getElementById("jury-notes-conflict");

    function setStatus(text, kind) {
      status.textContent = text;
      status.classList.toggle("is-error", kind === "error");
      status.classList.toggle("is-ok", kind === "ok");
    }

    var autosave = window.Autosave(form, {
      delay: DELAY_MS,
      status: setStatus,
      keptMessage: "Votre texte reste affiché : réessayez avec « Enregistrer mes notes ».",
      offlineMessage: "Enregistrement automatique impossible (connexion ?). Votre texte reste affiché : " +
        "réessayez avec « Enregistrer mes notes ».",
      onSaved: function (data) { version.value = String(data.version); },
      onConflict: function (data) {
        setStatus(data.message || "Conflit : vos notes ont été enregistrées ailleurs. Votre texte est gardé ici.",
          "error");
        conflictBox.querySelector("[data-conflict-text]").textContent = data.text || "(vide)";
        conflictBox.dataset.version = String(data.version);
        conflictBox.hidden = false;
      },
    });

    textarea.addEventListener("input", autosave.changed);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!autosave.stopped()) { autosave.saveNow(); }
    });

    conflictBox.querySelector("[data-conflict-keep]").addEventListener("click", function () {
      // The member read the stored text and keeps theirs: save it on top of the stored version.
      version.value = conflictBox.dataset.version;
      conflictBox.hidden = true;
      autosave.resume();
      textarea.focus();
      autosave.saveNow();
    });

    window.addEventListener("beforeunload", function (event) {
      if (autosave.busy()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-timer]"), setUpTimer);
    var form = document.getElementById("jury-notes-form");
    if (form && form.hasAttribute("data-autosave") && window.Autosave) { setUpNotes(form); }
  });
})();
