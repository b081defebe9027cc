/* The query editor: YASGUI over this endpoint, with the graph's prefixes and examples. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("sparql-config").textContent);
  var YasguiClass = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  var byName = {};
  config.examples.forEach(function (example) { byName[example.name] = example; });

  var yasgui = new YasguiClass(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: config.endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
    },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: true,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; },
    },
    yasqe: {
      autocompleters: ["prefixes", "variables"],
      showQueryButton: true,
    },
    yasr: { defaultPlugin: "table" },
  });

  var tab = yasgui.getTab();
  tab.setEndpoint(config.endpoint);
  tab.setQuery(config.query || config.defaultQuery);

  var select = document.getElementById("examples");
  var description = document.getElementById("example-description");
  select.addEventListener("change", function () {
    var example = byName[select.value];
    if (!example) { description.textContent = ""; return; }
    description.textContent = example.description;
    yasgui.getTab().setQuery(example.query);
  });

  var share = document.getElementById("share-link");
  var anchor = document.getElementById("share-anchor");
  share.addEventListener("click", function () {
    var query = yasgui.getTab().getQuery();
    var url = new URL(window.location.pathname, window.location.origin);
    url.searchParams.set("query", query);
    anchor.href = url.toString();
    anchor.textContent = url.toString();
    anchor.hidden = false;
    if (navigator.clipboard) { navigator.clipboard.writeText(url.toString()).catch(function () {}); }
  });
  window.thbYasgui = yasgui;
})();
