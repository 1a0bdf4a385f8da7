// Claims index: filter by verdict, certainty, type and topic (also from the address); sort by any column.
// A large review's index is cut into pages, each listing its claims without script; the first filter or
// sort loads every claim from the data files the table names (data-chunks), built with DOM calls and
// textContent (record text never becomes markup). More than WINDOW claims are listed WINDOW at a time
// (a "Show more" button adds the next), so a filter or sort of thousands stays quick on a phone.
// No third-party code.
(function () {
  function setup() {
    // the theme's search dialog has no accessible name (axe: aria-dialog-name)
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
    var table = document.getElementById("kcr-claims");
    if (!table || table.dataset.kcrReady) return;
    table.dataset.kcrReady = "1";
    var form = document.querySelector(".kcr-filters");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = form ? form.querySelector(".kcr-count") : null;
    var selects = form ? Array.prototype.slice.call(form.querySelectorAll("select[data-filter]")) : [];
    var chunks = table.dataset.chunks ? table.dataset.chunks.split(" ") : null;
    var total = chunks ? Number(table.dataset.total) : rows.length;
    var all = !chunks, loading = null, partial = false;
    var WINDOW = 500, limit = 0, more = null;
    // (the table's data-window, if any, sets the window: tests use a small one)
    function windowSize() { return Number(table.dataset.window) || WINDOW; }
    function label(name, value) {
      var sel = form ? form.querySelector('select[data-filter="' + name + '"]') : null;
      var opt = sel ? sel.querySelector('option[value="' + CSS.escape(value) + '"]') : null;
      return opt ? opt.textContent : value;
    }
    function el(tag, cls, text) {
      var node = document.createElement(tag);
      if (cls) node.className = cls;
      if (text !== undefined) node.textContent = text;
      return node;
    }
    function cell(tr, name, value) {
      var td = el("td");
      td.dataset.label = name;
      td.dataset.value = String(value);
      tr.appendChild(td);
      return td;
    }
    // one row as the page itself renders it (index_pages._claim_row), from [position, id, statement,
    // verdict, verdict score, certainty, type, topic, references, contradicting items]
    function build(r, symbols) {
      var tr = el("tr");
      tr.dataset.verdict = r[3]; tr.dataset.certainty = r[5]; tr.dataset.type = r[6]; tr.dataset.topic = r[7];
      var a = el("a", "", "\u201c" + r[2] + "\u201d");
      a.setAttribute("href", (table.dataset.base || "") + encodeURIComponent(r[1]) + "/");
      cell(tr, "Claim", r[0]).appendChild(a);
      var td = cell(tr, "Verdict", r[4]);
      var badge = el("span", "kcr-badge kcr-verdict kcr-verdict-" + r[3], label("verdict", r[3]));
      if (r[3] !== "none") badge.title = "Verdict " + r[4] + " of 6";
      td.appendChild(badge);
      td.appendChild(document.createTextNode(" "));
      if (r[9] > 0) {
        var mark = el("span", "kcr-badge kcr-contradicting");
        mark.dataset.contradicting = String(r[9]);
        mark.title = r[9] + " evidence " + (r[9] === 1 ? "item contradicts" : "items contradict") + " this claim";
        var x = el("span", "", "\u2715");
        x.setAttribute("aria-hidden", "true");
        mark.appendChild(x);
        mark.appendChild(document.createTextNode(" " + r[9] + " contradicting"));
        td.appendChild(mark);
      }
      var levels = { "high": 4, "moderate": 3, "low": 2, "very-low": 1 };
      td = cell(tr, "Certainty", levels[r[5]] || 0);
      if (r[5] === "none") {
        td.className = "kcr-empty";
        td.appendChild(el("span", "kcr-muted", "none"));
      } else {
        var cert = el("span", "kcr-badge kcr-certainty kcr-certainty-" + r[5]);
        cert.title = "GRADE certainty";
        var sym = el("span", "", symbols[r[5]] || "");
        sym.setAttribute("aria-hidden", "true");
        cert.appendChild(sym);
        cert.appendChild(document.createTextNode(" " + label("certainty", r[5])));
        td.appendChild(cert);
      }
      cell(tr, "Type", r[6]).textContent = label("type", r[6]);
      cell(tr, "Topic", r[7]).textContent = label("topic", r[7]);
      cell(tr, "References", r[8]).textContent = String(r[8]);
      return tr;
    }
    // every claim, loaded once (the first filter or sort); the pages' pager and status line then give way
    function loadAll() {
      if (all) return Promise.resolve();
      if (loading) return loading;
      table.setAttribute("aria-busy", "true");
      if (count) count.textContent = "Loading all " + total + " claims\u2026";
      loading = Promise.all(chunks.map(function (url) {
        return fetch(url).then(function (response) {
          if (!response.ok) throw new Error(url + ": " + response.status);
          return response.json();
        });
      })).then(function (parts) {
        var built = [], fresh = document.createDocumentFragment();
        parts.forEach(function (part) { part.rows.forEach(function (r) { built.push(build(r, part.symbols)); }); });
        if (built.length <= windowSize()) built.forEach(function (row) { fresh.appendChild(row); });
        var body = table.tBodies[0];
        while (body.firstChild) body.removeChild(body.firstChild);
        body.appendChild(fresh);  // (more than a window: apply() lists the first window)
        rows = built;
        document.querySelectorAll(".kcr-pager, .kcr-pager-status").forEach(function (n) { n.hidden = true; });
      }, function () {
        partial = true;  // offline or blocked: this page's claims only, and the count says so
      }).then(function () {
        all = true;
        table.removeAttribute("aria-busy");
      });
      return loading;
    }
    function matches(row) {
      for (var i = 0; i < selects.length; i++) {
        var sel = selects[i];
        if (sel.value && row.dataset[sel.dataset.filter] !== sel.value) return false;
      }
      return true;
    }
    // grow: keep the rows listed so far and add a window ("Show more"); otherwise list the first window
    function apply(grow) {
      var size = windowSize();
      if (rows.length > size) { listWindow(size, grow === true); return; }
      var shown = 0;
      rows.forEach(function (row) {
        var ok = matches(row);
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (more) more.hidden = true;
      if (count) {
        count.textContent = shown + " of " + (partial ? rows.length : total) + " claims shown"
          + (partial ? " (this page only: the full list could not be loaded)" : "");
      }
    }
    // thousands of claims: only the first `limit` that match are in the table, in the current order
    function listWindow(size, grow) {
      var matched = rows.filter(matches);
      limit = grow ? limit + size : size;
      var listed = matched.slice(0, limit), fresh = document.createDocumentFragment();
      listed.forEach(function (row) { row.hidden = false; fresh.appendChild(row); });
      var body = table.tBodies[0];
      while (body.firstChild) body.removeChild(body.firstChild);
      body.appendChild(fresh);
      var left = matched.length - listed.length;
      if (!more && left > 0) {
        more = el("button", "md-button kcr-more");
        more.type = "button";
        more.addEventListener("click", function () { apply(true); });
        (table.closest(".kcr-table-wrap") || table).insertAdjacentElement("afterend", more);
      }
      if (more) {
        more.hidden = left <= 0;
        more.textContent = "Show " + Math.min(size, left) + " more";
      }
      if (count) {
        var filtered = matched.length < total;
        count.textContent = left > 0
          ? "Showing " + listed.length + " of " + matched.length + (filtered ? " matching claims (" + total + " in all)" : " claims")
          : matched.length + " of " + total + " claims shown";
      }
    }
    // a filter in the address (?verdict=unsupported&certainty=very-low, or the same after #) is
    // applied on load, and the address follows the menus, so a filtered list can be linked to
    function fromAddress() {
      var params = new URLSearchParams(location.search);
      new URLSearchParams(location.hash.replace(/^#/, "")).forEach(function (v, k) { params.set(k, v); });
      var any = false;
      selects.forEach(function (sel) {
        var v = params.get(sel.dataset.filter);
        if (v !== null && sel.querySelector('option[value="' + CSS.escape(v) + '"]')) { sel.value = v; any = true; }
      });
      return any;
    }
    function toAddress() {
      var params = new URLSearchParams();
      selects.forEach(function (sel) { if (sel.value) params.set(sel.dataset.filter, sel.value); });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    }
    if (form) {
      form.addEventListener("change", function () {
        toAddress();
        if (all) apply(); else loadAll().then(apply);
      });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
    }
    table.classList.add("kcr-sortable");
    table.querySelectorAll("th[data-sort]").forEach(function (th, index) {
      th.setAttribute("tabindex", "0");
      if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
      function order() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[data-sort]").forEach(function (o) { o.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var num = th.dataset.sort === "num";
        // each row's keys read once (thousands of rows once every claim is loaded), then moved in one go
        var keyed = rows.map(function (row) {
          var v = row.cells[index].dataset.value;
          return { row: row, key: num ? Number(v) : v, at: Number(row.cells[0].dataset.value) };
        });
        keyed.sort(function (a, b) {
          var r = num ? a.key - b.key : a.key.localeCompare(b.key);
          // ties keep the article's order
          if (r === 0) r = (a.at - b.at) * (asc ? 1 : -1);
          return asc ? r : -r;
        });
        rows = keyed.map(function (k) { return k.row; });
        if (rows.length <= windowSize()) {  // (more than a window: apply() lists the first, in the new order)
          var moved = document.createDocumentFragment();
          rows.forEach(function (row) { moved.appendChild(row); });
          table.tBodies[0].appendChild(moved);
        }
        apply();
      }
      function sort() { if (all) order(); else loadAll().then(order); }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
    if (fromAddress()) loadAll().then(apply); else apply();
  }
  // "Copy" buttons on claim pages copy the citation block they name.
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("button.kcr-copy") : null;
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var text = source.textContent;
    function done() { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 2000); }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(); });
    } else { fallback(); }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      try { document.execCommand("copy"); done(); } finally { document.body.removeChild(area); }
    }
  });
  if (window.document$) { window.document$.subscribe(setup); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
