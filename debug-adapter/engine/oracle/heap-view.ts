// Reads the runtime model's heap through its own struct layouts: H, the spans of allspans with
// their state, sweepgen, ref, freelist and size class, the central lists, and the heap bitmap
// at 4 bits per word. Used by the oracle; never writes.
import type { Machine } from '../vm/machine';
import { Inspector } from '../vm/inspect';
import { sizeOf } from '../lang/types';

export const MSpanInUse = 0;
export const PAGE_SHIFT = 13;

export interface SpanInfo {
  addr: number;
  start: number; // first byte
  npages: number;
  state: number;
  sweepgen: number;
  ref: number;
  sizeclass: number;
  elemsize: number;
  freelist: number;
}

/** Offsets of the fields the oracle reads, resolved once from the program's types. */
interface Offsets {
  heap: number;
  heapSweepgen: number;
  allspans: number;
  nspan: number;
  arenaStart: number;
  arenaUsed: number;
  spansTable: number;
  central: number;
  centralSize: number;
  cNonempty: number;
  cEmpty: number;
  cNfree: number;
  span: Record<'next' | 'start' | 'npages' | 'freelist' | 'sweepgen' | 'ref' | 'sizeclass' | 'state' | 'elemsize' | 'specials', number>;
  special: { next: number; offset: number; kind: number };
}

export class HeapView {
  readonly o: Offsets;
  private readonly u32: Uint32Array;
  private readonly u16: Uint16Array;
  private readonly u8: Uint8Array;

  constructor(vm: Machine) {
    const ins = new Inspector(vm);
    const heap = ins.global('runtime·mheap');
    const need = (v: { offset: number } | undefined, what: string): number => {
      if (!v) throw new Error(`oracle: the runtime has no ${what}`);
      return v.offset;
    };
    if (!heap) throw new Error('oracle: the runtime has no global runtime·mheap (run with a Go runtime model)');
    const f = (path: string) => need(ins.fieldPath('MHeap', path), `MHeap.${path}`);
    const s = (path: string) => need(ins.fieldPath('MSpan', path), `MSpan.${path}`);
    const central = ins.fieldPath('MHeap', 'central');
    const centralType = central?.type.k === 'array' ? central.type.of : undefined;
    this.o = {
      heap: heap.addr,
      heapSweepgen: f('sweepgen'),
      allspans: f('allspans'),
      nspan: f('nspan'),
      arenaStart: f('arena_start'),
      arenaUsed: f('arena_used'),
      spansTable: f('spans'),
      central: need(central, 'MHeap.central'),
      centralSize: centralType ? sizeOf(centralType) : 0,
      cNonempty: need(ins.fieldPath('MCentral', 'nonempty'), 'MCentral.nonempty'),
      cEmpty: need(ins.fieldPath('MCentral', 'empty'), 'MCentral.empty'),
      cNfree: need(ins.fieldPath('MCentral', 'nfree'), 'MCentral.nfree'),
      span: {
        next: s('next'), start: s('start'), npages: s('npages'), freelist: s('freelist'), sweepgen: s('sweepgen'),
        ref: s('ref'), sizeclass: s('sizeclass'), state: s('state'), elemsize: s('elemsize'), specials: s('specials'),
      },
      special: {
        next: need(ins.fieldPath('Special', 'next'), 'Special.next'),
        offset: need(ins.fieldPath('Special', 'offset'), 'Special.offset'),
        kind: need(ins.fieldPath('Special', 'kind'), 'Special.kind'),
      },
    };
    this.u32 = vm.mem.u32;
    this.u16 = vm.mem.u16;
    this.u8 = vm.mem.u8;
  }

  w(addr: number): number {
    return this.u32[addr >>> 2];
  }
  get H(): number {
    return this.w(this.o.heap + this.o.heapSweepgen);
  }
  get hAddr(): number {
    return this.o.heap + this.o.heapSweepgen;
  }
  get arenaStart(): number {
    return this.w(this.o.heap + this.o.arenaStart);
  }
  get arenaUsed(): number {
    return this.w(this.o.heap + this.o.arenaUsed);
  }

  /** Addresses of every MSpan in allspans[0..nspan). */
  spanAddrs(): number[] {
    const base = this.w(this.o.heap + this.o.allspans);
    const n = this.w(this.o.heap + this.o.nspan);
    const out: number[] = [];
    if (base === 0) return out;
    for (let i = 0; i < n; i++) out.push(this.w(base + 4 * i));
    return out;
  }

  span(addr: number): SpanInfo {
    const s = this.o.span;
    return {
      addr,
      start: this.w(addr + s.start) << PAGE_SHIFT,
      npages: this.w(addr + s.npages),
      state: this.u8[addr + s.state],
      sweepgen: this.w(addr + s.sweepgen),
      ref: this.u16[(addr + s.ref) >>> 1],
      sizeclass: this.u8[addr + s.sizeclass],
      elemsize: this.w(addr + s.elemsize),
      freelist: this.w(addr + s.freelist),
    };
  }

  /** Object slots of a span (1 for a large object). */
  capacity(sp: SpanInfo): number {
    if (sp.sizeclass === 0 || sp.elemsize === 0) return 1;
    return Math.floor((sp.npages << PAGE_SHIFT) / sp.elemsize);
  }

  /** The span owning address p, from the runtime's page → span table. */
  spanOf(p: number): number {
    const a0 = this.arenaStart;
    if (p < a0 || p >= this.arenaUsed) return 0;
    const table = this.w(this.o.heap + this.o.spansTable);
    return this.w(table + 4 * ((p - a0) >>> PAGE_SHIFT));
  }

  /** The slots on a freelist, or the point where it loops or leaves the span. */
  walkFreelist(sp: SpanInfo): { slots: number[]; cycleAt?: number; strayAt?: number } {
    const slots: number[] = [];
    const seen = new Set<number>();
    const end = sp.start + (sp.npages << PAGE_SHIFT);
    for (let p = sp.freelist; p !== 0; p = this.w(p)) {
      if (seen.has(p)) return { slots, cycleAt: p };
      if (p < sp.start || p >= end || (p - sp.start) % Math.max(sp.elemsize, 1) !== 0) return { slots, strayAt: p };
      seen.add(p);
      slots.push(p);
    }
    return { slots };
  }

  /** Spans on a circular MSpan list whose head is at `head` (bounded, cycle-safe). */
  listSpans(head: number, limit: number): number[] {
    const out: number[] = [];
    for (let s = this.w(head + this.o.span.next); s !== head && s !== 0 && out.length < limit; s = this.w(s + this.o.span.next)) out.push(s);
    return out;
  }

  centralAddr(cl: number): number {
    return this.o.heap + this.o.central + cl * this.o.centralSize;
  }

  /** The 4 bitmap bits of heap word p: allocated, scan/boundary, marked, special. */
  bits(p: number): { allocated: boolean; scan: boolean; marked: boolean; special: boolean } {
    const off = (p - this.arenaStart) >>> 2;
    const word = this.w(this.arenaStart - ((off >>> 3) + 1) * 4);
    const shift = off & 7;
    return {
      allocated: ((word >>> shift) & 1) !== 0,
      scan: ((word >>> (shift + 8)) & 1) !== 0,
      marked: ((word >>> (shift + 16)) & 1) !== 0,
      special: ((word >>> (shift + 24)) & 1) !== 0,
    };
  }

  /** Object bases carrying a finalizer special in a span. */
  finalizerObjects(sp: SpanInfo): number[] {
    const out: number[] = [];
    const o = this.o.special;
    for (let x = this.w(sp.addr + this.o.span.specials), n = 0; x !== 0 && n < 10_000; x = this.w(x + o.next), n++) {
      if (this.u8[x + o.kind] === 1) {
        const off = this.u16[(x + o.offset) >>> 1];
        const size = Math.max(sp.elemsize, 1);
        out.push(sp.start + Math.floor(off / size) * size);
      }
    }
    return out;
  }
}
