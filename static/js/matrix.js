// Arrow keys move between the matrix's cells; Enter opens one (it is a link).
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
    target.focus();
    event.preventDefault();
  }
});

// Where the cell's links are drawn below the grid (a narrow screen), take the reader there.
document.addEventListener("htmx:afterSwap", (event) => {
  const detail = document.getElementById("cell-detail");
  if (!detail || event.detail.target.id !== "cell-detail") return;
  if (window.matchMedia("(max-width: 60rem)").matches) {
    detail.scrollIntoView({ block: "start" });
    detail.focus({ preventScroll: true });
  }
});
