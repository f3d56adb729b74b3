// Small progressive enhancements for prodmaturity. Loaded as an ES module (so only in
// browsers GOV.UK Frontend supports); every page must work without it.

// "Print this page" buttons: <button type="button" class="govuk-button govuk-button--secondary
// app-no-print" data-app-print hidden>Print this page</button>. Hidden until JS can print.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
