// "Use my location": fills the hidden lat/lon fields and searches; without JavaScript or
// permission the place-name box still works.
(function () {
  var button = document.getElementById("use-location");
  if (!button || !navigator.geolocation) return;
  var status = document.getElementById("location-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.finding;
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("f-lat").value = position.coords.latitude.toFixed(4);
      document.getElementById("f-lon").value = position.coords.longitude.toFixed(4);
      document.getElementById("f-near").value = "";
      document.getElementById("finder-form").submit();
    }, function () {
      status.textContent = button.dataset.failed;
    }, {timeout: 10000, maximumAge: 600000});
  });
  document.getElementById("f-near").addEventListener("input", function () {
    document.getElementById("f-lat").value = "";
    document.getElementById("f-lon").value = "";
  });
})();

// After a search, the results come first: on a phone the form folds behind "Change
// search" and the results heading takes the focus (a screen reader reads it too).
(function () {
  var heading = document.getElementById("results-heading");
  if (!heading) return;
  var details = document.getElementById("search-details");
  if (details && window.matchMedia("(max-width: 40rem)").matches) details.open = false;
  heading.focus();
})();
