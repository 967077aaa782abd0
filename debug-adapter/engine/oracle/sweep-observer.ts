// Watches the sweepgen protocol as it happens: every write of a span's sweepgen (the CAS that
// makes a goroutine the span's owner, the store that publishes it, the heap's own stamps), the
// sweep path P1–P8 of go-2014-sweep.md §3 the writer is on (read from its call stack), and
// whether the owner could be preempted at that moment (the newstack test of §4). The debugger's
// sweepgen and race-window filters and the per-path tests are built on it.
import { ACCESS_ATOMIC, ACCESS_WRITE as WRITE_FLAG } from '../vm/instantiate';
import type { Listener, Machine } from '../vm/machine';
import { type Gor, GStatus, type Mach, PStatus } from '../vm/threads';
import { HeapView } from './heap-view';

// A module-local copy of a constant read on every memory access: unbundled (tests, benchmarks),
// a read of another module's export is a getter call.
const ACCESS_WRITE = WRITE_FLAG;

export type SweepPath = 'P1' | 'P2' | 'P3' | 'P4' | 'P5' | 'P6' | 'P7' | 'P8';

export interface SweepEvent {
  /** acquire: CAS H−2→H−1; publish: the owner's store of H; stamp: any other write. */
  kind: 'acquire' | 'publish' | 'stamp';
  span: number;
  value: number;
  H: number;
  atomic: boolean;
  m: Mach;
  g: Gor;
  path?: SweepPath;
  /** The newstack test at this moment: could this goroutine be preempted at its next prologue? */
  preemptible: boolean;
  step: number;
  /** For an acquire: who owned the span already (a second owner breaks I3). */
  previousOwner?: Ownership;
}

export interface Ownership {
  g: Gor;
  m: Mach;
  path?: SweepPath;
  since: number;
}

/** What a SweepObserver knows, with goroutines and Ms as ids (a machine restore makes new objects). */
export interface SweepObserverState {
  owners: [span: number, g: number, m: number, path: SweepPath | undefined, since: number][];
  afterG6: boolean;
}

export class SweepObserver implements Listener {
  readonly heap: HeapView;
  readonly owners = new Map<number, Ownership>();
  private sweepgenAddr = new Map<number, number>();
  /** The span table (mheap.allspans, mheap.nspan) `sweepgenAddr` was built from (−1: rebuild). */
  private knownSpans = -1;
  private knownCount = -1;
  private afterG6 = false;
  private readonly gcFn: number;

  constructor(
    private readonly vm: Machine,
    private readonly onEvent: (e: SweepEvent) => void,
  ) {
    this.heap = new HeapView(vm);
    this.gcFn = vm.code.funcs.findIndex((f) => f.name === 'gc');
  }

  capture(): SweepObserverState {
    return { owners: [...this.owners].map(([span, o]) => [span, o.g.id, o.m.id, o.path, o.since]), afterG6: this.afterG6 };
  }

  /** Back to a captured state, after the machine was restored to the moment of the capture. */
  restore(s: SweepObserverState): void {
    this.owners.clear();
    for (const [span, g, m, path, since] of s.owners) this.owners.set(span, { g: this.vm.gs[g], m: this.vm.ms[m], path, since });
    this.afterG6 = s.afterG6;
    this.knownSpans = -1; // the span table is read again
  }

  /** Is addr the sweepgen field of a span? Returns the span's address. */
  spanOfSweepgen(addr: number): number | undefined {
    this.refresh();
    return this.sweepgenAddr.get(addr);
  }

  private refresh(): void {
    // numbers, not a string key: this runs on every write the oracle sees
    const spans = this.heap.w(this.heap.o.heap + this.heap.o.allspans);
    const count = this.heap.w(this.heap.o.heap + this.heap.o.nspan);
    if (spans === this.knownSpans && count === this.knownCount) return;
    this.knownSpans = spans;
    this.knownCount = count;
    this.sweepgenAddr = new Map(this.heap.spanAddrs().map((s) => [s + this.heap.o.span.sweepgen, s]));
  }

  /** Told by whoever forwards accesses that the heap's H was written (G6). */
  heapGenerationWritten(): void {
    this.afterG6 = true;
  }

  onReturn(_m: Mach, fr: { fn: number }): void {
    if (fr.fn === this.gcFn) this.afterG6 = false;
  }

  onAccess(addr: number, _size: number, flags: number, m: Mach): void {
    if ((flags & ACCESS_WRITE) === 0) return;
    if (addr === this.heap.hAddr) {
      this.heapGenerationWritten();
      return;
    }
    const span = this.spanOfSweepgen(addr);
    if (span === undefined) return;
    const H = this.heap.H;
    const value = this.heap.w(addr);
    const g = m.exec;
    const atomic = (flags & ACCESS_ATOMIC) !== 0;
    const owner = this.owners.get(span);
    let kind: SweepEvent['kind'] = 'stamp';
    let path: SweepPath | undefined;
    let previousOwner: Ownership | undefined;
    if (atomic && value === ((H - 1) >>> 0)) {
      kind = 'acquire';
      path = this.classify(g);
      previousOwner = owner;
      this.owners.set(span, { g, m, path, since: this.vm.stepsNow() });
    } else if (owner && (value === H || value === ((H - 2) >>> 0))) {
      kind = 'publish';
      path = owner.path;
      this.owners.delete(span);
    }
    this.onEvent({ kind, span, value, H, atomic, m, g, path, preemptible: this.preemptible(m, g), step: this.vm.stepsNow(), previousOwner });
  }

  /** The newstack conditions of the era (§4): would a preemption request be honoured now? */
  preemptible(m: Mach, g: Gor): boolean {
    const o = this.vm.code.offsets;
    const v = this.vm.view;
    if (g.isG0) return false;
    return (
      v.i32(m.addr + o.M.locks) === 0 &&
      v.i32(m.addr + o.M.mallocing) === 0 &&
      v.i32(m.addr + o.M.gcing) === 0 &&
      v.gStatus(g) === GStatus.Running &&
      m.p !== null &&
      v.pStatus(m.p) === PStatus.Running
    );
  }

  /** Which sweep path a goroutine is on, from the functions on its stack (innermost last). */
  classify(g: Gor): SweepPath | undefined {
    const names = new Set(g.frames.map((f) => this.vm.code.funcs[f.fn].name));
    const has = (n: string) => names.has(n) || names.has(`runtime·${n}`);
    if (has('SetFinalizer')) return 'P8';
    if (has('profilealloc') || has('MProf_Malloc') || has('setprofilebucket')) return 'P7';
    if (has('free') && has('MSpan_EnsureSwept')) return 'P6';
    if (has('MHeap_ReclaimList') || has('MHeap_Reclaim')) return 'P5';
    if (has('MCentral_AllocList')) return 'P4';
    if (has('bgsweep')) return 'P1';
    if (has('gc') && has('sweepone')) return this.afterG6 ? 'P3' : 'P2';
    return undefined;
  }
}
