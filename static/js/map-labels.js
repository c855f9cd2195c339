// What the map (static/js/map.js) does with words: an element's label (the start of its
// title, cut between words, a word too long for a line broken with a hyphen, counted in
// characters as people see them), and the element a search finds. Loaded before map.js;
// its own file, so that each stays short.
(function () {
  // The start of a text, cut at a word where one ends near enough, and "…"; counted and cut
  // in characters as people see them (an emoji, a flag, a letter and its accent), never
  // inside one.
  const characters = typeof Intl.Segmenter === "function"
    ? (text) => [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text)].map((part) => part.segment)
    : (text) => Array.from(text); // code points, at least: never half an emoji
  function shorten(text, most) {
    const seen = characters(text);
    if (seen.length <= most + 6) return text; // never cut to leave out a word or so
    const cut = seen.slice(0, most - 1).join("");
    const space = cut.lastIndexOf(" ");
    return `${(space > most / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
  }
  // A word longer than a label's line is broken, with a hyphen, where the line ends: labels
  // wrap between words only, and such a word would run off the map.
  const LINE = 16;
  const wrapped = (text) => text.split(" ").map((word) => {
    const seen = characters(word);
    if (seen.length <= LINE + 1) return word;
    const lines = [];
    for (let at = 0; at < seen.length; at += LINE) lines.push(seen.slice(at, at + LINE).join(""));
    return lines.join("-\n");
  }).join(" ");
  // The element a search finds: what was typed, as it is looked for, and the element (or
  // undefined). Quote marks round what is typed are not part of it; curly apostrophes count
  // as straight. The closest match first: a whole code or title, then a title starting so,
  // then any part ("advocate" finds the Advocate characteristic before a behaviour that
  // mentions it).
  function found(nodes, typed) {
    const wanted = typed.replace(/[“”„"«»]/g, "").replace(/[‘’‛]/g, "'").trim()
      .replace(/^'+|'+$/g, "").trim().replace(/\s+/g, " ").toLowerCase();
    const plain = (text) => text.replace(/[‘’‛]/g, "'").toLowerCase();
    const label = (n) => plain(`${n.code} ${n.title}`);
    const tests = [
      (n) => label(n) === wanted || n.code.toLowerCase() === wanted || plain(n.title) === wanted,
      (n) => plain(n.title).startsWith(wanted),
      (n) => label(n).includes(wanted),
    ];
    return [wanted, tests.reduce((match, test) => match || nodes.find(test), undefined)];
  }
  window.weaveMapLabels = { shorten, wrapped, found };
})();
