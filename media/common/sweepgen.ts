// The meaning of a span's sweepgen against the heap's sweep generation H (go-2014-sweep.md §1.2):
// H−2 needs sweeping, H−1 is being swept (owned), H is swept; nothing else should exist.

export type SweepClass = 'unswept' | 'sweeping' | 'swept' | 'invalid';

export function sweepClass(sweepgen: number, H: number): SweepClass {
  const d = H - sweepgen;
  return d === 2 ? 'unswept' : d === 1 ? 'sweeping' : d === 0 ? 'swept' : 'invalid';
}

/** "H−2", "H−1", "H" or "H+1" for a sweepgen relative to H. */
export function relativeToH(sweepgen: number, H: number): string {
  const d = sweepgen - H;
  return d === 0 ? 'H' : d < 0 ? `H−${-d}` : `H+${d}`;
}

export function sweepgenMeaning(sweepgen: number, H: number): string {
  const c = sweepClass(sweepgen, H);
  const rel = relativeToH(sweepgen, H);
  switch (c) {
    case 'unswept': return `needs sweeping (${rel})`;
    case 'sweeping': return `being swept (${rel})`;
    case 'swept': return `swept (${rel})`;
    default: return `invalid sweepgen (${rel}): only H−2, H−1 and H exist`;
  }
}
