// Progressive help for the public forms; each works without it.
(function () {
  "use strict";
  // The error summary is focused by its autofocus attribute; where a browser ignored it
  // (a restored page, an older browser), it is focused here so it is read first.
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
})();
