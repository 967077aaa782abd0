// The heap oracle: a machine listener that checks invariants I1–I8 of go-2014-sweep.md §7 at the
// moments they must hold, plus ground truth the runtime cannot see — its own registry of live
// allocations (from mallocgc's calls and returns) and its own conservative reachability from
// the roots — so it reports a slot handed out twice, a live object freed, a cycle in a
// freelist, or ref/nfree drifting from the real counts, before the runtime notices or when it
// never does. A violation ends the run with outcome `invariant`.
import type { FunctionLocation } from '../api';
import { ACCESS_WRITE as WRITE_FLAG } from '../vm/instantiate';
import type { Listener, Machine } from '../vm/machine';
import { DATA_BASE, hex } from '../vm/memory';
import { type Frame, type Mach, PStatus } from '../vm/threads';
import { type HeapView, MSpanInUse, PAGE_SHIFT, type SpanInfo } from './heap-view';
import { SweepObserver, type Ownership, type SweepEvent, type SweepObserverState } from './sweep-observer';

// A module-local copy of a constant read on every memory access: unbundled (tests, benchmarks),
// a read of another module's export is a getter call.
const ACCESS_WRITE = WRITE_FLAG;

const FLAG_NOSCAN = 1;

/** What the oracle checks. Every check is on by default. */
export interface OracleOptions {
  /**
   * I4 on its own: a sweeper that acquires a span (or calls on) with m->locks == 0,
   * m->mallocing == 0 and not on g0. On before-f8e4a2e every P8 acquisition breaks it, by
   * design of that model (§7: "flag the parent's P8 violation without needing the race to
   * occur"). Turn it off to let a run go on to the consequences of such a sweep — the throw
   * "gc: unswept span", corruption reported by I3/I6/I7/I8 and ground truth, a livelock.
   * The I4 check at G6 (H advances while a span is still owned) stays on: it is a consequence.
   */
  flagUnlockedOwner?: boolean;
  /**
   * Asked at each violation: false lets the run go on unreported (a debugger whose `invariant`
   * filter is off, or that re-executes the past). Default: every violation ends the run.
   */
  reportsNow?: () => boolean;
}

/** A frame as (goroutine id, index in its frames): a machine restore makes new frame objects. */
type FrameRef = [g: number, index: number];

/** What an Oracle knows at a moment (capture/restore): for the explorer's checkpoints. */
export interface OracleState {
  registry: Map<number, { size: number; noscan: boolean }>;
  pendingMalloc: [FrameRef, { flag: number; H: number }][];
  lastH: number;
  violations: number;
  sweep: SweepObserverState;
}

export class Oracle implements Listener {
  /** The runtime's heap, read through its own struct layouts. */
  readonly heap: HeapView;
  private readonly registry = new Map<number, { size: number; noscan: boolean }>();
  /** mallocgc calls in progress: their flag and the H they started under. */
  private readonly pendingMalloc = new Map<Frame, { flag: number; H: number }>();
  private readonly sweep: SweepObserver;
  private lastH: number;
  private readonly fn: Record<'mallocgc' | 'free' | 'gcmark' | 'sweep', number>;
  violations = 0;
  private readonly flagUnlockedOwner: boolean;
  private readonly reportsNow: () => boolean;

  constructor(
    private readonly vm: Machine,
    options: OracleOptions = {},
  ) {
    this.flagUnlockedOwner = options.flagUnlockedOwner ?? true;
    this.reportsNow = options.reportsNow ?? (() => true);
    this.sweep = new SweepObserver(vm, (e) => this.sweepEvent(e));
    this.heap = this.sweep.heap;
    this.lastH = this.heap.H;
    const idx = (name: string) => vm.code.funcs.findIndex((f) => f.name === name);
    this.fn = { mallocgc: idx('runtime·mallocgc'), free: idx('runtime·free'), gcmark: idx('gcmark'), sweep: idx('runtime·MSpan_Sweep') };
  }

  /**
   * The oracle's own view of the live heap: every object mallocgc handed out that is not
   * freed and, at the last G6, was reachable from the roots. Keyed by object base.
   */
  live(): ReadonlyMap<number, { readonly size: number; readonly noscan: boolean }> {
    return this.registry;
  }

  // ---- checkpoints ----
  /** Everything the oracle knows now (the registry's entries are never changed, only replaced). */
  capture(): OracleState {
    return {
      registry: new Map(this.registry),
      pendingMalloc: [...this.pendingMalloc].flatMap(([fr, v]): [FrameRef, { flag: number; H: number }][] => {
        const ref = this.refOf(fr);
        return ref ? [[ref, v]] : [];
      }),
      lastH: this.lastH,
      violations: this.violations,
      sweep: this.sweep.capture(),
    };
  }

  /** Back to a captured state, after the machine was restored to the moment of the capture. */
  restore(s: OracleState): void {
    this.registry.clear();
    for (const [k, v] of s.registry) this.registry.set(k, v);
    this.pendingMalloc.clear();
    for (const [ref, v] of s.pendingMalloc) this.pendingMalloc.set(this.frameOf(ref), v);
    this.lastH = s.lastH;
    this.violations = s.violations;
    this.sweep.restore(s.sweep);
  }

  private refOf(fr: Frame): FrameRef | null {
    for (const g of this.vm.gs) {
      const i = g.frames.indexOf(fr);
      if (i >= 0) return [g.id, i];
    }
    return null;
  }

  private frameOf([g, i]: FrameRef): Frame {
    return this.vm.gs[g].frames[i];
  }

  // ---- listener ----
  onCall(m: Mach, fr: Frame): void {
    if (fr.fn === this.fn.mallocgc) {
      const meta = this.vm.code.funcs[fr.fn];
      this.pendingMalloc.set(fr, { flag: this.vm.mem.u32[(fr.fp + meta.paramOffsets[2]) >>> 2], H: this.heap.H });
    } else if (fr.fn === this.fn.free) {
      const meta = this.vm.code.funcs[fr.fn];
      this.registry.delete(this.vm.mem.u32[(fr.fp + meta.paramOffsets[0]) >>> 2]);
    }
    if (this.flagUnlockedOwner && this.sweep.owners.size) this.checkOwnerLocked(m, `calls ${this.vm.code.funcs[fr.fn].name}`);
  }

  onReturn(m: Mach, fr: Frame): void {
    this.sweep.onReturn(m, fr);
    // I5 once mark is done: the runtime's own check (markroot, "gc: unswept span") comes
    // first; this one catches a model whose check was removed or weakened
    if (fr.fn === this.fn.gcmark) this.checkAllSwept('I5 (every span swept when the world is stopped for mark)');
    const call = this.pendingMalloc.get(fr);
    if (call === undefined) return;
    this.pendingMalloc.delete(fr);
    const p = Number(this.vm.rv) >>> 0;
    // a GC that mallocgc itself started after allocating makes the span unswept again: legal
    if (p !== 0) this.allocated(p, (call.flag & FLAG_NOSCAN) !== 0, call.H === this.heap.H);
  }

  onAccess(addr: number, size: number, flags: number, m: Mach): void {
    if ((flags & ACCESS_WRITE) === 0) return;
    if (addr === this.heap.hAddr) {
      this.sweep.heapGenerationWritten();
      this.heapGenerationChanged();
      return;
    }
    this.sweep.onAccess(addr, size, flags, m);
  }

  // ---- checks ----
  private violate(invariant: string, text: string): void {
    if (this.vm.halted || !this.reportsNow()) return;
    this.violations++;
    const m = this.vm.cur;
    const g = m.exec;
    const at = this.location();
    const who = `${g.isG0 ? 'g0' : `g${this.vm.goid(g)}`} on M${m.id}`;
    this.vm.halt({
      outcome: 'invariant',
      message: `${invariant}: ${text} (${who}, step ${this.vm.stepsNow()}${at ? `, ${at.function}` : ''})`,
      m,
      g,
      frame: this.vm.hereFrame ?? undefined,
      at,
    });
  }

  private location(): FunctionLocation | undefined {
    // the statement running now (the machine keeps it for reports like this one)
    const fr = this.vm.hereFrame;
    if (!fr) return undefined;
    const meta = this.vm.code.funcs[fr.fn];
    const label = meta.labels[this.vm.hereLabel];
    return label ? { ...label.loc, function: label.kind === 'builtin' && label.builtin ? label.builtin : meta.name } : undefined;
  }

  private who(o: { g: Ownership['g']; m: Ownership['m'] }): string {
    return `${o.g.isG0 ? 'g0' : `g${this.vm.goid(o.g)}`} on M${o.m.id}`;
  }

  /** I4: an owner is never preemptible (m->locks, m->mallocing or g0). */
  private checkOwnerLocked(m: Mach, doing: string): void {
    for (const [span, o] of this.sweep.owners) {
      if (o.m !== m || m.exec !== o.g) continue;
      const off = this.vm.code.offsets.M;
      const locks = this.vm.view.i32(m.addr + off.locks);
      const mallocing = this.vm.view.i32(m.addr + off.mallocing);
      if (locks === 0 && mallocing === 0 && !o.g.isG0) {
        this.violate('I4 (a sweeper is never preemptible)', `the owner of span ${hex(span)} ${doing} with m->locks == 0 and m->mallocing == 0, so it can be preempted mid-sweep`);
        return;
      }
    }
  }

  /** I2, I3 and I4 on every write of a span's sweepgen, I7 and ground truth on publication. */
  private sweepEvent(e: SweepEvent): void {
    const { span, value: v, H } = e;
    if (e.kind === 'acquire') {
      if (e.previousOwner) return this.violate('I3 (at most one owner per span)', `span ${hex(span)} acquired by ${this.who(e)} while owned by ${this.who(e.previousOwner)}`);
      if (this.flagUnlockedOwner) this.checkOwnerLocked(e.m, 'acquires it');
      return;
    }
    if (v === ((H - 1) >>> 0)) return this.violate('I3 (ownership only by CAS)', `span ${hex(span)} sweepgen set to H−1 (${v}) by a plain store`);
    if (e.kind === 'publish') {
      const sp = this.heap.span(span);
      if (v === H && sp.state === MSpanInUse) this.checkPublished(sp);
      return;
    }
    if (v !== H && v !== ((H - 2) >>> 0)) this.violate('I2 (sweepgen ∈ {H−2, H−1, H})', `span ${hex(span)} sweepgen set to ${v} while H = ${H}`);
  }

  /** I7 and ground truth on a span its sweeper just published. */
  private checkPublished(sp: SpanInfo): void {
    if (sp.sizeclass === 0) return;
    const { slots, cycleAt, strayAt } = this.heap.walkFreelist(sp);
    if (cycleAt !== undefined) return this.violate('freelist cycle', `span ${hex(sp.addr)}'s freelist loops back to slot ${hex(cycleAt)}`);
    if (strayAt !== undefined) return this.violate('freelist corrupt', `span ${hex(sp.addr)}'s freelist leaves the span at ${hex(strayAt)}`);
    const cap = this.heap.capacity(sp);
    for (let i = 0; i < cap; i++) {
      const p = sp.start + i * sp.elemsize;
      if (this.heap.bits(p).marked) return this.violate('I7 (no mark bits survive sweep)', `slot ${hex(p)} of span ${hex(sp.addr)} is still marked after its sweep`);
    }
    for (const p of slots) {
      const b = this.heap.bits(p);
      if (!b.allocated || b.scan) return this.violate('I7 (free slots are allocated-only)', `free slot ${hex(p)} of span ${hex(sp.addr)} has bits allocated=${+b.allocated} scan=${+b.scan}`);
      if (this.registry.has(p)) return this.violate('live object freed', `slot ${hex(p)} of span ${hex(sp.addr)} is on the freelist but its object is still reachable (allocated and not garbage at the last mark)`);
    }
  }

  /** I5: no span left unswept. */
  private checkAllSwept(invariant: string): void {
    const H = this.heap.H;
    for (const s of this.heap.spanAddrs()) {
      const sp = this.heap.span(s);
      if (sp.sweepgen !== H) {
        const owner = this.sweep.owners.get(s);
        return this.violate(invariant, `span ${hex(s)} has sweepgen ${sp.sweepgen} ≠ H ${H}${owner ? ` (being swept by ${this.who(owner)}, which is not running)` : ''}`);
      }
    }
  }

  /** G6: H += 2 with the world stopped; the moment to check the whole heap. */
  private heapGenerationChanged(): void {
    const H = this.heap.H;
    const old = this.lastH;
    this.lastH = H;
    if (H % 2 !== 0 || H !== ((old + 2) >>> 0)) return this.violate('I1 (H grows by 2)', `mheap.sweepgen went from ${old} to ${H}`);
    const running = this.vm.ps.filter((p) => this.vm.view.pStatus(p) !== PStatus.Gcstop);
    if (running.length) return this.violate('I1 (H changes only with the world stopped)', `H became ${H} while P${running[0].id} is not stopped`);
    if (this.sweep.owners.size) {
      const [span, o] = [...this.sweep.owners][0];
      return this.violate('I4 (no sweep in progress at G6)', `H advanced while span ${hex(span)} is still being swept by ${this.who(o)}`);
    }
    const midSweep = this.sweeperStoppedInside();
    if (midSweep) {
      return this.violate(
        'I4 (no sweep in progress at G6)',
        `H advanced while ${midSweep.who} is stopped inside MSpan_Sweep of span ${hex(midSweep.span)}: the span is published (sweepgen ${this.heap.span(midSweep.span).sweepgen}) but the objects that sweep freed are not linked back yet, so the span's ref and freelist disagree and the next sweep frees them again`,
      );
    }
    this.checkCounts();
    if (!this.vm.halted) this.collectGarbage();
  }

  /** A goroutine (not the GC's g0) with an MSpan_Sweep frame on its stack, and that frame's span. */
  private sweeperStoppedInside(): { who: string; span: number } | undefined {
    const meta = this.vm.code.funcs[this.fn.sweep];
    if (!meta) return undefined;
    for (const g of this.vm.gs) {
      if (g === this.vm.cur.exec) continue;
      const fr = g.frames.find((f) => f.fn === this.fn.sweep);
      if (!fr) continue;
      const who = g.isG0 ? `g0 of M${g.m?.id ?? '?'}` : `g${this.vm.goid(g)}`;
      return { who, span: this.vm.mem.u32[(fr.fp + meta.paramOffsets[0]) >>> 2] };
    }
    return undefined;
  }

  /** I8 and freelist sanity for every small in-use span, and each central's nfree. */
  private checkCounts(): void {
    const perCentral = new Map<number, number>();
    for (const s of this.heap.spanAddrs()) {
      const sp = this.heap.span(s);
      if (sp.state !== MSpanInUse || sp.sizeclass === 0) continue;
      const { slots, cycleAt, strayAt } = this.heap.walkFreelist(sp);
      if (cycleAt !== undefined) return this.violate('freelist cycle', `span ${hex(s)}'s freelist loops back to slot ${hex(cycleAt)}`);
      if (strayAt !== undefined) return this.violate('freelist corrupt', `span ${hex(s)}'s freelist leaves the span at ${hex(strayAt)}`);
      const cap = this.heap.capacity(sp);
      if (sp.ref !== cap - slots.length) {
        return this.violate('I8 (ref = capacity − free slots)', `span ${hex(s)} (class ${sp.sizeclass}) has ref ${sp.ref} but ${cap - slots.length} slots are not on its freelist (capacity ${cap}, ${slots.length} free)`);
      }
      perCentral.set(sp.sizeclass, (perCentral.get(sp.sizeclass) ?? 0) + slots.length);
    }
    for (const [cl, free] of perCentral) {
      const c = this.heap.centralAddr(cl);
      const nfree = this.vm.view.i32(c + this.heap.o.cNfree);
      const listed = [...this.heap.listSpans(c + this.heap.o.cNonempty, 100_000), ...this.heap.listSpans(c + this.heap.o.cEmpty, 100_000)];
      const onLists = listed.reduce((n, s) => n + this.heap.walkFreelist(this.heap.span(s)).slots.length, 0);
      if (nfree !== onLists) return this.violate('I8 (nfree = free slots of the central’s spans)', `central ${cl} has nfree ${nfree} but its spans hold ${onLists} free slots (${free} in all class-${cl} spans)`);
    }
  }

  // ---- ground truth ----
  private objectBase(p: number): number {
    const s = this.heap.spanOf(p);
    if (s === 0) return 0;
    const sp = this.heap.span(s);
    if (sp.state !== MSpanInUse) return 0;
    const size = sp.sizeclass === 0 ? sp.npages << PAGE_SHIFT : sp.elemsize;
    if (p < sp.start || p >= sp.start + (sp.npages << PAGE_SHIFT)) return 0;
    return sp.start + Math.floor((p - sp.start) / size) * size;
  }

  private allocated(p: number, noscan: boolean, sameCycle: boolean): void {
    const s = this.heap.spanOf(p);
    if (s !== 0 && sameCycle) {
      const sp = this.heap.span(s);
      if (sp.sweepgen !== this.heap.H) return this.violate('I6 (allocate only from swept spans)', `mallocgc returned ${hex(p)} from span ${hex(s)} whose sweepgen is ${sp.sweepgen}, not H ${this.heap.H}`);
    }
    const base = this.objectBase(p);
    if (base === 0) return;
    if (base === p && this.registry.has(base)) return this.violate('slot handed out twice', `mallocgc returned ${hex(p)}, which is still allocated to a live object`);
    if (!this.registry.has(base)) {
      const sp = this.heap.span(s);
      this.registry.set(base, { size: sp.sizeclass === 0 ? sp.npages << PAGE_SHIFT : sp.elemsize, noscan });
    }
  }

  /**
   * Conservative reachability from the roots the era's GC scans — data/bss and the stacks of
   * the goroutines (not g0) from their saved SP — and never more, so that "reachable" here
   * implies the runtime had to keep the object.
   */
  private collectGarbage(): void {
    const mem = this.vm.mem;
    const a0 = this.heap.arenaStart;
    const a1 = this.heap.arenaUsed;
    const reached = new Set<number>();
    const work: number[] = [];
    const consider = (w: number): void => {
      if (w < a0 || w >= a1) return;
      const base = this.objectBase(w);
      if (base === 0 || reached.has(base)) return;
      const obj = this.registry.get(base);
      if (!obj) return;
      reached.add(base);
      if (!obj.noscan) work.push(base);
    };
    const scan = (lo: number, hi: number): void => {
      for (let a = (lo + 3) & ~3; a + 4 <= hi; a += 4) consider(mem.u32[a >>> 2]);
    };
    scan(DATA_BASE, mem.layout.dataEnd);
    for (const g of this.vm.gs) {
      if (g.isG0 || g.frames.length === 0) continue;
      scan(g.frames[g.frames.length - 1].fp, g.stackHi);
    }
    // objects with finalizers survive this cycle and keep what they point to
    for (const s of this.heap.spanAddrs()) {
      const sp = this.heap.span(s);
      if (sp.state !== MSpanInUse) continue;
      for (const base of this.heap.finalizerObjects(sp)) {
        const obj = this.registry.get(base);
        if (obj && !reached.has(base)) {
          reached.add(base);
          work.push(base);
        }
      }
    }
    while (work.length) {
      const base = work.pop() as number;
      const obj = this.registry.get(base);
      if (obj) scan(base, base + obj.size);
    }
    for (const base of [...this.registry.keys()]) if (!reached.has(base)) this.registry.delete(base);
  }
}
