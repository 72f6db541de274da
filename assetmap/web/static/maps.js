/* assetmap's maps: one static script for every map on every page.
 *
 * A page carries each map as <div data-map-spec="ID"> and, beside it, its description as
 * JSON in <script type="application/json" id="ID"> (assetmap/web/maps.py writes both).
 * Data reaches this script only as that JSON, and every name is shown with textContent,
 * never as HTML: a name holding a backtick or "</script>" is shown as text.
 */
(function () {
  "use strict";

  // markers leave the tab order: beside every map is a list or table that says the same
  L.Marker.prototype.options.keyboard = false;
  // a reader who asks for less motion gets maps that do not fade, zoom or spread clusters
  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
    L.Map.mergeOptions({fadeAnimation: false, zoomAnimation: false,
                        markerZoomAnimation: false});
    if (L.MarkerClusterGroup) { L.MarkerClusterGroup.mergeOptions({animate: false}); }
  }

  function text(tag, words, className) {
    var element = document.createElement(tag);
    element.textContent = words;
    if (className) { element.className = className; }
    return element;
  }

  function fetchJson(url) {
    return fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  // {title, href, lines, items} -> a popup's content, built as text
  function popupContent(popup) {
    var box = document.createElement("div"), title = text("strong", popup.title);
    if (popup.href) {
      var link = document.createElement("a");
      link.href = popup.href;
      link.appendChild(title);
      box.appendChild(link);
    } else {
      box.appendChild(title);
    }
    (popup.lines || []).forEach(function (line) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(line));
    });
    if (popup.items && popup.items.length) {
      var list = document.createElement("ul");
      popup.items.forEach(function (item) { list.appendChild(text("li", item)); });
      box.appendChild(list);
    }
    return box;
  }

  function labelled(layer, point) {
    if (point.tooltip) { layer.bindTooltip(text("span", point.tooltip), {sticky: true}); }
    if (point.popup) { layer.bindPopup(popupContent(point.popup), {maxWidth: 300}); }
    return layer;
  }

  function pin(point) {
    // Leaflet's own alt text is the English "Marker": name what the pin stands for
    if (!point.number) { return L.marker(point.at, {alt: point.tooltip || ""}); }
    var width = Math.max(34, 14 + 8 * point.number.length);  // "2, 5+" needs a pill
    return L.marker(point.at, {icon: L.divIcon({
      className: "numbered-pin", html: text("span", point.number, "pin"),
      iconSize: [width, 34], iconAnchor: [width / 2, 17]})});
  }

  // an SVG pattern of diagonal lines, for areas whose figure is withheld: hatched, so
  // they never look like the background or like a light band
  function hatching(map) {
    var svg = map.getPanes().overlayPane.querySelector("svg");
    if (!svg || svg.querySelector("#withheld-hatch")) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var defs = document.createElementNS(ns, "defs");
    var pattern = document.createElementNS(ns, "pattern");
    pattern.setAttribute("id", "withheld-hatch");
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("width", "8");
    pattern.setAttribute("height", "8");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var line = document.createElementNS(ns, "line");
    line.setAttribute("x1", "0"); line.setAttribute("y1", "0");
    line.setAttribute("x2", "0"); line.setAttribute("y2", "8");
    line.setAttribute("stroke", "#222"); line.setAttribute("stroke-width", "2");
    pattern.appendChild(line);
    defs.appendChild(pattern);
    svg.insertBefore(defs, svg.firstChild);
  }

  var LAYERS = {
    // markers, clustered or not: {points: [{at, number, tooltip, popup}], cluster}
    markers: function (map, layer) {
      var group = layer.cluster ? L.markerClusterGroup() : L.layerGroup();
      layer.points.forEach(function (point) { labelled(pin(point), point).addTo(group); });
      group.addTo(map);
    },
    // dots (circle markers), each maybe with a line to another point
    dots: function (map, layer) {
      layer.points.forEach(function (point) {
        if (point.line_from) {
          L.polyline([point.line_from, point.at], {color: "#555", weight: 1}).addTo(map);
        }
        labelled(L.circleMarker(point.at, {radius: point.radius, color: point.colour,
                                           fill: true, fillOpacity: point.opacity}),
                 point).addTo(map);
      });
    },
    circle: function (map, layer) {
      labelled(L.circle(layer.at, {radius: layer.radius_m, color: "#00594f", fill: false,
                                   weight: 2}), layer).addTo(map);
    },
    // every public place, from a cacheable GeoJSON document
    places: function (map, layer) {
      var group = L.markerClusterGroup().addTo(map);
      fetchJson(layer.url).then(function (places) {
        var points = [];
        places.features.forEach(function (feature) {
          var p = feature.properties;
          var at = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
          labelled(L.marker(at), {tooltip: p.name, popup: {
            title: p.name, lines: [p.town, p.activities_text].filter(Boolean)}}).addTo(group);
          points.push(at);
        });
        if (points.length) { map.fitBounds(points); }
      });
    },
    // areas coloured by a figure: shapes from a cacheable document, figures in the page
    areas: function (map, layer) {
      fetchJson(layer.shapes).then(function (shapes) {
        var features = layer.areas.filter(function (area) { return shapes[area.id]; })
          .map(function (area) {
            return {type: "Feature", geometry: shapes[area.id], properties: area};
          });
        if (!features.length) { return; }
        var drawn = L.geoJSON({type: "FeatureCollection", features: features}, {
          style: function (feature) { return layer.styles[feature.properties.style]; },
          onEachFeature: function (feature, shape) {
            var tip = document.createElement("div");
            tip.appendChild(text("strong", layer.labels[0] + ": "));
            tip.appendChild(document.createTextNode(feature.properties.name));
            tip.appendChild(document.createElement("br"));
            tip.appendChild(text("strong", layer.labels[1] + ": "));
            tip.appendChild(document.createTextNode(feature.properties.value));
            shape.bindTooltip(tip, {sticky: true});
          }}).addTo(map);
        hatching(map);
        map.fitBounds(drawn.getBounds());
      });
    }
  };

  // Wales's local authorities and its towns' names, in a pane above the tiles and below
  // everything else: a map whose tiles do not load still shows where things are
  function basemap(map, url, land) {
    var pane = map.createPane("basemap");
    pane.style.zIndex = 350;
    pane.style.pointerEvents = "none";
    var labels = L.layerGroup().addTo(map);
    fetchJson(url).then(function (base) {
      L.geoJSON(base.areas, {pane: "basemap", interactive: false, style: {
        color: "#5f5f5f", weight: 1, opacity: 0.8, fill: land, fillColor: "#f7f4ec",
        fillOpacity: 1}}).addTo(map);
      var towns = base.towns.map(function (town) {
        var name = text("span", town.name);
        name.setAttribute("aria-hidden", "true");  // a background: the list says where
        return L.marker([town.lat, town.lon], {pane: "basemap", interactive: false,
          keyboard: false, icon: L.divIcon({className: "town-label", html: name,
                                            iconSize: null})});
      });
      // only the names in view (and a margin) are in the page, from zoom 9 (a county)
      function show() {
        var near = map.getBounds().pad(0.5), shown = map.getZoom() >= 9;
        towns.forEach(function (marker) {
          var wanted = shown && near.contains(marker.getLatLng());
          if (wanted && !labels.hasLayer(marker)) { labels.addLayer(marker); }
          if (!wanted && labels.hasLayer(marker)) { labels.removeLayer(marker); }
        });
      }
      map.on("zoomend moveend", show);
      show();
    });
  }

  function draw(element) {
    var spec = JSON.parse(document.getElementById(element.dataset.mapSpec).textContent);
    var words = spec.words;
    L.Control.Zoom.mergeOptions({zoomInTitle: words.zoom_in, zoomOutTitle: words.zoom_out});
    var map = L.map(element, {
      center: spec.centre, zoom: spec.zoom, attributionControl: false,
      // one finger scrolls the page over a map (two move it; Ctrl and the wheel zoom it)
      gestureHandling: true, gestureHandlingOptions: {duration: 1500, text: {
        touch: words.touch, scroll: words.scroll, scrollMac: words.scroll_mac}}});
    var leaflet = text("a", "Leaflet");
    leaflet.href = "https://leafletjs.com";
    leaflet.title = words.leaflet;
    L.control.attribution({prefix: leaflet.outerHTML}).addTo(map);
    L.control.scale({imperial: false}).addTo(map);
    if (spec.tiles) {
      // the operator's own credit (a setting) or ours: HTML from the server, not from data
      L.tileLayer(spec.tiles.url, {attribution: spec.tiles.attribution}).addTo(map);
    }
    basemap(map, spec.basemap, !spec.tiles);
    spec.layers.forEach(function (layer) { LAYERS[layer.type](map, layer); });
    if (spec.fit) { map.fitBounds(spec.fit); }
    element.assetmap = map;  // for tests and the finder's script
  }

  document.querySelectorAll("[data-map-spec]").forEach(draw);
})();
