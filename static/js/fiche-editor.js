/*
 * Fiche editor: autosave about 1.5 s after typing stops (static/js/autosave.js, loaded before), a local copy in
 * localStorage as a last resort, conflict reporting, and the live list of empty rubrics. Without this file the
 * « Enregistrer » button does everything.
 */
(function () {
  "use strict";

  var DELAY_MS = 1500;
  var form = document.getElementById("fiche-editor");
  if (!form || !window.Autosave) {
    return;
  }
  var status = document.getElementById("fiche-save-status");
  var baseInput = form.elements.base_version;
  var prefix = "fiche-" + form.dataset.ficheId + "-v";

  function textFields() {
    return Array.prototype.slice.call(form.querySelectorAll("textarea, input[type=text]"));
  }

  function fieldValues() {
    var values = {};
    textFields().forEach(function (el) { values[el.name] = el.value; });
    return values;
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function saveLocalCopy() {
    var store = storage();
    if (!store) { return; }
    try {
      store.setItem(prefix + baseInput.value, JSON.stringify({ at: Date.now(), fields: fieldValues() }));
    } catch (e) { /* full or forbidden: the server copy is what matters */ }
  }

  function localKeys() {
    var store = storage();
    var keys = [];
    if (!store) { return keys; }
    for (var i = 0; i < store.length; i += 1) {
      if (store.key(i).indexOf(prefix) === 0) { keys.push(store.key(i)); }
    }
    return keys;
  }

  function removeLocal(keys) {
    var store = storage();
    if (store) { keys.forEach(function (key) { store.removeItem(key); }); }
  }

  // Routine states (« Enregistrement… », « Enregistré à … ») change silently: announced after every pause in
  // typing, they would interrupt a screen-reader user all the time. Errors and conflicts are announced.
  function setStatus(text, kind) {
    status.setAttribute("aria-live", kind === "error" ? "assertive" : "off");
    status.textContent = text;
    status.classList.toggle("is-error", kind === "error");
    status.classList.toggle("is-ok", kind === "ok");
  }

  function appendLink(href, text) {
    var link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    status.appendChild(document.createTextNode(" "));
    status.appendChild(link);
  }

  function showConflict(data) {
    setStatus(data.message + " L'enregistrement automatique est arrêté.", "error");
    appendLink(window.location.pathname, "Recharger la page");
    if (data.conflict_url) { appendLink(data.conflict_url, "Voir ma copie de conflit"); }
  }

  var autosave = window.Autosave(form, {
    url: form.dataset.autosaveUrl,
    delay: DELAY_MS,
    status: setStatus,
    keptMessage: "Votre texte est gardé sur cet appareil : cliquez sur « Enregistrer ».",
    offlineMessage: "Enregistrement automatique impossible (connexion ?). Votre texte est gardé sur cet appareil : " +
      "cliquez sur « Enregistrer » dès que possible.",
    beforeSend: function () { return baseInput.value; },
    onSaved: function (data, sentBase) {
      removeLocal([prefix + sentBase]);
      baseInput.value = String(data.version);
      document.body.dispatchEvent(new CustomEvent("fiche-saved", { bubbles: true }));
      if (autosave.dirty()) { saveLocalCopy(); }
    },
    onConflict: showConflict,
  });

  function updateEmptyList(field) {
    var item = document.querySelector('[data-empty-for="' + field.id + '"]');
    if (!item) { return; }
    item.hidden = field.value.trim() !== "";
    var left = document.querySelectorAll("[data-empty-for]:not([hidden])").length;
    var some = document.querySelector("[data-empty-some]");
    var none = document.querySelector("[data-empty-none]");
    if (some) {
      some.hidden = left === 0;
      some.textContent = left + (left > 1 ? " rubriques" : " rubrique") +
        " à renseigner : chaque rubrique de la fiche officielle doit être remplie.";
    }
    if (none) { none.hidden = left !== 0; }
  }

  function onInput(event) {
    saveLocalCopy();
    if (event.target.id) { updateEmptyList(event.target); }
    autosave.changed();
  }

  function offerLocalCopy() {
    if (form.dataset.conflictBase) {
      // The refused text is on this page and stored on the server as a conflict copy: no second offer.
      removeLocal([prefix + form.dataset.conflictBase]);
    }
    var banner = document.getElementById("fiche-local-copy");
    var newest = null;
    var keys = localKeys();
    keys.forEach(function (key) {
      var copy;
      try { copy = JSON.parse(window.localStorage.getItem(key)); } catch (e) { copy = null; }
      if (copy && copy.fields && (!newest || copy.at > newest.at)) { newest = copy; }
    });
    var differs = newest && Object.keys(newest.fields).some(function (name) {
      return form.elements[name] && form.elements[name].value !== newest.fields[name];
    });
    if (!differs) { removeLocal(keys); return; }
    banner.hidden = false;
    banner.querySelector("[data-local-restore]").addEventListener("click", function () {
      Object.keys(newest.fields).forEach(function (name) {
        var el = form.elements[name];
        if (el && el.value !== newest.fields[name]) {
          el.value = newest.fields[name];
          el.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
      removeLocal(keys);
      banner.hidden = true;
    });
    banner.querySelector("[data-local-discard]").addEventListener("click", function () {
      removeLocal(keys);
      banner.hidden = true;
    });
  }

  function enableRestoreButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-restore-from]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.restoreFrom);
        var target = document.getElementById(button.dataset.restoreTo);
        if (!source || !target) { return; }
        target.value = source.textContent;
        target.dispatchEvent(new Event("input", { bubbles: true }));
        target.focus();
      });
    });
  }

  form.addEventListener("input", onInput);
  form.addEventListener("submit", function () {
    autosave.stop();  // the page is being replaced by the server's answer
  });
  enableRestoreButtons();
  offerLocalCopy();
}());
