// The printable list's "Print this list" button (a page without JavaScript prints from
// the browser's own menu).
(function () {
  var button = document.getElementById("print");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
