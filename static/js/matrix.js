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
