// Adds the visitor's own time beside an event's time when their timezone differs from the
// event's. The page says everything without it: this only saves a conversion.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var language = document.documentElement.lang || undefined;
  function written(date, zone, withDate, withZone) {
    var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone };
    if (withZone) options.timeZoneName = "short";
    if (withDate) {
      options.weekday = "long";
      options.day = "numeric";
      options.month = "long";
    }
    return new Intl.DateTimeFormat(language, options).format(date);
  }
  document.querySelectorAll("[data-local-time]").forEach(function (element) {
    var starts = new Date(element.getAttribute("data-starts"));
    var ends = new Date(element.getAttribute("data-ends"));
    var zone = element.getAttribute("data-zone");
    if (isNaN(starts) || isNaN(ends) || !visitorZone) return;
    // Another zone with the same clock (Paris for Madrid) needs no conversion.
    if (written(starts, zone, true, false) === written(starts, visitorZone, true, false) &&
        written(ends, zone, true, false) === written(ends, visitorZone, true, false)) return;
    element.textContent = element.getAttribute("data-label") + " " +
      written(starts, visitorZone, true, false) + " – " + written(ends, visitorZone, false, true);
    element.hidden = false;
  });
})();
