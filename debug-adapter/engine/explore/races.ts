// DPOR's race analysis for the bounded search (bounded.ts): happens-before between explorer
// steps by vector clocks, computed from the steps' access lists (access.ts). Two steps of
// different Ms race when they conflict (same word, one writes) and neither happens before the
// other; the search then asks for the later step's M to run before the earlier one. Everything
// lives in typed arrays (per-word records in an open-addressing table reset by a generation
// stamp), since it runs once per explorer step of every execution.

/** Ms the analysis tracks (ids 0..MAX_THREADS−1). */
export const MAX_THREADS = 8;
const NT = MAX_THREADS;
/** Per word: [last write, last read by M 0..NT−1] (step indices, −1 none). */
const REC = NT + 1;

/** Word → record index, open addressing; `clear()` is O(1) (a new generation). */
class WordTable {
  private keys = new Int32Array(1 << 16);
  private vals = new Int32Array(1 << 16);
  private stamp = new Int32Array(1 << 16);
  private gen = 1;
  size = 0;

  clear(): void {
    this.gen++;
    this.size = 0;
  }

  /** The record index of `w`, made (as `next`) when it has none; `next` must be this.size. */
  getOrAdd(w: number): number {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let i = Math.imul(w, 0x9e3779b1) >>> 16 & mask; ; i = (i + 1) & mask) {
      if (this.stamp[i] !== this.gen) {
        this.stamp[i] = this.gen;
        this.keys[i] = w;
        this.vals[i] = this.size;
        return this.size++;
      }
      if (this.keys[i] === w) return this.vals[i];
    }
  }

  private grow(): void {
    const { keys, vals, stamp, gen } = this;
    const n = keys.length * 2;
    this.keys = new Int32Array(n);
    this.vals = new Int32Array(n);
    this.stamp = new Int32Array(n);
    this.gen = 1;
    const mask = n - 1;
    for (let k = 0; k < keys.length; k++) {
      if (stamp[k] !== gen) continue;
      let i = Math.imul(keys[k], 0x9e3779b1) >>> 16 & mask;
      while (this.stamp[i] === 1) i = (i + 1) & mask;
      this.stamp[i] = 1;
      this.keys[i] = keys[k];
      this.vals[i] = vals[k];
    }
  }
}

export class RaceAnalysis {
  private readonly words = new WordTable();
  private recs = new Int32Array(REC * 4096);
  /** Each M's current vector clock: threadClock[t·NT … t·NT+NT). */
  private readonly threadClock = new Int32Array(NT * NT);
  /** Vector clock of the step at depth j: clocks[j·NT … j·NT+NT). */
  private clocks = new Int32Array(NT * 4096);
  /** The M of the step at depth j. */
  private stepThread = new Int8Array(4096);
  private readonly joins: number[] = [];
  /** The record index of each access of the step being processed. */
  private slots = new Int32Array(256);
  /** 1 + the highest M id seen (loops over Ms stop there). */
  private nt = 1;

  reset(): void {
    this.words.clear();
    this.threadClock.fill(0);
  }

  /**
   * Processes step j of M p with accesses pool[a0 … a1) (word, kind pairs): reports each earlier
   * step of another M it races with through `race(i, p)` (when given), then updates the clocks.
   * Steps must come in order j = 0, 1, 2, … since the last reset.
   */
  step(j: number, p: number, pool: Int32Array, a0: number, a1: number, race: ((i: number, p: number) => void) | null): void {
    if (p >= NT) throw new Error(`explorer: M${p} is beyond the ${NT} threads the search tracks`);
    this.room(j);
    if (p >= this.nt) this.nt = p + 1;
    const nt = this.nt;
    const cp = p * NT;
    const tc = this.threadClock;
    const clocks = this.clocks;
    const joins = this.joins;
    joins.length = 0;
    if (((a1 - a0) >> 1) > this.slots.length) this.slots = new Int32Array(a1 - a0);
    const slots = this.slots;
    for (let k = a0; k < a1; k += 2) {
      const s = this.recordOf(pool[k]);
      slots[(k - a0) >> 1] = s;
      this.candidate(this.recs[s], p, race);
      if (pool[k + 1] !== 0) for (let q = 0; q < nt; q++) if (q !== p) this.candidate(this.recs[s + 1 + q], p, race);
    }
    let joined = -1;
    for (const i of joins) {
      if (i === joined) continue;
      joined = i;
      for (let q = 0; q < nt; q++) if (clocks[i * NT + q] > tc[cp + q]) tc[cp + q] = clocks[i * NT + q];
    }
    tc[cp + p] = j + 1;
    for (let q = 0; q < NT; q++) clocks[j * NT + q] = tc[cp + q];
    this.stepThread[j] = p;
    const recs = this.recs;
    for (let k = a0; k < a1; k += 2) {
      const s = slots[(k - a0) >> 1];
      if (pool[k + 1] !== 0) {
        recs.fill(-1, s + 1, s + 1 + nt);
        recs[s] = j;
      } else recs[s + 1 + p] = j;
    }
  }

  /** The record of word w (made empty when new). */
  private recordOf(w: number): number {
    const before = this.words.size;
    const s = this.words.getOrAdd(w) * REC;
    if (this.words.size !== before) {
      if (s + REC > this.recs.length) {
        const n = new Int32Array(this.recs.length * 2);
        n.set(this.recs);
        this.recs = n;
      }
      this.recs.fill(-1, s, s + REC);
    }
    return s;
  }

  /** Earlier step i (if any) touched the word: a race unless it happens before p's step. */
  private candidate(i: number, p: number, race: ((i: number, p: number) => void) | null): void {
    if (i < 0) return;
    const q = this.stepThread[i];
    if (q === p) return;
    this.joins.push(i);
    if (race && this.clocks[i * NT + q] > this.threadClock[p * NT + q]) race(i, p);
  }

  private room(j: number): void {
    if ((j + 1) * NT > this.clocks.length) {
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
