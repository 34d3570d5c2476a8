// Copy buttons: <button data-copy="ID"> copies the text of the element with that id (a pull command).
// The Clipboard API needs a secure context (https or localhost); elsewhere the text is selected and
// copied the older way, and if that fails too it stays selected for Ctrl+C.

function status(button, text) {
  const live = document.querySelector('.copy-status');
  if (live) live.textContent = text;
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  button.textContent = text.startsWith('Copied') ? 'Copied' : label;
  setTimeout(() => { button.textContent = label; }, 2000);
}

function select(el) {
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}

async function copy(button) {
  const el = document.getElementById(button.dataset.copy);
  if (!el) return;
  const text = el.textContent.trim();
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
    } else {
      select(el);
      if (!document.execCommand('copy')) throw new Error('copy refused');
    }
    status(button, 'Copied: ' + text);
  } catch (e) {
    select(el);
    status(button, 'Press Ctrl+C to copy the selected command');
  }
}

document.addEventListener('click', (e) => {
  const button = e.target instanceof Element ? e.target.closest('button[data-copy]') : null;
  if (button) copy(button);
});
