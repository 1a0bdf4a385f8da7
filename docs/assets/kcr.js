// Claims index: filter by verdict, certainty, type and topic; sort by any column.
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
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = true;
        if (form) form.querySelectorAll("select[data-filter]").forEach(function (sel) {
          if (sel.value && row.dataset[sel.dataset.filter] !== sel.value) ok = false;
        });
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = shown + " of " + rows.length + " claims shown";
    }
    if (form) {
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (e) { e.preventDefault(); });
    }
    table.querySelectorAll("th[data-sort]").forEach(function (th, index) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("aria-sort", "none");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[data-sort]").forEach(function (o) { o.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var num = th.dataset.sort === "num";
        rows.sort(function (a, b) {
          var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
          var r = num ? Number(x) - Number(y) : x.localeCompare(y);
          return asc ? r : -r;
        });
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
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
