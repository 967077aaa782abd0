// The sweep protocol as the debugger sees it: which addresses are MSpans (runtime·mheap's
// allspans), which address is a span's `sweepgen`, the heap's H, each span's state in words,
// and who owns a span between its CAS H−2 → H−1 and the store that publishes it (tracked from
// the machine's write events). Works on any runtime that declares MSpan and runtime·mheap;
// on other programs (runtime none) it simply finds no spans.
import type { Machine, Program } from '../engine';
import { hex } from '../engine/vm/memory';
import type { Gor, Mach } from '../engine/vm/threads';

export interface Owner {
  /** Index of the goroutine in vm.gs (stable across snapshots). */
  gIndex: number;
  mId: number;
}

export class SweepTracker {
  private readonly sweepgenOff: number;
  private readonly heapAddr: number;
  private readonly heapSweepgen: number;
  private readonly allspansAddr: number;
  private readonly nspanAddr: number;
  private spans = new Set<number>();
  private dirty = true;
  /** span address → its owner while at H−1. */
  owners = new Map<number, Owner>();

  constructor(
    private readonly vm: Machine,
    program: Program,
  ) {
    const span = program.checked.structs.get('MSpan');
    const heapSym = program.checked.lookup('runtime·mheap');
    const heap = heapSym?.k === 'global' && heapSym.type.k === 'struct' ? heapSym : undefined;
    const field = (fields: { name: string; offset: number }[] | undefined, name: string) => fields?.find((f) => f.name === name)?.offset ?? -1;
    this.sweepgenOff = field(span?.fields, 'sweepgen');
    const hf = heap && heap.type.k === 'struct' ? heap.type.fields : undefined;
    this.heapAddr = heap ? heap.addr : -1;
    this.heapSweepgen = field(hf, 'sweepgen');
    this.allspansAddr = field(hf, 'allspans');
    this.nspanAddr = field(hf, 'nspan');
    if (this.sweepgenOff < 0 || this.heapAddr < 0 || this.heapSweepgen < 0 || this.allspansAddr < 0 || this.nspanAddr < 0) this.heapAddr = -1;
  }

  /** Address of the heap's sweepgen (H), or -1 without a Go runtime. */
  get hAddr(): number {
    return this.enabled ? this.heapAddr + this.heapSweepgen : -1;
  }

  get enabled(): boolean {
    return this.heapAddr >= 0;
  }

  /** H, the heap's sweep generation. */
  get H(): number {
    return this.enabled ? this.vm.mem.u32[(this.heapAddr + this.heapSweepgen) >>> 2] : 0;
  }

  private refresh(): void {
    this.dirty = false;
    this.spans = new Set();
    if (!this.enabled) return;
    const mem = this.vm.mem;
    const arr = mem.u32[(this.heapAddr + this.allspansAddr) >>> 2];
    const n = mem.u32[(this.heapAddr + this.nspanAddr) >>> 2];
    if (arr === 0 || !mem.isMapped(arr, n * 4)) return;
    for (let i = 0; i < n; i++) this.spans.add(mem.u32[(arr >>> 2) + i]);
  }

  isSpan(addr: number): boolean {
    if (!this.enabled) return false;
    if (this.dirty) this.refresh();
    return this.spans.has(addr);
  }

  /** The span whose sweepgen field is at addr, or undefined. */
  spanOfSweepgen(addr: number): number | undefined {
    if (!this.enabled) return undefined;
    const s = addr - this.sweepgenOff;
    return this.isSpan(s) ? s : undefined;
  }

  sweepgenOf(span: number): number {
    return this.vm.mem.u32[(span + this.sweepgenOff) >>> 2];
  }

  /** A write happened (the new value is in memory): keep the span list and owners current. */
  onWrite(addr: number, size: number, m: Mach): void {
    if (!this.enabled) return;
    const heapField = addr - this.heapAddr;
    if (heapField === this.allspansAddr || heapField === this.nspanAddr) this.dirty = true;
    if (size !== 4) return;
    const span = this.spanOfSweepgen(addr);
    if (span === undefined) return;
    const v = this.sweepgenOf(span);
    if (v === ((this.H - 1) >>> 0)) this.owners.set(span, { gIndex: m.exec.id, mId: m.id });
    else this.owners.delete(span);
  }

  /** The span a goroutine owns, if any. */
  ownedBy(g: Gor): number | undefined {
    for (const [span, o] of this.owners) if (o.gIndex === g.id) return span;
    return undefined;
  }

  /** "g7 on M1" (or "M1's g0"). */
  who(gIndex: number, mId: number): string {
    const g = this.vm.gs[gIndex];
    if (!g) return `M${mId}`;
    return g.isG0 ? `M${mId}'s g0` : `g${this.vm.goid(g)} on M${mId}`;
  }

  /** A sweepgen value relative to H, in words. */
  describeSweepgen(v: number, span?: number): string {
    const H = this.H;
    const d = (H - v) | 0;
    if (d === 2) return 'needs sweeping (H−2)';
    if (d === 1) {
      const o = span !== undefined ? this.owners.get(span) : undefined;
      return o ? `being swept by ${this.who(o.gIndex, o.mId)} (H−1)` : 'being swept (H−1)';
    }
    if (d === 0) return 'swept (H)';
    return `sweepgen ${v} (H = ${H})`;
  }

  describeSpan(span: number): string {
    return `span ${hex(span)}: ${this.describeSweepgen(this.sweepgenOf(span), span)}`;
  }

  save(): [number, Owner][] {
    return [...this.owners].map(([k, o]) => [k, { ...o }]);
  }

  load(s: [number, Owner][]): void {
    this.owners = new Map(s.map(([k, o]) => [k, { ...o }]));
    this.dirty = true;
  }
}
