// Suggestions as a name is typed: every search box with data-suggest="URL" fills its
// <datalist> from URL?q=... (JSON: [{label, href, iri, matched}]); picking a suggestion
// opens its page.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null, last = "", pages = {};
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (pages[text]) { window.location.href = pages[text]; return; }
      clearTimeout(timer);
      if (text.length < 2 || text === last) { return; }
      timer = setTimeout(function () {
        last = text;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), {headers: {Accept: "application/json"}})
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (found) {
            list.textContent = "";
            pages = {};
            found.forEach(function (s) {
              var option = document.createElement("option");
              option.value = s.label;
              if (s.matched !== s.label) { option.label = s.matched; }
              pages[s.label] = s.href;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 120);
    });
  }
  document.querySelectorAll("input[data-suggest][list]").forEach(attach);
}());
