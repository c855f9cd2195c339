// The page is made again by a Back or Forward (htmx's history keeps no copies), and this
// script with it: its listeners are added once, and what each fresh grid needs is done each
// time.
(() => {
  if (window.weaveMatrix) {
    window.weaveMatrix.start();
    return;
  }
  // The grid is one stop on the Tab key's way (the cell last chosen, or the first); the arrow
  // keys move between its cells; Enter opens one (it is a link), marked as the one chosen.
  function rove() {
    const links = Array.from(document.querySelectorAll("#matrix-grid td.cell a"));
    const keep = links.find((link) => link.hasAttribute("aria-current")) || links[0];
    links.forEach((link) => link.setAttribute("tabindex", link === keep ? "0" : "-1"));
  }
  rove();
  document.addEventListener("htmx:afterSettle", rove);

  // A cell in focus is scrolled clear of the sticky heads and totals: the scroll box keeps their
  // size as its padding (the stylesheet's is a guess; row heads and column heads vary).
  function clearOfHeads() {
    const box = document.querySelector(".matrix-scroll");
    const head = box && box.querySelector("thead");
    const side = box && box.querySelector("tbody th");
    const foot = box && box.querySelector("tfoot");
    if (!head || !side) return;
    box.style.scrollPaddingTop = `${head.offsetHeight + 4}px`;
    box.style.scrollPaddingLeft = `${side.offsetWidth + 4}px`;
    if (foot) box.style.scrollPaddingBottom = `${foot.offsetHeight + 4}px`;
  }
  clearOfHeads();
  document.addEventListener("htmx:afterSettle", clearOfHeads);
  window.addEventListener("resize", clearOfHeads);

  // The cell already chosen, pressed again (Enter): its links, beside the grid, rather than
  // every row's heads and toggles on the Tab key's way there.
  document.addEventListener("click", (event) => {
    const again = event.target.closest("#matrix-grid td.cell a[aria-current]");
    const detail = document.getElementById("cell-detail");
    const ownTab = event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey;
    if (!again || ownTab || !detail?.querySelector("#cell-detail-heading")) return;
    event.preventDefault();
    event.stopPropagation(); // before htmx asks for the panel it already shows
    detail.focus();
  }, true);

  document.addEventListener("click", (event) => {
    const chosen = event.target.closest("#matrix-grid td.cell a");
    if (!chosen) return;
    document.querySelectorAll("#matrix-grid td.cell a[aria-current]").forEach((link) => {
      link.removeAttribute("aria-current");
    });
    chosen.setAttribute("aria-current", "true");
    rove();
  });

  // A toggle (+/−) is a button to its reader: Space presses it as Enter does.
  document.addEventListener("keydown", (event) => {
    if (event.key !== " " || !event.target.closest(".matrix .toggle")) return;
    event.preventDefault();
    event.target.closest(".matrix .toggle").click();
  });

  document.addEventListener("keydown", (event) => {
    const current = event.target.closest("td.cell a");
    if (!current) return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    const cell = current.closest("td");
    const row = cell.parentElement;
    const rows = Array.from(row.parentElement.querySelectorAll("tr"));
    const rowIndex = rows.indexOf(row) + move[0];
    const cells = Array.from(row.querySelectorAll("td.cell"));
    const columnIndex = cells.indexOf(cell) + move[1];
    const target = rows[rowIndex]?.querySelectorAll("td.cell")[columnIndex]?.querySelector("a");
    if (target) {
      current.setAttribute("tabindex", "-1");
      target.setAttribute("tabindex", "0");
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "nearest", inline: "nearest" });  // clear of the heads
      event.preventDefault();
    }
  });

  // A row or column opened or closed swaps the grid, its own scroll box: it is put back
  // where it was scrolled to, and the toggle pressed (in focus again) kept in sight.
  let scrolled = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target?.id !== "matrix-grid") return;
    scrolled = { left: event.detail.target.scrollLeft, top: event.detail.target.scrollTop };
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const grid = document.getElementById("matrix-grid");
    if (!scrolled || event.detail.target?.id !== "matrix-grid" || !grid) return;
    grid.scrollLeft = scrolled.left;
    grid.scrollTop = scrolled.top;
    scrolled = null;
    const pressed = document.activeElement?.closest(".matrix .toggle");
    if (pressed) pressed.scrollIntoView({ block: "nearest", inline: "nearest" });
  });

  // Where the cell's links are drawn below the grid (a narrow screen), take the reader there.
  document.addEventListener("htmx:afterSwap", (event) => {
    const detail = document.getElementById("cell-detail");
    if (!detail || event.detail.target?.id !== "cell-detail") return;
    if (window.matchMedia("(max-width: 60rem)").matches) {
      detail.scrollIntoView({ block: "start" });
      detail.focus({ preventScroll: true });
    }
  });

  // A cell chosen in place (only the panel beside the grid is swapped) stays chosen when a row
  // or column opens or closes: the toggles' addresses were made before it was chosen. Unless
  // closing would hide it: then the address goes without it, as the server's own do.
  let panelAfter = null; // the address whose panel to fetch once the grid is swapped in
  document.addEventListener("htmx:configRequest", (event) => {
    const toggle = event.detail.elt.closest && event.detail.elt.closest(".matrix .toggle");
    const chosen = document.querySelector("#matrix-grid td.cell a[aria-current]");
    if (!toggle || !chosen) return;
    const cell = new URL(chosen.href, location.href).searchParams.get("cell");
    const address = new URL(event.detail.path, location.href);
    const hidden = cell && hides(toggle, cell.split(":"));
    if (cell && !hidden) {
      address.searchParams.set("cell", cell);
    } else {
      address.searchParams.delete("cell");
    }
    // Commas and colons as the server writes them: an address people read and share.
    event.detail.path = address.pathname + address.search.replace(/%2C/gi, ",").replace(/%3A/gi, ":");
    panelAfter = hidden ? event.detail.path : null;
  });

  // Closing hid the chosen cell: once the grid is in, the panel beside it goes back to
  // asking for a cell, as a fresh page of that address would.
  document.addEventListener("htmx:afterSettle", (event) => {
    if (!panelAfter || event.detail.target?.id !== "matrix-grid") return;
    const path = panelAfter;
    panelAfter = null;
    htmx.ajax("GET", path, { target: "#cell-detail", swap: "outerHTML" });
  });

  // Whether pressing toggle closes the row or column the cell [row, column] sits in.
  function hides(toggle, [row, column]) {
    if (toggle.getAttribute("aria-expanded") !== "true") return false;
    const head = toggle.closest("th");
    const heads = head.scope === "row"
      ? Array.from(document.querySelectorAll("#matrix-grid tbody th[data-code]"))
      : Array.from(document.querySelectorAll("#matrix-grid thead th[data-code]"));
    const code = head.scope === "row" ? row : column;
    const depth = Number(head.dataset.depth);
    for (const next of heads.slice(heads.indexOf(head) + 1)) {
      if (Number(next.dataset.depth) <= depth) return false;
      if (next.dataset.code === code) return true;
    }
    return false;
  }

  function start() {
    rove();
    clearOfHeads();
  }
  window.weaveMatrix = { start };
})();
