/* Coordinates of a place by clicking a map (progressive enhancement: without JavaScript the
latitude and longitude fields are typed, or left empty — both are optional).

Each .pick-map names its row's latitude and longitude inputs (data-lat, data-lng). A click on
the map puts the point there and fills both inputs; 「位置を消す」 empties them. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var JAPAN = [36.2, 138.25];
  document.querySelectorAll(".pick-map").forEach(function (el) {
    var lat = document.getElementById(el.dataset.lat);
    var lng = document.getElementById(el.dataset.lng);
    if (!lat || !lng) { return; }
    el.hidden = false;
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: el.dataset.icon, iconRetinaUrl: el.dataset.icon2x, shadowUrl: el.dataset.shadow
    });
    var box = el.querySelector(".pick-map-canvas");
    var map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
    var marker = null;
    function show(point) {
      if (marker) { marker.setLatLng(point); } else { marker = L.marker(point).addTo(map); }
    }
    var have = lat.value !== "" && lng.value !== "";
    if (have) {
      var start = [parseFloat(lat.value), parseFloat(lng.value)];
      map.setView(start, 16);
      show(start);
    } else {
      map.setView(JAPAN, 5);
    }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lng.value = event.latlng.lng.toFixed(6);
      show(event.latlng);
    });
    el.querySelector(".pick-map-clear").addEventListener("click", function () {
      lat.value = "";
      lng.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
    });
  });
})();
