// The network picture on a person page and in the network explorer: drawn with Cytoscape.js from the JSON the page
// carries (the same people and things as the table above it, which screen readers use).
(function () {
  var data = document.getElementById("network-data");
  var box = document.getElementById("network-picture");
  if (!data || !box || typeof cytoscape !== "function") { return; }
  var elements = JSON.parse(data.textContent);
  if (!elements.length) { return; }
  box.hidden = false;
  // Cytoscape would add an inline <style> (refused by the Content-Security-Policy) unless an
  // element with this id exists; its one rule is in joinedup.css instead.
  if (!document.getElementById("__________cytoscape_stylesheet")) {
    var marker = document.createElement("meta");
    marker.id = "__________cytoscape_stylesheet";
    document.head.appendChild(marker);
  }
  var cy = cytoscape({
    container: box,
    elements: elements,
    layout: { name: "cose", animate: false },
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 12, "background-color": "#505a5f" } },
      { selector: "node.subject", style: { "background-color": "#d4351c" } },
      { selector: "node.person", style: { "shape": "ellipse" } },
      { selector: "node.offender", style: { "background-color": "#d4351c" } },
      { selector: "node.child_at_risk", style: { "background-color": "#4c2c92" } },
      { selector: "node.vehicle, node.phone", style: { "shape": "round-rectangle", "background-color": "#1d70b8" } },
      { selector: "node.place", style: { "shape": "diamond", "background-color": "#00703c" } },
      { selector: "edge", style: { "width": 2, "line-color": "#b1b4b6" } }
    ]
  });
  // a node opens its own page (the person, vehicle, phone or place)
  cy.on("tap", "node", function (event) {
    var href = event.target.data("href");
    if (href) { window.location.assign(href); }
  });
}());
