/* Map of the directory's locations (progressive enhancement: the page lists them without it).

Marker images come from the page (data-icon*: the hashed static names), not from Leaflet's
guess next to its stylesheet, which fails behind hashed names. Places closer on screen than
a finger's width share one marker whose popup lists them all, so that every marker stays a
separate target at any zoom (regrouped after each zoom). */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var data = document.getElementById("map-data");
  if (!el || !data || typeof L === "undefined") { return; }
  var TARGET = 44; // px: the smallest distance between two markers' anchor points
  var places = JSON.parse(data.textContent);
  el.innerHTML = "";
  el.classList.add("map-live");
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: el.dataset.icon, iconRetinaUrl: el.dataset.icon2x, shadowUrl: el.dataset.shadow
  });
  var map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
  var layer = L.layerGroup().addTo(map);

  function placeBox(box, p) {
    var title = document.createElement("strong");
    title.textContent = p.name || p.address;
    box.appendChild(title);
    p.services.forEach(function (s) {
      var line = document.createElement("div");
      var link = document.createElement("a");
      link.href = el.dataset.linkBase + s.uuid + "/";
      link.textContent = s.name;
      line.appendChild(link);
      box.appendChild(line);
    });
  }

  function draw() {
    layer.clearLayers();
    var groups = [];
    places.forEach(function (p) {
      var point = map.latLngToLayerPoint([p.latitude, p.longitude]);
      for (var i = 0; i < groups.length; i++) {
        if (groups[i].point.distanceTo(point) < TARGET) { groups[i].places.push(p); return; }
      }
      groups.push({ point: point, latlng: [p.latitude, p.longitude], places: [p] });
    });
    groups.forEach(function (g) {
      var box = document.createElement("div");
      g.places.forEach(function (p) { var part = document.createElement("div"); placeBox(part, p); box.appendChild(part); });
      var label = g.places.length === 1 ? (g.places[0].name || g.places[0].address)
        : el.dataset.groupLabel.replace("%(n)s", g.places.length) + ": " +
          g.places.map(function (p) { return p.name || p.address; }).join("、");
      var marker = L.marker(g.latlng, { title: label, alt: label }).bindPopup(box).addTo(layer);
      if (g.places.length > 1) {
        // How many places share this marker, on it (not a target of its own).
        marker.bindTooltip(String(g.places.length), {
          permanent: true, direction: "center", offset: [12, -36], className: "marker-count"
        });
      }
    });
  }

  var bounds = places.map(function (p) { return [p.latitude, p.longitude]; });
  if (bounds.length === 1) { map.setView(bounds[0], 15); } else { map.fitBounds(bounds, { padding: [24, 24] }); }
  map.on("zoomend", draw);
  draw();
})();
