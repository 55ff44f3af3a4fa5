/* Map of the directory's locations (progressive enhancement: the page lists them without it). */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var data = document.getElementById("map-data");
  if (!el || !data || typeof L === "undefined") { return; }
  var places = JSON.parse(data.textContent);
  el.innerHTML = "";
  el.classList.add("map-live");
  var map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
  var bounds = [];
  places.forEach(function (p) {
    var box = document.createElement("div");
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
    L.marker([p.latitude, p.longitude], { title: p.name || p.address, alt: p.name || p.address })
      .bindPopup(box).addTo(map);
    bounds.push([p.latitude, p.longitude]);
  });
  if (bounds.length === 1) { map.setView(bounds[0], 15); } else { map.fitBounds(bounds, { padding: [24, 24] }); }
})();
