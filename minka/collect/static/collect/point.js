// The geopoint of a submission on a small map.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  var map = L.map(el, { scrollWheelZoom: false }).setView(point, 14);
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
  L.circleMarker(point, { radius: 8, color: "#8a5a2b", fillOpacity: 0.8 }).addTo(map);
  el.dataset.loaded = "1";
})();
