// The work list of one bounded-search round: branches (point j of the main line — the first,
// default execution — taking M q there) that the search still has to explore, each with the
// whole subtree below it. The search asks for a branch when DPOR finds a race with a main-line
// step (or, without DPOR, for every alternative); a searcher takes the shallowest branch asked
// for and not yet taken. One searcher uses LocalQueue; worker threads share a SharedQueue over a
// SharedArrayBuffer, so a race found in one worker's subtree becomes work any worker can take,
// and a round ends only when nothing is asked for and no worker is still exploring.

export interface BranchQueue {
  /** The main line has this many points (every searcher computes the same main line). */
  begin(points: number): void;
  /** Asks for branch (j, q) (again: no effect). */
  want(j: number, q: number): void;
  /**
   * Takes the shallowest branch asked for and not taken yet, or null when the round is over
   * (or `shouldStop` said so while waiting for other workers).
   */
  take(shouldStop: () => boolean): { j: number; q: number } | null;
  /** Tells that the subtree of the branch last taken is explored (its wants are in). */
  finished(): void;
  /** True for exactly one searcher of the round: it reports the main line's execution. */
  claimMainLine(): boolean;
  /** Branches asked for and branches taken so far in the round (what a stopped round covered). */
  counts(): BranchCounts;
}

export interface BranchCounts {
  wanted: number;
  taken: number;
}

const popcount = (x: number): number => {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
};

const bit = (t: number): number => 1 << t;
const lowest = (mask: number): number => 31 - Math.clz32(mask & -mask);

/** A searcher alone: two bit masks per main-line point (asked for, taken). */
export class LocalQueue implements BranchQueue {
  private wanted = new Int32Array(1024);
  private taken = new Int32Array(1024);
  /** Every point below this has nothing asked for and not taken. */
  private from = 0;
  private nwanted = 0;
  private ntaken = 0;

  begin(): void {}

  want(j: number, q: number): void {
    if (j >= this.wanted.length) {
      const n = Math.max(this.wanted.length * 2, j + 1);
      const w = new Int32Array(n);
      w.set(this.wanted);
      this.wanted = w;
      const t = new Int32Array(n);
      t.set(this.taken);
      this.taken = t;
    }
    if ((this.wanted[j] & bit(q)) !== 0) return;
    this.wanted[j] |= bit(q);
    this.nwanted++;
    if (j < this.from) this.from = j;
  }

  take(): { j: number; q: number } | null {
    for (let j = this.from; j < this.wanted.length; j++) {
      const left = this.wanted[j] & ~this.taken[j];
      if (left === 0) continue;
      this.from = j;
      const q = lowest(left);
      this.taken[j] |= bit(q);
      this.ntaken++;
      return { j, q };
    }
    this.from = this.wanted.length;
    return null;
  }

  finished(): void {}

  claimMainLine(): boolean {
    return true;
  }

  counts(): BranchCounts {
    return { wanted: this.nwanted, taken: this.ntaken };
  }
}

/** Shared layout of one round: a header, then [wanted, taken] per main-line point. */
const BUSY = 0; // searchers exploring a branch (or about to take one)
const MAIN = 1; // the main line's execution was claimed
const CHANGE = 2; // bumped on every want and finish (idle searchers wait on it)
const HEADER = 4;

/** Int32 slots one round of a shared queue needs for main lines of up to `points` points. */
export function sharedQueueSlots(points: number): number {
  return HEADER + 2 * points;
}

/**
 * Searchers in worker threads: `shared` holds the round's slots from `at`. A branch at a point
 * beyond the shared capacity goes to the searcher's own LocalQueue: on a main line that long,
 * every searcher explores those branches itself (work done twice, never lost).
 */
export class SharedQueue implements BranchQueue {
  private readonly overflow = new LocalQueue();
  private readonly points: number;
  private busy = false;
  /** Points of the main line (scans stop there). */
  private length: number;

  constructor(
    private readonly s: Int32Array,
    private readonly at: number,
    slots: number,
  ) {
    this.points = (slots - HEADER) >> 1;
    this.length = this.points;
    Atomics.add(s, at + BUSY, 1);
    this.busy = true;
  }

  begin(points: number): void {
    this.length = Math.min(points, this.points);
  }

  want(j: number, q: number): void {
    if (j >= this.points) {
      this.overflow.want(j - this.points, q);
      return;
    }
    const slot = this.at + HEADER + 2 * j;
    if ((Atomics.load(this.s, slot) & bit(q)) !== 0) return;
    Atomics.or(this.s, slot, bit(q));
    Atomics.add(this.s, this.at + CHANGE, 1);
    Atomics.notify(this.s, this.at + CHANGE);
  }

  take(shouldStop: () => boolean): { j: number; q: number } | null {
    for (;;) {
      if (!this.busy) {
        Atomics.add(this.s, this.at + BUSY, 1);
        this.busy = true;
      }
      const got = this.scan();
      if (got) return got;
      const mine = this.overflow.take();
      if (mine) return { j: mine.j + this.points, q: mine.q };
      // nothing to take: idle; the round is over when nobody is exploring (a searcher still
      // exploring asks for its branches before it goes idle, and then scans again itself)
      const change = Atomics.load(this.s, this.at + CHANGE);
      Atomics.sub(this.s, this.at + BUSY, 1);
      this.busy = false;
      if (Atomics.load(this.s, this.at + BUSY) === 0 && !this.anyWanted()) return null;
      if (shouldStop()) return null;
      Atomics.wait(this.s, this.at + CHANGE, change, 20);
    }
  }

  finished(): void {
    Atomics.add(this.s, this.at + CHANGE, 1);
    Atomics.notify(this.s, this.at + CHANGE);
  }

  claimMainLine(): boolean {
    return Atomics.compareExchange(this.s, this.at + MAIN, 0, 1) === 0;
  }

  /** Takes the shallowest branch asked for and free, by compare-and-swap on its point's taken mask. */
  private scan(): { j: number; q: number } | null {
    const s = this.s;
    for (let j = 0; j < this.length; j++) {
      const slot = this.at + HEADER + 2 * j;
      const w = Atomics.load(s, slot);
      if (w === 0) continue;
      for (;;) {
        const t = Atomics.load(s, slot + 1);
        const left = w & ~t;
        if (left === 0) break;
        const q = lowest(left);
        if (Atomics.compareExchange(s, slot + 1, t, t | bit(q)) === t) return { j, q };
      }
    }
    return null;
  }

  counts(): BranchCounts {
    const own = this.overflow.counts();
    let wanted = own.wanted;
    let taken = own.taken;
    for (let j = 0; j < this.length; j++) {
      const slot = this.at + HEADER + 2 * j;
      wanted += popcount(Atomics.load(this.s, slot));
      taken += popcount(Atomics.load(this.s, slot + 1));
    }
    return { wanted, taken };
  }

  private anyWanted(): boolean {
    const s = this.s;
    for (let j = 0; j < this.length; j++) {
      const slot = this.at + HEADER + 2 * j;
      if ((Atomics.load(s, slot) & ~Atomics.load(s, slot + 1)) !== 0) return true;
    }
    return false;
  }
}
