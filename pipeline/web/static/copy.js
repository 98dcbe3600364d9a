// The reveal page's copy buttons: shown only when this script runs; copies one value.
// Nothing is stored: the value goes to the clipboard only when the person asks.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(source.textContent.trim()).then(() => {
      button.dataset.done = "1";
    });
  });
});
