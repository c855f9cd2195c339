"""How far one framework covers the other: the rules, the matrix and the map's graph."""
