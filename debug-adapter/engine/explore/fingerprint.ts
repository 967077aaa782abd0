// State hashing for the exhaustive search: a 64-bit fingerprint of the machine's state, made of
// a sum over the words of the globals and the heap that differ from the exploration's root
// (each relative to the root's value) plus a direct hash of the rest (M/G/P structs, the
// scheduler struct, goroutine stacks, frames, run queue).
// Visited states live in StateTable, an open-addressing table in typed arrays.
import { Buffer } from 'node:buffer';
import type { Machine } from '../vm/machine';
import { DATA_BASE, PAGE_SHIFT as MEMORY_PAGE_SHIFT } from '../vm/memory';
import { Footprint } from './access';

// A module-local copy of a constant read on every memory access: unbundled (tests, benchmarks),
// a read of another module's export is a getter call.
const PAGE_SHIFT = MEMORY_PAGE_SHIFT;

const mixA = (w: number, v: number): number => {
  let h = Math.imul(w ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(v ^ 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.imul(h, 0x27d4eb2f) ^ (h >>> 13);
};
const mixB = (w: number, v: number): number => {
  let h = Math.imul(w ^ 0x165667b1, 0xcc9e2d51) + Math.imul(v ^ 0x3c6ef372, 0x1b873593);
  h ^= h >>> 15;
  return Math.imul(h, 0x5bd1e995) ^ (h >>> 12);
};

/**
 * The sum part of a fingerprint: Σ mix(word, value now) − mix(word, value at the root), over
 * the words of the globals and the heap that differ from the root. Computed when a fingerprint
 * is asked for, not kept up to date on every write: a search looks states up at few points
 * (none at all with two Ms), and a page equal to the root's is skipped by a native compare.
 */
export class MemoryHash {
  /** The root's pages of the globals and the heap, as bytes and as words. */
  private root = new Map<number, { bytes: Uint8Array; words: Uint32Array }>();

  constructor(private readonly vm: Machine) {}

  /** The page after the highest page of the heap mapped at the root. */
  private rootHeapTop = 0;

  /** Makes the current memory the root (sums 0). */
  setRoot(): void {
    this.root = new Map();
    const mem = this.vm.mem;
    this.rootHeapTop = 0;
    for (const [s, e] of mem.mappedRuns()) {
      for (let p = s; p < e; p++) {
        if (!this.covers(p)) continue;
        this.rootHeapTop = Math.max(this.rootHeapTop, p + 1);
        const bytes = mem.u8.slice(p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
        this.root.set(p, { bytes, words: new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2) });
      }
    }
  }

  /**
   * Globals and heap: the runtime structures and the stacks are hashed directly by
   * `fingerprint` (and a stack holds dead frames' bytes that do not matter).
   */
  private covers(page: number): boolean {
    const l = this.vm.mem.layout;
    return page < l.structBase >>> PAGE_SHIFT || page >= l.heapBase >>> PAGE_SHIFT;
  }

  /** [a, b] now. */
  sums(): [number, number] {
    const mem = this.vm.mem;
    const u32 = mem.u32;
    let a = 0;
    let b = 0;
    const page = (p: number): void => {
      const r = this.root.get(p);
      if (!r && mem.mapped[p] !== 1) return; // never mapped, or unmapped and zeroed
      const base = p << (PAGE_SHIFT - 2);
      if (r && Buffer.compare(r.bytes, mem.u8.subarray(p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT)) === 0) return;
      for (let i = 0; i < 1 << (PAGE_SHIFT - 2); i++) {
        const before = r ? r.words[i] : 0;
        const now = u32[base + i];
        if (before === now) continue;
        const w = base + i;
        a = (a + mixA(w, now) - mixA(w, before)) | 0;
        b = (b + mixB(w, now) - mixB(w, before)) | 0;
      }
    };
    // the globals, then the heap up to its highest page mapped now or at the root (an
    // unmapped page reads as zeros)
    const l = mem.layout;
    for (let p = DATA_BASE >>> PAGE_SHIFT; p < l.structBase >>> PAGE_SHIFT; p++) page(p);
    const heapBase = l.heapBase >>> PAGE_SHIFT;
    let top = mem.mapped.length;
    while (top > heapBase && mem.mapped[top - 1] !== 1) top--;
    top = Math.max(top, this.rootHeapTop);
    for (let p = heapBase; p < top; p++) page(p);
    return [a, b];
  }
}

/** FNV-style running hash over 32-bit values. */
class Running {
  a = 0x811c9dc5;
  b = 0x2545f491;
  add(v: number): void {
    this.a = Math.imul(this.a ^ v, 0x01000193);
    this.b = Math.imul(this.b ^ (v >>> 0), 0x5bd1e995) ^ (this.b >>> 15);
  }
  words(u32: Uint32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) this.add(u32[i]);
  }
}

const M_STATE: Record<string, number> = { running: 1, sched: 2, idle: 3, gcstop: 4 };

/** The fingerprint of the machine's whole state: [lane a, lane b]. */
const running = new Running();

export function fingerprint(vm: Machine, mem: MemoryHash): [number, number] {
  const r = running;
  r.a = 0x811c9dc5;
  r.b = 0x2545f491;
  const u32 = vm.mem.u32;
  const [a, b] = mem.sums();
  r.add(a);
  r.add(b);
  r.words(u32, vm.mem.layout.structBase >>> 2, (vm.arena.structTop + 3) >>> 2);
  const s = vm.code.offsets.sched;
  r.add(u32[(s.addr + s.gcwaiting) >>> 2]);
  r.add(u32[(s.addr + s.stopwait) >>> 2]);
  for (const g of vm.gs) {
    r.add(g.id);
    r.add(g.frames.length);
    for (const f of g.frames) {
      r.add(f.fn);
      r.add(f.pc);
      r.add(f.fp);
      if (f.t) for (const t of f.t) r.add(typeof t === 'bigint' ? Number(BigInt.asUintN(32, t)) : t);
    }
    if (g.frames.length > 0) r.words(u32, g.frames[g.frames.length - 1].fp >>> 2, g.stackHi >>> 2);
  }
  for (const m of vm.ms) {
    r.add(M_STATE[m.state] ?? 0);
    r.add(m.curg ? m.curg.id : -1);
    r.add(m.exec.id);
    r.add(m.p ? m.p.id : -1);
    r.add(m.block ? (m.block.k === 'stw' ? 1 : m.block.addr) : 0);
    r.add(m.lockWait);
    r.add(m.stwPending ? 1 : 0);
  }
  r.add(-1);
  for (const g of vm.runq) r.add(g.id);
  for (const [a, l] of vm.semaWaiters) {
    r.add(a);
    for (const g of l) r.add(g.id);
  }
  r.add(vm.sysAllocTop);
  r.add(vm.output.length);
  for (let i = 0; i < vm.output.length; i++) r.add(vm.output.charCodeAt(i));
  return [r.a | 0, r.b | 0];
}

export interface StateEntry {
  /** Preemptions still allowed when the state was explored. */
  budget: number;
  /** Sleep set (thread mask) it was explored with. */
  sleep: number;
  /** Its whole subtree has been explored (footprint final). */
  done: boolean;
  footprint: Footprint;
}

/**
 * Visited states: open addressing over (lane a, lane b, thread that ran last) in one Int32Array
 * of keys; each slot's entry index points into parallel arrays for budget/sleep/done and a
 * footprint per entry. Grows by doubling at 50% load.
 */
export class StateTable {
  private keys: Int32Array;
  private used: Uint8Array;
  private budget = new Int16Array(1024);
  private sleep = new Int32Array(1024);
  private done = new Uint8Array(1024);
  private prints: Footprint[] = [];
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 14) {
    this.keys = new Int32Array(capacity * 4);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
  }

  private slotOf(a: number, b: number, t: number): number {
    let i = (Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ t, 0x85ebca6b) >>> 0) & this.mask;
    for (;;) {
      if (!this.used[i]) return i;
      const k = i * 4;
      if (this.keys[k] === a && this.keys[k + 1] === b && this.keys[k + 2] === t) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(a: number, b: number, t: number): StateEntry | undefined {
    const i = this.slotOf(a, b, t);
    if (!this.used[i]) return undefined;
    const e = this.keys[i * 4 + 3];
    return { budget: this.budget[e], sleep: this.sleep[e], done: this.done[e] === 1, footprint: this.prints[e] };
  }

  /** Inserts or overwrites; returns the entry index. */
  put(a: number, b: number, t: number, budget: number, sleep: number): number {
    if ((this.size + 1) * 2 > this.used.length) this.grow();
    const i = this.slotOf(a, b, t);
    if (this.used[i]) {
      const e = this.keys[i * 4 + 3];
      this.budget[e] = budget;
      this.sleep[e] = sleep;
      this.done[e] = 0;
      this.prints[e] = new Footprint();
      return e;
    }
    const e = this.size++;
    if (e >= this.budget.length) {
      const grow = <T extends Int16Array | Int32Array | Uint8Array>(x: T, make: (n: number) => T): T => {
        const n = make(x.length * 2);
        n.set(x);
        return n;
      };
      this.budget = grow(this.budget, (n) => new Int16Array(n));
      this.sleep = grow(this.sleep, (n) => new Int32Array(n));
      this.done = grow(this.done, (n) => new Uint8Array(n));
    }
    this.used[i] = 1;
    this.keys.set([a, b, t, e], i * 4);
    this.budget[e] = budget;
    this.sleep[e] = sleep;
    this.done[e] = 0;
    this.prints[e] = new Footprint();
    return e;
  }

  /** Marks an entry fully explored with its subtree's footprint. */
  finish(e: number, footprint: Footprint): void {
    this.done[e] = 1;
    this.prints[e] = footprint;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldUsed = this.used;
    const cap = oldUsed.length * 2;
    this.keys = new Int32Array(cap * 4);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldUsed.length; i++) {
      if (!oldUsed[i]) continue;
      const k = i * 4;
      const j = this.slotOf(oldKeys[k], oldKeys[k + 1], oldKeys[k + 2]);
      this.used[j] = 1;
      this.keys.set(oldKeys.subarray(k, k + 4), j * 4);
    }
  }
}
