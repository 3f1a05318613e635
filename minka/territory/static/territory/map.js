// Draws GeoJSON that Minka serves (a territory and its children, or the works of the watershed);
// every feature links to its page. With data-follow-filters the map follows the list's filters.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var map = L.map(el, { scrollWheelZoom: false });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
  }
  map.setView([-13.6, -71.6], 8);
  var layer = null;

  function draw(url) {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (layer) map.removeLayer(layer);
        layer = L.geoJSON(data, {
          style: function (f) {
            return f.properties.role === "unit"
              ? { color: "#2f6b3a", weight: 3, fillOpacity: 0.05 }
              : { color: "#8a5a2b", weight: 1.5, fillOpacity: 0.15 };
          },
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: f.properties.role === "unit" ? 9 : 6, color: "#8a5a2b", fillOpacity: 0.7 });
          },
          onEachFeature: function (f, l) {
            var p = f.properties, text = document.createElement("div");
            var a = document.createElement("a");
            a.href = p.url; a.textContent = p.name;
            text.appendChild(a);
            if (p.households !== null && p.households !== undefined) {
              text.appendChild(document.createTextNode(" · " + p.households));
            }
            l.bindPopup(text);
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 13, padding: [10, 10] });
        el.dataset.loaded = String(data.features.length);
      });
  }

  draw(el.dataset.geojson);
  if (el.dataset.followFilters !== undefined) {
    document.body.addEventListener("htmx:pushedIntoHistory", function () {
      draw(el.dataset.geojson.split("?")[0] + window.location.search);
    });
  }
})();
