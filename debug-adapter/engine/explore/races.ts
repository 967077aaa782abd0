// DPOR's race analysis for the bounded search (bounded.ts): happens-before between explorer
// steps by vector clocks, computed from the steps' access lists (access.ts). Two steps of
// different Ms race when they conflict (same word, one writes) and neither happens before the
// other; the search then asks for the later step's M to run before the earlier one. Everything
// lives in typed arrays (per-word records, found through a directory of word pages that keeps
// a word's record for the whole search), since it runs once per explorer step of every execution.

/** Ms the analysis tracks (ids 0..MAX_THREADS−1). */
export const MAX_THREADS = 8;
const NT = MAX_THREADS;

/** The analysis after some steps: restoring it continues from there (steps before it keep their clocks). */
export interface RaceState {
  nt: number;
  /** The records then (records made since are of words not yet accessed at that point). */
  recs: Int32Array;
  threadClock: Int32Array;
}

const PAGE_BITS = 12;
const PAGE_MASK = (1 << PAGE_BITS) - 1;
/** The page of words none of which has a record yet (never written). */
const NO_PAGE = new Int32Array(0);

/**
 * Word → record index: a directory of pages of 4,096 words each, made when a word of the page
 * is first met (two array reads per access instead of a hash probe). Never cleared: a word
 * keeps its record index for the whole search, so a checkpoint of the analysis is just the
 * records' contents.
 */
class WordTable {
  /**
   * Page of word w: pages[w >>> PAGE_BITS] (NO_PAGE until a word of it is met; dense, so its
   * elements stay fast); each entry is the record index + 1 (0: none yet).
   */
  private pages: Int32Array[] = [];
  size = 0;

  /** The record index of `w`, made (as `size`) when it has none. */
  getOrAdd(w: number): number {
    const n = w >>> PAGE_BITS;
    let page = n < this.pages.length ? this.pages[n] : NO_PAGE;
    if (page === NO_PAGE) page = this.newPage(n);
    const i = w & PAGE_MASK;
    const v = page[i];
    if (v !== 0) return v - 1;
    page[i] = ++this.size;
    return this.size - 1;
  }

  private newPage(n: number): Int32Array {
    while (this.pages.length <= n) this.pages.push(NO_PAGE);
    const page = new Int32Array(1 << PAGE_BITS);
    this.pages[n] = page;
    return page;
  }
}

export class RaceAnalysis {
  private readonly words = new WordTable();
  /** Per word record: [last write, last read by M 0..nt−1] (step indices, −1 none). */
  private rec: number;
  private recs: Int32Array;
  /** Each M's current vector clock: threadClock[t·nt … t·nt+nt). */
  private threadClock: Int32Array;
  /** Vector clock of the step at depth j: clocks[j·nt … j·nt+nt). */
  private clocks: Int32Array;
  /** The M of the step at depth j. */
  private stepThread = new Int8Array(4096);
  /** The record index of each access of the step being processed (−1: a repeat, skipped). */
  private slots: Int32Array = new Int32Array(256);
  /** Per record: the serial of the last step that read (or wrote) the word, and that wrote it. */
  private readSeen: Int32Array;
  private writeSeen: Int32Array;
  /** Numbers the calls of `step`, for readSeen/writeSeen. */
  private serial = 0;

  /**
   * `nt`: the Ms expected (ids 0..nt−1; clocks have one entry per M, so fewer is faster). An M
   * started later widens every record; more than MAX_THREADS is refused.
   */
  constructor(private nt: number = NT) {
    if (nt > NT) throw new Error(`explorer: ${nt} Ms are more than the ${NT} threads the search tracks`);
    this.rec = nt + 1;
    this.recs = new Int32Array(this.rec * 4096);
    this.readSeen = new Int32Array(this.recs.length);
    this.writeSeen = new Int32Array(this.recs.length);
    this.threadClock = new Int32Array(nt * nt);
    this.clocks = new Int32Array(nt * 4096);
  }

  reset(): void {
    this.recs.fill(-1, 0, this.words.size * this.rec);
    this.threadClock.fill(0);
  }

  /**
   * The analysis after the steps processed so far. Restoring it later is exact as long as the
   * steps before that point were not processed again differently (their clocks stay in place).
   */
  capture(): RaceState {
    return { nt: this.nt, recs: this.recs.slice(0, this.words.size * this.rec), threadClock: this.threadClock.slice() };
  }

  /** The Ms the clocks have room for now (a state captured with fewer cannot be restored). */
  get threads(): number {
    return this.nt;
  }

  restore(s: RaceState): void {
    if (s.nt !== this.nt) throw new Error(`explorer: a race-analysis state for ${s.nt} Ms restored into one for ${this.nt}`);
    // the words met since are not accessed yet at that point
    this.recs.set(s.recs);
    this.recs.fill(-1, s.recs.length, this.words.size * this.rec);
    this.threadClock.set(s.threadClock);
  }

  /**
   * Processes step j of M p with accesses pool[a0 … a1) (word, kind pairs): reports each earlier
   * step of another M it races with through `race(i, p)` (when given), then updates the clocks.
   * Steps must come in order j = 0, 1, 2, … since the last reset.
   */
  step(j: number, p: number, pool: Int32Array, a0: number, a1: number, race: ((i: number, p: number) => void) | null): void {
    if (p >= this.nt) this.widen(p + 1);
    const nt = this.nt;
    this.room(j);
    const cp = p * nt;
    const tc = this.threadClock;
    const clocks = this.clocks;
    const stepThread = this.stepThread;
    if (((a1 - a0) >> 1) > this.slots.length) this.slots = new Int32Array(a1 - a0);
    const slots = this.slots;
    // accesses in program order: each is checked against the clock joined so far, and its own
    // dependencies are joined before the next one is checked (a step that reads what k wrote
    // is ordered after everything k was ordered after, for the rest of its accesses)
    // a word's second read in the step, or its second write, finds nothing the first did not
    const serial = this.nextSerial();
    for (let k = a0; k < a1; k += 2) {
      const s = this.recordOf(pool[k]);
      if (pool[k + 1] !== 0 ? this.writeSeen[s] === serial : this.readSeen[s] === serial) {
        slots[(k - a0) >> 1] = -1;
        continue;
      }
      this.readSeen[s] = serial;
      if (pool[k + 1] !== 0) this.writeSeen[s] = serial;
      slots[(k - a0) >> 1] = s;
      // the last write, and (for a write) the last read of every other M
      const last = pool[k + 1] !== 0 ? s + nt : s;
      for (let r = s; r <= last; r++) {
        const i = this.recs[r];
        if (i < 0) continue;
        const q = stepThread[i];
        if (q === p) continue;
        if (race !== null && clocks[i * nt + q] > tc[cp + q]) race(i, p);
      }
      for (let r = s; r <= last; r++) {
        const i = this.recs[r];
        if (i < 0 || stepThread[i] === p) continue;
        const ci = i * nt;
        for (let q = 0; q < nt; q++) if (clocks[ci + q] > tc[cp + q]) tc[cp + q] = clocks[ci + q];
      }
    }
    tc[cp + p] = j + 1;
    const cj = j * nt;
    for (let q = 0; q < nt; q++) clocks[cj + q] = tc[cp + q];
    stepThread[j] = p;
    const recs = this.recs;
    for (let k = a0; k < a1; k += 2) {
      const s = slots[(k - a0) >> 1];
      if (s < 0) continue;
      if (pool[k + 1] !== 0) {
        recs[s] = j;
        for (let q = 1; q <= nt; q++) recs[s + q] = -1;
      } else recs[s + 1 + p] = j;
    }
  }

  /** Room for `n` Ms: every clock and record re-laid with the wider stride (a new M is rare). */
  private widen(n: number): void {
    if (n > NT) throw new Error(`explorer: M${n - 1} is beyond the ${NT} threads the search tracks`);
    const old = this.nt;
    const relay = (a: Int32Array, rows: number, from: number, to: number, pad: number): Int32Array => {
      const b = new Int32Array(Math.max(rows, 1) * to);
      b.fill(pad);
      for (let r = 0; r < rows; r++) for (let c = 0; c < from; c++) b[r * to + c] = a[r * from + c];
      return b;
    };
    this.clocks = relay(this.clocks, this.clocks.length / old, old, n, 0);
    const tc = new Int32Array(n * n);
    for (let t = 0; t < old; t++) for (let c = 0; c < old; c++) tc[t * n + c] = this.threadClock[t * old + c];
    this.threadClock = tc;
    this.recs = relay(this.recs, this.recs.length / (old + 1), old + 1, n + 1, -1);
    this.fitSeen();
    this.nt = n;
    this.rec = n + 1;
  }

  /** A new serial for `step` (the marks start over before it would overflow). */
  private nextSerial(): number {
    if (this.serial === 0x3fffffff) {
      this.serial = 0;
      this.readSeen.fill(0);
      this.writeSeen.fill(0);
    }
    return ++this.serial;
  }

  /** readSeen and writeSeen as long as recs (after recs grew). */
  private fitSeen(): void {
    if (this.readSeen.length >= this.recs.length) return;
    const grow = (a: Int32Array): Int32Array => {
      const n = new Int32Array(this.recs.length);
      n.set(a);
      return n;
    };
    this.readSeen = grow(this.readSeen);
    this.writeSeen = grow(this.writeSeen);
  }

  /** The record of word w (made empty when new). */
  private recordOf(w: number): number {
    const before = this.words.size;
    const s = this.words.getOrAdd(w) * this.rec;
    if (this.words.size !== before) {
      if (s + this.rec > this.recs.length) {
        const n = new Int32Array(this.recs.length * 2);
        n.set(this.recs);
        this.recs = n;
        this.fitSeen();
      }
      for (let r = s; r < s + this.rec; r++) this.recs[r] = -1;
    }
    return s;
  }

  private room(j: number): void {
    if ((j + 1) * this.nt > this.clocks.length) {
      const n = new Int32Array(this.clocks.length * 2);
      n.set(this.clocks);
      this.clocks = n;
    }
    if (j >= this.stepThread.length) {
      const n = new Int8Array(this.stepThread.length * 2);
      n.set(this.stepThread);
      this.stepThread = n;
    }
  }
}
