// Timeline panel (webview): one lane per M and per goroutine; the run's events on them (sweepgen
// CAS and stores, GC start, stop-the-world, preemption requests and preemptions, the final halt),
// in order from left to right (evenly spaced, so bursts stay readable; the axis shows their
// positions); the current position marked with a line; the lane of the thread selected in the
// Call Stack highlighted. An event is drawn on its goroutine's lane, with an echo on its M's.
// Clicking an event (or Enter/Space on it) asks the host to travel there. Keyboard: the events
// are one tab stop; Left/Right move in time, Up/Down to the nearest event on another lane.
import { timelineKinds, type TimelineAnswer, type TimelineEvent, type TimelineKind, type ToPanel } from './common/protocol';
import { dataArrived, el, isActivate, listen, log, post, showStatus, svg } from './common/webview';

const LABEL_W = 56;
const LANE_H = 26;
const STEP = 18;
const AXIS_H = 22;
const MARK = 10;

const status = el('div', { class: 'status', role: 'status' }, 'Waiting for a stopped SweepScope debug session…');
const summary = el('div', { class: 'summary', id: 'summary' });
const plot = svg('svg', { class: 'timeline-svg', id: 'plot', role: 'group', 'aria-label': 'Timeline: Left and Right move between events, Up and Down change lane, Enter travels to the event' });
const wrap = el('div', { class: 'timeline-wrap', id: 'wrap' }, plot);
const detail = el('div', { class: 'event-detail', id: 'event-detail', 'aria-live': 'polite' });
const KIND_TEXT: Record<TimelineKind, string> = {
  'sweepgen-cas': 'sweepgen CAS', 'sweepgen-store': 'sweepgen store', 'gc-start': 'GC start (H advances)',
  'stop-the-world': 'stop the world', 'preempt-request': 'preemption request', preempt: 'preempted', halt: 'halt (throw, fault, exit)',
};
const legend = el('ul', { class: 'legend', 'aria-label': 'Event kinds' },
  ...timelineKinds.map((k) => el('li', {}, el('span', { class: `swatch tl-${k}` }), KIND_TEXT[k])));

interface Placed {
  e: TimelineEvent;
  index: number;
  lane: number;
  node: SVGGElement;
}

let answer: TimelineAnswer | undefined;
let placed: Placed[] = [];
let focusIndex = -1;
let focusLane: string | null = null;

function laneOf(a: TimelineAnswer, e: TimelineEvent): { lane: number; echo: number } {
  const g = e.g !== undefined ? a.lanes.indexOf(`g${e.g}`) : -1;
  const m = e.m !== undefined ? a.lanes.indexOf(`M${e.m}`) : -1;
  if (g >= 0) return { lane: g, echo: m };
  return { lane: m >= 0 ? m : 0, echo: -1 };
}

function xOf(index: number): number {
  return LABEL_W + STEP / 2 + index * STEP;
}

function yOf(lane: number): number {
  return lane * LANE_H + LANE_H / 2;
}

function eventLabel(e: TimelineEvent): string {
  return `position ${e.pos}: ${e.text}`;
}

/** The events up to the current position are before the "now" line. */
function nowX(a: TimelineAnswer): number {
  const before = a.events.filter((e) => e.pos < a.position).length;
  return before === 0 ? LABEL_W + 2 : xOf(before - 1) + STEP / 2;
}

/**
 * The lanes the adapter names (the Ms and goroutines that exist now) plus those of any event's
 * M or goroutine that does not exist at this position (after travelling back, later ones).
 */
function withEventLanes(a: TimelineAnswer): TimelineAnswer {
  const lanes = [...a.lanes];
  const add = (name: string): void => {
    if (!lanes.includes(name)) lanes.push(name);
  };
  for (const e of a.events) {
    if (e.m !== undefined) add(`M${e.m}`);
    if (e.g !== undefined) add(`g${e.g}`);
  }
  const rank = (n: string): number => (n.startsWith('M') ? 0 : 1e9) + Number(n.slice(1));
  lanes.sort((x, y) => rank(x) - rank(y));
  return { ...a, lanes };
}

function render(given: TimelineAnswer): void {
  const a = withEventLanes(given);
  answer = a;
  const n = a.events.length;
  const width = LABEL_W + Math.max(1, n) * STEP + STEP + 90;
  const height = a.lanes.length * LANE_H + AXIS_H;
  plot.setAttribute('width', String(width));
  plot.setAttribute('height', String(height));
  plot.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const lanes = a.lanes.map((name, i) =>
    svg('g', { class: 'lane', 'data-lane': name },
      svg('rect', { class: `lane-bg${name === focusLane ? ' focused' : ''}`, x: 0, y: i * LANE_H, width, height: LANE_H }),
      svg('line', { class: 'lane-line', x1: LABEL_W, x2: width, y1: yOf(i), y2: yOf(i) }),
      svg('text', { x: 4, y: yOf(i) + 4 }, name),
    ));
  placed = [];
  const echoes: Node[] = [];
  const nodes: Node[] = [];
  a.events.forEach((e, index) => {
    const { lane, echo } = laneOf(a, e);
    const x = xOf(index);
    const current = e.pos === a.position;
    const node = svg('g', {
      class: `event k-${e.kind}${current ? ' current' : ''}`,
      role: 'button',
      tabindex: -1,
      'data-pos': e.pos,
      'data-index': index,
      'data-kind': e.kind,
      'aria-label': eventLabel(e),
    }, svg('title', {}, eventLabel(e)), svg('rect', { class: 'mark', x: x - MARK / 2, y: yOf(lane) - MARK / 2, width: MARK, height: MARK, rx: e.kind === 'halt' ? 0 : 3 }));
    node.addEventListener('click', () => travel(index));
    node.addEventListener('focus', () => {
      focusIndex = index;
      detail.textContent = eventLabel(e);
    });
    node.addEventListener('mouseenter', () => {
      detail.textContent = eventLabel(e);
    });
    nodes.push(node);
    if (echo >= 0) echoes.push(svg('circle', { class: 'echo', cx: x, cy: yOf(echo), r: 2.5, 'aria-hidden': 'true' }));
    placed.push({ e, index, lane, node });
  });
  const nx = nowX(a);
  const axis: Node[] = [];
  const every = Math.max(1, Math.ceil(80 / STEP));
  for (let i = 0; i < n; i += every) axis.push(svg('text', { x: xOf(i) - 4, y: a.lanes.length * LANE_H + 15 }, String(a.events[i].pos)));
  plot.replaceChildren(
    ...lanes,
    ...echoes,
    svg('line', { class: 'now', id: 'now', x1: nx, x2: nx, y1: 0, y2: a.lanes.length * LANE_H }),
    svg('text', { class: 'now-label', x: nx + 3, y: 10 }, `now ${a.position}`),
    ...nodes,
    ...axis,
  );
  summary.textContent = `position ${a.position} of ${a.furthest} · ${n} event${n === 1 ? '' : 's'}${a.more ? ' (the first ones only: more exist)' : ''} · ${a.lanes.length} lanes`;
  document.body.dataset.generation = String(a.generation);
  document.body.dataset.position = String(a.position);
  // the tab stop: the last event at or before the current position
  let stop = -1;
  for (const p of placed) if (p.e.pos <= a.position) stop = p.index;
  setTabStop(stop >= 0 ? stop : 0);
  if (n > 0) wrap.scrollLeft = Math.max(0, nx - wrap.clientWidth / 2);
}

function setTabStop(i: number): void {
  for (const p of placed) p.node.setAttribute('tabindex', p.index === i ? '0' : '-1');
  focusIndex = i;
}

function focusEvent(i: number): void {
  const p = placed[i];
  if (!p) return;
  setTabStop(i);
  p.node.focus();
  detail.textContent = eventLabel(p.e);
}

function travel(index: number): void {
  const p = placed[index];
  if (!p) return;
  setTabStop(index);
  detail.textContent = `Travelling to position ${p.e.pos}…`;
  post({ type: 'goto', position: p.e.pos });
}

/** The event on lane `lane` nearest in time to event `from`. */
function nearestOnLane(from: number, lane: number): number {
  let best = -1;
  for (const p of placed) if (p.lane === lane && (best < 0 || Math.abs(p.index - from) < Math.abs(best - from))) best = p.index;
  return best;
}

function onKey(e: KeyboardEvent): void {
  if (!answer || placed.length === 0) return;
  const here = Math.max(0, focusIndex);
  const lane = placed[here]?.lane ?? 0;
  let to = -1;
  switch (e.key) {
    case 'ArrowLeft': to = here - 1; break;
    case 'ArrowRight': to = here + 1; break;
    case 'Home': to = 0; break;
    case 'End': to = placed.length - 1; break;
    case 'ArrowUp':
    case 'ArrowDown': {
      const dir = e.key === 'ArrowUp' ? -1 : 1;
      for (let l = lane + dir; l >= 0 && l < answer.lanes.length && to < 0; l += dir) to = nearestOnLane(here, l);
      break;
    }
    default:
      if (isActivate(e)) {
        e.preventDefault();
        travel(here);
      }
      return;
  }
  e.preventDefault();
  if (to >= 0 && to < placed.length) focusEvent(to);
}

function highlightLane(name: string | null): void {
  focusLane = name;
  for (const g of Array.from(plot.querySelectorAll<SVGGElement>('g.lane'))) {
    g.querySelector('rect')?.setAttribute('class', `lane-bg${g.dataset.lane === name ? ' focused' : ''}`);
  }
  document.body.dataset.focusLane = name ?? '';
}

function onMessage(m: ToPanel): void {
  switch (m.type) {
    case 'status':
      showStatus(status, m);
      return;
    case 'timeline':
      dataArrived(status);
      focusLane = m.focusLane;
      render(m.answer);
      highlightLane(m.focusLane);
      return;
    case 'focusLane':
      highlightLane(m.lane);
      return;
    default:
      log(`timeline: ignored a ${m.type} message (not for this panel)`);
  }
}

plot.addEventListener('keydown', onKey);
document.body.append(status, summary, legend, wrap, detail);
listen('timeline', onMessage);
