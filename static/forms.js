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

// "None of these" in a group of checkboxes: ticking it unticks the others, and ticking
// another unticks it. The server refuses both together anyway.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[type=checkbox][data-exclusive]") || !box.checked) {
    return;
  }
  var none = box.value === box.dataset.exclusive;
  var group = box.form.querySelectorAll("input[type=checkbox][data-exclusive]");
  Array.prototype.forEach.call(group, function (other) {
    if (other.name === box.name && other !== box && (none || other.value === other.dataset.exclusive)) {
      other.checked = false;
    }
  });
});
