// An agreement's areas drawn on a map (Leaflet-Geoman) over the watershed's outline: every polygon
// drawn, edited or removed rewrites the form's GeoJSON field as one MultiPolygon, and the hectares
// drawn are shown (and proposed when the field is empty). A GeoJSON pasted in the field is drawn.
(function () {
  var el = document.getElementById("area-map");
  if (!el || !window.L || !L.PM) return;
  var field = document.getElementById(el.dataset.field);
  var hectares = document.getElementById(el.dataset.hectares);
  var shown = document.getElementById("area-drawn");
  var map = L.map(el, { scrollWheelZoom: false });
  if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
  var outline = L.geoJSON(JSON.parse(el.dataset.shapes), {
    style: { color: "#2b6a8a", weight: 2, fill: false }, pmIgnore: true, interactive: false,
  }).addTo(map);
  var drawn = L.featureGroup().addTo(map);
  map.fitBounds(outline.getBounds(), { padding: [8, 8] });

  // Area of a ring of [lon, lat] on the sphere (as turf's area), in hectares.
  function ringHectares(ring) {
    var radius = 6378137, sum = 0, rad = Math.PI / 180;
    for (var i = 0; i < ring.length - 1; i++) {
      var a = ring[i], b = ring[i + 1];
      sum += (b[0] - a[0]) * rad * (2 + Math.sin(a[1] * rad) + Math.sin(b[1] * rad));
    }
    return Math.abs(sum * radius * radius / 2) / 10000;
  }
  function save() {
    var polygons = [];
    drawn.eachLayer(function (layer) {
      var geometry = layer.toGeoJSON().geometry;
      if (geometry.type === "Polygon") polygons.push(geometry.coordinates);
      else if (geometry.type === "MultiPolygon") polygons = polygons.concat(geometry.coordinates);
    });
    field.value = polygons.length ? JSON.stringify({ type: "MultiPolygon", coordinates: polygons }) : "";
    var total = polygons.reduce(function (sum, polygon) {
      return sum + polygon.reduce(function (s, ring, i) { return i ? s - ringHectares(ring) : s + ringHectares(ring); }, 0);
    }, 0);
    shown.textContent = polygons.length ? shown.dataset.label + ": " + total.toFixed(2) + " ha" : "";
    if (hectares && polygons.length && !hectares.dataset.typed) hectares.value = total.toFixed(2);
  }
  function load() {
    drawn.clearLayers();
    try {
      L.geoJSON(JSON.parse(field.value)).eachLayer(function (layer) {
        if (layer instanceof L.Polygon) { drawn.addLayer(layer); layer.on("pm:edit", save); }
      });
    } catch (e) { /* not GeoJSON yet: the form says so when sent */ }
  }
  var lang = (document.documentElement.lang || "es").slice(0, 2);
  if (["es", "fr", "en"].indexOf(lang) >= 0) map.pm.setLang(lang);
  map.pm.addControls({
    position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false,
    drawText: false, cutPolygon: false, rotateMode: false, dragMode: false,
  });
  map.on("pm:create", function (e) { drawn.addLayer(e.layer); e.layer.on("pm:edit", save); save(); });
  map.on("pm:remove", function (e) { drawn.removeLayer(e.layer); save(); });
  field.addEventListener("change", load);
  if (hectares) hectares.addEventListener("input", function () { hectares.dataset.typed = "1"; });
  load();
  // drawn inside a closed <details>: the map measures itself again once it is shown
  var details = el.closest("details");
  if (details) details.addEventListener("toggle", function () { map.invalidateSize(); map.fitBounds(outline.getBounds(), { padding: [8, 8] }); });
  el.dataset.loaded = "1";
})();
