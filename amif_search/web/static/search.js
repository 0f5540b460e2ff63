// The search page works without this script: the server renders the hits and the link to
// the next page. The script only turns that link into "more hits", which adds the next page
// to the list in place.
// Every piece of data reaches the page through textContent or setAttribute, never parsed as HTML.
(function () {
  "use strict";

  var configBlock = document.getElementById("page-config");
  var more = document.getElementById("more");
  var results = document.getElementById("results");
  if (!configBlock || !more || !results || !window.fetch) { return; }
  var config = JSON.parse(configBlock.textContent);
  var labels = config.labels;
  var statusLine = document.getElementById("status");
  var showing = document.getElementById("showing");
  var PAGE = config.limit;
  var first = Number(results.getAttribute("start")) || 1;
  var busy = false;

  // Numbers and dates as the server writes them for this language (its conventions come in the config).
  var conventions = config.format;

  function formatAmount(text) {
    var number = Number(text);
    var parts = Math.abs(number).toFixed(2).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, conventions.group);
    var digits = whole + conventions.decimal + parts[1];
    // On one line, as the server writes it: no break inside an amount or a date.
    return unbroken((number < 0 ? "-" : "") + conventions.amount.replace("{number}", digits));
  }

  function unbroken(text) {
    return text.replace(/ /g, "\u00a0");
  }

  function formatDate(iso) {
    var parts = iso.split("-").map(Number);
    var values = {day: parts[2], month: parts[1], year: parts[0],
                  mon: conventions.months.length ? conventions.months[parts[1] - 1] : parts[1]};
    return unbroken(conventions.date.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    }));
  }

  // The text with its matches in <mark>; spans count code points, as Python does.
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

  function swedish(node) {
    if (config.lang !== config.source) { node.setAttribute("lang", config.source); }
    return node;
  }

  function renderHit(hit) {
    var item = element("li", "hit");
    item.setAttribute("data-id", hit.id);
    var article = element("article");
    var heading = swedish(element("h2", "hit-title"));
    var link = element("a");
    var target = new URLSearchParams({ui: config.lang});
    if (config.search.q) { target.set("q", config.search.q); }
    link.href = config.base + "/projects/" + encodeURIComponent(hit.id) + "?" + target.toString();
    link.append(highlighted(hit.title, hit.title_highlights || []));
    heading.append(link);
    article.append(heading);
    // As the server says it: with several clauses, a hit that matches only some of them.
    if (config.clauses && hit.matched_concepts < config.clauses) {
      article.append(element("p", "partial", labels.partial));
    }
    if (hit.snippet) {
      var snippet = swedish(element("p", "snippet"));
      snippet.append(highlighted(hit.snippet, hit.highlights));
      article.append(snippet);
    }
    var facts = element("dl", "facts");
    [[labels.implementer, swedish(element("span", "", hit.implementer))],
     [labels.period, formatDate(hit.start) + "\u2013" + formatDate(hit.end)],
     [labels.support, formatAmount(hit.eu_support)],
     [labels.objective, hit.objective + " " + (config.objectives[hit.objective] || "")]].forEach(function (pair) {
      var row = element("div");
      var value = element("dd");
      value.append(pair[1]);
      row.append(element("dt", "", pair[0]), value);
      facts.append(row);
    });
    article.append(facts);
    item.append(article);
    return item;
  }

  // Without the script the link opens the next page; with it, the hits come to this one.
  more.textContent = labels.more;

  more.addEventListener("click", function (event) {
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    results.setAttribute("aria-busy", "true");
    var offset = Number(more.getAttribute("data-offset"));
    var api = new URLSearchParams(config.search);
    api.set("limit", String(PAGE));
    api.set("offset", String(offset));
    api.set("ui", config.lang);
    fetch(config.base + "/api/v1/search?" + api.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.error ? body.error.message : response.statusText); }
          return body;
        });
      })
      .then(function (answer) {
        var shown = results.children.length;
        answer.hits.forEach(function (hit) { results.append(renderHit(hit)); });
        var next = offset + answer.hits.length;
        if (showing) {
          showing.textContent = labels.showing.replace("{first}", String(first))
            .replace("{last}", String(first + results.children.length - 1));
        }
        if (next >= answer.total || !answer.hits.length) {
          var paging = more.parentNode;
          more.remove();
          if (!paging.querySelector("a")) { paging.remove(); }
        } else {
          more.setAttribute("data-offset", String(next));
          var address = new URL(more.href, location.href);
          address.searchParams.set("offset", String(next));
          more.href = address.toString();
        }
        // Keyboard users continue at the first new hit.
        var title = results.children[shown] && results.children[shown].querySelector(".hit-title a");
        if (title) { title.focus(); }
      }, function (error) {
        statusLine.textContent = labels.failed.replace("{message}", error.message);
      })
      .then(function () {
        busy = false;
        results.removeAttribute("aria-busy");
      });
  });
}());
