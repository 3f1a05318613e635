// A "my position" button beside each GPS field of a verification: the phone's position, as
// "latitude, longitude", where the verifier stands.
(function () {
  if (!navigator.geolocation) return;
  var label = "GPS";
  document.querySelectorAll("input[data-gps]").forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "gps";
    button.textContent = input.closest("form").dataset.gpsLabel || label;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        input.value = position.coords.latitude.toFixed(6) + ", " + position.coords.longitude.toFixed(6);
        button.disabled = false;
      }, function () { button.disabled = false; }, { enableHighAccuracy: true, timeout: 20000 });
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
