// Every page: local times, running durations, confirmations, and live parts of the page.
// The server renders all HTML; this script only puts it in place (see Live.java).

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function duration(ms) {
  if (ms < 0) ms = 0;
  if (ms < 1000) return ms + 'ms';
  const s = Math.floor(ms / 1000);
  if (s < 60) return ms < 10000 ? (ms / 1000).toFixed(1) + 's' : s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm' + (s % 60 ? ' ' + (s % 60) + 's' : '');
  return Math.floor(s / 3600) + 'h' + (s % 3600 >= 60 ? ' ' + Math.floor(s % 3600 / 60) + 'm' : '');
}

function relative(date) {
  const secs = Math.round((date.getTime() - Date.now()) / 1000);
  const abs = Math.abs(secs);
  if (abs < 45) return rtf.format(secs, 'second');
  if (abs < 2700) return rtf.format(Math.round(secs / 60), 'minute');
  if (abs < 79200) return rtf.format(Math.round(secs / 3600), 'hour');
  if (abs < 2592000) return rtf.format(Math.round(secs / 86400), 'day');
  return full.format(date);
}

/** Times in the reader's own zone, relative ("3 minutes ago") with the full time on hover. */
function times(root) {
  for (const t of root.querySelectorAll('time[data-relative]')) {
    const d = new Date(t.getAttribute('datetime'));
    if (isNaN(d)) continue;
    t.textContent = relative(d);
    t.title = full.format(d);
  }
}

/** Elapsed time of what is still running. */
function ticking(root) {
  const now = Date.now();
  for (const el of root.querySelectorAll('[data-since]')) {
    el.textContent = duration(now - Number(el.dataset.since));
  }
}

function refresh(root) {
  times(root);
  ticking(root);
}

refresh(document);
setInterval(() => ticking(document), 1000);
setInterval(() => times(document), 30000);

document.addEventListener('submit', (e) => {
  const form = e.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    e.preventDefault();
  }
});

/** Replaces an element's content with new HTML, keeping keyboard focus on the same control. */
function replace(el, html) {
  const active = document.activeElement;
  let key = null;
  if (active && el.contains(active)) {
    key = active.id ? '#' + CSS.escape(active.id)
      : active.closest('[data-task]') ? `[data-task="${CSS.escape(active.closest('[data-task]').dataset.task)}"] ${active.tagName.toLowerCase()}`
      : null;
  }
  // A fold the reader opened or closed stays so when the part is rendered again.
  const folds = new Map([...el.querySelectorAll('details[id]')].map((d) => [d.id, d.open]));
  el.innerHTML = html;
  for (const d of el.querySelectorAll('details[id]')) {
    if (folds.has(d.id)) d.open = folds.get(d.id);
  }
  refresh(el);
  if (key) {
    const again = el.querySelector(key);
    if (again) again.focus({ preventScroll: true });
  }
  el.dispatchEvent(new CustomEvent('slipway:fragment', { bubbles: true }));
}

const main = document.getElementById('main');
const liveUrl = main && main.dataset.live;
if (liveUrl) {
  const es = new EventSource(liveUrl);
  es.addEventListener('fragment', (e) => {
    const { id, html } = JSON.parse(e.data);
    const el = document.getElementById(id);
    if (el) replace(el, html);
  });
  es.addEventListener('gone', () => {
    es.close();
    const p = document.createElement('p');
    p.className = 'alert';
    p.setAttribute('role', 'alert');
    p.textContent = 'This was deleted meanwhile.';
    main.prepend(p);
  });
  // Leaving the page closes the stream; the browser reconnects by itself after a network error.
  window.addEventListener('pagehide', () => es.close());
}
