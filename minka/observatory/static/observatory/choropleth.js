// One indicator over the children of a unit (the dashboard's map, or the public portal's, which reads
// the open-data GeoJSON: one property per indicator, null when suppressed), coloured by quantile (up
// to five classes; darker = better in the indicator's direction), no background tiles so that it stays
// light on a slow link. Each area links to its own page.
(function () {
  var el = document.getElementById("choropleth");
  if (!el || !window.L) return;
  var property = el.dataset.indicator, unit = el.dataset.unit || "";
  function valueOf(f) {
    var v = property ? f.properties[property] : f.properties.value;
    return v === undefined ? null : v;
  }
  function labelOf(f) {
    if (!property && f.properties.label) return f.properties.label;
    var v = valueOf(f);
    return v === null ? "—" : (Math.round(v * 10) / 10).toLocaleString() + " " + unit;
  }
  var colours = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"];
  var map = L.map(el, { scrollWheelZoom: false, attributionControl: false });
  map.setView([-13.6, -71.6], 8);
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var values = data.features.map(valueOf)
        .filter(function (v) { return v !== null; }).sort(function (a, b) { return a - b; });
      var breaks = [1, 2, 3, 4].map(function (q) { return values[Math.floor(q * values.length / 5)]; })
        .filter(function (b, i, all) { return b !== undefined && b > values[0] && all.indexOf(b) === i; });
      var down = el.dataset.direction === "down";
      function colour(v) {
        if (v === null) return "#ffffff";
        var i = breaks.filter(function (b) { return v >= b; }).length;
        return colours[down ? breaks.length - i : i];
      }
      var layer = L.geoJSON(data, {
        style: function (f) { return { color: "#555", weight: 1, fillOpacity: 0.85, fillColor: colour(valueOf(f)) }; },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 8, color: "#555", weight: 1, fillOpacity: 0.9, fillColor: colour(valueOf(f)) });
        },
        onEachFeature: function (f, l) {
          var box = document.createElement("div"), a = document.createElement("a");
          a.href = f.properties.url; a.textContent = f.properties.name;
          box.appendChild(a);
          box.appendChild(document.createTextNode(": " + labelOf(f) + (f.properties.period ? " (" + f.properties.period + ")" : "")));
          l.bindPopup(box);
          l.bindTooltip(f.properties.name + ": " + labelOf(f));
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
      var legend = document.getElementById("legend");
      if (legend && values.length) {
        var edges = [values[0]].concat(breaks);
        edges.forEach(function (low, i) {
          var item = document.createElement("span"), swatch = document.createElement("i");
          swatch.style.background = colour(low);
          item.appendChild(swatch);
          item.appendChild(document.createTextNode("≥ " + (Math.round(low * 10) / 10)));
          legend.appendChild(item);
        });
        var none = document.createElement("span"), blank = document.createElement("i");
        blank.style.background = "#ffffff";
        none.appendChild(blank); none.appendChild(document.createTextNode(el.dataset.empty));
        legend.appendChild(none);
      }
      el.dataset.loaded = String(data.features.length);
    });
})();
