// Explorer steps: a machine listener that turns the VM's statements into the explorer's unit of
// interleaving — a run of purely local statements followed by one statement that touches shared
// memory (or scheduler state) — by pausing the machine before the statement after the first
// visible one. It records each step's access list (for dependence) and feeds the incremental
// memory hash (for state fingerprints). Local means: the executing goroutine's own stack. A step
// can also run on to the M's next yield (the search asks for that when it has no preemption
// left), counting the steps it stands for.
import type { Listener, Machine } from '../vm/machine';
import { ACCESS_WRITE as WRITE_FLAG } from '../vm/instantiate';
import type { Frame, Gor, Mach } from '../vm/threads';
import { A_READ as READ_KIND, A_WRITE as WRITE_KIND, SCHED_READERS, SCHED_WRITERS, SYS_WRITERS, W_OUTPUT, W_RUNQ, W_SCHED, W_SYS, type AccessList } from './access';

// Module-local copies of constants read on every memory access: unbundled (tests, benchmarks),
// a read of another module's export is a getter call.
const ACCESS_WRITE = WRITE_FLAG;
const A_READ = READ_KIND;
const A_WRITE = WRITE_KIND;

/** How a statement label is classified (by the builtin it calls, if any). */
const enum LabelClass { Plain = 0, SchedWrite = 1, SchedRead = 2, Sys = 3, Output = 4, Unlock = 5, StopWorld = 6, Yield = 7, Gosched = 8 }

/** Builtins that give up the M on purpose: switching away after them is not a preemption. */
const YIELDS: ReadonlySet<string> = new Set(['runtime·gosched', 'runtime·osyield', 'runtime·park']);

/** Large enough that a step only ends at a visible statement (or a block, or the program's end). */
export const STEP_LIMIT = 1_000_000;

/**
 * A run-on step also ends at the first point past this many statements, so that the search
 * checks its limits and Cancel often even while an M spins without yielding.
 */
const RUN_ON_STATEMENTS = 16_384;

export class EventTracker implements Listener {
  private buf = new Int32Array(1024);
  private len = 0;
  private visible = false;
  /** Explore mode: pause before the statement after a visible one. Off while replaying. */
  private pausing = false;
  /** The current step began with no other M runnable (it may span several visible statements). */
  private alone = false;
  /** Record access lists (off while replaying a known prefix). */
  private recording = false;
  private readonly classes: Int8Array[];
  /**
   * The current step runs on through visible statements until the M yields (or blocks, or the
   * program ends): the search has no preemption left, so no point before that offers a choice.
   */
  private runOn = false;
  /** The M's goroutine and state when the step began (a run-on step ends when either changes). */
  private startG: Gor | null = null;
  private startState = '';
  /** Statements the current step has begun. */
  private statements = 0;
  /**
   * Writes recorded so far (shared words and scheduler pseudo-words). Whatever lets another M
   * run is one: a lock or note word (unlock and notewakeup record a write of their own besides
   * it, so one on the waker's stack counts too), stopwait, a goroutine made ready. `aloneAt` is
   * the count when no other M could run: a step running alone asks again only after a write.
   */
  private writes = 0;
  private aloneAt = -1;
  /** The explorer steps (as a step that does not run on would take them) the last step stands for. */
  spanned = 1;
  /** The last step yielded the M (gosched, osyield, park, a goroutine switch, a block): switching away is free. */
  yielded = false;
  private readonly sg0: number;
  /** The word of sched.gcwaiting, in a gosched's access list (it decides whether to stop for GC). */
  private readonly gcwaitingWord: number;

  constructor(
    private readonly vm: Machine,
  ) {
    this.sg0 = vm.code.offsets.G.stackguard0;
    const sched = vm.code.offsets.sched;
    this.gcwaitingWord = (sched.addr + sched.gcwaiting) >>> 2;
    this.classes = vm.code.funcs.map((f) =>
      Int8Array.from(f.labels, (l) => (l.kind === 'builtin' && l.builtin ? classify(l.builtin) : LabelClass.Plain)),
    );
  }

  /**
   * Runs M `m` for one explorer step: local statements up to and including one visible
   * statement — or, with `runOn`, up to the one after which the M yields. Returns the
   * statements it ran; the step's accesses are in `accesses()`.
   */
  step(m: Mach, runOn = false): number {
    this.begin(true);
    this.runOn = runOn;
    this.spanned = 1;
    this.statements = 0;
    this.aloneAt = -1;
    this.alone = !this.othersRunnable(m);
    const before = m.curg;
    const state = m.state;
    this.startG = before;
    this.startState = state;
    const used = this.vm.step(m, STEP_LIMIT);
    this.finish(m, before, state);
    return used;
  }

  /** Replays `n` statements of M `m` exactly (a known prefix); records accesses only if asked. */
  replay(m: Mach, n: number, record: boolean): number {
    this.begin(false, record);
    const before = m.curg;
    const state = m.state;
    const used = this.vm.step(m, n);
    if (record) this.finish(m, before, state);
    this.recording = false;
    return used;
  }

  /** The access list of the last step (a copy the caller may keep). */
  accesses(): AccessList {
    return this.buf.slice(0, this.len);
  }

  /** The last step's access list in place: valid until the next step. */
  get buffer(): Int32Array {
    return this.buf;
  }
  get length(): number {
    return this.len;
  }

  private begin(pausing: boolean, record = true): void {
    this.len = 0;
    this.runOn = false;
    this.yielded = false;
    this.visible = false;
    this.pausing = pausing;
    this.recording = record;
  }

  private finish(m: Mach, before: Gor | null, state: string): void {
    this.pausing = false;
    if (m.curg !== before || m.state !== state) {
      this.sched(A_WRITE);
      this.yielded = true;
    }
    const b = m.block;
    if (b) {
      this.yielded = true;
      if (b.k === 'lock') this.push(b.addr >>> 2, A_WRITE);
      else if (b.k === 'note') this.push(b.addr >>> 2, A_READ);
      else this.push(W_SCHED, A_READ);
    }
    this.recording = false;
  }

  private push(word: number, kind: number): void {
    if (kind === A_WRITE) this.writes++;
    if (!this.recording) return;
    if (this.len + 2 > this.buf.length) {
      const n = new Int32Array(this.buf.length * 2);
      n.set(this.buf);
      this.buf = n;
    }
    this.buf[this.len++] = word;
    this.buf[this.len++] = kind;
  }

  private sched(kind: number): void {
    this.push(W_RUNQ, kind);
    this.push(W_SCHED, kind);
    this.visible = true;
  }

  private preemptWord(g: Gor): number {
    return (g.addr + this.sg0) >>> 2;
  }

  // ---- listener ----
  onAccess(addr: number, size: number, flags: number, m: Mach): void {
    const g = m.exec;
    if (addr >= g.stackLo && addr < g.stackHi) return; // the goroutine's own stack: local
    const write = (flags & ACCESS_WRITE) !== 0;
    const first = addr >>> 2;
    const last = (addr + size - 1) >>> 2;
    for (let w = first; w <= last; w++) this.push(w, write ? A_WRITE : A_READ);
    this.visible = true;
  }

  onStatement(m: Mach, fr: Frame, label: number): boolean {
    // the step ends after its visible statement, unless it began with no other M runnable and
    // none is yet: points with one runnable M offer no choice, so the M's visible statements up
    // to the one that lets another M run form one step (not across a yield, which frees the
    // point after it)
    if (this.pausing && this.visible) {
      // whether another M can run, when the step began alone (asked at most once here)
      const others = this.alone && !this.yielded ? this.othersRunnable(m) : null;
      if (others !== false) {
        // (a goroutine switch or an M state change since the step began is a yield: finish())
        if (this.yielded || !this.runOn || m.curg !== this.startG || m.state !== this.startState || this.statements >= RUN_ON_STATEMENTS) return true;
        // where a step would have ended: the next one begins here
        this.spanned++;
        this.visible = false;
        this.alone = !(others ?? this.othersRunnable(m));
      }
    }
    this.statements++;
    this.classifyStatement(m, fr, label);
    return false;
  }

  /** Can an M other than m run now? (Not asked again while nothing was written since it could not.) */
  private othersRunnable(m: Mach): boolean {
    if (this.writes === this.aloneAt) return false;
    for (const x of this.vm.ms) if (x !== m && this.vm.isRunnable(x)) return true;
    this.aloneAt = this.writes;
    return false;
  }

  onResumed(m: Mach, fr: Frame, label: number): void {
    this.classifyStatement(m, fr, label);
  }

  onCall(m: Mach, fr: Frame): void {
    // a non-NOSPLIT prologue reads (and may reset) the goroutine's preemption request
    if (this.vm.code.funcs[fr.fn].nosplit || m.exec.isG0) return;
    this.push(this.preemptWord(m.exec), A_WRITE);
    this.visible = true;
  }

  onPreempt(g: Gor): void {
    this.push(this.preemptWord(g), A_WRITE);
    this.sched(A_WRITE);
    this.yielded = true;
  }

  /**
   * runtime·gosched puts its goroutine at the tail of the run queue and runs the head. With the
   * queue empty and no GC waiting, the head is the goroutine itself: the queue and the M are as
   * they were, and all that changed is the goroutine's preemption request (cleared). So it only
   * reads the scheduler state — two such goscheds on different Ms commute — while anything that
   * puts a goroutine on the queue, or stops the world, still conflicts with it.
   */
  private gosched(m: Mach): void {
    if (this.vm.runq.length !== 0 || this.vm.view.gcwaiting() !== 0) {
      this.sched(A_WRITE);
      return;
    }
    this.sched(A_READ);
    this.push(this.gcwaitingWord, A_READ);
    this.push(this.preemptWord(m.exec), A_WRITE);
  }

  private classifyStatement(m: Mach, fr: Frame, label: number): void {
    const c = this.classes[fr.fn][label];
    if (c === LabelClass.Plain) return;
    switch (c) {
      case LabelClass.SchedWrite: this.sched(A_WRITE); break;
      case LabelClass.Yield:
        this.sched(A_WRITE);
        this.yielded = true;
        break;
      case LabelClass.Gosched:
        this.gosched(m);
        this.yielded = true;
        break;
      case LabelClass.SchedRead: this.sched(A_READ); break;
      case LabelClass.Sys: this.push(W_SYS, A_WRITE); break;
      case LabelClass.Output: this.push(W_OUTPUT, A_WRITE); break;
      case LabelClass.Unlock: this.push(this.preemptWord(m.exec), A_WRITE); break;
      case LabelClass.StopWorld:
        this.sched(A_WRITE);
        for (const g of this.vm.gs) if (!g.isG0) this.push(this.preemptWord(g), A_WRITE);
        break;
    }
    this.visible = true;
  }
}

function classify(builtin: string): LabelClass {
  if (builtin === 'runtime·stoptheworld' || builtin === 'runtime·starttheworld') return LabelClass.StopWorld;
  if (builtin === 'runtime·gosched') return LabelClass.Gosched;
  if (YIELDS.has(builtin)) return LabelClass.Yield;
  if (SCHED_WRITERS.has(builtin)) return LabelClass.SchedWrite;
  if (SCHED_READERS.has(builtin)) return LabelClass.SchedRead;
  if (SYS_WRITERS.has(builtin)) return LabelClass.Sys;
  if (builtin === 'runtime·printf') return LabelClass.Output;
  if (builtin === 'runtime·unlock') return LabelClass.Unlock;
  return LabelClass.Plain;
}
