// The work list of one bounded-search round: branches (point j of the main line — the first,
// default execution — taking M q there) that the search still has to explore, each with the
// whole subtree below it. The search asks for a branch when DPOR finds a race with a main-line
// step (or, without DPOR, for every alternative); a searcher takes the shallowest branch asked
// for and not yet taken. One searcher uses LocalQueue; worker threads share a SharedQueue over a
// SharedArrayBuffer, so a race found in one worker's subtree becomes work any worker can take,
// and a round ends only when nothing is asked for and no worker is still exploring.
// Below the main line a subtree belongs to the searcher exploring it, until another searcher
// goes idle: then the busy one hands over its shallowest pending branch (a DonatedBranch, its
// path given as the deviations from the default policy), and from there on both may find the
// same branch of their common prefix — a table of claimed branches (ClaimTable) lets exactly
// one of them take it.

/** A branch below the main line handed from a busy searcher to an idle one. */
export interface DonatedBranch {
  /**
   * After the main-line branch (j, q): the [depth, thread] pairs where the path leaves the
   * default policy, in depth order; the last pair is the branch handed over.
   */
  path: number[];
  /** The thread the donor's own path takes at the branch's point (explored by the donor). */
  taken: number;
}

export interface BranchTask {
  j: number;
  q: number;
  donated?: DonatedBranch;
}

/** Deviations a donated path may hold (pairs): a longer path is not handed over. */
export const MAX_DONATED_PAIRS = 32;

export interface BranchQueue {
  /** The main line has this many points (every searcher computes the same main line). */
  begin(points: number): void;
  /** Asks for branch (j, q) (again: no effect). */
  want(j: number, q: number): void;
  /**
   * Takes the shallowest branch asked for and not taken yet (or a donated one), or null when
   * the round is over (or `shouldStop` said so while waiting for other workers).
   */
  take(shouldStop: () => boolean): BranchTask | null;
  /** Another searcher is idle and a donation would reach it. */
  wantsDonation(): boolean;
  /** Hands a branch below the main-line branch (j, q) to an idle searcher; false if it could not. */
  donate(j: number, q: number, branch: DonatedBranch): boolean;
  /**
   * Claims the branch keyed (a, b) below the main line (a hash of its path and thread): true
   * for the first searcher to ask, false afterwards (alone: always true).
   */
  claim(a: number, b: number): boolean;
  /** Branches donated by this searcher. */
  readonly donations: number;
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

  readonly donations = 0;

  wantsDonation(): boolean {
    return false;
  }

  donate(): boolean {
    return false;
  }

  claim(): boolean {
    return true;
  }

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
const CHANGE = 2; // bumped on every want, donation and finish (idle searchers wait on it)
const HUNGRY = 3; // searchers idle, waiting for work
const MAILBOX = 4; // one donated branch: [state, j, q, taken, pairs, path…]
const M_EMPTY = 0;
const M_WRITING = 1;
const M_FULL = 2;
const M_READING = 3;
const MAILBOX_SIZE = 5 + 2 * MAX_DONATED_PAIRS;
const HEADER = MAILBOX + MAILBOX_SIZE;

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
  private hungry = false;
  donations = 0;
  /** Points of the main line (scans stop there). */
  private length: number;

  constructor(
    private readonly s: Int32Array,
    private readonly at: number,
    slots: number,
    private readonly claims: ClaimTable,
    /** Donate whenever the mailbox is free, not only to an idle searcher (tests). */
    private readonly eager = false,
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

  take(shouldStop: () => boolean): BranchTask | null {
    for (;;) {
      if (!this.busy) {
        Atomics.add(this.s, this.at + BUSY, 1);
        this.busy = true;
      }
      const got = this.scan() ?? this.received() ?? this.fromOverflow();
      if (got) {
        this.setHungry(false);
        return got;
      }
      // nothing to take: idle; the round is over when nobody is exploring (a searcher still
      // exploring asks for its branches before it goes idle, and then scans again itself)
      const change = Atomics.load(this.s, this.at + CHANGE);
      Atomics.sub(this.s, this.at + BUSY, 1);
      this.busy = false;
      if ((Atomics.load(this.s, this.at + BUSY) === 0 && !this.anyWanted()) || shouldStop()) {
        this.setHungry(false);
        return null;
      }
      this.setHungry(true);
      Atomics.wait(this.s, this.at + CHANGE, change, 20);
    }
  }

  /** A branch of the part of the main line beyond the shared capacity (this searcher's own). */
  private fromOverflow(): BranchTask | null {
    const mine = this.overflow.take();
    return mine ? { j: mine.j + this.points, q: mine.q } : null;
  }

  private setHungry(on: boolean): void {
    if (on === this.hungry) return;
    this.hungry = on;
    Atomics.add(this.s, this.at + HUNGRY, on ? 1 : -1);
  }

  wantsDonation(): boolean {
    return (this.eager || Atomics.load(this.s, this.at + HUNGRY) > 0) && Atomics.load(this.s, this.at + MAILBOX) === M_EMPTY;
  }

  donate(j: number, q: number, branch: DonatedBranch): boolean {
    const s = this.s;
    const box = this.at + MAILBOX;
    const pairs = branch.path.length >> 1;
    if (pairs === 0 || pairs > MAX_DONATED_PAIRS) return false;
    if (Atomics.compareExchange(s, box, M_EMPTY, M_WRITING) !== M_EMPTY) return false;
    s[box + 1] = j;
    s[box + 2] = q;
    s[box + 3] = branch.taken;
    s[box + 4] = pairs;
    for (let i = 0; i < branch.path.length; i++) s[box + 5 + i] = branch.path[i];
    Atomics.store(s, box, M_FULL);
    this.donations++;
    this.finished();
    return true;
  }

  /** The donated branch in the mailbox, if there is one (taken out). */
  private received(): BranchTask | null {
    const s = this.s;
    const box = this.at + MAILBOX;
    if (Atomics.compareExchange(s, box, M_FULL, M_READING) !== M_FULL) return null;
    const pairs = s[box + 4];
    const task: BranchTask = { j: s[box + 1], q: s[box + 2], donated: { taken: s[box + 3], path: Array.from(s.subarray(box + 5, box + 5 + 2 * pairs)) } };
    Atomics.store(s, box, M_EMPTY);
    return task;
  }

  claim(a: number, b: number): boolean {
    return this.claims.claim(a, b);
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
    if (Atomics.load(s, this.at + MAILBOX) !== M_EMPTY) return true;
    for (let j = 0; j < this.length; j++) {
      const slot = this.at + HEADER + 2 * j;
      if ((Atomics.load(s, slot) & ~Atomics.load(s, slot + 1)) !== 0) return true;
    }
    return false;
  }
}

/** Int32 slots of a claim table with room for `entries` claims. */
export function claimTableSlots(entries: number): number {
  return 2 * entries;
}

/**
 * Claimed branches, shared by the searchers of a parallel run: open addressing over 62-bit keys
 * (two 32-bit lanes, each made odd so that 0 means empty), inserted with one compare-and-swap on
 * the first lane. When it is too full to insert, a claim succeeds anyway: the branch may then be
 * explored twice, never not at all.
 */
export class ClaimTable {
  private readonly mask: number;

  constructor(
    private readonly s: Int32Array,
    private readonly at: number,
    slots: number,
  ) {
    const entries = slots >> 1;
    if ((entries & (entries - 1)) !== 0) throw new Error(`claim table: ${entries} entries is not a power of two`);
    this.mask = entries - 1;
  }

  claim(a0: number, b0: number): boolean {
    const a = a0 | 1;
    const b = b0 | 1;
    const s = this.s;
    let i = (Math.imul(a ^ (b >>> 7), 0x9e3779b1) >>> 0) & this.mask;
    for (let probe = 0; probe < 64; probe++, i = (i + 1) & this.mask) {
      const slot = this.at + 2 * i;
      const seen = Atomics.compareExchange(s, slot, 0, a);
      if (seen === 0) {
        Atomics.store(s, slot + 1, b);
        return true;
      }
      if (seen !== a) continue;
      let other = Atomics.load(s, slot + 1);
      while (other === 0) other = Atomics.load(s, slot + 1); // its claimer is writing the second lane
      if (other === b) return false;
    }
    return true; // too crowded here: explore (perhaps twice)
  }
}
