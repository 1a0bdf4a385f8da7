// Claim pages, "Cite this page": the citations are built with the site's build date as the accessed date;
// this puts in the reader's own day, so what they copy says when they read the page. No network.
(function () {
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function update() {
    var now = new Date(), y = now.getFullYear(), m = now.getMonth() + 1, d = now.getDate();
    document.querySelectorAll(".kcr-accessed").forEach(function (span) {
      var f = span.dataset.format;
      if (f === "long") span.textContent = MONTHS[m - 1] + " " + d + ", " + y;
      else if (f === "iso") span.textContent = y + "-" + pad(m) + "-" + pad(d);
      else if (f === "ris") span.textContent = y + "/" + pad(m) + "/" + pad(d);
      else if (f === "csl") span.textContent = span.textContent.replace(/\d+(,\s*)\d+(,\s*)\d+/, y + "$1" + m + "$2" + d);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", update);
  else update();
})();
