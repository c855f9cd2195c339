// "Cite this": copy a citation (or a one-time link) by keyboard or pointer, and say so to
// screen readers.
// Formatted citations (APA, Harvard) are copied as rich text with a plain-text fallback.
// Made again with its page by a Back or Forward: its listener is added once.
if (!window.weaveCite) {
  window.weaveCite = true;
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    const panel = button.closest("[data-cite]");
    const status = panel && panel.querySelector("[data-cite-status]");
    const name = button.dataset.copyName || "citation";
    // A <pre> as it is written (innerText folds a visually hidden one's lines into one).
    const text = (source.tagName === "INPUT" ? source.value
      : source.tagName === "PRE" ? source.textContent : source.innerText).trim();
    // A list's plain text comes with its formatted citations (data-copy-html: where they are).
    const rich = button.dataset.copyHtml
      ? [...document.getElementById(button.dataset.copyHtml).querySelectorAll(".citation")]
          .map((citation) => `<p>${citation.innerHTML}</p>`).join("")
      : !["PRE", "INPUT"].includes(source.tagName) && source.innerHTML;
    try {
      if (rich && window.ClipboardItem && navigator.clipboard.write) {
        await navigator.clipboard.write([new ClipboardItem({
          "text/plain": new Blob([text], { type: "text/plain" }),
          "text/html": new Blob([rich], { type: "text/html" }),
        })]);
      } else {
        await navigator.clipboard.writeText(text);
      }
      if (status) status.textContent = `Copied the ${name}.`;
      showOutcome(button, "Copied", "copied");
    } catch (error) {
      if (status) status.textContent = `Could not copy the ${name}: select it and copy it instead.`;
      showOutcome(button, "Not copied: select it instead", "not-copied");
    }
  });

  // The button's own visible words say what happened, for a few seconds (named so as not to
  // replace window.confirm, which htmx's hx-confirm calls).
  function showOutcome(button, words, state) {
    const label = button.firstChild;
    if (!label || label.nodeType !== Node.TEXT_NODE) return;
    button.dataset.label ??= label.textContent;
    label.textContent = words;
    button.classList.add(state);
    clearTimeout(button.confirmTimer);
    button.confirmTimer = setTimeout(() => {
      label.textContent = button.dataset.label;
      button.classList.remove(state);
    }, 2500);
  }

  // Copying needs JavaScript, so the buttons are shown only where it runs.
  for (const button of document.querySelectorAll("[data-copy]")) button.hidden = false;
}
