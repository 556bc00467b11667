// The workbench's maps: the Map page (#map, data from /map/data.json as the view moves) and a
// consignment's route (#route-map, data from its data-route GeoJSON). Leaflet without tiles: the
// basemap is the offline GeoJSON under /geo/. Every word shown comes from the element's data-s-*
// attributes (the message catalog); every data value is put in an element with translate="no".
(function () {
  "use strict";

  // ---- Text and DOM ----

  function strings(el) {
    return function (key) {
      var name = "s-" + key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); }).replace(/[._]/g, "-");
      var camel = name.replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); });
      return el.dataset[camel] || "";
    };
  }

  var lang = document.documentElement.lang || "es";
  var numbers = new Intl.NumberFormat(lang === "en" ? "en-US" : "es-MX");

  function node(tag, className, text, raw) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    if (raw) el.setAttribute("translate", "no");
    return el;
  }

  function value(text) { return node("span", "v", text, true); }

  // A catalog sentence with {name} holes, the values in translate="no" spans.
  function sentence(template, values) {
    var out = document.createDocumentFragment();
    template.split(/(\{[a-z]+\})/).forEach(function (part) {
      var m = /^\{([a-z]+)\}$/.exec(part);
      if (m) out.appendChild(value(values[m[1]])); else if (part) out.appendChild(document.createTextNode(part));
    });
    return out;
  }

  function link(href, text, raw) {
    var a = node("a", null, text, raw);
    a.href = href;
    return a;
  }

  function enc(id) { return encodeURIComponent(id); }

  // A popup: a title, label/value rows and links.
  function card(s, title, rows, links) {
    var box = node("div", "map-popup");
    box.appendChild(node("strong", null, title));
    var dl = node("dl");
    rows.forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") return;
      dl.appendChild(node("dt", null, row[0]));
      var dd = node("dd");
      if (row[2]) dd.appendChild(link(row[2], row[1], true)); else dd.appendChild(value(row[1]));
      dl.appendChild(dd);
    });
    box.appendChild(dl);
    (links || []).forEach(function (l) { box.appendChild(link(l[0], l[1])); box.appendChild(document.createTextNode(" ")); });
    return box;
  }

  // ---- Map and basemap ----

  function makeMap(el, s) {
    var map = L.map(el, { preferCanvas: true, zoomControl: false, minZoom: 3, maxZoom: 16, worldCopyJump: false });
    L.control.zoom({ zoomInText: s("zoomIn"), zoomOutText: s("zoomOut"), zoomInTitle: s("zoomInTitle"), zoomOutTitle: s("zoomOutTitle") }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(node("span", null, s("attribution")).outerHTML);
    map.setView([23.6, -102.5], 5);
    map.on("popupopen", function (e) {
      var button = e.popup.getElement() && e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (button) { button.setAttribute("aria-label", s("close")); button.title = s("close"); button.setAttribute("translate", "no"); }
    });
    map.createPane("basemap").classList.add("map-basemap");
    map.getPane("basemap").style.zIndex = 200;
    return map;
  }

  function getJSON(url, signal) {
    return fetch(url, { credentials: "same-origin", signal: signal, headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  // Leaflet's layers button says "Layers" in English, in a title, with no text: the catalog's
  // word instead, as its title, its label and (hidden) text.
  function layersControl(control, s) {
    var toggle = control.getContainer().querySelector(".leaflet-control-layers-toggle");
    if (!toggle) return control;
    toggle.title = s("layers");
    toggle.setAttribute("aria-label", s("layers"));
    toggle.appendChild(node("span", "sr-only", s("layers")));
    return control;
  }

  function basemap(map, s) {
    var renderer = L.svg({ pane: "basemap" });
    getJSON("/geo/neighbours.geojson").then(function (data) {
      L.geoJSON(data, { pane: "basemap", renderer: renderer, interactive: false,
        filter: function (f) { return f.properties.level !== "admin1"; },
        style: { color: "#8c96a3", weight: 1, fillColor: "#e4e7eb", fillOpacity: 1 } }).addTo(map);
      L.geoJSON(data, { pane: "basemap", renderer: renderer, interactive: false,
        filter: function (f) { return f.properties.level === "admin1"; },
        style: { color: "#a9b1bc", weight: 0.6, fill: false } }).addTo(map);
    });
    getJSON("/geo/mexico_states.geojson").then(function (data) {
      L.geoJSON(data, { pane: "basemap", renderer: renderer, interactive: false,
        style: { color: "#7d8894", weight: 0.8, fillColor: "#fbfaf5", fillOpacity: 1 } }).addTo(map);
    });
  }

  function ports(s) {
    var layer = L.layerGroup();
    getJSON("/geo/ports.geojson").then(function (data) {
      data.features.forEach(function (f) {
        var p = f.properties, c = f.geometry.coordinates;
        var m = L.circleMarker([c[1], c[0]], { radius: p.main ? 6 : 4, weight: 2, color: "#1d3557", fillColor: p.kind === "seaport" ? "#2a9d8f" : p.kind === "airport" ? "#8d99ae" : "#e9c46a", fillOpacity: 0.95 });
        m.bindPopup(card(s, s("port." + p.kind), [["", p.name], [s("field.locode"), p.locode || p.iata], [s("field.counterpart"), p.counterpart]]));
        m.bindTooltip(value(p.name).outerHTML);
        layer.addLayer(m);
      });
    });
    return layer;
  }

  function cities() {
    var layer = L.layerGroup();
    getJSON("/geo/cities.geojson").then(function (data) {
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        layer.addLayer(L.circleMarker([c[1], c[0]], { radius: 2.5, weight: 1, color: "#555", fillColor: "#555", fillOpacity: 0.8 })
          .bindTooltip(value(f.properties.name).outerHTML));
      });
    });
    return layer;
  }

  function legend(map, s, keys) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var box = node("div", "map-legend leaflet-bar");
      box.appendChild(node("strong", null, s("legend")));
      var ul = node("ul");
      keys.forEach(function (k) {
        var li = node("li");
        li.appendChild(node("span", "swatch swatch-" + k));
        li.appendChild(document.createTextNode(" " + s("legend." + k)));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  // Track points in clusters, added in chunks so that the page stays responsive; `done` runs
  // once the last chunk is in.
  function clusterGroup(done) {
    return L.markerClusterGroup({
      chunkedLoading: true, chunkInterval: 100, chunkDelay: 20,
      chunkProgress: function (processed, total) { if (processed === total && done) done(); }, disableClusteringAtZoom: 13, showCoverageOnHover: false,
      spiderfyOnMaxZoom: false, removeOutsideVisibleBounds: true,
      iconCreateFunction: function (cluster) {
        var n = cluster.getChildCount();
        var size = n < 100 ? "small" : n < 1000 ? "medium" : "large";
        return L.divIcon({ html: "<div><span translate=\"no\">" + numbers.format(n) + "</span></div>", className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
      }
    });
  }

  function areaStyle(score) {
    var t = Math.max(0, Math.min(1, score || 0));
    return { color: "#7f1d1d", weight: 1, fillColor: t > 0.66 ? "#b91c1c" : t > 0.33 ? "#ea580c" : "#f59e0b", fillOpacity: 0.15 + 0.45 * t };
  }

  function legPopup(s, leg) {
    var links = [["/records/legs/" + enc(leg.id), s("open")]];
    return card(s, s("field.leg"), [
      ["", leg.id, "/records/legs/" + enc(leg.id)], [s("field.vehicle"), leg.vehicle], [s("field.departed"), leg.departed],
      [s("field.arrived"), leg.arrived], [s("field.consignment"), leg.consignment, leg.consignment ? "/consignments/" + enc(leg.consignment) : null],
      [s("field.transfer"), leg.transfer, leg.transfer ? "/records/transfers/" + enc(leg.transfer) : null]], links);
  }

  function pointPopup(s, id, time) {
    var vehicle = id.split("@")[0];
    return card(s, s("field.point"), [["", id, "/records/track_points/" + enc(id)], [s("field.vehicle"), vehicle], [s("field.time"), time]],
      [["/records/track_points/" + enc(id), s("open")]]);
  }

  // ---- The Map page ----

  function mapPage(el) {
    var s = strings(el);
    var map = makeMap(el, s);
    basemap(map, s);
    var finish = null;
    var points = clusterGroup(function () { if (finish) finish(); }), legs = L.layerGroup(), areas = L.layerGroup(), portLayer = ports(s), cityLayer = cities();
    [areas, legs, points, portLayer].forEach(function (layer) { layer.addTo(map); });
    var overlays = {};
    overlays[s("layer.areas")] = areas;
    overlays[s("layer.legs")] = legs;
    overlays[s("layer.points")] = points;
    overlays[s("layer.ports")] = portLayer;
    overlays[s("layer.cities")] = cityLayer;
    layersControl(L.control.layers(null, overlays, { collapsed: window.innerWidth < 900 }).addTo(map), s);
    legend(map, s, ["area", "leg", "point", "port"]);
    var status = document.getElementById("map-status"), list = document.getElementById("map-legs");
    var controller = null, timer = null, pointRenderer = L.canvas({ padding: 0.2 });

    function show(data) {
      var started = performance.now();
      areas.clearLayers(); legs.clearLayers(); points.clearLayers();
      (data.areas || []).forEach(function (a) {
        var circle = L.circle([a.lat, a.lon], Object.assign({ radius: (a.radiusKm || 1) * 1000 }, areaStyle(a.score)));
        var box = card(s, s("field.area"), [[s("field.score"), a.score], [s("field.radius"), a.radiusKm]]);
        if (a.reasons && a.reasons.length) { box.appendChild(node("strong", null, s("field.reasons"))); var ul = node("ul"); a.reasons.forEach(function (r) { ul.appendChild(node("li", null, r, true)); }); box.appendChild(ul); }
        if (a.evidence && a.evidence.length) { box.appendChild(node("strong", null, s("field.evidence"))); var p = node("p", "evidence"); a.evidence.slice(0, 30).forEach(function (e) { p.appendChild(link(e.href, e.id, true)); p.appendChild(document.createTextNode(" ")); }); box.appendChild(p); }
        areas.addLayer(circle.bindPopup(box));
      });
      var legItems = data.legs ? data.legs.items : [];
      legItems.forEach(function (leg) {
        if (!leg.from || !leg.to) return;
        legs.addLayer(L.polyline([leg.from, leg.to], { color: "#1d4ed8", weight: 1.5, opacity: 0.6 }).bindPopup(function () { return legPopup(s, leg); }));
      });
      var markers = (data.points ? data.points.items : []).map(function (p) {
        return L.circleMarker([p[1], p[2]], { renderer: pointRenderer, radius: 3, weight: 1, color: "#0f766e", fillColor: "#14b8a6", fillOpacity: 0.8 })
          .bindPopup(function () { return pointPopup(s, p[0], null); });
      });
      finish = function () {
        finish = null;
        el.dataset.drawnMs = String(Math.round(performance.now() - started));
        el.dataset.points = String(markers.length);
        el.dispatchEvent(new CustomEvent("rastro:drawn"));
      };
      if (markers.length) points.addLayers(markers);
      // The list of legs in view: the keyboard's way to the objects on the map.
      list.textContent = "";
      legItems.slice(0, 50).forEach(function (leg) {
        var li = node("li");
        li.appendChild(link("/records/legs/" + enc(leg.id), leg.id, true));
        li.appendChild(document.createTextNode(" · "));
        li.appendChild(value(leg.vehicle));
        if (leg.consignment) { li.appendChild(document.createTextNode(" · ")); li.appendChild(link("/consignments/" + enc(leg.consignment), leg.consignment, true)); }
        list.appendChild(li);
      });
      if (!legItems.length) list.appendChild(node("li", null, list.dataset.none));
      else if (legItems.length > 50) list.appendChild(node("li", "hint", list.dataset.more));
      status.textContent = "";
      [["points", "points"], ["legs", "legs"]].forEach(function (pair) {
        var part = data[pair[0]];
        if (!part) return;
        var key = part.complete ? "status." + pair[1] : "status." + pair[1] + "Sampled";
        var line = node("span", "map-status-line");
        line.appendChild(sentence(s(key), { shown: numbers.format(part.items.length), total: numbers.format(part.total) }));
        status.appendChild(line);
        status.appendChild(document.createTextNode(" "));
      });
      if (data.areas) status.appendChild(sentence(s("status.areas"), { shown: numbers.format(data.areas.length) }));
      if ((!markers.length || !map.hasLayer(points)) && finish) finish();
    }

    function load() {
      if (controller) controller.abort();
      controller = new AbortController();
      var layers = ["points", "legs", "areas"].filter(function (name) {
        return map.hasLayer({ points: points, legs: legs, areas: areas }[name]);
      });
      status.textContent = s("status.loading");
      var started = performance.now();
      getJSON(el.dataset.data + "?bbox=" + map.getBounds().toBBoxString() + "&layers=" + layers.join(","), controller.signal)
        .then(function (data) { el.dataset.fetchMs = String(Math.round(performance.now() - started)); show(data); })
        .catch(function (error) { if (error.name !== "AbortError") status.textContent = s("status.error"); });
    }

    function soon() { clearTimeout(timer); timer = setTimeout(load, 200); }
    map.on("moveend", soon);
    map.on("overlayadd overlayremove", soon);
    load();
    el.rastroMap = map;
  }

  // ---- A consignment's route ----

  function routeMap(el) {
    var s = strings(el);
    var map = makeMap(el, s);
    basemap(map, s);
    var status = document.getElementById(el.id + "-status");
    if (!status) {
      status = node("p", "map-status");
      status.id = el.id + "-status";
      status.setAttribute("role", "status");
      el.parentNode.insertBefore(status, el.nextSibling);
    }
    status.textContent = s("status.loading");
    var legs = L.layerGroup().addTo(map), track = L.layerGroup().addTo(map), stops = L.layerGroup().addTo(map), portLayer = ports(s);
    // A route has a few lines: SVG, so that each is an element (focusable, testable) rather than
    // pixels on the canvas the map prefers for thousands of points.
    var vector = L.svg();
    var pointLayer = clusterGroup().addTo(map);
    getJSON(el.dataset.route).then(function (data) {
      var bounds = L.latLngBounds([]), markers = [];
      data.features.forEach(function (f) {
        var p = f.properties, g = f.geometry;
        var latlngs = g.type === "LineString" ? g.coordinates.map(function (c) { return [c[1], c[0]]; }) : [g.coordinates[1], g.coordinates[0]];
        if (p.layer === "leg") {
          legs.addLayer(L.polyline(latlngs, { renderer: vector, color: "#1d4ed8", weight: 3, dashArray: "6 6" }).bindPopup(function () { return legPopup(s, p); }));
          latlngs.forEach(function (ll) { bounds.extend(ll); });
        } else if (p.layer === "track") {
          track.addLayer(L.polyline(latlngs, { color: "#0f766e", weight: 2, opacity: 0.8, interactive: false }));
          latlngs.forEach(function (ll) { bounds.extend(ll); });
        } else if (p.layer === "point") {
          markers.push(L.circleMarker(latlngs, { radius: 3, weight: 1, color: "#0f766e", fillColor: "#14b8a6", fillOpacity: 0.8 })
            .bindPopup(function () { return pointPopup(s, p.id, p.time); }));
        } else if (p.layer === "stop") {
          stops.addLayer(L.circleMarker(latlngs, { radius: 8, weight: 2, color: "#7f1d1d", fillColor: "#dc2626", fillOpacity: 0.85 })
            .bindPopup(function () {
              return card(s, s("evidence." + p.kind), [[s("field.value"), numbers.format(p.value)], [s("field.when"), p.start + " – " + p.end],
                [s("field.leg"), p.leg, "/records/legs/" + enc(p.leg)], [s("field.vehicle"), p.vehicle]]);
            }));
          bounds.extend(latlngs);
        }
      });
      pointLayer.addLayers(markers);
      var overlays = {};
      overlays[s("layer.legs")] = legs;
      overlays[s("layer.track")] = track;
      overlays[s("layer.points")] = pointLayer;
      overlays[s("layer.stops")] = stops;
      overlays[s("layer.ports")] = portLayer;
      layersControl(L.control.layers(null, overlays, { collapsed: true }).addTo(map), s);
      legend(map, s, ["leg", "track", "stop", "point"]);
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 });
      status.textContent = "";
      if (!data.features.length) status.appendChild(sentence(s("status.routeEmpty"), {}));
      else if (data.capped) status.appendChild(sentence(s("status.routeCapped"), { shown: numbers.format(data.positions) }));
      el.dataset.points = String(markers.length);
      el.dispatchEvent(new CustomEvent("rastro:drawn"));
    }).catch(function () { status.textContent = s("status.error"); });
    el.rastroMap = map;
  }

  function start() {
    if (typeof L === "undefined") return;
    var page = document.getElementById("map");
    if (page && page.dataset.data) mapPage(page);
    var route = document.getElementById("route-map");
    if (route && route.dataset.route) routeMap(route);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
