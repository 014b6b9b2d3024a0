// Check-in without page reloads: search as you type, tap to check in, counts kept fresh.
// Every control is a plain form, so the page works the same without this script.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root || !window.fetch || !window.DOMParser) return;
  var REGIONS = ["checkin-live", "checkin-results"];
  var search = root.querySelector("form[role=search]");
  var input = search && search.querySelector("input[name=q]");
  var pending = null;
  var timer = null;

  // Fetch a page of the same kind and put its live regions in place of ours.
  function load(url, options, focusId) {
    if (pending) pending.abort();
    pending = new AbortController();
    var request = Object.assign({ signal: pending.signal, credentials: "same-origin" }, options);
    return fetch(url, request)
      .then(function (response) {
        if (!response.ok && response.status !== 400) throw new Error(response.status);
        return response.text().then(function (html) { return { html: html, url: response.url }; });
      })
      .then(function (page) {
        var doc = new DOMParser().parseFromString(page.html, "text/html");
        REGIONS.forEach(function (id) {
          var fresh = doc.getElementById(id);
          var current = document.getElementById(id);
          if (fresh && current) current.replaceWith(fresh);
        });
        if (focusId) {
          var button = document.querySelector("#" + focusId + " button");
          if (button) button.focus();
        }
        pending = null;
      })
      .catch(function (error) {
        pending = null;
        // An aborted request was replaced by a newer one; anything else: do it the plain way.
        if (error.name !== "AbortError" && options && options.method === "POST") {
          window.location.reload();
        }
      });
  }

  if (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = search.getAttribute("action") + (input.value ? "?q=" + encodeURIComponent(input.value) : "");
        history.replaceState(null, "", url);
        load(url, { method: "GET" });
      }, 200);
    });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-live")) return;
    event.preventDefault();
    var body = new FormData(form);
    if (event.submitter && event.submitter.name) body.set(event.submitter.name, event.submitter.value);
    var entry = form.closest("[id^=entry-]");
    // getAttribute: the buttons named "action" hide the form's own action property.
    load(form.getAttribute("action"), { method: "POST", body: body }, entry && entry.id);
  });

  // Others check people in at the same time: refresh the counts and list now and then.
  setInterval(function () {
    if (document.hidden || pending || document.activeElement === input) return;
    load(window.location.href, { method: "GET" });
  }, 15000);
})();
