// The custom DAP requests the panels use (prefix `sweepscope/`). Each answer carries the stop
// generation it belongs to, so a panel drops an answer that arrives after the program moved on.
//   sweepscope/bitmap   {since?}      the arena's heap bitmap, one nibble per heap word (bit 0
//                                     allocated, 1 scan/boundary, 2 marked, 3 special), base64;
//                                     with `since` = the generation of the previous answer, only
//                                     the 256-byte blocks that changed since then
//   sweepscope/span     {address}     one span in detail: header, sweep state and owner, every
//                                     slot's bits, the freelist chain, the specials
//   sweepscope/timeline {from?, max?} sweepgen CAS/stores, GC starts, stop-the-world,
//                                     preemptions and the final halt, with positions
//   sweepscope/goto     {position}    travel through history to a position (a timeline click)
//   sweepscope/runThread {threadId}   continue with only this M running
//   sweepscope/history  {}            what the exact history holds: position, furthest position
//                                     reached, snapshots and the bytes of memory they keep
// The requests read memory only while the program is stopped (the session checks).
import { HeapView, PAGE_SHIFT, type SpanInfo } from '../engine/oracle/heap-view';
import { hex } from '../engine/vm/memory';
import type { Gor, Mach } from '../engine/vm/threads';
import type { Debuggee } from './debuggee';
import { DapError, int, optInt, parseAddress, str, type Args } from './errors';

const BLOCK = 256;
const MAX_TIMELINE = 5_000;
const STATE_NAMES = ['in use', 'free', 'list head', 'dead'];

/** What the session gives the custom requests: the debuggee and thread-id resolution. */
export interface CustomContext {
  debuggee: Debuggee;
  thread(id: number): { m: Mach | null; g: Gor };
}

interface BitmapCache {
  generation: number;
  nibbles: Uint8Array;
  arenaStart: number;
}
/**
 * The last few bitmaps sent, newest last. More than one: a client that cancels a read (the
 * program moved on, or a newer refresh started) still holds an older generation, and its next
 * `since` must still get a delta, not the whole bitmap.
 */
const sentBitmaps = new WeakMap<Debuggee, BitmapCache[]>();
const KEPT_BITMAPS = 4;
const heapViews = new WeakMap<Debuggee, HeapView | null>();

function heapOf(d: Debuggee): HeapView {
  let v = heapViews.get(d);
  if (v === undefined) {
    try {
      v = new HeapView(d.vm);
    } catch {
      v = null;
    }
    heapViews.set(d, v);
  }
  if (!v) throw new DapError('this program runs without a Go runtime model (runtime "none"): it has no heap, spans or bitmap to show');
  return v;
}

/** One nibble per heap word of [arena_start, arena_used), packed two per byte (low nibble first). */
export function readNibbles(h: HeapView, mem: Uint32Array): Uint8Array {
  const a0 = h.arenaStart;
  const words = Math.max(0, (h.arenaUsed - a0) >>> 2);
  const out = new Uint8Array((words + 1) >>> 1);
  for (let group = 0; group * 8 < words; group++) {
    const bw = mem[(a0 - (group + 1) * 4) >>> 2];
    if (bw === 0) continue;
    for (let j = 0; j < 8; j++) {
      const nib = ((bw >>> j) & 1) | (((bw >>> (j + 8)) & 1) << 1) | (((bw >>> (j + 16)) & 1) << 2) | (((bw >>> (j + 24)) & 1) << 3);
      if (nib === 0) continue;
      const w = group * 8 + j;
      out[w >>> 1] |= (w & 1) === 0 ? nib : nib << 4;
    }
  }
  return out;
}

function spanSummary(h: HeapView, s: SpanInfo) {
  return { addr: hex(s.addr), start: s.start, npages: s.npages, sizeclass: s.sizeclass, elemsize: s.elemsize, state: s.state, sweepgen: s.sweepgen };
}

function bitmap(d: Debuggee, a: Args) {
  const h = heapOf(d);
  const nibbles = readNibbles(h, d.vm.mem.u32);
  const since = optInt(a, 'since', 0);
  const kept = sentBitmaps.get(d) ?? [];
  const prev = since === undefined ? undefined : kept.find((b) => b.generation === since);
  const others = kept.filter((b) => b.generation !== d.generation);
  sentBitmaps.set(d, [...others.slice(-(KEPT_BITMAPS - 1)), { generation: d.generation, nibbles, arenaStart: h.arenaStart }]);
  const spans = h.spanAddrs().map((s) => spanSummary(h, h.span(s))).filter((s) => s.state === 0);
  const base = { generation: d.generation, arenaStart: h.arenaStart, arenaUsed: h.arenaUsed, words: (h.arenaUsed - h.arenaStart) >>> 2, H: h.H, spans };
  if (prev && prev.arenaStart === h.arenaStart) {
    const changed: [number, string][] = [];
    for (let off = 0; off < nibbles.length; off += BLOCK) {
      const end = Math.min(off + BLOCK, nibbles.length);
      let same = end <= prev.nibbles.length;
      for (let i = off; same && i < end; i++) if (nibbles[i] !== prev.nibbles[i]) same = false;
      if (!same) changed.push([off, Buffer.from(nibbles.subarray(off, end)).toString('base64')]);
    }
    return { ...base, delta: true, bytes: nibbles.length, changed };
  }
  return { ...base, delta: false, bytes: nibbles.length, data: Buffer.from(nibbles).toString('base64') };
}

/** The span at an address: an MSpan struct's own address, or any address inside its pages. */
function findSpan(h: HeapView, addr: number): number {
  const all = h.spanAddrs();
  if (all.includes(addr)) return addr;
  const s = h.spanOf(addr);
  if (s !== 0) return s;
  throw new DapError(`${hex(addr)} is neither an MSpan nor inside a span of the arena (${hex(h.arenaStart)}…${hex(h.arenaUsed)})`);
}

function span(d: Debuggee, a: Args) {
  const h = heapOf(d);
  const addr = findSpan(h, parseAddress(str(a, 'address'), 'address'));
  const s = h.span(addr);
  const n = h.capacity(s);
  const size = s.sizeclass === 0 ? s.npages << PAGE_SHIFT : s.elemsize;
  const fl = h.walkFreelist(s);
  const onFreelist = new Set(fl.slots);
  const finalized = new Set(h.finalizerObjects(s));
  const slots = [];
  for (let i = 0; i < n; i++) {
    const p = s.start + i * size;
    const b = h.bits(p);
    slots.push({ addr: p, allocated: b.allocated, scan: b.scan, marked: b.marked, special: b.special, free: onFreelist.has(p), finalizer: finalized.has(p) });
  }
  const specials = [];
  const o = h.o.special;
  for (let x = h.w(addr + h.o.span.specials), k = 0; x !== 0 && k < 1000; x = h.w(x + o.next), k++) {
    const off = d.vm.mem.u16[(x + o.offset) >>> 1];
    specials.push({ addr: hex(x), offset: off, object: s.start + off, kind: d.vm.mem.u8[x + o.kind] === 1 ? 'finalizer' : 'profile' });
  }
  const owner = d.sweep.owners.get(addr);
  return {
    generation: d.generation,
    ...spanSummary(h, s),
    stateName: STATE_NAMES[s.state] ?? `state ${s.state}`,
    ref: s.ref,
    H: h.H,
    sweepState: d.sweep.describeSweepgen(s.sweepgen, addr),
    owner: owner ? d.sweep.who(owner.gIndex, owner.mId) : null,
    limit: s.start + (s.npages << PAGE_SHIFT),
    slots,
    freelist: fl.slots,
    freelistProblem: fl.cycleAt !== undefined ? `cycle at ${hex(fl.cycleAt)}` : fl.strayAt !== undefined ? `leaves the span at ${hex(fl.strayAt)}` : null,
    specials,
  };
}

function timeline(d: Debuggee, a: Args) {
  const from = optInt(a, 'from', 0) ?? 0;
  const max = Math.min(optInt(a, 'max', 1) ?? MAX_TIMELINE, MAX_TIMELINE);
  const { events, more } = d.timeline.slice(from, max);
  const lanes = [...d.vm.ms.map((m) => `M${m.id}`)];
  for (const g of d.vm.gs) if (!g.isG0) lanes.push(`g${d.vm.goid(g)}`);
  return { generation: d.generation, position: d.position, furthest: d.furthest, lanes, events: events.map((e) => ({ ...e, span: e.span === undefined ? undefined : hex(e.span) })), more };
}

/** Answers a `sweepscope/…` request; resumes (goto, runThread) happen after the reply is sent. */
export function customRequest(command: string, a: Args, ctx: CustomContext): { body: unknown; after?: () => void } {
  const d = ctx.debuggee;
  switch (command) {
    case 'sweepscope/bitmap': return { body: bitmap(d, a) };
    case 'sweepscope/span': return { body: span(d, a) };
    case 'sweepscope/timeline': return { body: timeline(d, a) };
    case 'sweepscope/history':
      return { body: { generation: d.generation, position: d.position, furthest: d.furthest, snapshots: d.history.count, historyBytes: d.history.bytes } };
    case 'sweepscope/goto': {
      const pos = int(a, 'position', 0);
      const why = d.cannotGoTo(pos);
      if (why) throw new DapError(why);
      return { body: { generation: d.generation }, after: () => d.goTo(pos) };
    }
    case 'sweepscope/runThread': {
      const { m } = ctx.thread(int(a, 'threadId'));
      if (!m) throw new DapError('runThread needs an M thread: this goroutine has no M to run it');
      return { body: { generation: d.generation }, after: () => d.runThread(m) };
    }
    default:
      throw new DapError(`unknown request '${command}' (SweepScope's own requests are sweepscope/bitmap, span, timeline, history, goto and runThread)`);
  }
}
