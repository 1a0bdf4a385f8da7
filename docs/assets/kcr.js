// Claims index: filter by verdict, certainty, type and topic (also from the address); sort by any column.
// No third-party code, no network.
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
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = true;
        selects.forEach(function (sel) {
          if (sel.value && row.dataset[sel.dataset.filter] !== sel.value) ok = false;
        });
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = shown + " of " + rows.length + " claims shown";
    }
    // a filter in the address (?verdict=unsupported&certainty=very-low, or the same after #) is
    // applied on load, and the address follows the menus, so a filtered list can be linked to
    function fromAddress() {
      var params = new URLSearchParams(location.search);
      new URLSearchParams(location.hash.replace(/^#/, "")).forEach(function (v, k) { params.set(k, v); });
      selects.forEach(function (sel) {
        var v = params.get(sel.dataset.filter);
        if (v !== null && sel.querySelector('option[value="' + CSS.escape(v) + '"]')) sel.value = v;
      });
    }
    function toAddress() {
      var params = new URLSearchParams();
      selects.forEach(function (sel) { if (sel.value) params.set(sel.dataset.filter, sel.value); });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    }
    if (form) {
      form.addEventListener("change", function () { apply(); toAddress(); });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
    }
    table.classList.add("kcr-sortable");
    table.querySelectorAll("th[data-sort]").forEach(function (th, index) {
      th.setAttribute("tabindex", "0");
      if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[data-sort]").forEach(function (o) { o.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var num = th.dataset.sort === "num";
        rows.sort(function (a, b) {
          var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
          var r = num ? Number(x) - Number(y) : x.localeCompare(y);
          // ties keep the article's order
          if (r === 0) r = (Number(a.cells[0].dataset.value) - Number(b.cells[0].dataset.value)) * (asc ? 1 : -1);
          return asc ? r : -r;
        });
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
    fromAddress();
    apply();
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
