// Placeholder webview script for the Span panel (a later issue draws the span properly).
// It only shows, as text, each well-formed message the extension posts to it.
const out = document.createElement('pre');
document.body.appendChild(out);
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (typeof data !== 'object' || data === null) return; // ignore messages of the wrong shape
  out.textContent = JSON.stringify(data, null, 2);
});
