// Span panel (webview): one MSpan in detail — header (start, pages, size class, elemsize, state,
// sweepgen against H with its meaning, owner), a grid of its objects coloured allocated / marked
// / free / finalizer, the freelist drawn as a chain of arrows over the grid (and as text), the
// specials, and a freelist problem (a cycle, a link leaving the span) shown loudly. The slots
// are one tab stop (roving tabindex): arrows, Home/End move, Enter/Space describe the slot.
// An address box asks the host for another span.
import type { SlotInfo, SpanAnswer, ToPanel } from './common/protocol';
import { relativeToH, sweepClass } from './common/sweepgen';
import { dataArrived, el, hex, isActivate, listen, log, post, showStatus, svg } from './common/webview';

const GRID_COLS = 16;
const CELL = 28;
const GAP = 4;
const PITCH = CELL + GAP;
const CHAIN_TEXT_MAX = 48;

const status = el('div', { class: 'status', role: 'status' }, 'Waiting for a stopped SweepScope debug session…');
const input = el('input', { type: 'text', id: 'address', 'aria-label': 'Span or object address', placeholder: '0x… (an MSpan or any address in its pages)', size: 36 });
const form = el('form', { class: 'address-form', id: 'address-form' }, el('label', { for: 'address' }, 'Address'), input, el('button', { type: 'submit' }, 'Show span'));
const problem = el('div', { class: 'problem', id: 'problem', role: 'alert', hidden: true });
const header = el('dl', { class: 'span-header', id: 'header' });
const legend = el('ul', { class: 'legend', 'aria-label': 'Slot colours' });
const grid = el('div', { class: 'slots', id: 'slots', role: 'group', 'aria-label': 'Objects of the span: arrows move, Enter describes' });
const chain = svg('svg', { class: 'chain', id: 'chain', 'aria-hidden': 'true' });
const detail = el('div', { class: 'cursor-info', id: 'slot-detail', 'aria-live': 'polite' });
const chainText = el('div', { class: 'chain-text', id: 'chain-text' });
const specials = el('div', { id: 'specials' });

let current: SpanAnswer | undefined;
let focusIndex = 0;

type SlotState = 'free' | 'marked' | 'allocated' | 'unallocated';

function slotState(s: SlotInfo): SlotState {
  if (s.free) return 'free';
  if (!s.allocated) return 'unallocated';
  return s.marked ? 'marked' : 'allocated';
}

const STATE_TEXT: Record<SlotState, string> = {
  free: 'free (on the freelist)',
  marked: 'allocated, marked (live)',
  allocated: 'allocated, not marked',
  unallocated: 'no block start',
};

/** Slot index of an address, or -1 if it is not the start of one of this span's slots. */
function slotIndex(a: SpanAnswer, addr: number): number {
  const size = a.sizeclass === 0 ? a.limit - a.start : a.elemsize;
  const off = addr - a.start;
  if (size <= 0 || off < 0 || off % size !== 0) return -1;
  const i = off / size;
  return i < a.slots.length ? i : -1;
}

function describeSlot(a: SpanAnswer, i: number): string {
  const s = a.slots[i];
  const parts = [`slot ${i} at ${hex(s.addr)}: ${STATE_TEXT[slotState(s)]}`];
  if (s.scan) parts.push('has pointers (scan)');
  if (s.special) parts.push('special bit');
  if (s.finalizer) parts.push('has a finalizer');
  const k = a.freelist.indexOf(s.addr);
  if (k >= 0) parts.push(`freelist #${k + 1} of ${a.freelist.length}` + (k + 1 < a.freelist.length ? `, next ${hex(a.freelist[k + 1])}` : ', last'));
  return parts.join(' · ');
}

function row(term: string, value: Node | string, id?: string): Node[] {
  return [el('dt', {}, term), el('dd', id ? { id } : {}, value)];
}

function renderHeader(a: SpanAnswer): void {
  const cls = sweepClass(a.sweepgen, a.H);
  const sweep = el('span', { class: 'sweep-state', 'data-class': cls }, a.sweepState);
  const owner = a.owner ?? (cls === 'sweeping' ? 'unknown (owned, but the owner was not seen taking it)' : 'none');
  header.replaceChildren(
    ...row('Span', `${a.addr} (MSpan)`),
    ...row('Memory', `${hex(a.start)} … ${hex(a.limit)}`),
    ...row('Pages', `${a.npages} (page ${a.start >>> 13})`),
    ...row('Size class', a.sizeclass === 0 ? '0 (large object)' : String(a.sizeclass)),
    ...row('Element size', `${a.elemsize} bytes · ${a.slots.length} object${a.slots.length === 1 ? '' : 's'} · ref ${a.ref}`),
    ...row('State', `${a.stateName} (${a.state})`),
    ...row('Sweepgen', el('span', {}, `${a.sweepgen} against H = ${a.H}: ${relativeToH(a.sweepgen, a.H)} — `, sweep), 'sweepgen'),
    ...row('Owner', owner, 'owner'),
  );
}

function renderProblem(a: SpanAnswer): void {
  problem.hidden = a.freelistProblem === null;
  problem.textContent = a.freelistProblem === null ? '' : `⚠ Freelist problem: ${a.freelistProblem}. The freelist is corrupt: allocating from this span hands out the same slot twice or never ends.`;
}

function renderGrid(a: SpanAnswer): void {
  const problemAt = a.freelistProblem ? /0x[0-9a-f]+/i.exec(a.freelistProblem)?.[0] : undefined;
  const problemIndex = problemAt ? slotIndex(a, parseInt(problemAt, 16)) : -1;
  if (focusIndex >= a.slots.length) focusIndex = 0;
  grid.style.gridTemplateColumns = `repeat(${GRID_COLS}, ${CELL}px)`;
  grid.replaceChildren(
    ...a.slots.map((s, i) => {
      const b = el('button', {
        type: 'button',
        class: 'slot',
        tabindex: i === focusIndex ? 0 : -1,
        'data-index': i,
        'data-addr': hex(s.addr),
        'data-state': slotState(s),
        'data-finalizer': s.finalizer,
        'data-special': s.special,
        'data-problem': i === problemIndex,
        'aria-label': describeSlot(a, i),
        title: describeSlot(a, i),
      }, String(i));
      b.addEventListener('click', () => select(i));
      return b;
    }),
  );
  renderChain(a, problemIndex);
}

function centre(i: number): [number, number] {
  return [(i % GRID_COLS) * PITCH + CELL / 2, Math.floor(i / GRID_COLS) * PITCH + CELL / 2];
}

/** Arrows from each freelist slot to the next; the link that closes a cycle is drawn as a problem. */
function renderChain(a: SpanAnswer, problemIndex: number): void {
  const n = a.slots.length;
  const rowsCount = Math.ceil(n / GRID_COLS);
  chain.setAttribute('width', String(GRID_COLS * PITCH));
  chain.setAttribute('height', String(rowsCount * PITCH));
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
  const links: Node[] = [];
  const idx = a.freelist.map((p) => slotIndex(a, p));
  const link = (from: number, to: number, problemLink: boolean): void => {
    if (from < 0 || to < 0) return;
    const [x1, y1] = centre(from);
    const [x2, y2] = centre(to);
    const dx = x2 - x1;
    const dy = y2 - y1;
    const len = Math.hypot(dx, dy) || 1;
    // start and end at the cells' edges; bend links that are not neighbours so they stay apart
    const sx = x1 + (dx / len) * (CELL / 2);
    const sy = y1 + (dy / len) * (CELL / 2);
    const ex = x2 - (dx / len) * (CELL / 2);
    const ey = y2 - (dy / len) * (CELL / 2);
    const bend = Math.abs(to - from) === 1 && y1 === y2 ? 0 : Math.min(40, len / 4);
    const mx = (sx + ex) / 2 - (dy / len) * bend;
    const my = (sy + ey) / 2 + (dx / len) * bend;
    links.push(svg('path', { d: `M${sx.toFixed(1)},${sy.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${ex.toFixed(1)},${ey.toFixed(1)}`, 'marker-end': 'url(#arrow)', class: problemLink ? 'problem-link' : 'link', 'data-from': from, 'data-to': to }));
  };
  for (let k = 0; k + 1 < idx.length; k++) link(idx[k], idx[k + 1], false);
  if (problemIndex >= 0 && idx.length > 0) link(idx[idx.length - 1], problemIndex, true);
  chain.replaceChildren(svg('defs', {}, marker), ...links);
  const shown = a.freelist.slice(0, CHAIN_TEXT_MAX).map((p) => {
    const i = slotIndex(a, p);
    return i >= 0 ? `#${i}` : `${hex(p)} (not a slot)`;
  });
  const tail = a.freelist.length > CHAIN_TEXT_MAX ? ` → … (${a.freelist.length - CHAIN_TEXT_MAX} more)` : '';
  const end = a.freelistProblem ? ` → ⚠ ${a.freelistProblem}` : a.freelist.length > 0 ? ' → nil' : '';
  chainText.textContent = a.freelist.length === 0 && !a.freelistProblem
    ? 'Freelist: empty (nil).'
    : `Freelist (${a.freelist.length} slot${a.freelist.length === 1 ? '' : 's'}): ${shown.join(' → ')}${tail}${end}`;
}

function renderSpecials(a: SpanAnswer): void {
  if (a.specials.length === 0) {
    specials.replaceChildren(el('p', {}, 'No specials (no finalizer or profile record on this span).'));
    return;
  }
  specials.replaceChildren(
    el('table', { 'aria-label': 'Specials' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Special'), el('th', {}, 'Kind'), el('th', {}, 'Offset'), el('th', {}, 'Object'), el('th', {}, 'Slot'))),
      el('tbody', {}, ...a.specials.map((sp) => {
        const i = slotIndex(a, sp.object);
        return el('tr', { 'data-kind': sp.kind }, el('td', {}, sp.addr), el('td', {}, sp.kind), el('td', {}, String(sp.offset)), el('td', {}, hex(sp.object)), el('td', {}, i >= 0 ? `#${i}` : '—'));
      })),
    ),
  );
}

function slotButtons(): HTMLButtonElement[] {
  return Array.from(grid.querySelectorAll<HTMLButtonElement>('button.slot'));
}

function select(i: number, focus = true): void {
  if (!current) return;
  const buttons = slotButtons();
  if (i < 0 || i >= buttons.length) return;
  buttons[focusIndex]?.setAttribute('tabindex', '-1');
  focusIndex = i;
  buttons[i].setAttribute('tabindex', '0');
  if (focus) buttons[i].focus();
  detail.textContent = describeSlot(current, i);
}

function onGridKey(e: KeyboardEvent): void {
  const n = current?.slots.length ?? 0;
  if (n === 0) return;
  let to = -1;
  switch (e.key) {
    case 'ArrowLeft': to = focusIndex - 1; break;
    case 'ArrowRight': to = focusIndex + 1; break;
    case 'ArrowUp': to = focusIndex - GRID_COLS; break;
    case 'ArrowDown': to = focusIndex + GRID_COLS; break;
    case 'Home': to = 0; break;
    case 'End': to = n - 1; break;
    default:
      if (isActivate(e)) {
        e.preventDefault();
        select(focusIndex);
      }
      return;
  }
  e.preventDefault();
  select(Math.max(0, Math.min(n - 1, to)));
}

function show(a: SpanAnswer): void {
  const samespan = current?.addr === a.addr;
  current = a;
  if (!samespan) focusIndex = 0;
  document.body.dataset.generation = String(a.generation);
  document.body.dataset.span = a.addr;
  if (document.activeElement !== input) input.value = a.addr;
  renderProblem(a);
  renderHeader(a);
  renderGrid(a);
  renderSpecials(a);
  detail.textContent = a.slots.length > 0 ? describeSlot(a, focusIndex) : 'This span has no objects.';
}

function onMessage(m: ToPanel): void {
  switch (m.type) {
    case 'status':
      showStatus(status, m);
      return;
    case 'span':
      dataArrived(status);
      show(m.answer);
      return;
    default:
      log(`span: ignored a ${m.type} message (not for this panel)`);
  }
}

for (const [key, text] of [['allocated', 'allocated'], ['marked', 'marked'], ['free', 'free (freelist)'], ['finalizer', 'finalizer (special)']] as const) {
  legend.append(el('li', {}, el('span', { class: `swatch swatch-${key}` }), text));
}
form.addEventListener('submit', (e) => {
  e.preventDefault();
  const address = input.value.trim();
  if (address !== '') post({ type: 'requestSpan', address });
});
grid.addEventListener('keydown', onGridKey);
document.body.append(
  status, form, problem, header, legend,
  el('div', { class: 'slots-wrap' }, grid, chain),
  detail, el('h2', {}, 'Freelist'), chainText, el('h2', {}, 'Specials'), specials,
);
listen('span', onMessage);
