/*
 * One autosave for the site's editors (the fiche editor, the jury's notes): the whole form is posted as FormData a
 * moment after typing stops, one request at a time, and the answer is reported through callbacks. The server answers
 * JSON: {status: "saved", version, saved_at_display}, 409 with {message, …} on a conflict, or an error {message}.
 * Without this file (or without JavaScript) the form posts normally: this only enhances it.
 *
 *   var autosave = window.Autosave(form, {
 *     url: "…",                        // where to post (the form's action by default)
 *     delay: 1500,                     // ms after the last change
 *     status: function (text, kind) {},  // kind: undefined, "ok" or "error"
 *     keptMessage: "…",                // appended to a refused save's message: where the text is kept
 *     offlineMessage: "…",             // said when the request did not reach the server
 *     beforeSend: function () {},      // optional: its result is given back to onSaved
 *     onSaved: function (data, sent) {},
 *     onConflict: function (data) {},  // autosave stops until resume()
 *   });
 *   autosave.changed(); autosave.saveNow(); autosave.stop(); autosave.resume(); autosave.busy();
 */
(function () {
  "use strict";

  function Autosave(form, options) {
    var delay = options.delay || 1000;
    var url = options.url || form.action;
    var timer = null;
    var inFlight = false;
    var dirty = false;
    var stopped = false;

    function schedule(wait) {
      if (timer) { window.clearTimeout(timer); }
      timer = null;
      if (!stopped) { timer = window.setTimeout(send, wait === undefined ? delay : wait); }
    }

    function failed(text) {
      dirty = true;
      options.status(text, "error");
    }

    function answered(response, data, sent) {
      if (response.ok && data.status === "saved") {
        options.status("Enregistré à " + data.saved_at_display + ".", "ok");
        if (options.onSaved) { options.onSaved(data, sent); }
        if (dirty) { schedule(); }
      } else if (response.status === 409) {
        stopped = true;
        options.onConflict(data);
      } else {
        failed((data.message || "Échec de l'enregistrement automatique.") + " " + options.keptMessage);
      }
    }

    function send() {
      timer = null;
      if (stopped) { return; }
      if (inFlight) { schedule(); return; }
      inFlight = true;
      dirty = false;
      var sent = options.beforeSend ? options.beforeSend() : undefined;
      var body = new FormData(form);
      options.status("Enregistrement…");
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          answered(response, data, sent);
        });
      }).catch(function () {
        failed(options.offlineMessage);
      }).then(function () {
        inFlight = false;
      });
    }

    return {
      /* The text changed: say so, and save after the pause. */
      changed: function () {
        dirty = true;
        if (!stopped) {
          options.status("Modifications non enregistrées…");
          schedule();
        }
      },
      saveNow: function () { schedule(0); },
      /* No more saves (the page is being replaced, or a conflict waits for the user). */
      stop: function () {
        stopped = true;
        if (timer) { window.clearTimeout(timer); timer = null; }
      },
      /* After a conflict the user chose their text: it is to be saved again. */
      resume: function () {
        stopped = false;
        dirty = true;
      },
      stopped: function () { return stopped; },
      dirty: function () { return dirty; },
      /* Something typed is not saved yet, or a save is on its way. */
      busy: function () { return dirty || inFlight; },
    };
  }

  window.Autosave = Autosave;
}());
