// "Print this chronology": the button is hidden until this script shows it, so a page without
// JavaScript never offers a button that does nothing (the browser's own Print still works and
// uses the same print stylesheet).
for (const button of document.querySelectorAll("[data-fd-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
