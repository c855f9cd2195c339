// The interactive map: Cytoscape.js over /map.json. It opens as a summary: the top-level
// elements only, sources on the left in their own order and targets on the right ordered
// to cut crossings (by the mean position of the sources they link to), one line per pair
// with how many links it stands for and the strongest relation among them. Choosing a
// top-level element opens its cluster (what sits under it, with its own lines); the open
// clusters, the element in focus and the filters are kept in the address (#open=…&focus=…)
// so that a view can be shared. The list under the map and the panel beside it carry
// everything the picture shows, for keyboard and screen reader users.
(async function () {
  const container = document.getElementById("map");
  if (!container || typeof cytoscape === "undefined") return;
  const started = performance.now();
  const panel = document.getElementById("map-panel");
  const status = document.getElementById("map-status");
  const data = await (await fetch(container.dataset.source)).json();
  const loaded = performance.now();

  const COLOURS = { source: "#0b5cad", "source-child": "#d6e6f8", target: "#b35c00", "target-child": "#fbe3c8" };
  const SHAPES = { source: "round-rectangle", "source-child": "ellipse", target: "hexagon", "target-child": "diamond" };
  // Strongest first: a summary line takes the strongest relation of the links it stands for.
  const STRENGTH = ["same_as", "fully_covers", "partly_covers", "closely_matches", "supports"];
  const strength = (relation) => { const i = STRENGTH.indexOf(relation); return i < 0 ? STRENGTH.length : i; };
  const FONT = 15; // model units; the zoom never goes below MIN_ZOOM, so labels are ≥ 11 px
  const MIN_ZOOM = 0.75;
  // Columns close enough, and labels narrow enough, that the summary fits a laptop's map
  // (about 750 px) at the least zoom that keeps labels legible.
  const X = { source: 0, "source-child": 190, "target-child": 400, target: 590 };

  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const tops = { source: [], target: [] };
  const members = new Map(); // cluster id → the elements under it, in order
  for (const node of data.nodes) {
    if (!node.parent) tops[node.id.startsWith("source:") ? "source" : "target"].push(node);
    else { if (!members.has(node.cluster)) members.set(node.cluster, []); members.get(node.cluster).push(node); }
  }
  const links = data.edges;
  const inferred = data.inferred || [];
  const clusterOf = (id) => (byId.get(id) || {}).cluster || id;

  // Targets ordered by the mean position of the sources linking to them (weighted by how
  // many links), which puts most lines nearly level; unlinked targets keep their place.
  (function orderTargets() {
    const rank = new Map(tops.source.map((n, i) => [n.id, i]));
    const sum = new Map(), count = new Map();
    for (const link of links) {
      const t = clusterOf(link.target), s = rank.get(clusterOf(link.source));
      sum.set(t, (sum.get(t) || 0) + s); count.set(t, (count.get(t) || 0) + 1);
    }
    const place = (node, i) => (count.get(node.id) ? sum.get(node.id) / count.get(node.id) : i * tops.source.length / Math.max(1, tops.target.length));
    const keys = new Map(tops.target.map((n, i) => [n.id, place(n, i)]));
    tops.target.sort((a, b) => keys.get(a.id) - keys.get(b.id));
  })();

  // Lines drawn at once, across the groups open: past a few thousand, drawing freezes the
  // tab for seconds. Opening a group (or taking a filter away) that would pass it closes the
  // other groups; one group alone is drawn whole (the link table lists every link).
  const MOST_LINES = 1500;

  const state = { open: new Set(), focus: "", source: "", target: "", relation: "" };
  const emptyPanel = [...panel.childNodes].map((node) => node.cloneNode(true));
  const controls = { source: "map-source", target: "map-target", relation: "map-relation" };

  function readAddress() {
    const params = new URLSearchParams(location.hash.slice(1));
    state.open = new Set((params.get("open") || "").split(",").filter((id) => byId.has(id) && !byId.get(id).parent));
    state.focus = byId.has(params.get("focus")) ? params.get("focus") : "";
    for (const [name, id] of Object.entries(controls)) {
      const select = document.getElementById(id);
      const wanted = params.get(name) || "";
      state[name] = [...select.options].some((o) => o.value === wanted) ? wanted : "";
      select.value = state[name];
    }
    if (state.focus) state.open.add(clusterOf(state.focus));
    // An address opening more than can be drawn keeps the group in focus, or the first.
    const trimmed = keepDrawable(state.focus ? clusterOf(state.focus) : [...state.open][0]);
    showClosed(trimmed ? tooManySaid(trimmed) : "");
    if (trimmed) say(tooManySaid(trimmed));
  }

  const lineCount = () => lines(links, "links").length + lines(inferred, "inferred").length;
  // With more lines than MOST_LINES to draw and more than one group open, only `keep` stays
  // open; how many lines there would have been (0 when nothing was closed).
  function keepDrawable(keep) {
    if (state.open.size <= 1) return 0;
    const count = lineCount();
    if (count <= MOST_LINES) return 0;
    state.open = new Set(state.open.has(keep) ? [keep] : []);
    return count;
  }
  // Said aloud (the status) and shown above the map until the next change of view.
  function tooManySaid(count) {
    const kept = [...state.open].map((id) => byId.get(id).code);
    const which = kept.length ? `Only ${kept[0]} stays open` : "The groups were closed";
    return `${which}: with every group you opened, the map would draw ${count.toLocaleString("en-GB")} lines (one for each pair of elements linked), more than it draws at once (${MOST_LINES.toLocaleString("en-GB")}). Open another group instead, or read every link in the link table or the matrix.`;
  }
  function showClosed(text) {
    const note = document.getElementById("map-closed");
    note.textContent = text;
    note.hidden = !text;
  }

  // What the reader chose (an element, a filter, a reset) is a step of its own in the
  // browser's history, so that Back returns to the view before it; what an address asks
  // for (opened, shared, or come back to) is drawn without adding one.
  let chosen = false;
  function writeAddress() {
    const params = new URLSearchParams();
    if (state.open.size) params.set("open", [...state.open].join(","));
    for (const name of ["focus", "source", "target", "relation"]) if (state[name]) params.set(name, state[name]);
    const hash = params.toString();
    const address = hash ? `#${hash}` : location.pathname + location.search;
    if (chosen && `#${hash}` !== (location.hash || "#")) history.pushState(null, "", address);
    else history.replaceState(null, "", address);
    chosen = false;
  }

  const shown = (id) => (state.open.has(clusterOf(id)) ? id : clusterOf(id));
  const kept = (link) => (!state.relation || link.relation === state.relation)
    && (!state.source || clusterOf(link.source) === state.source)
    && (!state.target || clusterOf(link.target) === state.target);

  // One line per pair of shown elements: how many links it stands for, the strongest.
  function lines(list, kind) {
    const pairs = new Map();
    for (const link of list) {
      if (!kept(link)) continue;
      const source = shown(link.source), target = shown(link.target);
      const key = `${source}|${target}`;
      const line = pairs.get(key) || { id: `${kind}:${key}`, source, target, count: 0, relation: link.relation, links: [] };
      line.count += 1;
      if (strength(link.relation) < strength(line.relation)) line.relation = link.relation;
      line.links.push(link);
      pairs.set(key, line);
    }
    return [...pairs.values()];
  }

  const { shorten, wrapped, found } = window.weaveMapLabels; // static/js/map-labels.js

  function layout(side, visible) {
    const placed = {};
    let y = 0;
    for (const top of tops[side]) {
      if (!visible.has(top.id)) continue;
      const under = state.open.has(top.id) ? (members.get(top.id) || []) : [];
      const height = Math.max(60, under.length * 56);
      placed[top.id] = { x: X[side], y: y + 30 };
      under.forEach((child, i) => { placed[child.id] = { x: X[`${side}-child`], y: y + i * 56 + 30 }; });
      y += height + 10;
    }
    return [placed, y];
  }

  function elements() {
    const relationLines = lines(links, "links");
    const inferredLines = lines(inferred, "inferred");
    const filtering = state.source || state.target || state.relation;
    const visible = new Set();
    for (const side of ["source", "target"]) {
      for (const top of tops[side]) {
        if (!filtering || top.id === state.source || top.id === state.target) visible.add(top.id);
      }
    }
    for (const line of [...relationLines, ...inferredLines]) { visible.add(clusterOf(line.source)); visible.add(clusterOf(line.target)); }
    const [sources, sourceHeight] = layout("source", visible);
    const [targets, targetHeight] = layout("target", visible);
    const shift = (sourceHeight - targetHeight) / 2;
    for (const p of Object.values(targets)) p.y += shift;
    const positions = { ...sources, ...targets };
    const nodes = Object.keys(positions).map((id) => {
      const n = byId.get(id);
      const open = state.open.has(id);
      const under = (members.get(id) || []).length;
      // An element's code and the start of its title (the whole in the panel and the list
      // below): at most three lines, so that a label never runs into the next one's.
      const title = wrapped(shorten(n.title, n.parent ? 40 : 34));
      const label = `${n.code} ${title}${!n.parent && under ? (open ? " ▾" : ` ▸ ${under}`) : ""}`;
      return { group: "nodes", data: { ...n, parent: undefined, part_of: n.parent, label }, position: positions[id], classes: `${n.kind}${open ? " open" : ""}` };
    });
    const structure = nodes.filter((n) => n.data.part_of && positions[n.data.part_of])
      .map((n) => ({ group: "edges", data: { id: `part:${n.data.id}`, source: n.data.part_of, target: n.data.id }, classes: "structure" }));
    const summary = (line, kind) => ({ group: "edges", data: { ...line, links: undefined, label: line.count > 1 ? String(line.count) : "", relation_label: data.relations[line.relation] }, classes: `${kind} ${line.relation}` });
    return [...nodes, ...structure, ...relationLines.map((l) => summary(l, "relation")), ...inferredLines.map((l) => summary(l, "inferred"))];
  }

  const cy = cytoscape({
    container,
    elements: [],
    layout: { name: "preset" },
    minZoom: 0.3,
    maxZoom: 3,
    style: [
      { selector: "node", style: {
        label: "data(label)", "font-size": FONT, "text-wrap": "wrap", "text-max-width": 135, "text-valign": "center",
        width: 30, height: 30, color: "#111", "background-color": (n) => COLOURS[n.data("kind")],
        shape: (n) => SHAPES[n.data("kind")], "border-width": 1, "border-color": "#333",
        "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 2 } },
      { selector: "node.source", style: { "text-halign": "left", "text-margin-x": -8, width: 40, height: 34, "font-weight": "bold" } },
      { selector: "node.target", style: { "text-halign": "right", "text-margin-x": 8, width: 40, height: 36, "font-weight": "bold" } },
      { selector: "node.source-child", style: { "text-halign": "right", "text-margin-x": 6, "text-max-width": 150 } },
      { selector: "node.target-child", style: { "text-halign": "left", "text-margin-x": -6, "text-max-width": 150 } },
      { selector: "node.open", style: { "border-width": 3 } },
      { selector: "edge", style: { "curve-style": "bezier", width: (e) => Math.min(2 + Math.log2(e.data("count") || 1) * 1.5, 10),
        "line-color": "#667", opacity: 0.7, label: "data(label)", "font-size": FONT, "text-background-color": "#fff",
        "text-background-opacity": 0.9, "text-background-padding": 2, color: "#111" } },
      { selector: "edge.structure", style: { width: 1, "line-color": "#bbb", opacity: 0.8, label: "" } },
      // "Is the same as" is told from "Fully covers" by its shape, not only its colour: a
      // double line (a pale core outlined in dark green), as in the legend.
      { selector: "edge.same_as", style: { "line-color": "#e8f3ec", "line-outline-width": 1.5, "line-outline-color": "#0d5e2b" } },
      { selector: "edge.fully_covers", style: { "line-color": "#0d5e2b" } },
      { selector: "edge.partly_covers", style: { "line-style": "dashed", "line-color": "#7a4a00" } },
      { selector: "edge.closely_matches", style: { "line-style": "dashed", "line-dash-pattern": [12, 4], "line-color": "#444" } },
      { selector: "edge.supports", style: { "line-style": "dotted", "line-color": "#3d3f8f" } },
      // Inferred, not reviewed: a hue no relation has (magenta), short dashes, thin and pale.
      { selector: "edge.inferred", style: { "line-style": "dashed", "line-dash-pattern": [3, 5], width: 1.5, "line-color": "#a3007a", opacity: 0.6 } },
      { selector: ".faded", style: { opacity: 0.1 } },
      { selector: ".focused", style: { "border-width": 4, "border-color": "#ffbf47" } },
    ],
  });
  window.weaveMap = cy;

  const say = (text) => { status.textContent = text; };

  function el(tag, text, attributes = {}) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    return node;
  }

  // Fit what is shown, never so far out that labels fall under 11 px: then start at the top,
  // or, with an element in focus (a phone's narrow map), where that element is in view.
  function fitLegibly(eles, keep) {
    cy.fit(eles, 30);
    if (cy.zoom() < MIN_ZOOM) {
      const box = eles.boundingBox();
      const wide = (box.x2 - box.x1) * MIN_ZOOM > cy.width() - 20;
      cy.zoom(MIN_ZOOM);
      let x = wide ? 10 - box.x1 * MIN_ZOOM : cy.width() / 2 - ((box.x1 + box.x2) / 2) * MIN_ZOOM;
      let y = 20 - box.y1 * MIN_ZOOM;
      if (keep) {
        // What must be in view, labels and all: the element in focus and, when it is an open
        // cluster, what sits under it (too wide for the screen, from its left edge, where the
        // names of what sits under it end).
        const kept = keep.boundingBox();
        const inside = (low, high, offset, size) => low * MIN_ZOOM + offset >= 10 && high * MIN_ZOOM + offset <= size - 10;
        const centre = (low, high, size) => size / 2 - ((low + high) / 2) * MIN_ZOOM;
        const fits = (kept.x2 - kept.x1) * MIN_ZOOM <= cy.width() - 20;
        if (!inside(kept.x1, kept.x2, x, cy.width())) x = fits ? centre(kept.x1, kept.x2, cy.width()) : 10 - kept.x1 * MIN_ZOOM;
        if (!inside(kept.y1, kept.y2, y, cy.height())) y = centre(kept.y1, kept.y2, cy.height());
      }
      cy.pan({ x, y });
    }
  }

  function draw({ fit = true } = {}) {
    cy.batch(() => { cy.elements().remove(); cy.add(elements()); });
    const focused = state.focus && cy.getElementById(state.focus);
    if (focused && focused.nonempty()) {
      cy.batch(() => {
        cy.elements().addClass("faded");
        focused.closedNeighborhood().removeClass("faded");
        focused.addClass("focused");
      });
      fillPanel(state.focus);
      const under = cy.nodes().filter((n) => n.id() !== state.focus && clusterOf(n.id()) === state.focus);
      if (fit) fitLegibly(focused.closedNeighborhood(), focused.union(under));
    } else {
      // Nothing in focus (reset, a filter, a shared address without one): the panel says
      // so, as the same address opened afresh would, not what was chosen before.
      panel.replaceChildren(...emptyPanel.map((node) => node.cloneNode(true)));
      if (fit) fitLegibly(cy.elements());
    }
    writeAddress();
    drawn = location.hash;
    const shownLinks = cy.edges(".relation").reduce((sum, e) => sum + e.data("count"), 0);
    return { elements: cy.nodes().length, lines: cy.edges(".relation").length, links: shownLinks };
  }

  function fillPanel(id) {
    const d = byId.get(id);
    const own = links.filter((l) => l.source === id || l.target === id);
    panel.replaceChildren(el("h2", `${d.code} ${d.title}`, { id: "map-panel-heading" }), el("p", d.level, { class: "muted" }));
    if (d.description) panel.append(el("p", d.description));
    const page = el("p"); page.append(el("a", "Open its page (permalink)", { href: d.url })); panel.append(page);
    const under = members.get(id) || [];
    if (under.length) {
      const within = links.filter((l) => l.source !== id && l.target !== id && (clusterOf(l.source) === id || clusterOf(l.target) === id)).length;
      panel.append(el("p", `${under.length} under it, with ${within} link${within === 1 ? "" : "s"} of their own: ${state.open.has(id) ? "shown on the map" : "choose it again to open them on the map"}.`, { class: "small" }));
    }
    panel.append(el("h3", `${own.length} link${own.length === 1 ? "" : "s"}`));
    const list = el("ul", "", { class: "map-panel-links" });
    for (const link of own) {
      const other = byId.get(link.source === id ? link.target : link.source);
      const item = el("li");
      const button = el("button", `${other.code} ${other.title}`, { type: "button", class: "linklike", "data-node": other.id });
      const relation = el("p", "", { class: "small" });
      relation.append(el("a", link.reference, { href: link.url, class: "ref" }), ` · ${link.relation_label}`);
      item.append(button, relation, el("p", link.rationale, { class: "small" }));
      list.append(item);
    }
    panel.append(list);
    const guessed = inferred.filter((l) => l.source === id || l.target === id);
    if (guessed.length) {
      panel.append(el("h3", `${guessed.length} inferred through a crosswalk, not reviewed`));
      const more = el("ul", "", { class: "map-panel-links inferred-list" });
      for (const link of guessed) {
        const other = byId.get(link.source === id ? link.target : link.source);
        more.append(el("li", `${other.code} ${other.title}: ${link.relation_label}, ${link.through}`));
      }
      panel.append(more);
    }
  }

  // Choosing a top-level element opens or closes its cluster; any element comes into focus.
  function choose(id, { moveFocus = false, toggle = true } = {}) {
    if (!byId.has(id)) return;
    const node = byId.get(id);
    const cluster = !node.parent && (members.get(id) || []).length;
    const closing = cluster && toggle && state.focus === id && state.open.has(id);
    if (node.parent) state.open.add(clusterOf(id));
    else if (closing) state.open.delete(id);
    else if (cluster) state.open.add(id);
    state.focus = id;
    const trimmed = keepDrawable(clusterOf(id));
    showClosed(trimmed ? tooManySaid(trimmed) : "");
    chosen = true;
    draw();
    const own = links.filter((l) => l.source === id || l.target === id).length;
    say(`${node.code} ${node.title}${closing ? " closed" : ""}: ${own} link${own === 1 ? "" : "s"} shown beside the map.${trimmed ? ` ${tooManySaid(trimmed)}` : ""}`);
    if (moveFocus) panel.focus();
  }

  function reset() {
    showClosed("");
    state.open.clear();
    state.focus = state.source = state.target = state.relation = "";
    for (const id of Object.values(controls)) document.getElementById(id).value = "";
    chosen = true;
    draw();
    say("Map reset: the summary of the whole register.");
  }

  function applyFilters() {
    for (const [name, id] of Object.entries(controls)) state[name] = document.getElementById(id).value;
    // The element in focus stays so while any of its links (or those under it) is shown.
    const within = (id) => id === state.focus || clusterOf(id) === state.focus;
    if (!links.some((link) => kept(link) && (within(link.source) || within(link.target)))) state.focus = "";
    // A filter taken away can bring back more lines than can be drawn: as opening does.
    const trimmed = keepDrawable(state.focus ? clusterOf(state.focus) : [...state.open][0]);
    showClosed(trimmed ? tooManySaid(trimmed) : "");
    chosen = true;
    const counts = draw();
    say(`${counts.elements} element${counts.elements === 1 ? "" : "s"} and ${counts.links} link${counts.links === 1 ? "" : "s"} shown.${trimmed ? ` ${tooManySaid(trimmed)}` : ""}`);
  }

  cy.on("tap", "node", (event) => choose(event.target.id()));
  cy.on("tap", "edge.relation", (event) => {
    const edge = event.target;
    say(`${edge.data("count")} link${edge.data("count") === 1 ? "" : "s"} between ${byId.get(edge.data("source")).code} and ${byId.get(edge.data("target")).code}, the strongest: ${edge.data("relation_label")}.`);
  });
  for (const id of Object.values(controls)) document.getElementById(id).addEventListener("change", applyFilters);
  document.getElementById("map-reset").addEventListener("click", reset);
  const zoomBy = (factor) => cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  document.getElementById("map-zoom-in").addEventListener("click", () => zoomBy(1.25));
  document.getElementById("map-zoom-out").addEventListener("click", () => zoomBy(1 / 1.25));
  // Moving the view without dragging it (a pointer's drag is not everyone's).
  const panBy = (share) => cy.panBy({ x: cy.width() * share, y: 0 });
  document.getElementById("map-pan-left").addEventListener("click", () => panBy(0.6));
  document.getElementById("map-pan-right").addEventListener("click", () => panBy(-0.6));
  document.getElementById("map-png").addEventListener("click", () => {
    const link = el("a", "", { href: cy.png({ full: true, bg: "#ffffff", scale: 2 }), download: "weave-map.png" });
    document.body.append(link); link.click(); link.remove();
  });
  document.getElementById("map-search").addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = document.getElementById("map-find").value;
    const [wanted, match] = found(data.nodes, typed);
    if (wanted && match) choose(match.id, { moveFocus: true, toggle: false });
    else say(`No element matches “${typed.trim()}”.`);
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-node]");
    // Chosen again from the list, an open cluster closes, as a second tap on it does.
    if (button) choose(button.dataset.node, { moveFocus: true });
  });
  // Back and Forward (and an address changed by hand): the view that address asks for.
  let drawn = location.hash;
  const follow = () => {
    if (location.hash === drawn) return;
    readAddress();
    draw();
  };
  window.addEventListener("popstate", follow);
  window.addEventListener("hashchange", follow);

  // Ready once the first view is painted (or at once when there is nothing to paint).
  const ready = () => {
    window.weaveMapTiming = { data: loaded - started, draw: performance.now() - loaded };
    container.dataset.ready = "true";
  };
  readAddress();
  draw();
  if (cy.elements().length) cy.one("render", () => requestAnimationFrame(ready));
  else ready();
})();
