// A synthetic `sweepscope/bitmap` answer for a full 16 MiB arena (4M heap words, 2048 spans of
// one 8 KB page each, objects of several size classes, about half of them marked), and deltas
// in the adapter's format (256-byte blocks), for the bitmap speed test and bench/panels.bench.ts.
// The real adapter's heaps are smaller (the example scenarios use about 1 MiB).

export const ARENA_START = 0x1000000;
export const ARENA_BYTES = 16 << 20;
export const WORDS = ARENA_BYTES / 4;
const PAGE = 8192;
const BLOCK = 256;
const ELEMSIZES = [16, 32, 48, 64, 96, 128, 256, 512];

export interface SyntheticBitmap {
  nibbles: Uint8Array;
  answer: {
    generation: number;
    arenaStart: number;
    arenaUsed: number;
    words: number;
    H: number;
    spans: { addr: string; start: number; npages: number; sizeclass: number; elemsize: number; state: number; sweepgen: number }[];
    delta: false;
    bytes: number;
    data: string;
  };
}

function setNibble(n: Uint8Array, w: number, v: number): void {
  const i = w >>> 1;
  n[i] = w & 1 ? (n[i] & 0x0f) | (v << 4) : (n[i] & 0xf0) | v;
}

/** The whole arena, generation `generation`. Deterministic. */
export function syntheticFull(generation = 1): SyntheticBitmap {
  const nibbles = new Uint8Array(WORDS / 2);
  const spans: SyntheticBitmap['answer']['spans'] = [];
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) / 65536;
  for (let p = 0; p < ARENA_BYTES / PAGE; p++) {
    const k = p % ELEMSIZES.length;
    const elemsize = ELEMSIZES[k];
    const start = ARENA_START + p * PAGE;
    for (let off = 0; off + elemsize <= PAGE; off += elemsize) {
      const w = (p * PAGE + off) / 4;
      const scan = rand() < 0.5 ? 2 : 0;
      const marked = rand() < 0.5 ? 4 : 0;
      setNibble(nibbles, w, 1 | scan | marked);
    }
    spans.push({ addr: `0x${(0x2000000 + p * 64).toString(16)}`, start, npages: 1, sizeclass: k + 1, elemsize, state: 0, sweepgen: p % 3 === 0 ? 0 : 2 });
  }
  return {
    nibbles,
    answer: {
      generation, arenaStart: ARENA_START, arenaUsed: ARENA_START + ARENA_BYTES, words: WORDS, H: 2, spans,
      delta: false, bytes: nibbles.length, data: Buffer.from(nibbles).toString('base64'),
    },
  };
}

/**
 * A step: clears the marked bit of the first `count` marked words from word `from` on (what a
 * sweep does), in place, and returns the adapter's delta answer from `base` to `generation`.
 */
export function syntheticDelta(full: SyntheticBitmap, from: number, count: number, base: number, generation: number) {
  const n = full.nibbles;
  const touched = new Set<number>();
  let left = count;
  for (let w = from; w < WORDS && left > 0; w++) {
    const v = w & 1 ? n[w >>> 1] >> 4 : n[w >>> 1] & 15;
    if (v & 4) {
      setNibble(n, w, v & ~4);
      touched.add(Math.floor((w >>> 1) / BLOCK) * BLOCK);
      left--;
    }
  }
  const changed: [number, string][] = [...touched].sort((a, b) => a - b).map((off) => [off, Buffer.from(n.subarray(off, off + BLOCK)).toString('base64')]);
  const { data: _data, ...rest } = full.answer;
  void _data;
  return { base, answer: { ...rest, generation, delta: true as const, changed } };
}
