/*
 * Turnout embed: live registration status on another website.
 *
 *   <p data-turnout-event="https://events.example.org/events/my-event/">
 *     <a href="https://events.example.org/events/my-event/">Details and registration</a>
 *   </p>
 *   <script src="https://events.example.org/static/embed.js" defer></script>
 *
 * Without JavaScript the link stays as it is. With it, the paragraph also says how many
 * places are left (or that the event is full, closed...) and links straight to the form.
 * The words come from Turnout's status.json, in Turnout's language, so this file holds none.
 */
(function () {
  "use strict";

  function statusUrl(eventUrl) {
    var url = new URL(eventUrl, document.baseURI);
    if (!url.pathname.endsWith("/")) {
      url.pathname += "/";
    }
    return new URL("status.json", url).href;
  }

  function render(container, status) {
    var label = document.createElement("span");
    label.className = "turnout-status-label";
    label.setAttribute("data-registration", status.registration);
    label.textContent = status.label;
    container.insertBefore(document.createTextNode(" "), container.firstChild);
    container.insertBefore(label, container.firstChild);
    if (status.register_url) {
      var action = document.createElement("a");
      action.className = "turnout-register";
      action.href = status.register_url;
      action.textContent = status.register_text;
      container.appendChild(document.createTextNode(" "));
      container.appendChild(action);
    }
  }

  function load(container) {
    var eventUrl = container.getAttribute("data-turnout-event");
    if (!eventUrl || container.hasAttribute("data-turnout-loaded")) {
      return;
    }
    container.setAttribute("data-turnout-loaded", "");
    // No cookies: the status is public, and the website is another origin.
    fetch(statusUrl(eventUrl), { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        render(container, status);
      })
      .catch(function () {
        // The plain link still works: nothing to show, nothing to break.
      });
  }

  function start() {
    var containers = document.querySelectorAll("[data-turnout-event]");
    Array.prototype.forEach.call(containers, load);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
