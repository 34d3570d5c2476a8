// The run page's log viewer. The server renders every line (LogRoutes.java); this script asks for
// the lines on screen, places them, and follows a running task. It never holds a whole log:
// rows exist only for what is on screen (virtual scrolling), so a log of a million lines opens at
// once. See docs/ui.md for what it offers.

const PAGE = 200;            // lines per request
const OVERSCAN = 30;         // rows rendered above and below the screen
const KEEP = 20000;          // cached lines before far ones are dropped
const MAX_PX = 15000000;     // browsers cap an element's height; taller logs scroll proportionally

const esc = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

/**
 * Prefix sums of row heights (a Fenwick tree in one Float64Array, 8 bytes a row): which row is at
 * a pixel, and where a row starts, in O(log n) for a million rows.
 */
class Heights {
  constructor(n, h, measured) {
    this.h = h;
    this.n = n;
    this.t = new Float64Array(Math.max(16, n) + 1);
    for (let i = 0; i < n; i++) this.t[i + 1] = measured ? measured(i) ?? h : h;
    for (let i = 1; i <= n; i++) {
      const j = i + (i & -i);
      if (j <= n) this.t[j] += this.t[i];
    }
  }
  get(i) { return this.prefix(i + 1) - this.prefix(i); }
  set(i, h) {
    const d = h - this.get(i);
    if (Math.abs(d) < 0.01) return 0;
    for (let k = i + 1; k <= this.n; k += k & -k) this.t[k] += d;
    return d;
  }
  /** The height of rows [0, i). */
  prefix(i) {
    let s = 0;
    for (let k = i; k > 0; k -= k & -k) s += this.t[k];
    return s;
  }
  total() { return this.prefix(this.n); }
  /** The row at pixel y. */
  find(y) {
    let pos = 0;
    let rest = y;
    for (let step = 1 << Math.floor(Math.log2(Math.max(1, this.n))); step > 0; step >>= 1) {
      const k = pos + step;
      if (k <= this.n && this.t[k] <= rest) {
        pos = k;
        rest -= this.t[k];
      }
    }
    return Math.min(pos, Math.max(0, this.n - 1));
  }
  /** Appends rows of the default height (a growing log). */
  grow(n) {
    if (n <= this.n) return;
    if (n + 1 > this.t.length) {
      const t = new Float64Array(Math.max(n + 1, this.t.length * 2));
      t.set(this.t);
      this.t = t;
    }
    for (let i = this.n; i < n; i++) {
      const k = i + 1;
      // t[k] covers rows (k - lowbit(k), k]: the new row plus the sums below it in that range.
      this.t[k] = this.h + this.prefix(k - 1) - this.prefix(k - (k & -k));
      this.n = k;
    }
  }
}

class Viewer {
  constructor(root) {
    this.root = root;
    this.base = root.dataset.base;
    this.vp = root.querySelector('.log-view');
    this.spacer = root.querySelector('.log-spacer');
    this.rowsEl = root.querySelector('.log-rows');
    this.stateEl = root.querySelector('.log-state');
    this.countEl = root.querySelector('.log-count');
    this.searchForm = root.querySelector('.log-search');
    this.follow = true;
    this.wrap = true;
    this.times = false;
    this.generation = 0;
    this.rowH = this.measureRow();
    this.bind();
  }

  measureRow() {
    this.rowsEl.innerHTML = '<div class="ln"><a class="num">1</a><span class="tx">0</span></div>';
    const h = this.rowsEl.firstElementChild.getBoundingClientRect().height || 19;
    this.rowsEl.innerHTML = '';
    return h;
  }

  // ---- opening a task's log

  async open(task, attempt, target) {
    if (this.es) this.es.close();
    this.es = null;
    const gen = ++this.generation;
    this.task = task;
    this.attempt = attempt;
    this.url = this.base + encodeURIComponent(task) + '/';
    this.lines = new Map();
    this.markers = new Map();
    this.overrides = new Map();
    this.loading = new Set();
    this.measured = new Map();
    this.n = 0;
    this.finalCount = 0;
    this.finished = false;
    this.waiting = false;
    this.matches = [];
    this.matchSet = new Set();
    this.current = -1;
    this.exitCode = null;
    this.query = '';
    this.selection = target == null ? null : [target, target];
    this.follow = target == null;
    this.structure();
    this.root.querySelector('.log-task').textContent = task;
    const raw = this.root.querySelector('[data-action="raw"]');
    raw.href = this.url + 'raw?attempt=' + attempt;
    this.setPressed('follow', this.follow);
    this.countEl.textContent = '';
    this.state('Loading…');
    const from = target == null ? 0 : Math.max(0, target - PAGE / 2);
    const page = await this.fetchJson('lines', { from, count: PAGE });
    if (gen !== this.generation || !page) return;
    this.accept(page);
    this.waiting = !!page.waiting;
    // A running log is followed at its end; a finished one opens at its start.
    this.follow = target == null && !page.finished;
    this.setPressed('follow', this.follow);
    if (!page.finished) {
      this.startFollow(gen);
    } else {
      await this.loadOutline(gen);
    }
    this.structure();
    if (target != null) this.reveal(target, true);
    else if (this.follow) this.toBottom();
    this.render();
    this.updateState();
  }

  fetchJson(what, params) {
    const q = new URLSearchParams({ attempt: this.attempt, ...params });
    if (this.times && what === 'lines') q.set('ts', '1');
    return fetch(this.url + what + '?' + q, { headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : r.json().then((b) => { throw new Error(b.message || r.statusText); })))
      .catch((e) => { this.state('Could not load the log: ' + e.message); return null; });
  }

  /** Lines of a page (final ones are kept; the rest may still change and come again live). */
  accept(page) {
    if (!this.es) {
      this.n = page.line_count;
      this.finalCount = page.final_line_count;
      this.finished = page.finished;
      if (page.exit_code != null) this.exitCode = page.exit_code;
    }
    for (const l of page.lines) {
      if (this.es && l.n >= this.liveFirst) continue; // the live stream is newer
      this.putLine(l);
    }
  }

  putLine(l) {
    const old = this.lines.get(l.n);
    if (old && old.ts != null && l.ts == null) l.ts = old.ts;
    this.lines.set(l.n, l);
    if (l.fold) this.markers.set(l.n, l.fold);
    else this.markers.delete(l.n);
  }

  async loadOutline(gen) {
    const o = await this.fetchJson('outline', {});
    if (gen !== this.generation || !o) return;
    for (const [n, kind, text] of o.markers) {
      if (this.es && n >= this.liveFirst) continue;
      this.markers.set(n, [kind, text]);
    }
    this.structure();
    this.render();
  }

  // ---- live

  startFollow(gen) {
    const es = new EventSource(this.url + 'follow?attempt=' + this.attempt);
    this.es = es;
    this.liveFirst = Infinity;
    let first = true;
    es.addEventListener('start', (e) => {
      if (gen !== this.generation) return;
      const d = JSON.parse(e.data);
      this.liveFirst = d.first;
      // Lines from here on come from the stream; what a page said of them may be stale.
      for (const n of [...this.lines.keys()]) if (n >= d.first) this.lines.delete(n);
      for (const n of [...this.markers.keys()]) if (n >= d.first) this.markers.delete(n);
      this.waiting = false;
      this.live(d);
      if (first) {
        first = false;
        this.loadOutline(gen); // after the stream started, so that it covers every line before it
      }
    });
    es.addEventListener('lines', (e) => {
      if (gen === this.generation) this.live(JSON.parse(e.data));
    });
    es.addEventListener('end', (e) => {
      es.close();
      if (gen !== this.generation) return;
      const d = JSON.parse(e.data);
      this.finished = true;
      this.exitCode = d.exit_code;
      this.structure();
      this.render();
      this.updateState();
    });
  }

  live(d) {
    const grew = d.line_count > this.n;
    let folds = false;
    for (const l of d.lines) {
      const had = this.markers.has(l.n);
      this.putLine(l);
      folds ||= had !== !!l.fold || !!l.fold;
    }
    if (d.line_count < this.n) {
      for (let n = d.line_count; n < this.n; n++) {
        folds ||= this.markers.delete(n);
        this.lines.delete(n);
      }
    }
    const old = this.n;
    this.n = d.line_count;
    this.finalCount = d.final_line_count;
    if (folds || d.line_count < old || !this.heights) this.structure();
    else if (grew) this.extend(old);
    if (this.follow) this.toBottom();
    this.render();
    this.updateState();
  }

  // ---- folding: sections from markers, hidden line ranges, rows

  /** Sections from the fold markers: steps hold groups; a group ends at the next group or step. */
  sections() {
    const out = [];
    let step = null;
    let group = null;
    const close = (s, end, marker) => {
      s.end = end;
      s.endMarker = marker;
      out.push(s);
    };
    const sorted = [...this.markers.entries()].sort((a, b) => a[0] - b[0]);
    for (const [n, [kind, text]] of sorted) {
      if (kind === 'group') {
        if (group) close(group, n - 1, false);
        group = { start: n, kind, title: text };
      } else if (kind === 'endgroup') {
        if (group) close(group, n, true);
        group = null;
      } else if (kind === 'step') {
        if (group) close(group, n - 1, false);
        if (step) close(step, n - 1, false);
        group = null;
        step = { start: n, kind, title: text };
      } else if (kind === 'endstep') {
        if (group) close(group, n - 1, false);
        group = null;
        if (step) {
          step.outcome = text;
          close(step, n, true);
        }
        step = null;
      }
    }
    for (const s of [group, step]) {
      if (s) {
        s.open = !this.finished;
        close(s, Math.max(s.start, this.n - 1), false);
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }

  collapsed(s) {
    const o = this.overrides.get(s.start);
    if (o != null) return o;
    if (s.open) return false;
    // Groups fold away; steps fold when they succeeded, so a failure shows at once.
    return s.kind === 'group' || /^success\b/i.test(s.outcome || '');
  }

  /** Recomputes sections, hidden ranges and row heights after markers, folds or the line count changed. */
  structure() {
    this.secs = this.sections();
    this.secAt = new Map(this.secs.map((s) => [s.start, s]));
    const ranges = [];
    for (const s of this.secs) {
      if (this.collapsed(s)) {
        if (s.end > s.start) ranges.push([s.start + 1, s.end]);
      } else if (s.endMarker) {
        ranges.push([s.end, s.end]); // the end marker says nothing the header does not
      }
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const hs = [];
    const he = [];
    for (const [a, b] of ranges) {
      if (he.length && a <= he[he.length - 1] + 1) he[he.length - 1] = Math.max(he[he.length - 1], b);
      else {
        hs.push(a);
        he.push(b);
      }
    }
    this.hs = hs;
    this.he = he;
    this.hcum = new Array(hs.length);
    let hidden = 0;
    for (let i = 0; i < hs.length; i++) {
      this.hcum[i] = hidden;
      hidden += Math.min(he[i], this.n - 1) - hs[i] + 1;
    }
    this.rows = Math.max(0, this.n - Math.max(0, hidden));
    this.heights = new Heights(this.rows, this.rowH, this.measured.size ? (r) => this.measured.get(this.rowToLine(r)) : null);
    this.root.style.setProperty('--num-width', String(Math.max(3, String(this.n).length)) + 'ch');
  }

  /** More lines at the end and nothing else changed. */
  extend(old) {
    if (this.hs.length && this.he[this.he.length - 1] >= old - 1) {
      this.structure(); // the last hidden range reaches the end: recompute
      return;
    }
    this.rows += this.n - old;
    this.heights.grow(this.rows);
    this.root.style.setProperty('--num-width', String(Math.max(3, String(this.n).length)) + 'ch');
  }

  rowToLine(r) {
    let lo = 0;
    let hi = this.hs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.hs[mid] - this.hcum[mid] <= r) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? r : r + this.hcum[found] + (this.he[found] - this.hs[found] + 1);
  }

  /** The row of a line, or -1 when it is folded away. */
  lineToRow(n) {
    let lo = 0;
    let hi = this.hs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.hs[mid] <= n) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return n;
    if (n <= this.he[found]) return -1;
    return n - this.hcum[found] - (this.he[found] - this.hs[found] + 1);
  }

  /** Unfolds the sections around a line. */
  expandAround(n) {
    let changed = false;
    for (const s of this.secs) {
      if (s.start < n && n <= s.end && this.collapsed(s)) {
        this.overrides.set(s.start, false);
        changed = true;
      }
    }
    if (changed) this.structure();
  }

  // ---- scrolling and rendering

  scale() {
    const total = this.heights.total();
    const h = this.vp.clientHeight;
    return total > MAX_PX ? (total - h) / (MAX_PX - h) : 1;
  }

  toBottom() {
    this.spacer.style.height = Math.min(this.heights.total(), MAX_PX) + 'px';
    this.vp.scrollTop = this.vp.scrollHeight;
  }

  /** Whether a line's row is within the screen now. */
  onScreen(n) {
    const row = this.lineToRow(n);
    if (row < 0 || !this.heights) return false;
    const y = this.heights.prefix(row);
    const vTop = this.vp.scrollTop * this.scale();
    return y >= vTop && y + this.heights.get(row) <= vTop + this.vp.clientHeight;
  }

  /** Scrolls a line into view (a third from the top), unfolding what hides it. */
  reveal(n, select) {
    this.expandAround(n);
    const row = this.lineToRow(Math.min(n, Math.max(0, this.n - 1)));
    if (row < 0) return;
    this.follow = false;
    this.setPressed('follow', false);
    const y = this.heights.prefix(row) - this.vp.clientHeight / 3;
    this.vp.scrollTop = Math.max(0, y / this.scale());
    if (select) this.selection = [n, n];
  }

  render() {
    if (!this.heights) return;
    const total = this.heights.total();
    const k = this.scale();
    this.spacer.style.height = Math.min(total, MAX_PX) + 'px';
    const top = this.vp.scrollTop;
    const vTop = top * k;
    const h = this.vp.clientHeight;
    if (this.rows === 0) {
      this.rowsEl.innerHTML = '';
      return;
    }
    const firstRow = this.heights.find(vTop);
    const start = Math.max(0, firstRow - OVERSCAN);
    const end = Math.min(this.rows, firstRow + Math.ceil(h / this.rowH) + OVERSCAN);
    const html = [];
    const missing = [];
    const shown = [];
    for (let r = start; r < end; r++) {
      const n = this.rowToLine(r);
      shown.push(n);
      if (!this.lines.has(n) && !this.secAt.has(n)) missing.push(n);
      html.push(this.rowHtml(n));
    }
    this.rowsEl.innerHTML = html.join('');
    this.rowsEl.style.transform = `translateY(${top + this.heights.prefix(start) - vTop}px)`;
    this.shown = [start, shown];
    this.mark();
    if (this.wrap) this.measure(start, firstRow);
    this.request(missing);
    this.dropFar(shown);
    if (!Viewer.shownOnce && missing.length === 0) {
      Viewer.shownOnce = true;
      performance.mark('slipway:log-first-lines'); // bench/ui reads when the first lines were on screen
    }
  }

  /** Wrapped lines are taller: learn their heights, keeping the line at the top where it is. */
  measure(start, firstRow) {
    let above = 0;
    const rows = this.rowsEl.children;
    for (let i = 0; i < rows.length; i++) {
      const hgt = rows[i].getBoundingClientRect().height;
      if (!hgt) continue;
      const r = start + i;
      const d = this.heights.set(r, hgt);
      if (d !== 0) {
        this.measured.set(this.shown[1][i], hgt);
        if (r < firstRow) above += d;
      }
    }
    if (above !== 0 && !this.follow) {
      this.adjusting = true;
      this.vp.scrollTop += above / this.scale();
    }
    this.spacer.style.height = Math.min(this.heights.total(), MAX_PX) + 'px';
    if (this.follow) this.toBottom();
  }

  rowHtml(n) {
    const l = this.lines.get(n);
    const s = this.secAt.get(n);
    let cls = 'ln';
    if (this.selection && n >= this.selection[0] && n <= this.selection[1]) cls += ' sel';
    if (this.matchSet.has(n)) cls += n === this.matches[this.current] ? ' hit hit-current' : ' hit';
    const num = n + 1;
    const ts = this.times && l && l.ts != null ? new Date(l.ts).toLocaleTimeString() : '';
    let body;
    if (s) {
      const folded = this.collapsed(s);
      const count = Math.max(0, s.end - s.start - (s.endMarker ? 1 : 0));
      cls += ' sec sec-' + s.kind + (folded ? ' folded' : '');
      const outcome = s.outcome ? ` <span class="sec-outcome">${esc(s.outcome)}</span>` : '';
      body = `<button type="button" class="tog" aria-expanded="${!folded}" data-line="${n}">` +
        `<span aria-hidden="true">${folded ? '▸' : '▾'}</span> <span class="sec-title">${esc(s.title || (s.kind === 'step' ? 'step' : 'group'))}</span></button>` +
        `${outcome} <span class="sec-count">${count} ${count === 1 ? 'line' : 'lines'}</span>`;
    } else if (l) {
      body = l.html;
    } else {
      cls += ' loading';
      body = '';
    }
    return `<div class="${cls}" data-n="${n}"><a class="num" href="#${encodeURIComponent(this.task)}/${num}" tabindex="-1">${num}</a>` +
      `<span class="ts">${ts}</span><span class="tx">${body}</span></div>`;
  }

  /** Asks for the pages holding missing lines. */
  request(missing) {
    const pages = new Set(missing.map((n) => Math.floor(n / PAGE) * PAGE));
    const gen = this.generation;
    for (const from of pages) {
      const key = from + ':' + this.times;
      if (this.loading.has(key)) continue;
      this.loading.add(key);
      this.fetchJson('lines', { from, count: PAGE }).then((page) => {
        this.loading.delete(key);
        if (gen !== this.generation || !page) return;
        const before = this.n;
        this.accept(page);
        if (!this.es && page.line_count !== before) this.structure();
        this.render();
      });
    }
  }

  /** Forgets lines far from the screen (never the live ones). */
  dropFar(shown) {
    if (this.lines.size <= KEEP || !shown.length) return;
    const lo = shown[0] - KEEP / 4;
    const hi = shown[shown.length - 1] + KEEP / 4;
    for (const n of this.lines.keys()) {
      if ((n < lo || n > hi) && n < this.finalCount) this.lines.delete(n);
    }
  }

  /** Marks the search text in the rendered matching lines (within each run of text). */
  mark() {
    if (!this.query || !this.matchSet.size) return;
    const q = this.matchCase ? this.query : this.query.toLowerCase();
    for (const row of this.rowsEl.querySelectorAll('.ln.hit .tx')) {
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      const nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      for (const node of nodes) {
        const text = this.matchCase ? node.data : node.data.toLowerCase();
        const at = [];
        for (let i = text.indexOf(q); i >= 0; i = text.indexOf(q, i + q.length)) at.push(i);
        // From the last match back, so that the offsets before it stay valid.
        for (let j = at.length - 1; j >= 0; j--) {
          const hit = node.splitText(at[j]);
          hit.splitText(q.length);
          const m = document.createElement('mark');
          hit.replaceWith(m);
          m.append(hit);
        }
      }
    }
  }

  // ---- state and controls

  state(text) {
    this.stateEl.textContent = text;
  }

  updateState() {
    const lines = this.n === 1 ? '1 line' : this.n.toLocaleString() + ' lines';
    if (this.waiting && this.n === 0) this.state('Waiting for the task to start…');
    else if (!this.finished) this.state(`${lines}, live`);
    else if (this.exitCode != null) this.state(`${lines}, exit code ${this.exitCode}`);
    else this.state(this.n === 0 ? 'No output.' : lines);
    this.root.classList.toggle('live', !this.finished);
    const f = this.root.querySelector('[data-action="follow"]');
    if (f) f.disabled = this.finished;
  }

  setPressed(action, on) {
    const b = this.root.querySelector(`[data-action="${action}"]`);
    if (b) b.setAttribute('aria-pressed', String(on));
  }

  async search(step) {
    const input = this.searchForm.elements.q;
    const q = input.value;
    const matchCase = this.searchForm.elements.case.checked;
    if (!q) {
      this.query = '';
      this.matches = [];
      this.matchSet = new Set();
      this.countEl.textContent = '';
      this.render();
      return;
    }
    if (q !== this.query || matchCase !== this.matchCase) {
      this.query = q;
      this.matchCase = matchCase;
      const gen = this.generation;
      this.countEl.textContent = 'Searching…';
      const r = await this.fetchJson('search', { q, case: matchCase ? '1' : '0' });
      if (gen !== this.generation || !r) return;
      this.matches = r.lines;
      this.matchSet = new Set(r.lines);
      this.truncated = r.truncated;
      // Start at the first match at or below what is on screen.
      const top = this.shown ? this.shown[1][0] ?? 0 : 0;
      const i = this.matches.findIndex((n) => n >= top);
      this.current = (i < 0 ? 0 : i) - step;
    }
    if (!this.matches.length) {
      this.countEl.textContent = 'No matches';
      this.render();
      return;
    }
    this.current = (this.current + step + this.matches.length) % this.matches.length;
    const n = this.matches[this.current];
    this.countEl.textContent = `${this.current + 1} of ${this.matches.length}${this.truncated ? '+' : ''}`;
    this.reveal(n, false);
    this.render();
  }

  async copy() {
    if (!this.selection) {
      this.state('Select lines first: click a line number, shift-click another to extend.');
      return;
    }
    const [a, b] = this.selection;
    const page = await this.fetchJson('lines', { from: a, count: Math.min(2000, b - a + 1), text: '1' });
    if (!page) return;
    const text = page.lines.map((l) => l.text).join('\n') + '\n';
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const ta = document.createElement('textarea');
      ta.value = text;
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    this.state(`Copied ${page.lines.length} ${page.lines.length === 1 ? 'line' : 'lines'}.`);
  }

  bind() {
    let frame = 0;
    this.vp.addEventListener('scroll', () => {
      if (this.adjusting) {
        this.adjusting = false;
      } else {
        const atBottom = this.vp.scrollTop + this.vp.clientHeight >= this.vp.scrollHeight - this.rowH;
        if (atBottom !== this.follow && !this.finished) {
          this.follow = atBottom;
          this.setPressed('follow', atBottom);
        }
      }
      if (!frame) frame = requestAnimationFrame(() => { frame = 0; this.render(); });
    });
    new ResizeObserver(() => {
      if (this.wrap && this.measured) {
        this.measured.clear();
        if (this.heights) this.structure();
      }
      this.render();
    }).observe(this.vp);
    this.rowsEl.addEventListener('click', (e) => {
      const tog = e.target.closest('.tog');
      if (tog) {
        const n = Number(tog.dataset.line);
        const s = this.secAt.get(n);
        this.overrides.set(n, !this.collapsed(s));
        this.structure();
        this.render();
        const again = this.rowsEl.querySelector(`.tog[data-line="${n}"]`);
        if (again) again.focus();
        return;
      }
      const num = e.target.closest('.num');
      if (num && e.shiftKey && this.selection) {
        e.preventDefault();
        const n = Number(num.closest('.ln').dataset.n);
        this.selection = [Math.min(this.selection[0], n), Math.max(this.selection[1], n)];
        history.replaceState(null, '', `#${encodeURIComponent(this.task)}/${this.selection[0] + 1}-${this.selection[1] + 1}`);
        this.render();
      }
    });
    this.searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.search(1);
    });
    this.searchForm.elements.q.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.search(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape') {
        this.searchForm.elements.q.value = '';
        this.search(0);
      }
    });
    this.root.addEventListener('click', (e) => {
      const b = e.target.closest('[data-action]');
      if (!b || b.dataset.action === 'raw') return;
      switch (b.dataset.action) {
        case 'next': this.search(1); break;
        case 'prev': this.search(-1); break;
        case 'follow':
          this.follow = !this.follow;
          this.setPressed('follow', this.follow);
          if (this.follow) this.toBottom();
          break;
        case 'times':
          this.times = !this.times;
          this.setPressed('times', this.times);
          this.root.classList.toggle('times', this.times);
          if (this.times) for (const n of [...this.lines.keys()]) if (n < this.finalCount && this.lines.get(n).ts == null) this.lines.delete(n);
          break;
        case 'wrap':
          this.wrap = !this.wrap;
          this.setPressed('wrap', this.wrap);
          this.root.classList.toggle('nowrap', !this.wrap);
          this.measured.clear();
          this.structure();
          break;
        case 'expand':
        case 'collapse':
          for (const s of this.secs) this.overrides.set(s.start, b.dataset.action === 'collapse');
          this.structure();
          break;
        case 'copy': this.copy(); return;
        default: return;
      }
      this.render();
    });
  }
}

// ---- the run page: which task's log is shown

const root = document.getElementById('log');
if (root) {
  const viewer = new Viewer(root);
  const tasks = () => [...document.querySelectorAll('#run-tasks [data-task]')];
  const attemptOf = (name) => {
    const el = tasks().find((t) => t.dataset.task === name);
    return el ? Number(el.dataset.attempt) || 1 : 1;
  };
  /** The task to show without an anchor: a failed one, else a running one, else the first. */
  const preferred = () => {
    const all = tasks();
    const pick = (ss) => all.find((t) => ss.includes(t.dataset.status));
    const t = pick(['failure', 'error']) || pick(['running']) || all[0];
    return t ? t.dataset.task : null;
  };
  const parse = () => {
    const h = decodeURIComponent(location.hash.slice(1));
    if (!h) return null;
    const m = /^(.*?)(?:\/(\d+)(?:-(\d+))?)?$/.exec(h);
    return { task: m[1], from: m[2] ? Number(m[2]) - 1 : null, to: m[3] ? Number(m[3]) - 1 : null };
  };
  const mark = () => {
    for (const t of tasks()) {
      const on = t.dataset.task === viewer.task;
      t.classList.toggle('selected', on);
      const a = t.querySelector('.task-link');
      if (on) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    }
  };
  const show = () => {
    const want = parse();
    const task = want && tasks().some((t) => t.dataset.task === want.task) ? want.task : preferred();
    if (!task) {
      viewer.state('This run has no tasks.');
      return;
    }
    const attempt = attemptOf(task);
    if (task === viewer.task && attempt === viewer.attempt && want && want.from != null) {
      viewer.selection = [want.from, want.to ?? want.from];
      if (!viewer.onScreen(want.from)) viewer.reveal(want.from, false);
      viewer.render();
    } else if (task !== viewer.task || attempt !== viewer.attempt) {
      viewer.open(task, attempt, want ? want.from : null).then(() => {
        if (want && want.to != null) viewer.selection = [want.from, want.to];
        viewer.render();
      });
    }
    mark();
  };
  window.addEventListener('hashchange', show);
  // A retried task gets a new attempt: show its new log. The task list is replaced as the run changes.
  document.addEventListener('slipway:fragment', (e) => {
    if (e.target.id !== 'run-tasks') return;
    if (viewer.task && attemptOf(viewer.task) !== viewer.attempt) viewer.open(viewer.task, attemptOf(viewer.task), null);
    mark();
  });
  show();
  window.slipwayViewer = viewer; // for the browser tests and the curious
}
