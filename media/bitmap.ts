// Heap Bitmap panel (webview): the arena's bitmap at 4 bits per heap word on a canvas, one pixel
// per word and one 8 KB page per row, coloured by bits from the theme; in-use spans outlined;
// words whose bits changed since the previous stop highlighted (and ticked in the right margin,
// so a change is seen zoomed out too). Wheel zooms, drag pans, the keyboard moves a cursor word
// (arrows, PageUp/PageDown, + − 0, n = next change); hover or the cursor shows address, word,
// bits and span; a click (or Enter/Space) on a span asks the host to reveal it in the Span panel.
// A full answer (or a theme change) refills the whole picture from the nibble buffer through a
// Uint32Array over an ImageData; a delta repaints only the blocks it made stale. The fill and
// draw times, and the time to handle a whole answer, are kept in data attributes (the tests
// and bench read them).
import { BitmapModel, BLOCK, bitsText, describeBits } from './common/bitmapModel';
import { fillPicture, palettes, rgba, themeColours, ViewTransform, type BitmapColours } from './common/bitmapRender';
import type { SpanSummary, ToPanel } from './common/protocol';
import { relativeToH, sweepgenMeaning } from './common/sweepgen';
import { dataArrived, el, hex, isActivate, listen, log, post, showStatus } from './common/webview';

const model = new BitmapModel();
const view = new ViewTransform();
let colours: BitmapColours = themeColours(getComputedStyle(document.documentElement));
let { normal, changed } = palettes(colours);

const status = el('div', { class: 'status', role: 'status' }, 'Waiting for a stopped SweepScope debug session…');
const summary = el('div', { class: 'summary', id: 'summary' });
const tools = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Heap bitmap view' });
const canvas = el('canvas', { id: 'view', tabindex: 0, role: 'img', 'aria-label': 'Heap bitmap: arrows move the cursor word, + and − zoom, 0 fits, n goes to the next change, Enter reveals the span' });
const tip = el('div', { class: 'tooltip', id: 'tip', role: 'tooltip', hidden: true });
const stage = el('div', { class: 'stage' }, canvas, tip);
const cursorText = el('div', { class: 'cursor-info', id: 'cursor', 'aria-live': 'polite' });
const spanList = el('ul', { class: 'span-list', id: 'spans', 'aria-label': 'In-use spans' });
const legend = el('ul', { class: 'legend', id: 'legend', 'aria-label': 'Colours' });

const ctx = canvas.getContext('2d');
const picture = document.createElement('canvas');
const pctx = picture.getContext('2d');
let image: ImageData | undefined;
let pixels = new Uint32Array(0);
let changedRows: number[] = [];
let spanListKey = '';
let cursor = -1;
let hoverWord = -1;
/** The view fits the used arena until the user zooms, pans or moves the cursor. */
let autoFit = true;
let frame = 0;

function button(label: string, key: string, action: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', title: `${label} (${key})`, 'data-action': label.toLowerCase().replace(/ /g, '-') }, label);
  b.addEventListener('click', action);
  return b;
}

function buildLegend(): void {
  legend.replaceChildren();
  const items: [keyof BitmapColours, string][] = [
    ['empty', 'no bits'], ['allocated', 'allocated'], ['scan', 'allocated + scan'], ['marked', 'marked'],
    ['special', 'special'], ['boundary', 'boundary (no GC)'], ['changed', 'changed since the last stop'],
  ];
  for (const [key, text] of items) {
    const [r, g, b] = rgba(colours[key]);
    legend.append(el('li', { 'data-key': key, 'data-rgb': `${r},${g},${b}` }, el('span', { class: `swatch swatch-${key}` }), text));
  }
}

// ---- geometry ----

let pictureCols = 2048;

/**
 * Words per row: a page or a power-of-two fraction of one (so spans stay rectangles), chosen
 * to make the used part of the arena about square; it only changes when the used part grows
 * or shrinks past a power of two, so the picture keeps its layout from stop to stop.
 */
function chooseCols(): void {
  const used = usedWords();
  let c = model.pageWords;
  while (c > 64 && used / c < c / 2) c /= 2;
  pictureCols = c;
}

/** Words up to the end of the last in-use span or the last word with any bit set. */
function usedWords(): number {
  let end = 0;
  for (const s of model.spans) end = Math.max(end, (s.start - model.arenaStart) / model.bytesPerWord + s.npages * model.pageWords);
  for (let i = model.nibbles.length - 1; i >= 0; i--) {
    if (model.nibbles[i] !== 0) {
      end = Math.max(end, i * 2 + 2);
      break;
    }
  }
  return Math.max(1, Math.min(model.words, end));
}

function usedRows(): number {
  return Math.max(1, Math.ceil(usedWords() / cols()));
}

function cols(): number {
  return pictureCols;
}

function rows(): number {
  return Math.max(1, Math.ceil(model.words / cols()));
}

function wordAt(x: number, y: number): number {
  const [px, py] = view.toPicture(x, y);
  const c = Math.floor(px);
  const r = Math.floor(py);
  if (c < 0 || c >= cols() || r < 0) return -1;
  const w = r * cols() + c;
  return w < model.words ? w : -1;
}

function spanRow(s: SpanSummary): number {
  return (s.start - model.arenaStart) / model.bytesPerWord / cols();
}

// ---- rendering ----

let fullFills = 0;

/**
 * Repaints the picture from the nibbles: all of it (a full answer, a new layout, a theme change:
 * the cost the tests measure for 4M words), or after a delta only the blocks it made stale.
 */
function refill(all: boolean): void {
  if (!pctx) return;
  const w = cols();
  const h = rows();
  const t0 = performance.now();
  if (!image || image.width !== w || image.height !== h) {
    picture.width = w;
    picture.height = h;
    image = pctx.createImageData(w, h);
    pixels = new Uint32Array(image.data.buffer);
    all = true;
  }
  const blocks = all ? null : model.dirtyBlocks;
  if (blocks === null) {
    fillPicture(pixels, model.nibbles, model.diff, model.words, normal, changed);
    const t1 = performance.now();
    pctx.putImageData(image, 0, 0);
    document.body.dataset.fillMs = (t1 - t0).toFixed(2);
    document.body.dataset.putMs = (performance.now() - t1).toFixed(2);
    document.body.dataset.fullFills = String(++fullFills);
  } else {
    // repaint the stale blocks, then upload only their rows (runs of rows merged), each through
    // an ImageData over that slice of the picture's buffer: a dirty-rect putImageData of the
    // whole 16 MB picture costs as much as uploading all of it
    const runs: [number, number][] = [];
    for (const off of blocks) {
      fillPicture(pixels, model.nibbles, model.diff, model.words, normal, changed, off, off + BLOCK);
      const r0 = Math.floor((off * 2) / w);
      const r1 = Math.min(h, Math.ceil(Math.min(model.words, (off + BLOCK) * 2) / w));
      const last = runs[runs.length - 1];
      if (last && r0 <= last[1]) last[1] = Math.max(last[1], r1);
      else if (r1 > r0) runs.push([r0, r1]);
    }
    for (const [r0, r1] of runs) {
      const slice = new Uint8ClampedArray(image.data.buffer, r0 * w * 4, (r1 - r0) * w * 4);
      pctx.putImageData(new ImageData(slice, w, r1 - r0), 0, r0);
    }
    document.body.dataset.partialMs = (performance.now() - t0).toFixed(2);
    document.body.dataset.partialBlocks = String(blocks.length);
  }
  const rowsWithChanges = new Set<number>();
  for (const off of model.changedBlocks) {
    for (let i = off, end = Math.min(off + BLOCK, model.diff.length); i < end; i++) if (model.diff[i] !== 0) rowsWithChanges.add(Math.floor((i * 2) / w));
  }
  changedRows = [...rowsWithChanges].sort((x, y) => x - y);
}

function resize(): void {
  const r = stage.getBoundingClientRect();
  const w = Math.max(50, Math.floor(r.width));
  const h = Math.max(50, Math.floor(r.height));
  if (canvas.width !== w || canvas.height !== h) {
    // the picture point at the centre stays at the centre (a resize never loses the cursor)
    const [cx, cy] = view.toPicture(canvas.width / 2, canvas.height / 2);
    canvas.width = w;
    canvas.height = h;
    if (autoFit && model.loaded) fit();
    else view.centreOn(cx, cy, w, h);
    scheduleDraw();
  }
}

/** Fits the used part of the arena (the rest is empty; zoom out to see it). */
function fit(): void {
  view.fit(cols(), usedRows(), canvas.width, canvas.height);
  autoFit = true;
  scheduleDraw();
}

function scheduleDraw(): void {
  if (frame === 0) frame = requestAnimationFrame(() => {
    frame = 0;
    draw();
  });
}

/** Draws the picture through the view transform, then outlines, change ticks and the cursor. */
function draw(): void {
  if (!ctx) return;
  const t0 = performance.now();
  const style = getComputedStyle(document.documentElement);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = style.getPropertyValue('--vscode-editorWidget-background').trim() || '#252526';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (!model.loaded) return;
  ctx.imageSmoothingEnabled = false;
  ctx.setTransform(view.scale, 0, 0, view.scale, -view.ox * view.scale, -view.oy * view.scale);
  ctx.drawImage(picture, 0, 0);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  const hoverSpan = hoverWord >= 0 ? model.spanAt(hoverWord) : undefined;
  ctx.lineWidth = 1;
  const outline = style.getPropertyValue('--vscode-focusBorder').trim() || '#007fd4';
  for (const s of model.spans) {
    const [x, y] = view.toScreen(0, spanRow(s));
    const [x2, y2] = view.toScreen(cols(), spanRow(s) + (s.npages * model.pageWords) / cols());
    if (y2 < 0 || y > canvas.height) continue;
    ctx.strokeStyle = s === hoverSpan ? colours.changed : outline;
    ctx.strokeRect(Math.round(x) + 0.5, Math.round(y) + 0.5, Math.max(1, Math.round(x2 - x) - 1), Math.max(1, Math.round(y2 - y) - 1));
  }
  ctx.fillStyle = colours.changed;
  const [right] = view.toScreen(cols(), 0);
  for (const r of changedRows) {
    const [, y] = view.toScreen(0, r);
    ctx.fillRect(Math.round(right) + 2, Math.round(y), 4, Math.max(2, Math.round(view.scale)));
  }
  if (cursor >= 0) {
    const [x, y] = view.toScreen(cursor % cols(), Math.floor(cursor / cols()));
    const size = Math.max(3, view.scale);
    ctx.strokeStyle = style.getPropertyValue('--vscode-editorCursor-foreground').trim() || '#ffffff';
    ctx.strokeRect(Math.round(x) - 0.5, Math.round(y) - 0.5, Math.round(size) + 1, Math.round(size) + 1);
  }
  document.body.dataset.drawMs = (performance.now() - t0).toFixed(2);
}

// ---- text ----

function describeWord(w: number): string {
  const bits = model.nibble(w);
  const before = model.previous(w);
  const s = model.spanAt(w);
  const parts = [
    `${hex(model.addressOf(w))} · word ${w}`,
    `bits ${bitsText(bits)} (${describeBits(bits)})`,
  ];
  if (before !== bits) parts.push(`changed: was ${bitsText(before)} (${describeBits(before)})`);
  parts.push(s ? `span ${s.addr} (class ${s.sizeclass}, ${s.npages} page${s.npages === 1 ? '' : 's'}, sweepgen ${s.sweepgen} = ${relativeToH(s.sweepgen, model.H)})` : 'no in-use span');
  return parts.join('\n');
}

function showTip(w: number, x: number, y: number): void {
  if (w < 0) {
    tip.hidden = true;
    return;
  }
  tip.textContent = describeWord(w);
  tip.hidden = false;
  const maxX = stage.clientWidth - tip.offsetWidth - 4;
  const maxY = stage.clientHeight - tip.offsetHeight - 4;
  tip.style.left = `${Math.max(0, Math.min(x + 14, maxX))}px`;
  tip.style.top = `${Math.max(0, Math.min(y + 14, maxY))}px`;
}

function renderSummary(): void {
  const spans = model.spans.length;
  summary.textContent =
    `arena ${hex(model.arenaStart)}…${hex(model.arenaUsed)} · ${model.words.toLocaleString('en-US')} words · ${spans} in-use span${spans === 1 ? '' : 's'} · H = ${model.H} · ` +
    (model.changedWords === 0 ? 'no bits changed since the last stop' : `${model.changedWords} word${model.changedWords === 1 ? '' : 's'} changed since the last stop`);
  summary.dataset.changed = String(model.changedWords);
  // rebuild the list only when a span changed (a 16 MiB heap has thousands)
  const key = `${model.H};${model.spans.map((s) => `${s.addr}:${s.start}:${s.npages}:${s.sizeclass}:${s.sweepgen}`).join(',')}`;
  if (key === spanListKey) return;
  spanListKey = key;
  spanList.replaceChildren(
    ...model.spans.map((s) => {
      const b = el('button', { type: 'button', class: 'span-item', 'data-addr': s.addr, title: 'Show this span in the Span panel' },
        `${s.addr} · ${hex(s.start)} · class ${s.sizeclass} · ${s.npages} page${s.npages === 1 ? '' : 's'} · ${sweepgenMeaning(s.sweepgen, model.H)}`);
      b.addEventListener('click', () => reveal(s));
      b.addEventListener('focus', () => moveCursor((s.start - model.arenaStart) / model.bytesPerWord, false));
      return el('li', {}, b);
    }),
  );
}

function reveal(s: SpanSummary): void {
  post({ type: 'revealSpan', address: s.addr });
}

// ---- cursor and view ----

function moveCursor(w: number, announce = true): void {
  if (!model.loaded || model.words === 0) return;
  autoFit = false;
  cursor = Math.max(0, Math.min(model.words - 1, w));
  const c = cursor % cols();
  const r = Math.floor(cursor / cols());
  const [x, y] = view.toScreen(c, r);
  if (x < 0 || y < 0 || x + view.scale > canvas.width || y + view.scale > canvas.height) view.centreOn(c + 0.5, r + 0.5, canvas.width, canvas.height);
  if (announce) cursorText.textContent = describeWord(cursor);
  scheduleDraw();
}

function nextChange(): void {
  const w = model.nextChange(cursor);
  if (w < 0) {
    cursorText.textContent = 'No bits changed since the last stop.';
    return;
  }
  autoFit = false;
  if (view.scale < 8) view.scale = 8;
  cursor = w;
  view.centreOn((w % cols()) + 0.5, Math.floor(w / cols()) + 0.5, canvas.width, canvas.height);
  cursorText.textContent = describeWord(w);
  scheduleDraw();
}

function zoom(factor: number): void {
  autoFit = false;
  if (cursor >= 0) {
    const [x, y] = view.toScreen((cursor % cols()) + 0.5, Math.floor(cursor / cols()) + 0.5);
    view.zoomAt(factor, x, y);
  } else view.zoomAt(factor, canvas.width / 2, canvas.height / 2);
  scheduleDraw();
}

function onKey(e: KeyboardEvent): void {
  if (!model.loaded) return;
  const step = e.shiftKey ? 16 : 1;
  const page = Math.max(1, Math.floor(canvas.height / Math.max(view.scale, 1e-3)));
  const here = Math.max(0, cursor);
  let handled = true;
  switch (e.key) {
    case 'ArrowLeft': moveCursor(here - step); break;
    case 'ArrowRight': moveCursor(here + step); break;
    case 'ArrowUp': moveCursor(here - step * cols()); break;
    case 'ArrowDown': moveCursor(here + step * cols()); break;
    case 'PageUp': moveCursor(here - page * cols()); break;
    case 'PageDown': moveCursor(here + page * cols()); break;
    case 'Home': moveCursor(here - (here % cols())); break;
    case 'End': moveCursor(here - (here % cols()) + cols() - 1); break;
    case '+': case '=': zoom(2); break;
    case '-': zoom(0.5); break;
    case '0': fit(); break;
    case 'n': nextChange(); break;
    default:
      if (isActivate(e)) {
        const s = model.spanAt(here);
        if (s) reveal(s);
        else cursorText.textContent = `${hex(model.addressOf(here))} is in no in-use span.`;
      } else handled = false;
  }
  if (handled) e.preventDefault();
}

let drag: { x: number; y: number; moved: boolean } | undefined;

function installPointer(): void {
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    autoFit = false;
    view.zoomAt(e.deltaY < 0 ? 1.25 : 0.8, e.offsetX, e.offsetY);
    scheduleDraw();
  }, { passive: false });
  canvas.addEventListener('pointerdown', (e) => {
    drag = { x: e.offsetX, y: e.offsetY, moved: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (drag) {
      const dx = e.offsetX - drag.x;
      const dy = e.offsetY - drag.y;
      if (drag.moved || Math.abs(dx) + Math.abs(dy) > 3) {
        drag.moved = true;
        autoFit = false;
        view.panBy(dx, dy);
        drag.x = e.offsetX;
        drag.y = e.offsetY;
        scheduleDraw();
      }
    }
    const w = wordAt(e.offsetX, e.offsetY);
    if (w !== hoverWord) {
      hoverWord = w;
      scheduleDraw();
    }
    showTip(w, e.offsetX, e.offsetY);
  });
  canvas.addEventListener('pointerleave', () => {
    hoverWord = -1;
    tip.hidden = true;
    scheduleDraw();
  });
  canvas.addEventListener('pointerup', (e) => {
    const wasDrag = drag?.moved ?? false;
    drag = undefined;
    if (wasDrag) return;
    const w = wordAt(e.offsetX, e.offsetY);
    if (w < 0) return;
    cursor = w;
    cursorText.textContent = describeWord(w);
    const s = model.spanAt(w);
    if (s) reveal(s);
    scheduleDraw();
  });
}

// ---- messages ----

function onMessage(m: ToPanel): void {
  switch (m.type) {
    case 'status':
      showStatus(status, m);
      return;
    case 'bitmap': {
      const t0 = performance.now();
      const why = model.apply(m.base, m.answer);
      if (why) {
        log(`bitmap: ${why}; asking for the whole bitmap`);
        post({ type: 'resync' });
        return;
      }
      document.body.dataset.generation = String(model.generation);
      dataArrived(status);
      document.body.dataset.payload = String(model.lastPayloadBytes);
      const oldCols = pictureCols;
      chooseCols();
      if (oldCols !== pictureCols) autoFit = true;
      refill(oldCols !== pictureCols);
      renderSummary();
      if (autoFit) fit();
      if (cursor >= model.words) cursor = -1;
      if (cursor >= 0) cursorText.textContent = describeWord(cursor);
      draw();
      // the whole answer: apply, repaint, summary and draw (what a stop costs the page)
      document.body.dataset.handleMs = (performance.now() - t0).toFixed(2);
      return;
    }
    default:
      log(`bitmap: ignored a ${m.type} message (not for this panel)`);
  }
}

/** VS Code changes the theme by rewriting the CSS variables on <html> (and body classes): repaint. */
function onThemeChange(): void {
  colours = themeColours(getComputedStyle(document.documentElement));
  ({ normal, changed } = palettes(colours));
  buildLegend();
  if (!model.loaded) return;
  refill(true);
  draw();
}

/**
 * Runs the fill on a small scratch picture a few times at load, so the JIT has optimised it
 * before the first real bitmap. (The first 4M-word fill still costs 0.2–0.5 s on this machine,
 * most of it first-touching the fresh 16 MB picture; later ones about 3 ms.)
 */
function warmUp(): void {
  const words = 1 << 16;
  const nib = new Uint8Array(words / 2);
  for (let i = 0; i < nib.length; i += 3) nib[i] = (i * 37) & 255;
  const diff = new Uint8Array(words / 2);
  diff[100] = 0x11;
  const out = new Uint32Array(words);
  for (let k = 0; k < 40; k++) fillPicture(out, nib, diff, words, normal, changed);
}

buildLegend();
setTimeout(warmUp, 0);
const themeObserver = new MutationObserver(onThemeChange);
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
tools.append(button('Fit', '0', fit), button('Zoom in', '+', () => zoom(2)), button('Zoom out', '−', () => zoom(0.5)), button('Next change', 'n', nextChange));
document.body.append(el('header', {}, status, summary, tools, legend), stage, cursorText, el('h2', {}, 'Spans'), spanList);
canvas.addEventListener('keydown', onKey);
canvas.addEventListener('focus', () => {
  if (cursor < 0 && model.loaded) moveCursor(0);
});
installPointer();
new ResizeObserver(resize).observe(stage);
resize();
listen('bitmap', onMessage);
