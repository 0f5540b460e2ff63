// The search page's behaviour: ask /api/search and show the hits.
// Every piece of data reaches the page through textContent or setAttribute, never parsed as HTML.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("page-config").textContent);
  var labels = config.labels;
  var form = document.getElementById("search-form");
  var queryBox = document.getElementById("q");
  // The filters the page offers: each a <select> whose name is an API parameter.
  var filterBoxes = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var statusLine = document.getElementById("status");
  var notes = document.getElementById("notes");
  var results = document.getElementById("results");
  var moreButton = document.getElementById("more");
  var PAGE = 20;
  var current = null;   // {params, offset, total}
  var generation = 0;   // answers to an older search are dropped

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  // Numbers and dates as the server writes them for this language (its conventions come in the config).
  var conventions = config.format;

  function formatAmount(text) {
    var number = Number(text);
    var parts = Math.abs(number).toFixed(2).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, conventions.group);
    var digits = whole + conventions.decimal + parts[1];
    return (number < 0 ? "-" : "") + conventions.amount.replace("{number}", digits);
  }

  function formatDate(iso) {
    var parts = iso.split("-").map(Number);
    return format(conventions.date, {
      day: parts[2], month: parts[1], year: parts[0],
      mon: conventions.months.length ? conventions.months[parts[1] - 1] : parts[1]
    });
  }

  // The snippet with its matches in <mark>; spans count code points, as Python does.
  function highlighted(text, spans) {
    var chars = Array.from(text);
    var fragment = document.createDocumentFragment();
    var last = 0;
    spans.slice().sort(function (a, b) { return a[0] - b[0]; }).forEach(function (span) {
      if (span[0] < last) { return; }
      fragment.append(chars.slice(last, span[0]).join(""));
      var mark = document.createElement("mark");
      mark.textContent = chars.slice(span[0], span[1]).join("");
      fragment.append(mark);
      last = span[1];
    });
    fragment.append(chars.slice(last).join(""));
    return fragment;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function renderHit(hit) {
    var item = element("li", "hit");
    item.setAttribute("data-id", hit.id);
    var article = element("article");
    article.append(element("h2", "hit-title", hit.title));
    var snippet = element("p", "snippet");
    snippet.append(highlighted(hit.snippet, hit.highlights));
    article.append(snippet);
    var facts = element("dl", "facts");
    [[labels.implementer, hit.implementer],
     [labels.period, formatDate(hit.start) + "\u2013" + formatDate(hit.end)],
     [labels.support, formatAmount(hit.eu_support)],
     [labels.objective, hit.objective]].forEach(function (pair) {
      var row = element("div");
      row.append(element("dt", "", pair[0]), element("dd", "", pair[1]));
      facts.append(row);
    });
    article.append(facts);
    item.append(article);
    return item;
  }

  function showNotes(answer) {
    notes.textContent = "";
    var parts = [];
    (answer.interpretations || []).forEach(function (reading) {
      parts.push(document.createTextNode(format(reading.kind === "boost" ? labels.boosted : labels.read,
                                                {original: reading.from, reading: reading.as})));
    });
    if (answer.unknown && answer.unknown.length) {
      parts.push(document.createTextNode(format(labels.unknown, {words: answer.unknown.join(", ")})));
    }
    answer.expansions.forEach(function (expansion) {
      if (expansion.kind === "translation") {
        parts.push(document.createTextNode(format(labels.translated, {
          original: expansion.from, swedish: expansion.to.slice(0, 6).join(" | ")})));
      }
    });
    if (answer.did_you_mean) {
      var link = element("a", "", answer.did_you_mean);
      link.href = "?" + new URLSearchParams({ui: config.lang, q: answer.did_you_mean}).toString();
      link.addEventListener("click", function (event) {
        event.preventDefault();
        queryBox.value = answer.did_you_mean;
        search();
      });
      var pieces = labels.suggestion.split("{suggestion}");
      var sentence = element("span");
      sentence.append(pieces[0], link, pieces.slice(1).join(""));
      parts.push(sentence);
    }
    parts.forEach(function (part, index) {
      if (index) { notes.append(" "); }
      notes.append(part);
    });
  }

  function searchParams() {
    var params = new URLSearchParams();
    params.set("q", queryBox.value);
    filterBoxes.forEach(function (box) {
      if (box.value) { params.set(box.name, box.value); }
    });
    return params;
  }

  // The address and the language links keep the search, so a reload or a switch repeats it.
  function remember(params) {
    var page = new URLSearchParams(params);
    page.set("ui", config.lang);
    history.replaceState(null, "", "?" + page.toString());
    document.querySelectorAll("a[data-ui]").forEach(function (link) {
      var target = new URLSearchParams(params);
      target.set("ui", link.getAttribute("data-ui"));
      link.href = "?" + target.toString();
    });
  }

  function fetchPage(params, offset) {
    var api = new URLSearchParams(params);
    api.set("limit", String(PAGE));
    api.set("offset", String(offset));
    return fetch(config.base + "/api/search?" + api.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.error ? body.error.message : response.statusText); }
          return body;
        });
      });
  }

  function showPage(answer, params, append) {
    if (!append) { results.textContent = ""; current = null; }
    // With several concepts, projects that match all of them are told apart from the rest.
    var wanted = answer.query_concepts || 0;
    var split = wanted > 1 && answer.hits.some(function (hit) { return hit.matched_concepts < wanted; });
    if (split && !append && !answer.hits.some(function (hit) { return hit.matched_concepts >= wanted; })) {
      results.append(element("li", "match-heading", labels.nofull));
    }
    var heading = append && current ? current.heading : null;
    answer.hits.forEach(function (hit) {
      var full = hit.matched_concepts >= wanted;
      if (split && full !== heading) {
        heading = full;
        results.append(element("li", "match-heading", full ? labels.full : labels.partial));
      }
      results.append(renderHit(hit));
    });
    current = {params: params, offset: answer.offset + answer.hits.length, total: answer.total, heading: heading};
    moreButton.hidden = current.offset >= answer.total;
    var query = params.get("q");
    statusLine.textContent = answer.total ? format(
      answer.total === 1 ? labels.count.one : labels.count.other, {total: answer.total, query: query})
      : format(labels.none, {query: query});
    showNotes(answer);
  }

  function fail(error) {
    statusLine.textContent = format(labels.failed, {message: error.message});
  }

  function search() {
    var params = searchParams();
    if (!params.get("q").trim()) { return; }
    var mine = ++generation;
    statusLine.textContent = labels.searching;
    remember(params);
    fetchPage(params, 0).then(function (answer) {
      if (mine === generation) { showPage(answer, params, false); }
    }, function (error) {
      if (mine === generation) { results.textContent = ""; moreButton.hidden = true; fail(error); }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });

  moreButton.addEventListener("click", function () {
    if (!current) { return; }
    var mine = generation;
    var first = results.children.length;
    fetchPage(current.params, current.offset).then(function (answer) {
      if (mine !== generation) { return; }
      showPage(answer, current.params, true);
      // Keyboard users continue at the first new hit.
      var next = results.children[first];
      if (next) {
        var title = next.querySelector(".hit-title");
        title.tabIndex = -1;
        title.focus();
      }
    }, fail);
  });

  if (queryBox.value.trim()) { search(); }
}());
