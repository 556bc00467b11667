// The party page's association graph: this party and those that share a phone, address or
// representative with it, drawn with d3 v3's force layout from /entities/ID/graph.json (the same
// associations are in the table under it). Names are data: marked translate="no".
(function () {
  "use strict";
  var box = document.getElementById("party-graph");
  if (!box || typeof d3 === "undefined") { return; }
  d3.json(box.getAttribute("data-src"), function (error, graph) {
    if (error || !graph || !graph.nodes) { return; }
    var width = box.clientWidth || 640, height = box.clientHeight || 420;
    var svg = d3.select(box).append("svg").attr("width", width).attr("height", height)
      .attr("viewBox", "0 0 " + width + " " + height).attr("aria-hidden", "true");
    var force = d3.layout.force().nodes(graph.nodes).links(graph.links).size([width, height])
      .linkDistance(140).charge(-500).start();
    var link = svg.selectAll(".edge").data(graph.links).enter().append("g").attr("class", function (d) { return "edge edge-" + d.kind; });
    link.append("line");
    link.append("title").text(function (d) { return d.label + ": " + d.value; });
    // Nodes open their party on a click; they are not links (nor focusable): the picture is
    // hidden from assistive technology, and the table under it holds the same links.
    var node = svg.selectAll(".node").data(graph.nodes).enter().append("g")
      .attr("class", function (d) { return d.self ? "node self" : "node"; })
      .on("click", function (d) { if (!d3.event.defaultPrevented) { window.location.assign(d.href); } }).call(force.drag);
    node.append("circle").attr("r", function (d) { return d.self ? 12 : 8; });
    node.append("text").attr("dx", 14).attr("dy", 4).attr("translate", "no").text(function (d) { return d.id + " " + d.name; });
    force.on("tick", function () {
      link.select("line").attr("x1", function (d) { return d.source.x; }).attr("y1", function (d) { return d.source.y; })
        .attr("x2", function (d) { return d.target.x; }).attr("y2", function (d) { return d.target.y; });
      node.attr("transform", function (d) {
        d.x = Math.max(14, Math.min(width - 14, d.x));
        d.y = Math.max(14, Math.min(height - 14, d.y));
        return "translate(" + d.x + "," + d.y + ")";
      });
    });
  });
}());
