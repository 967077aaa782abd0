// An append-only list of numbers whose copies are cheap. Only the last entry can change after
// it is pushed (a run of the same M extends the last pair), so all but the last few entries are
// frozen into fixed-size chunks that copies share by reference: copying a log of n entries costs
// n / CHUNK references plus at most CHUNK + 1 numbers, whatever n is. Snapshots of the machine
// copy its run log this way, so taking one, restoring one and marking a step-back timeline stay
// fast on histories of millions of statements.

/** Entries per frozen chunk. */
const CHUNK = 1024;
const SHIFT = 10;
const MASK = CHUNK - 1;

/** What readers of a log use. */
export interface ReadonlyLog {
  readonly length: number;
  at(i: number): number;
  toArray(): number[];
  /** A copy that later changes of this log do not reach. */
  copy(): ReadonlyLog;
  /** Same entries (shared chunks compare by reference, so a copy compares in O(n / CHUNK)). */
  equals(other: ReadonlyLog): boolean;
}

export class ChunkedLog implements ReadonlyLog {
  /** Frozen entries, CHUNK per chunk, never written after freezing (copies share them). */
  private chunks: Float64Array[] = [];
  /** The entries after the chunks; the last one is the only entry that can still change. */
  private tail: number[] = [];

  get length(): number {
    return (this.chunks.length << SHIFT) + this.tail.length;
  }

  at(i: number): number {
    const frozen = this.chunks.length << SHIFT;
    return i < frozen ? this.chunks[i >> SHIFT][i & MASK] : this.tail[i - frozen];
  }

  /** The last entry (the log must not be empty). */
  last(): number {
    return this.tail[this.tail.length - 1];
  }

  setLast(x: number): void {
    this.tail[this.tail.length - 1] = x;
  }

  push(x: number): void {
    const tail = this.tail;
    tail.push(x);
    if (tail.length < CHUNK + 2) return;
    // freeze all but the last two (the last stays writable)
    const chunk = new Float64Array(CHUNK);
    for (let i = 0; i < CHUNK; i++) chunk[i] = tail[i];
    this.chunks.push(chunk);
    this.tail = tail.slice(CHUNK);
  }

  /** A copy that shares the frozen chunks; neither changes the other afterwards. */
  copy(): ChunkedLog {
    const c = new ChunkedLog();
    c.assign(this);
    return c;
  }

  /** Makes this log hold what `from` holds (sharing its frozen chunks). */
  assign(from: ChunkedLog): void {
    this.chunks = from.chunks.slice();
    this.tail = from.tail.slice();
  }

  toArray(): number[] {
    const out = new Array<number>(this.length);
    let k = 0;
    for (const chunk of this.chunks) for (let i = 0; i < CHUNK; i++) out[k++] = chunk[i];
    for (const x of this.tail) out[k++] = x;
    return out;
  }

  equals(other: ReadonlyLog): boolean {
    const n = this.length;
    if (other.length !== n) return false;
    let i = 0;
    if (other instanceof ChunkedLog) {
      // chunk boundaries sit at the same indices in both: shared chunks are equal without a look
      for (let c = 0; c < this.chunks.length && c < other.chunks.length; c++, i += CHUNK) {
        const a = this.chunks[c];
        const b = other.chunks[c];
        if (a === b) continue;
        for (let j = 0; j < CHUNK; j++) if (a[j] !== b[j]) return false;
      }
    }
    for (; i < n; i++) if (this.at(i) !== other.at(i)) return false;
    return true;
  }
}
