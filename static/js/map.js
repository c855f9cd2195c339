// The interactive map: Cytoscape.js over /map.json. The list under the map and the panel
// beside it carry everything the picture shows, for keyboard and screen reader users.
(async function () {
  const container = document.getElementById("map");
  if (!container || typeof cytoscape === "undefined") return;
  const panel = document.getElementById("map-panel");
  const status = document.getElementById("map-status");
  const data = await (await fetch(container.dataset.source)).json();

  const COLOURS = { source: "#0b5cad", "source-child": "#8fb8e8", target: "#b35c00", "target-child": "#f0b070" };
  const SHAPES = { source: "round-rectangle", "source-child": "ellipse", target: "hexagon", "target-child": "diamond" };

  // Clusters: each top-level element with what sits under it fanned out beside it,
  // sources (behaviours, say) in a column on the left and targets (standards) on the right.
  function positions(nodes) {
    const placed = {};
    for (const [side, x, outward] of [["source:", 0, -1], ["target:", 900, 1]]) {
      const tops = nodes.filter((n) => n.id.startsWith(side) && !n.parent);
      let y = 0;
      for (const top of tops) {
        const members = nodes.filter((n) => n.cluster === top.id && n.id !== top.id);
        const height = Math.max(1, members.length) * 34;
        placed[top.id] = { x, y: y + height / 2 };
        members.forEach((member, i) => {
          placed[member.id] = { x: x + outward * (150 + (i % 2) * 60), y: y + i * 34 + 17 };
        });
        y += height + 40;
      }
    }
    return placed;
  }
  const placed = positions(data.nodes);
  const elements = [
    // "parent" means a compound node to Cytoscape; clusters here come from positions instead.
    ...data.nodes.map((n) => ({ group: "nodes", data: { ...n, parent: undefined, part_of: n.parent }, position: placed[n.id] })),
    ...data.nodes.filter((n) => n.parent).map((n) => ({ group: "edges", data: { id: `part:${n.id}`, source: n.parent, target: n.id, structure: true }, classes: "structure" })),
    ...data.edges.map((e) => ({ group: "edges", data: e, classes: `relation ${e.relation}` })),
    // Inferred through a crosswalk, not reviewed: drawn apart (dashed, faint), never a link.
    ...(data.inferred || []).map((e) => ({ group: "edges", data: e, classes: "inferred" })),
  ];
  const cy = cytoscape({
    container,
    elements,
    layout: { name: "preset", fit: true, padding: 30 },
    minZoom: 0.15,
    maxZoom: 3,
    wheelSensitivity: 0.25,
    style: [
      { selector: "node", style: {
        label: "data(code)", "font-size": 11, "text-valign": "center", "text-halign": "center",
        width: 34, height: 34, color: "#111", "background-color": (n) => COLOURS[n.data("kind")],
        shape: (n) => SHAPES[n.data("kind")], "border-width": 1, "border-color": "#333" } },
      { selector: "node[kind = 'source'], node[kind = 'target']", style: { width: 52, height: 44, color: "#fff", "font-weight": "bold", "font-size": 13 } },
      { selector: "edge", style: { "curve-style": "bezier", width: 2, "line-color": "#667", opacity: 0.55 } },
      { selector: "edge.structure", style: { width: 1, "line-color": "#bbb", "line-style": "solid", opacity: 0.6 } },
      { selector: "edge.same_as", style: { width: 5, "line-color": "#0d5e2b" } },
      { selector: "edge.fully_covers", style: { width: 3, "line-color": "#0d5e2b" } },
      { selector: "edge.partly_covers", style: { "line-style": "dashed", "line-color": "#7a4a00" } },
      { selector: "edge.closely_matches", style: { "line-style": "dashed", "line-dash-pattern": [12, 4], "line-color": "#444" } },
      { selector: "edge.supports", style: { "line-style": "dotted", width: 3, "line-color": "#3d3f8f" } },
      { selector: "edge.inferred", style: { "line-style": "dashed", "line-dash-pattern": [4, 6], width: 1.5, "line-color": "#8a6d00", opacity: 0.45 } },
      { selector: ".faded", style: { opacity: 0.08 } },
      { selector: ".focused", style: { "border-width": 4, "border-color": "#ffbf47" } },
      { selector: ".hidden", style: { display: "none" } },
    ],
  });
  window.weaveMap = cy;

  function say(text) { status.textContent = text; }

  function el(tag, text, attributes = {}) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  function fillPanel(node) {
    const d = node.data();
    panel.replaceChildren(el("h2", d.label, { id: "map-panel-heading" }), el("p", d.level, { class: "muted" }));
    if (d.description) panel.append(el("p", d.description));
    const page = el("p"); page.append(el("a", "Open its page (permalink)", { href: d.url })); panel.append(page);
    const links = node.connectedEdges(".relation");
    panel.append(el("h3", `${links.length} link${links.length === 1 ? "" : "s"}`));
    const list = el("ul", "", { class: "map-panel-links" });
    links.forEach((edge) => {
      const other = edge.source().id() === node.id() ? edge.target() : edge.source();
      const item = el("li");
      const button = el("button", other.data("label"), { type: "button", class: "linklike", "data-node": other.id() });
      const reference = el("a", edge.data("reference"), { href: edge.data("url"), class: "ref" });
      const relation = el("p", "", { class: "small" });
      relation.append(reference, ` · ${edge.data("relation_label")}`);
      item.append(button, relation, el("p", edge.data("rationale"), { class: "small" }));
      list.append(item);
    });
    panel.append(list);
    const inferred = node.connectedEdges(".inferred");
    if (inferred.length) {
      panel.append(el("h3", `${inferred.length} inferred through a crosswalk, not reviewed`));
      const more = el("ul", "", { class: "map-panel-links inferred-list" });
      inferred.forEach((edge) => {
        const other = edge.source().id() === node.id() ? edge.target() : edge.source();
        more.append(el("li", `${other.data("label")}: ${edge.data("relation_label")}, ${edge.data("through")}`));
      });
      panel.append(more);
    }
  }

  function focusNode(id, { moveFocus = false } = {}) {
    const node = cy.getElementById(id);
    if (node.empty()) return;
    cy.batch(() => {
      cy.elements().removeClass("focused").addClass("faded");
      node.closedNeighborhood().removeClass("faded");
      node.addClass("focused");
    });
    fillPanel(node);
    cy.animate({ fit: { eles: node.closedNeighborhood(), padding: 60 } }, { duration: 200 });
    say(`${node.data("label")}: ${node.connectedEdges(".relation").length} links shown beside the map.`);
    if (moveFocus) panel.focus();
  }

  function reset() {
    for (const id of ["map-target", "map-source", "map-relation"]) document.getElementById(id).value = "";
    cy.elements().removeClass("faded focused hidden");
    cy.fit(undefined, 30);
    say("Map reset.");
  }

  function applyFilters() {
    const target = document.getElementById("map-target").value;
    const source = document.getElementById("map-source").value;
    const relation = document.getElementById("map-relation").value;
    cy.batch(() => {
      cy.elements().removeClass("hidden faded focused");
      let links = cy.edges(".relation");
      if (relation) links = links.filter((e) => e.data("relation") === relation);
      if (target) links = links.filter((e) => e.target().data("cluster") === target);
      if (source) links = links.filter((e) => e.source().data("cluster") === source);
      cy.edges(".relation").not(links).addClass("hidden");
      if (target || source || relation) {
        const keep = links.connectedNodes()
          .union(cy.nodes().filter((n) => n.data("cluster") === target || n.data("cluster") === source));
        cy.nodes().not(keep).addClass("hidden");
      }
    });
    const shown = cy.nodes().not(".hidden");
    cy.fit(shown, 30);
    say(`${shown.length} elements and ${cy.edges(".relation").not(".hidden").length} links shown.`);
  }

  cy.on("tap", "node", (event) => focusNode(event.target.id()));
  for (const id of ["map-target", "map-source", "map-relation"]) {
    document.getElementById(id).addEventListener("change", applyFilters);
  }
  document.getElementById("map-reset").addEventListener("click", reset);
  document.getElementById("map-zoom-in").addEventListener("click", () => cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
  document.getElementById("map-zoom-out").addEventListener("click", () => cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
  document.getElementById("map-png").addEventListener("click", () => {
    const link = el("a", "", { href: cy.png({ full: true, bg: "#ffffff", scale: 2 }), download: "weave-map.png" });
    document.body.append(link); link.click(); link.remove();
  });
  document.getElementById("map-search").addEventListener("submit", (event) => {
    event.preventDefault();
    const wanted = document.getElementById("map-find").value.trim().toLowerCase();
    const match = cy.nodes().filter((n) => n.data("label").toLowerCase() === wanted || n.data("code").toLowerCase() === wanted)[0]
      || cy.nodes().filter((n) => n.data("label").toLowerCase().includes(wanted))[0];
    if (wanted && match) focusNode(match.id(), { moveFocus: true });
    else say(`No element matches “${wanted}”.`);
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-node]");
    if (button) focusNode(button.dataset.node, { moveFocus: true });
  });
  container.dataset.ready = "true";
})();
