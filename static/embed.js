/*
 * Turnout embed: live registration status on another website.
 *
 *   <p data-turnout-event="https://events.example.org/events/my-event/">
 *     <a href="https://events.example.org/events/my-event/">Details and registration</a>
 *   </p>
 *   <script src="https://events.example.org/static/embed.js" defer></script>
 *
 * Without JavaScript the link stays as it is. With it, the paragraph also says how many
 * places are left (or that the event is full, closed...) and, while people can sign up,
 * links straight to the form. The words below are the English defaults; the page that
 * embeds the status can give its own, in its own language, as data-turnout-text-<key>
 * attributes (for example data-turnout-text-places-left="{places} plazas libres"). A hybrid
 * event's status gives the places in person and online, each in its own words
 * (data-turnout-text-in-person="Presencial: {status}", data-turnout-text-online=…).
 */
(function () {
  "use strict";

  var TEXTS = {
    "places-left": "{places} places left",
    "place-left": "1 place left",
    "open": "Registration open",
    "waitlist": "Full – waiting list open",
    "full": "Full",
    "closed": "Registration closed",
    "not-yet-open": "Registration not open yet",
    "cancelled": "Cancelled",
    "external": "Registration elsewhere",
    "register": "Register",
    "join-waitlist": "Join the waiting list",
    "in-person": "In person: {status}",
    "online": "Online: {status}"
  };

  // A hybrid event's places: in person and online, each with its own state.
  var MODES = [["in_person", "in-person"], ["online", "online"]];

  function text(container, key) {
    return container.getAttribute("data-turnout-text-" + key) || TEXTS[key];
  }

  function eventUrl(container) {
    var url = new URL(container.getAttribute("data-turnout-event"), document.baseURI);
    if (!url.pathname.endsWith("/")) {
      url.pathname += "/";
    }
    return url;
  }

  function stateLabel(container, registration, placesLeft) {
    if (registration === "open" && placesLeft !== null) {
      if (placesLeft === 1) {
        return text(container, "place-left");
      }
      return text(container, "places-left").replace("{places}", placesLeft);
    }
    return text(container, registration.replace(/_/g, "-")) || text(container, "closed");
  }

  function label(container, status) {
    if (status.modes && ["open", "waitlist", "full"].indexOf(status.registration) !== -1) {
      return MODES.map(function (mode) {
        var own = status.modes[mode[0]];
        var state = stateLabel(container, own.registration, own.places_left);
        return text(container, mode[1]).replace("{status}", state);
      }).join(" · ");
    }
    return stateLabel(container, status.registration, status.places_left);
  }

  function render(container, status) {
    var state = document.createElement("span");
    state.className = "turnout-status";
    state.setAttribute("data-registration", status.registration);
    state.textContent = label(container, status);
    container.insertBefore(document.createTextNode(" "), container.firstChild);
    container.insertBefore(state, container.firstChild);

    var action = { open: "register", waitlist: "join-waitlist" }[status.registration];
    if (action) {
      var link = document.createElement("a");
      link.className = "turnout-register";
      link.href = new URL("register/", eventUrl(container)).href;
      link.textContent = text(container, action);
      container.appendChild(document.createTextNode(" "));
      container.appendChild(link);
    }
  }

  function load(container) {
    if (container.hasAttribute("data-turnout-loaded")) {
      return;
    }
    container.setAttribute("data-turnout-loaded", "");
    // No cookies: the status is public, and the website is another origin.
    fetch(new URL("status.json", eventUrl(container)).href, {
      credentials: "omit",
      headers: { Accept: "application/json" }
    })
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
