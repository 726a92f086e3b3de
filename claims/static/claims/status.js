// The status line that the annotation and the adjudication pages both write their messages to.
export function say(message, kind = "info") {
  // The line is a live region (role="status"), so screen readers announce each message;
  // data-kind="error" is what the stylesheet colours.
  const line = document.getElementById("status");
  line.textContent = message;
  line.dataset.kind = kind;
}
