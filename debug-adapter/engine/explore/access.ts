// What an explorer step touches: its shared-memory accesses as (word, read/write) pairs, plus
// pseudo-words for scheduler state the VM keeps outside simulated memory (the run queue, M/P
// states, output, the SysAlloc region). Two steps of different threads are dependent exactly
// when their access lists conflict (same word, at least one write); partial-order reduction,
// sleep sets and the state-hash footprints all use this one test.

/** Pseudo-words (below any mapped address, so they never collide with real memory). */
export const W_RUNQ = 1;
export const W_SCHED = 2;
export const W_OUTPUT = 3;
export const W_SYS = 4;

export const A_READ = 0;
export const A_WRITE = 1;

/** Builtins whose effect is on scheduler state the VM keeps in JavaScript: writes of RUNQ+SCHED. */
export const SCHED_WRITERS: ReadonlySet<string> = new Set([
  'runtime·park', 'runtime·ready', 'runtime·gosched', 'runtime·newproc', 'runtime·stoptheworld',
  'runtime·starttheworld', 'runtime·semacquire', 'runtime·semrelease', 'runtime·osyield',
  'runtime·nanotime', 'runtime·notewakeup',
]);
/** Builtins that read scheduler state (goroutine and M lists). */
export const SCHED_READERS: ReadonlySet<string> = new Set([
  'runtime·gcount', 'runtime·getg', 'runtime·allglen', 'runtime·getm', 'runtime·mcount', 'runtime·getp',
]);
/** Builtins that map or unmap memory. */
export const SYS_WRITERS: ReadonlySet<string> = new Set(['runtime·SysAlloc', 'runtime·SysFree', 'runtime·SysMap']);

/**
 * An access list: flat [word0, kind0, word1, kind1, …]. Kept as a plain typed array so sleep
 * sets and events can hold on to it cheaply.
 */
export type AccessList = Int32Array;

/** True when two access lists conflict (a common word that at least one of them writes). */
export function conflicts(a: AccessList, b: AccessList): boolean {
  if (a.length === 0 || b.length === 0) return false;
  // small lists: nested loop; larger: index the smaller one
  if (a.length * b.length <= 1024) {
    for (let i = 0; i < a.length; i += 2) {
      for (let j = 0; j < b.length; j += 2) {
        if (a[i] === b[j] && (a[i + 1] | b[j + 1]) !== 0) return true;
      }
    }
    return false;
  }
  const [small, big] = a.length < b.length ? [a, b] : [b, a];
  const idx = new Map<number, number>();
  for (let i = 0; i < small.length; i += 2) idx.set(small[i], (idx.get(small[i]) ?? 0) | small[i + 1] | 2);
  for (let j = 0; j < big.length; j += 2) {
    const k = idx.get(big[j]);
    if (k !== undefined && ((k & 1) | big[j + 1]) !== 0) return true;
  }
  return false;
}

/** A 256-bit Bloom filter of words, split by reads and writes (a subtree's footprint). */
export class Footprint {
  readonly bits = new Uint32Array(16); // [0..8) reads, [8..16) writes
  threads = 0;

  private static slot(word: number): number {
    return Math.imul(word ^ (word >>> 15), 0x2c1b3c6d) >>> 24; // 0..255
  }
  add(list: AccessList, thread: number): void {
    this.addRange(list, 0, list.length, thread);
  }
  addRange(pool: Int32Array, at: number, len: number, thread: number): void {
    this.threads |= 1 << thread;
    for (let i = at; i < at + len; i += 2) {
      const s = Footprint.slot(pool[i]);
      this.bits[(pool[i + 1] ? 8 : 0) + (s >>> 5)] |= 1 << (s & 31);
    }
  }
  merge(o: Footprint): void {
    this.threads |= o.threads;
    for (let i = 0; i < 16; i++) this.bits[i] |= o.bits[i];
  }
  /** May this footprint hold an access conflicting with `list`? (No false negatives.) */
  mayConflict(list: AccessList): boolean {
    for (let i = 0; i < list.length; i += 2) {
      const s = Footprint.slot(list[i]);
      const bit = 1 << (s & 31);
      const w = s >>> 5;
      if ((this.bits[8 + w] & bit) !== 0) return true; // someone writes it
      if (list[i + 1] && (this.bits[w] & bit) !== 0) return true; // we write, someone reads
    }
    return false;
  }
}
