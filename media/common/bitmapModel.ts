// The Heap Bitmap panel's data: the arena's nibbles (one per heap word, two per byte, low nibble
// first; bit 0 allocated, 1 scan/boundary, 2 marked, 3 special), kept across stops so that a
// delta answer (only the 256-byte blocks that changed) can be applied, and the XOR with the
// previous stop's nibbles, which is what the panel highlights as "changed since the last stop".
import type { BitmapBytes, SpanSummary } from './protocol';

export const BIT_ALLOCATED = 1;
export const BIT_SCAN = 2;
export const BIT_MARKED = 4;
export const BIT_SPECIAL = 8;
export const PAGE_BYTES = 8192;

/** The words of a bit pattern, e.g. "allocated, marked". */
export function describeBits(n: number): string {
  if (n === 0) return 'none';
  const parts: string[] = [];
  if (n & BIT_ALLOCATED) parts.push('allocated');
  if (n & BIT_SCAN) parts.push(n & BIT_ALLOCATED ? 'scan' : 'boundary (no GC)');
  if (n & BIT_MARKED) parts.push('marked');
  if (n & BIT_SPECIAL) parts.push('special');
  return parts.join(', ');
}

export function bitsText(n: number): string {
  return n.toString(2).padStart(4, '0');
}

/** The unit of the adapter's deltas and of partial repaints, in nibble bytes. */
export const BLOCK = 256;

function changedBlocksOf(diff: Uint8Array): number[] {
  const out: number[] = [];
  for (let off = 0; off < diff.length; off += BLOCK) {
    const end = Math.min(off + BLOCK, diff.length);
    for (let i = off; i < end; i++) {
      if (diff[i] !== 0) {
        out.push(off);
        break;
      }
    }
  }
  return out;
}

export class BitmapModel {
  nibbles: Uint8Array = new Uint8Array(0);
  /** XOR of this stop's nibbles with the previous stop's (all zero after the first answer). */
  diff: Uint8Array = new Uint8Array(0);
  generation = -1;
  arenaStart = 0;
  arenaUsed = 0;
  words = 0;
  H = 0;
  bytesPerWord = 4;
  /** In-use spans sorted by start address. */
  spans: SpanSummary[] = [];
  /** Number of heap words whose bits changed since the previous stop. */
  changedWords = 0;
  /** Bytes of nibbles the last answer carried (what the host had to send). */
  lastPayloadBytes = 0;
  /**
   * Nibble-byte offsets of the BLOCK-sized blocks whose pixels are stale after the last answer
   * (changed now, or highlighted as changed at the previous stop), or null: all of them.
   */
  dirtyBlocks: number[] | null = null;
  /** Nibble-byte offsets of the blocks that hold a change since the previous stop. */
  changedBlocks: number[] = [];

  get loaded(): boolean {
    return this.generation >= 0;
  }

  /** Words of one 8 KB page: the width of the picture (one page per row). */
  get pageWords(): number {
    return PAGE_BYTES / this.bytesPerWord;
  }

  /**
   * Takes an answer. A delta whose base is not the generation held is refused with a reason
   * (the caller asks the host for the whole bitmap); so is an answer whose sizes do not add up.
   */
  apply(base: number | null, a: BitmapBytes): string | null {
    const bytesPerWord = a.words > 0 ? (a.arenaUsed - a.arenaStart) / a.words : 4;
    if (!Number.isInteger(bytesPerWord) || bytesPerWord <= 0 || a.bytes !== (a.words + 1) >>> 1) {
      return `sizes do not add up (arena ${a.arenaUsed - a.arenaStart} bytes, ${a.words} words, ${a.bytes} bitmap bytes)`;
    }
    let next: Uint8Array;
    let diff: Uint8Array;
    let blocks: number[];
    let changed = 0;
    if (a.delta) {
      if (!a.changed) return 'a delta answer without `changed` blocks';
      if (base !== this.generation || a.arenaStart !== this.arenaStart || a.bytes < this.nibbles.length) {
        return `a delta from generation ${base ?? 'none'} does not apply to the bitmap held (generation ${this.generation})`;
      }
      // check every block first, so a refused delta leaves the bitmap held as it was
      let payload = 0;
      for (const [off, block] of a.changed) {
        payload += block.length;
        if (off < 0 || off + block.length > a.bytes) return `a changed block at ${off} (+${block.length}) lies outside the ${a.bytes} bitmap bytes`;
      }
      // then update in place: a step changes a few blocks of a 2 MB bitmap, so neither copying
      // it nor scanning it for changes may cost a frame; the previous diff is non-zero only in
      // the previous changed blocks
      if (a.bytes === this.nibbles.length && this.diff.length === a.bytes) {
        next = this.nibbles;
        diff = this.diff;
        for (const off of this.changedBlocks) diff.fill(0, off, Math.min(off + BLOCK, diff.length));
      } else {
        next = new Uint8Array(a.bytes);
        next.set(this.nibbles);
        diff = new Uint8Array(a.bytes);
      }
      const touched = new Set<number>();
      for (const [off, block] of a.changed) {
        for (let i = 0; i < block.length; i++) {
          const x = next[off + i] ^ block[i];
          if (x !== 0) {
            changed += (x & 15 ? 1 : 0) + (x >> 4 ? 1 : 0);
            touched.add(off + i - ((off + i) % BLOCK));
          }
          diff[off + i] = x;
        }
        next.set(block, off);
      }
      // a block whose bytes were changed back within the same delta holds no change
      blocks = [...touched].filter((off) => diff.subarray(off, Math.min(off + BLOCK, diff.length)).some((x) => x !== 0)).sort((x, y) => x - y);
      this.lastPayloadBytes = payload;
    } else {
      if (a.data === undefined) return 'a full answer without `data`';
      next = a.data;
      this.lastPayloadBytes = a.data.length;
      if (next.length !== a.bytes) return `data holds ${next.length} bytes, the answer says ${a.bytes}`;
      diff = new Uint8Array(a.bytes);
      if (this.loaded && a.arenaStart === this.arenaStart) {
        const old = this.nibbles;
        for (let i = 0; i < next.length; i++) {
          const x = (i < old.length ? old[i] : 0) ^ next[i];
          if (x !== 0) {
            diff[i] = x;
            changed += (x & 15 ? 1 : 0) + (x >> 4 ? 1 : 0);
          }
        }
      }
      blocks = changedBlocksOf(diff);
    }
    this.dirtyBlocks = a.delta ? [...new Set([...this.changedBlocks, ...blocks])].sort((x, y) => x - y) : null;
    this.changedBlocks = blocks;
    this.nibbles = next;
    this.diff = diff;
    this.changedWords = changed;
    this.generation = a.generation;
    this.arenaStart = a.arenaStart;
    this.arenaUsed = a.arenaUsed;
    this.words = a.words;
    this.H = a.H;
    this.bytesPerWord = bytesPerWord;
    this.spans = [...a.spans].sort((x, y) => x.start - y.start);
    return null;
  }

  nibble(word: number): number {
    const b = this.nibbles[word >>> 1] ?? 0;
    return word & 1 ? b >> 4 : b & 15;
  }

  /** The bits this word had at the previous stop. */
  previous(word: number): number {
    const d = this.diff[word >>> 1] ?? 0;
    return this.nibble(word) ^ (word & 1 ? d >> 4 : d & 15);
  }

  changedAt(word: number): boolean {
    return this.previous(word) !== this.nibble(word);
  }

  addressOf(word: number): number {
    return this.arenaStart + word * this.bytesPerWord;
  }

  /** The in-use span whose pages hold this word, if any (binary search). */
  spanAt(word: number): SpanSummary | undefined {
    const addr = this.addressOf(word);
    let lo = 0;
    let hi = this.spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.spans[mid];
      if (addr < s.start) hi = mid - 1;
      else if (addr >= s.start + s.npages * PAGE_BYTES) lo = mid + 1;
      else return s;
    }
    return undefined;
  }

  /** The first changed word after `from` (wrapping around), or -1 when nothing changed. */
  nextChange(from: number): number {
    const n = this.words;
    let w = from + 1;
    for (let k = 0; k < n; ) {
      if (w >= n) w = 0;
      const d = this.diff[w >>> 1];
      if (d === 0) {
        const step = w & 1 ? 1 : 2; // skip the rest of a byte with no change
        w += step;
        k += step;
        continue;
      }
      if ((w & 1 ? d >> 4 : d & 15) !== 0) return w;
      w++;
      k++;
    }
    return -1;
  }
}
