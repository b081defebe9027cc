/* The query editor: YASGUI over this endpoint, with the graph's prefixes and examples. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("sparql-config").textContent);
  var YasguiClass = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  var byName = {};
  config.examples.forEach(function (example) { byName[example.name] = example; });

  readableCells(YasguiClass, config);
  registerChart(YasguiClass, config);

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

  var select = document.getElementById("examples");
  var description = document.getElementById("example-description");
  var tab = yasgui.getTab();
  tab.setEndpoint(config.endpoint);
  var asked = new URLSearchParams(window.location.search).get("example");
  var fromExample = asked && byName[asked] ? byName[asked].query : null;
  tab.setQuery(config.query || fromExample || config.defaultQuery);
  labelControls(document.getElementById("yasgui"));
  watchYasguiWords(document.getElementById("yasgui"), yasguiTranslator(config.yasgui || {}));
  tab.getYasr().on("drawn", function () {
    labelControls(document.getElementById("yasgui"));
    nameLinks(document.getElementById("yasgui"), config);
  });
  tab.getYasqe().on("queryBefore", function () { showError(null); });
  tab.getYasqe().on("queryResponse", function () {
    for (var i = 0; i < arguments.length; i++) {
      var a = arguments[i];
      if (a instanceof Error) { showError(a.message); return; }
      if (a && typeof a === "object" && a.status >= 400) { showError(a.content || a.statusText); return; }
    }
    showError(null);
  });
  if (asked && fromExample) {
    select.value = asked;
    description.textContent = byName[asked].description;
    description.lang = byName[asked].descriptionLang || "en";
  }

  select.addEventListener("change", function () {
    var example = byName[select.value];
    if (!example) { description.textContent = ""; return; }
    description.textContent = example.description;
    description.lang = example.descriptionLang || "en";
    yasgui.getTab().setQuery(example.query);
  });

  var share = document.getElementById("share-link");
  var anchor = document.getElementById("share-anchor");
  /* An example is linked by its name; any other query gets a short link kept by the server
     (POST /q), or the long link holding the whole query if the server cannot keep it. */
  share.addEventListener("click", function () {
    var query = yasgui.getTab().getQuery();
    var same = Object.keys(byName).filter(function (k) { return byName[k].query === query; });
    var url = new URL(window.location.pathname, window.location.origin);
    if (same.length) {
      url.searchParams.set("example", same[0]);
      showLink(url);
      return;
    }
    var body = new URLSearchParams();
    body.set("query", query);
    fetch(config.root + "/q", { method: "POST", body: body, headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok || !answer.link) { throw new Error(answer.error || response.statusText); }
          showLink(new URL(answer.link, window.location.origin));
        });
      })
      .catch(function () {
        url.searchParams.set("query", query);
        showLink(url);
      });
  });
  function showLink(url) {
    if (config.lang && config.lang !== "en") { url.searchParams.set("lang", config.lang); }
    anchor.href = url.toString();
    anchor.textContent = url.toString();
    anchor.hidden = false;
    if (navigator.clipboard) { navigator.clipboard.writeText(url.toString()).catch(function () {}); }
  }
  window.thbYasgui = yasgui;

  /* Result cells: an IRI as a compact name linking to its page here (names filled in after
     drawing), a literal as its plain value with its language, never "..."^^<datatype>. */
  function readableCells(Yasgui, cfg) {
    var Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
    if (!Table) { return; }
    Table.prototype.getCellContent = function (binding) {
      var span = document.createElement("span");
      if (binding.type === "uri") {
        var link = document.createElement("a");
        link.className = "iri";
        link.href = localHref(binding.value, cfg);
        link.setAttribute("data-iri", binding.value);
        link.textContent = compact(binding.value, cfg.prefixes);
        link.title = binding.value;
        span.appendChild(link);
      } else {
        span.className = "nonIri";
        span.textContent = binding.value;
        if (binding["xml:lang"] && binding["xml:lang"] !== cfg.lang) {
          var tag = document.createElement("span");
          tag.className = "lang-tag";
          tag.textContent = binding["xml:lang"];
          span.appendChild(document.createTextNode(" "));
          span.appendChild(tag);
        }
      }
      return "<div>" + span.outerHTML + "</div>";
    };
  }

  /* A chart of the results: one bar per row for the first numeric column, named by the first
     other column; offered only when every row has a number there (at most 200 rows). Bars are
     sized in per cent with their value written beside them, so a phone shows them all. */
  function registerChart(Yasgui, cfg) {
    var Yasr = Yasgui.Yasr;
    if (!Yasr || !Yasr.registerPlugin) { return; }
    var NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;
    function columns(yasr) {
      var results = yasr.results;
      if (!results || !results.getVariables || !results.getBindings) { return null; }
      var vars = results.getVariables() || [];
      var rows = results.getBindings() || [];
      if (!rows.length || rows.length > 200) { return null; }
      var value = vars.filter(function (v) {
        return rows.every(function (r) {
          return r[v] && r[v].type !== "uri" && NUMERIC.test(r[v].datatype || "") && isFinite(Number(r[v].value));
        });
      })[0];
      if (!value) { return null; }
      var name = vars.filter(function (v) { return v !== value; })[0] || null;
      return { value: value, name: name, rows: rows };
    }
    function Chart(yasr) { this.yasr = yasr; this.priority = 5; this.label = cfg_t("chart"); }
    Chart.prototype.canHandleResults = function () { return columns(this.yasr) !== null; };
    Chart.prototype.getIcon = function () {
      var icon = document.createElement("span");
      icon.className = "chart-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "\u2587";
      return icon;
    };
    Chart.prototype.draw = function () {
      var found = columns(this.yasr);
      if (!found) { return; }
      var max = 0;
      found.rows.forEach(function (r) { max = Math.max(max, Math.abs(Number(r[found.value].value))); });
      var figure = document.createElement("figure");
      figure.className = "result-chart";
      var caption = document.createElement("figcaption");
      caption.textContent = "?" + found.value + (found.name ? " / ?" + found.name : "");
      figure.appendChild(caption);
      var list = document.createElement("ol");
      found.rows.forEach(function (r, i) {
        var item = document.createElement("li");
        var label = document.createElement("span");
        label.className = "chart-label";
        var cell = found.name ? r[found.name] : null;
        if (cell && cell.type === "uri") {
          var link = document.createElement("a");
          link.className = "iri";
          link.href = localHref(cell.value, cfg);
          link.setAttribute("data-iri", cell.value);
          link.textContent = compact(cell.value, cfg.prefixes);
          label.appendChild(link);
        } else {
          label.textContent = cell ? cell.value : String(i + 1);
        }
        var number = Number(r[found.value].value);
        var bar = document.createElement("span");
        bar.className = "chart-bar";
        bar.style.width = (max ? (Math.abs(number) / max) * 100 : 0) + "%";
        var shown = document.createElement("span");
        shown.className = "chart-value";
        shown.textContent = number.toLocaleString(cfg.lang || "en");
        var track = document.createElement("span");
        track.className = "chart-track";
        track.appendChild(bar);
        item.appendChild(label);
        item.appendChild(track);
        item.appendChild(shown);
        list.appendChild(item);
      });
      figure.appendChild(list);
      this.yasr.resultsEl.appendChild(figure);
    };
    Yasr.registerPlugin("chart", Chart);
  }

  function compact(iri, prefixes) {
    var best = null;
    Object.keys(prefixes || {}).forEach(function (p) {
      var ns = prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > prefixes[best].length)) { best = p; }
    });
    return best ? best + ":" + iri.substring(prefixes[best].length) : iri;
  }

  function localHref(iri, cfg) {
    if (cfg.base && iri.indexOf(cfg.base) === 0) {
      return cfg.root + "/" + iri.substring(cfg.base.length) + (cfg.lang !== "en" ? "?lang=" + cfg.lang : "");
    }
    return cfg.root + "/resource?iri=" + encodeURIComponent(iri);
  }

  /* Replace compact names by labels (one query for every IRI shown). */
  function nameLinks(root, cfg) {
    var links = root.querySelectorAll(".yasr a.iri[data-iri]");
    var iris = [];
    links.forEach(function (a) {
      var iri = a.getAttribute("data-iri");
      if (iris.indexOf(iri) < 0 && iris.length < 400 && !/[<>"{}|\\^`\s]/.test(iri)) { iris.push(iri); }
    });
    if (!iris.length) { return; }
    var query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" +
      "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" +
      "SELECT ?s ?l WHERE { VALUES ?s { " + iris.map(function (i) { return "<" + i + ">"; }).join(" ") +
      " } { ?s skos:prefLabel ?l } UNION { ?s rdfs:label ?l } FILTER(lang(?l) = \"" + cfg.lang +
      "\" || lang(?l) = \"en\" || lang(?l) = \"\") }";
    fetch(cfg.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(query),
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) { return; }
      var names = {};
      data.results.bindings.forEach(function (b) {
        var lang = b.l["xml:lang"] || "";
        var rank = lang === cfg.lang ? 0 : lang === "en" ? 1 : 2;
        var held = names[b.s.value];
        if (!held || rank < held.rank) { names[b.s.value] = { text: b.l.value, rank: rank }; }
      });
      links.forEach(function (a) {
        var found = names[a.getAttribute("data-iri")];
        if (found) { a.textContent = found.text; }
      });
    }).catch(function () {});
  }

  /* Give YASGUI's own controls the names assistive technology needs. */
  function labelControls(root) {
    var named = [
      [".tableSizer", cfg_t("rows_per_page")], ["input.autocomplete", cfg_t("endpoint")],
      [".CodeMirror textarea", cfg_t("query")], [".tableFilter", cfg_t("filter")],
    ];
    named.forEach(function (pair) {
      root.querySelectorAll(pair[0]).forEach(function (el) {
        if (!el.getAttribute("aria-label")) { el.setAttribute("aria-label", pair[1]); }
      });
    });
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (el) { el.setAttribute("tabindex", "0"); });
    root.querySelectorAll("th .dt-column-title:empty").forEach(function (el) { el.textContent = "#"; });
    /* On a phone the rows reflow to cards: each cell carries its column's name. */
    root.querySelectorAll(".yasr table.dataTable").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (names[i]) { td.setAttribute("data-label", names[i]); }
        });
      });
    });
  }

  /* YASGUI writes its own words in English: put them in the page's language. ``words`` maps
     each English text (``{name}`` where it varies) to its translation; text nodes, titles and
     ARIA labels that match are replaced. Nothing to do in English. */
  function yasguiTranslator(words) {
    var rules = Object.keys(words).map(function (english) {
      var names = [];
      var pattern = english.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, function (_, name) {
        names.push(name);
        return "(.+?)";
      });
      return { re: new RegExp("^\\s*" + pattern + "\\s*$"), names: names, to: words[english] };
    });
    function swap(text) {
      for (var i = 0; i < rules.length; i++) {
        var m = rules[i].re.exec(text);
        if (!m) { continue; }
        var out = rules[i].to;
        rules[i].names.forEach(function (name, j) {
          var part = m[j + 1];
          out = out.split("{" + name + "}").join(part === text ? part : swap(part) || part);
        });
        return out;
      }
      return null;
    }
    return function (root) {
      if (!rules.length || !root) { return; }
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      var node;
      while ((node = walker.nextNode())) {
        if (node.parentElement && node.parentElement.closest(".CodeMirror, tbody, .result-chart")) { continue; }
        var swapped = node.nodeValue.trim() ? swap(node.nodeValue) : null;
        if (swapped !== null) { node.nodeValue = swapped; }
      }
      root.querySelectorAll("[title], [aria-label]").forEach(function (el) {
        ["title", "aria-label"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          var swapped = value ? swap(value) : null;
          if (swapped !== null) { el.setAttribute(attr, swapped); }
        });
      });
    };
  }

  /* YASGUI sets some words after drawing (titles of buttons, sort labels): translate again
     whenever it changes something, once per frame. */
  function watchYasguiWords(root, translate) {
    if (!root || !window.MutationObserver || !Object.keys(config.yasgui || {}).length) { return; }
    translate(root);
    var pending = false;
    new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; translate(root); });
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true,
                       attributeFilter: ["title", "aria-label"] });
  }

  function cfg_t(key) { return (config.strings && config.strings[key]) || key; }

  /* A failed query: what is wrong and where, in words, with the line marked. */
  function showError(text) {
    var panel = document.getElementById("query-error");
    var yasqe = yasgui.getTab().getYasqe();
    if (panel.thbMarked !== undefined) { yasqe.removeLineClass(panel.thbMarked, "background", "error-line"); panel.thbMarked = undefined; }
    if (!text) { panel.hidden = true; document.body.classList.remove("has-query-error"); return; }
    var body = null;
    try { body = JSON.parse(text); } catch (e) { body = null; }
    var message = body && body.error ? body.error : String(text).slice(0, 500);
    panel.querySelector(".query-error-message").textContent = message;
    var where = panel.querySelector(".query-error-where");
    if (body && body.line) {
      where.textContent = cfg_t("at_line").replace("{line}", body.line).replace("{column}", body.column || "?");
      panel.thbMarked = body.line - 1;
      yasqe.addLineClass(body.line - 1, "background", "error-line");
    } else { where.textContent = ""; }
    panel.hidden = false;
    document.body.classList.add("has-query-error");
  }
})();
