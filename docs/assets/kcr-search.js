/* The header's search box, searching the site's Pagefind index (src/kcr/search.py).
 *
 * Nothing is fetched until the reader types: then Pagefind's library, its WebAssembly, the index
 * metadata and only the index chunks and page excerpts the query needs. Results are drawn with the
 * theme's own classes (light and dark mode alike); every text from the index is added as text,
 * never parsed as HTML, so nothing a contributor wrote can run here. */
(function () {
  "use strict";
  var box = document.querySelector("[data-kcr-search]");
  if (!box) return;
  var form = box.querySelector("form");
  var input = box.querySelector(".md-search__input");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var toggle = document.getElementById("__search");
  var config = JSON.parse(document.getElementById("__config").textContent);
  var base = new URL(config.base.replace(/\/?$/, "/"), location.href);
  var MAX = 10;
  var library = null;
  var latest = 0;

  function load() {
    if (!library) {
      library = import(new URL("assets/pagefind/pagefind.js", base).href).then(function (pagefind) {
        // noWorker: search in the page itself, so pagefind-worker.js (another 41 KB) is not downloaded
        return pagefind.options({ baseUrl: base.pathname, excerptLength: 24, noWorker: true }).then(function () {
          return pagefind;
        });
      });
    }
    return library;
  }

  function text(parent, tag, value, cls) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (value) el.textContent = value;
    parent.appendChild(el);
    return el;
  }

  // Pagefind's excerpt: the page's text (escaped by Pagefind) with <mark> around the matched words
  function excerpt(parent, html) {
    var parts = String(html).split(/<mark>|<\/mark>/);
    var decode = document.createElement("textarea");
    parts.forEach(function (part, i) {
      decode.innerHTML = part.replace(/</g, "&lt;");  /* entities only: a textarea parses no markup */
      if (i % 2) text(parent, "mark", decode.value);
      else parent.appendChild(document.createTextNode(decode.value));
    });
  }

  function show(results, total) {
    list.replaceChildren();
    meta.textContent = total === 0 ? "No matching documents"
      : total === 1 ? "1 matching document" : total + " matching documents";
    results.forEach(function (r) {
      var item = text(list, "li", "", "md-search-result__item");
      var link = text(item, "a", "", "md-search-result__link");
      link.href = r.url;
      link.tabIndex = -1;
      var article = text(link, "article", "", "md-search-result__article md-typeset");
      text(article, "div", "", "md-search-result__icon md-icon");
      text(article, "h1", (r.meta && r.meta.title) || r.url);
      excerpt(text(article, "p", "", "md-search-result__teaser"), r.excerpt || "");
    });
  }

  function search() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) {
      list.replaceChildren();
      meta.textContent = "Type to start searching";
      return;
    }
    load().then(function (pagefind) {
      return pagefind.debouncedSearch(query, {}, 150);
    }).then(function (found) {
      if (!found || ticket !== latest) return null;  /* a newer query replaced this one */
      return Promise.all(found.results.slice(0, MAX).map(function (r) { return r.data(); }))
        .then(function (data) { if (ticket === latest) show(data, found.results.length); });
    }).catch(function () {
      if (ticket === latest) meta.textContent = "Search is not available";
    });
  }

  function open() { if (toggle && !toggle.checked) toggle.checked = true; }
  function close() { if (toggle) toggle.checked = false; input.blur(); }

  input.addEventListener("focus", open);
  input.addEventListener("input", function () { open(); search(); });
  form.addEventListener("reset", function () { setTimeout(search, 0); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();  /* the pages allow no form submission: go to the first result instead */
    var first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && toggle && toggle.checked) close();
    if (!toggle || !toggle.checked || (e.key !== "ArrowDown" && e.key !== "ArrowUp")) return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    if (!links.length) return;
    e.preventDefault();
    var at = links.indexOf(document.activeElement);
    var next = e.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
    if (next < 0) input.focus(); else links[next].focus();
  });
  if (toggle) toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
})();
