// Copy buttons: a button with data-copy="ID" puts that field's value on the clipboard and
// says so ("Copied the <data-what>.") in the page's #copy-status line (a live region).
const status = document.getElementById("copy-status");

for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = `Copied the ${button.dataset.what}.`;
    } catch {
      // No clipboard (an insecure origin, a refused permission): leave it selected to copy.
      field.focus();
      field.select();
      status.textContent = "Press Ctrl+C (⌘C) to copy the selected text.";
    }
  });
}
