// The virtual machine: simulated memory, Ms/Gs/Ps, the dispatcher that runs compiled functions
// for one M at a time, and the run loop that asks a strategy (or a recorded schedule) which M
// runs next and for how many steps (its run log and the replay of a recorded one are in
// run-log.ts). It knows nothing of DAP; the debugger, the oracle and the explorer observe it
// through listeners and drive it through run()/step().
import type { FunctionLocation, Outcome, RunOptions, RunResult } from '../api';
import type { Halt, Listener, LoadedProgram, SchedulerState } from './machine-types';
import { makeBuiltins } from './builtins-impl';
import type { CompiledCode } from './compile';
import type { Type } from '../lang/types';
import { instantiate, type AccessSink, type CompiledFn } from './instantiate';
import { DATA_BASE, FUNC_BASE, FUNC_STRIDE, Memory, SimFault, STACK_GUARD, STACK_SIZE, hex, makeLayout } from './memory';
import { makeStrategy, type Strategy } from './strategies';
import { Arena, Frame, GStatus, Gor, Mach, PStatus, Proc, StackPreempt, StructView } from './threads';
import { RunLog } from './run-log';
import type { ReadonlyLog } from './chunked-log';
import { MachineState } from './snapshot';

export type { Halt, Listener, LoadedProgram, SchedulerState } from './machine-types';

const DEFAULT_MAX_STEPS = 10_000_000;
const LIVELOCK_SPINS = 20_000;
/** Steps a lone runnable M may run in one go (its run ends early if it wakes another M). */
const SOLO_RUN = 20_000;

export class Machine implements AccessSink {
  readonly mem: Memory;
  readonly view: StructView;
  readonly arena: Arena;
  readonly code: CompiledCode;
  private fast: CompiledFn[];
  private instrumented: CompiledFn[] | null = null;
  private active: CompiledFn[];
  private readonly builtins: ((...args: never[]) => unknown)[];

  // registers the compiled code reads and writes
  slice = 0;
  rv: number | bigint = 0;
  yielded = 0;
  mAddr = 0;
  gAddr = 0;
  gsg0 = 0;
  stmtHook: ((fr: Frame, label: number) => boolean) | null = null;
  callHook: ((fr: Frame) => void) | null = null;

  // scheduler state
  readonly ms: Mach[] = [];
  readonly gs: Gor[] = [];
  readonly ps: Proc[] = [];
  readonly gByAddr = new Map<number, Gor>();
  runq: Gor[] = [];
  semaWaiters = new Map<number, Gor[]>();
  cur: Mach;
  mainG: Gor;
  nextGoid = 1;
  sysAllocTop: number;
  steps = 0;
  endRun = false;
  /** endRun was set by othersMayRun to cut a long solo run short (not by a yield). */
  cutShort = false;
  /** The steps the current run may take (runSteps' n, less what a cut-short run left). */
  private runBudget = 0;
  /** Instrumented code: the statements this run has begun (the statement hook counts them). */
  private stepsInRun = 0;
  /** A goroutine scheduled during the current dispatch: its time slice starts when the dispatch returns. */
  private scheduledInRun: Gor | null = null;
  /**
   * Per function, per label: 1 where a frame that stopped there stands between two statements
   * (a statement's or a builtin's step label). Not the function's end label, which takes no
   * step: falling off the end returns into the caller's statement.
   */
  private readonly betweenStatements: Uint8Array[];
  /** The running M is the only runnable one: its run is long, and ends when it wakes another M. */
  soloRun = false;
  spinCount = 0;
  /** The running M's goroutine called runtime·gosched during this run (a yield, for PCT). */
  goschedInRun = false;
  halted: Halt | null = null;
  output = '';
  /** The run log (every run as M and steps) and the replay of a recorded schedule. */
  readonly log: RunLog;
  /** The run log's pairs (M id, steps). */
  get switches(): ReadonlyLog {
    return this.log.switches;
  }
  /** The era's sysmon time slice in steps (0 = off): the option, else what a replayed schedule was recorded with. */
  readonly sysmonSteps: number;
  readonly maxSteps: number;
  readonly gomaxprocs: number;
  private readonly strategy: Strategy;
  /** A run a listener paused: run() finishes it before choosing again, so pauses never change the schedule. */
  private interrupted: { m: Mach; left: number } | null = null;
  private readonly listeners: Listener[] = [];
  private readonly options: RunOptions;

  constructor(
    readonly program: LoadedProgram,
    options: RunOptions = {},
  ) {
    this.options = options;
    this.code = program.code;
    this.gomaxprocs = Math.max(1, Math.min(options.gomaxprocs ?? 2, 64));
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.sysmonSteps = options.sysmonSteps ?? options.schedule?.sysmonSteps ?? 0;
    const layout = makeLayout(this.code.dataSize, 16 << 20, 64);
    this.mem = new Memory(layout);
    this.mem.map(DATA_BASE, this.code.dataSize);
    this.mem.u8.set(this.code.dataImage, DATA_BASE);
    this.mem.markWritten(DATA_BASE, this.code.dataImage.length);
    this.sysAllocTop = layout.heapBase;
    this.view = new StructView(this.mem, this.code.offsets);
    this.arena = new Arena(this.mem, layout.structEnd, layout.stackEnd, layout.structBase, layout.stackBase);
    this.builtins = makeBuiltins(this);
    this.fast = instantiate(this.code.fastSource, false, this.mem, this.builtins, this);
    this.active = this.fast;
    this.betweenStatements = this.code.funcs.map((f) =>
      Uint8Array.from(f.labels, (l, i) => ((l.kind === 'stmt' || l.kind === 'builtin') && i !== f.labels.length - 1 ? 1 : 0)),
    );
    this.strategy = makeStrategy(options.strategy ?? 'roundrobin', options.seed ?? 1, options.pctDepth ?? 3);
    this.log = new RunLog(this, this.code.funcs.map((f) => f.name), options.schedule);
    // bootstrap: Ps, M0 with P0, the main goroutine
    for (let i = 0; i < this.gomaxprocs; i++) {
      const addr = this.arena.allocStruct(this.code.offsets.P.size);
      const p = new Proc(i, addr);
      this.view.set32(addr + this.code.offsets.P.id, i);
      this.view.setPStatus(p, PStatus.Idle);
      this.ps.push(p);
    }
    this.cur = this.newM();
    this.acquireP(this.cur, this.ps[0]);
    this.mainG = this.spawn(this.code.entry, []);
    this.runq = this.runq.filter((g) => g !== this.mainG);
    this.execute(this.cur, this.mainG);
    this.setRegisters(this.cur);
  }

  // ---- listeners ----
  listen(l: Listener): () => void {
    this.listeners.push(l);
    this.refreshHooks();
    return () => {
      const i = this.listeners.indexOf(l);
      if (i >= 0) this.listeners.splice(i, 1);
      this.refreshHooks();
    };
  }
  private returnListeners = 0;
  private stmtListeners: Listener[] = [];
  private accessListeners: Listener[] = [];
  /**
   * The statement about to run, or running (instrumented code): its frame and label. Kept here,
   * two stores per statement, so that a listener reporting from inside a statement (the oracle)
   * needs no statement hook of its own.
   */
  hereFrame: Frame | null = null;
  hereLabel = 0;
  /** Set when a listener stopped the machine before a statement; run() returns. */
  paused: { m: Mach; frame: Frame; label: number; reason: string } | null = null;
  private pauseRequest: string | null = null;
  private resumeSkip: { m: Mach; frame: Frame; label: number } | null = null;
  private refreshHooks(): void {
    this.returnListeners = this.listeners.filter((l) => l.onReturn).length;
    const needs = this.listeners.some((l) => l.onAccess || l.onStatement || l.onCall || l.onReturn);
    if (needs && !this.instrumented) this.instrumented = instantiate(this.code.instrumentedSource, true, this.mem, this.builtins, this);
    this.active = needs && this.instrumented ? this.instrumented : this.fast;
    this.stmtListeners = this.listeners.filter((l) => l.onStatement);
    this.accessListeners = this.listeners.filter((l) => l.onAccess);
    // the same two functions every time: the compiled code's call sites stay monomorphic when
    // listeners come and go (the explorer attaches a fresh oracle to every execution)
    this.stmtHook = needs ? this.boundStatementHook : null;
    this.callListeners = this.listeners.filter((l) => l.onCall);
    this.callHook = this.callListeners.length ? this.boundCallHook : null;
  }
  private callListeners: Listener[] = [];
  private readonly boundStatementHook = (fr: Frame, label: number): boolean => this.statementHook(fr, label);
  private readonly boundCallHook = (fr: Frame): void => {
    for (const l of this.callListeners) l.onCall?.(this.cur, fr);
  };
  access(addr: number, size: number, flags: number): void {
    const ls = this.accessListeners;
    const m = this.cur;
    for (let i = 0; i < ls.length; i++) ls[i].onAccess?.(addr, size, flags, m);
  }
  get listening(): boolean {
    return this.listeners.length > 0;
  }
  emitPreemptRequest(g: Gor, by: string): void {
    for (const l of this.listeners) l.onPreemptRequest?.(g, by);
  }

  // ---- threads ----
  newM(): Mach {
    const o = this.code.offsets;
    const addr = this.arena.allocStruct(o.M.size);
    const g0 = this.newG(true);
    const m = new Mach(this.ms.length, addr, g0);
    g0.m = m;
    this.view.set32(addr + o.M.id, m.id);
    this.view.set32(addr + o.M.g0, g0.addr);
    this.view.set32(g0.addr + o.G.m, addr);
    this.view.setGStatus(g0, GStatus.Running);
    this.ms.push(m);
    return m;
  }

  newG(isG0: boolean): Gor {
    const o = this.code.offsets.G;
    const addr = this.arena.allocStruct(this.code.offsets.G.size);
    const lo = this.arena.allocStack();
    const hi = lo + STACK_SIZE;
    const g = new Gor(this.gs.length, addr, lo, hi, isG0);
    this.gs.push(g);
    this.gByAddr.set(addr, g);
    this.view.set32(addr + o.stack0, lo);
    this.view.set32(addr + o.stackbase, hi);
    this.view.set32(addr + o.stackguard, lo + STACK_GUARD);
    this.view.set32(addr + o.stackguard0, lo + STACK_GUARD);
    this.view.set32(addr + o.sched_sp, hi);
    const goid = isG0 ? 0 : this.nextGoid++;
    this.view.set32(addr + o.goid, goid);
    return g;
  }

  goid(g: Gor): number {
    return this.view.u32(g.addr + this.code.offsets.G.goid);
  }

  /** `go f(args)`: a new runnable goroutine whose first frame runs f. */
  spawn(fn: number, args: (number | bigint)[]): Gor {
    const g = this.newG(false);
    const meta = this.code.funcs[fn];
    const fr = this.pushFrame(g, fn);
    meta.paramTypes.forEach((t, i) => this.storeTyped(fr.fp + meta.paramOffsets[i], t, args[i] ?? 0));
    this.view.setGStatus(g, GStatus.Runnable);
    this.runq.push(g);
    this.wakep();
    return g;
  }

  /** Stores a value of a scalar type (used where no compiled code does it). */
  storeTyped(addr: number, t: Type, v: number | bigint): void {
    if (t.k === 'int' && t.size === 8) this.mem.store64(addr, BigInt(v));
    else this.mem.store(addr, t.k === 'int' ? (t.size as 1 | 2 | 4) : t.k === 'bool' ? 1 : 4, Number(v));
  }

  private pushFrame(g: Gor, fn: number): Frame {
    const meta = this.code.funcs[fn];
    const top = g.frames.length ? g.frames[g.frames.length - 1].fp : g.stackHi;
    const fp = (top - meta.frameSize) & ~7;
    if (fp < g.stackLo + STACK_GUARD) {
      throw new SimFault(`stack overflow: goroutine ${this.goid(g)} has no room for a frame of ${meta.name} (${g.frames.length} frames deep, stack [${hex(g.stackLo)}, ${hex(g.stackHi)}))`);
    }
    const fr = new Frame(fn, fp, meta.temps);
    g.frames.push(fr);
    return fr;
  }

  /** Called by compiled code: pushes the callee's frame on the current goroutine. */
  call(fn: number): Frame {
    return this.pushFrame(this.cur.exec, fn);
  }

  funcIndex(ptr: number): number {
    const i = (ptr - FUNC_BASE) / FUNC_STRIDE;
    if (!Number.isInteger(i) || i < 0 || i >= this.code.funcs.length) {
      throw new SimFault(ptr === 0 ? 'call through a nil function pointer' : `call through an invalid function pointer ${hex(ptr)}`);
    }
    return i;
  }

  /** Called by compiled code when a function returns (value in rv). */
  ret(fr: Frame): void {
    const m = this.cur;
    const g = m.exec;
    if (this.returnListeners > 0) for (const l of this.listeners) l.onReturn?.(m, fr);
    g.frames.pop();
    if (g.frames.length > 0) return;
    if (g.isG0) {
      // runtime·mcall's function returned: back to the goroutine that called it
      m.exec = m.curg ?? m.g0;
      this.setRegisters(m);
      return;
    }
    if (g === this.mainG) {
      this.halt({ outcome: 'exit', message: 'main returned', m, g });
      return;
    }
    this.view.setGStatus(g, GStatus.Dead);
    this.arena.freeStack(g.stackLo);
    g.m = null;
    m.curg = null;
    this.schedule(m);
  }

  setRegisters(m: Mach): void {
    this.cur = m;
    this.mAddr = m.addr;
    this.gAddr = m.exec.addr;
    this.gsg0 = (m.exec.addr + this.code.offsets.G.stackguard0) >>> 2;
  }

  /** The newstack test at a non-NOSPLIT prologue whose stackguard0 says StackPreempt. */
  prologue(fr: Frame, body: number): boolean {
    const m = this.cur;
    const g = m.exec;
    const o = this.code.offsets;
    if (g.isG0) throw new SimFault('runtime: preempt g0', 'throw');
    const p = m.p;
    const blocked =
      this.view.i32(m.addr + o.M.locks) !== 0 ||
      this.view.i32(m.addr + o.M.mallocing) !== 0 ||
      this.view.i32(m.addr + o.M.gcing) !== 0 ||
      this.view.gStatus(g) !== GStatus.Running ||
      p === null ||
      this.view.pStatus(p) !== PStatus.Running;
    if (blocked) {
      this.view.set32(g.addr + o.G.stackguard0, this.view.u32(g.addr + o.G.stackguard));
      this.othersMayRun(); // a stop-the-world waiter may want to re-issue preemptall
      if (!this.endRun) return false;
      fr.pc = body; // end the run here; the body starts when this M runs again
      return true;
    }
    fr.pc = body;
    for (const l of this.listeners) l.onPreempt?.(g, m);
    this.deschedule(m, GStatus.Runnable);
    this.runq.push(g);
    this.schedule(m);
    return true;
  }

  /** Takes the current goroutine off its M (it keeps its frames). */
  deschedule(m: Mach, status: GStatus): Gor {
    const g = m.curg as Gor;
    const top = g.frames[g.frames.length - 1];
    this.view.set32(g.addr + this.code.offsets.G.sched_sp, top ? top.fp : g.stackHi);
    this.view.setGStatus(g, status);
    this.view.set32(g.addr + this.code.offsets.G.m, 0);
    this.view.set32(m.addr + this.code.offsets.M.curg, 0);
    g.m = null;
    m.curg = null;
    m.exec = m.g0;
    return g;
  }

  execute(m: Mach, g: Gor): void {
    const o = this.code.offsets;
    m.curg = g;
    m.exec = g;
    m.state = 'running';
    g.m = m;
    // its time slice starts now; inside a run the count is only known once the compiled code
    // returns to the dispatcher (it does right after scheduling), which sets it then
    g.since = m.ran + this.runBudget - this.slice;
    this.scheduledInRun = g;
    this.view.setGStatus(g, GStatus.Running);
    this.view.set8(g.addr + o.G.preempt, 0);
    this.view.set32(g.addr + o.G.stackguard0, this.view.u32(g.addr + o.G.stackguard));
    this.view.set32(g.addr + o.G.m, m.addr);
    this.view.set32(m.addr + o.M.curg, g.addr);
    if (this.cur === m) this.setRegisters(m);
  }

  /** The era's schedule(): stop for GC, run the next goroutine, or release the P and idle. */
  schedule(m: Mach): void {
    if (this.view.mLocks(m) !== 0) throw new SimFault('schedule: holding locks', 'throw');
    const p = m.p;
    if (!p) {
      m.state = 'idle';
      return;
    }
    if (this.view.gcwaiting()) {
      this.gcstopm(m);
      return;
    }
    const g = this.runq.shift();
    if (!g) {
      this.releaseP(m);
      m.state = 'idle';
      return;
    }
    this.execute(m, g);
  }

  gcstopm(m: Mach): void {
    this.othersMayRun();
    const p = m.p as Proc;
    this.view.setPStatus(p, PStatus.Gcstop);
    this.view.setStopwait(this.view.stopwait() - 1);
    m.lastP = p;
    this.detachP(m);
    m.state = 'gcstop';
    m.exec = m.g0;
  }

  acquireP(m: Mach, p: Proc): void {
    const o = this.code.offsets;
    m.p = p;
    p.m = m;
    this.view.setPStatus(p, PStatus.Running);
    this.view.set32(m.addr + o.M.p, p.addr);
    this.view.set32(p.addr + o.P.m, m.addr);
    if (o.M.mcache >= 0 && o.P.mcache >= 0) this.view.set32(m.addr + o.M.mcache, this.view.u32(p.addr + o.P.mcache));
  }
  private detachP(m: Mach): void {
    const o = this.code.offsets;
    const p = m.p;
    if (!p) return;
    p.m = null;
    m.p = null;
    this.view.set32(m.addr + o.M.p, 0);
    this.view.set32(p.addr + o.P.m, 0);
  }
  releaseP(m: Mach): void {
    const p = m.p;
    if (!p) return;
    this.view.setPStatus(p, PStatus.Idle);
    this.detachP(m);
  }

  /** Something another M may be waiting for happened: a long solo run must end here. */
  othersMayRun(): void {
    if (this.soloRun) {
      this.endRun = true;
      this.cutShort = true;
    }
  }

  /** Starts Ms for runnable goroutines while Ps are idle (wakep/startm/newm). */
  wakep(): void {
    if (this.view.gcwaiting()) return;
    for (;;) {
      const starting = this.ms.filter((m) => m.state === 'sched' && m.p !== null).length;
      if (this.runq.length <= starting) return;
      const p = this.ps.find((x) => x.m === null && this.view.pStatus(x) === PStatus.Idle);
      if (!p) return;
      const m = this.ms.find((x) => x.state === 'idle' && x.p === null) ?? this.newM();
      this.acquireP(m, p);
      m.state = 'sched';
      this.othersMayRun();
    }
  }

  // ---- the run loop ----
  isRunnable(m: Mach): boolean {
    if (m.state === 'sched') return true;
    if (m.state !== 'running') return false;
    const b = m.block;
    if (!b) return true;
    switch (b.k) {
      case 'lock': return this.mem.u32[b.addr >>> 2] === 0;
      case 'note': return this.mem.u32[b.addr >>> 2] !== 0;
      case 'stw': return this.view.stopwait() <= 0 || this.preemptWouldHelp(m);
    }
  }

  /** While stopping the world: would re-issuing preemptall change anything now? */
  preemptWouldHelp(self: Mach): boolean {
    const o = this.code.offsets.G;
    for (const p of this.ps) {
      const m = p.m;
      if (!m || m === self || this.view.pStatus(p) !== PStatus.Running) continue;
      const g = m.curg;
      if (g && m.exec === g && this.view.u32(g.addr + o.stackguard0) !== StackPreempt) return true;
    }
    return false;
  }

  /** preemptall: asks the goroutine running on every other running P to stop. */
  preemptall(self: Mach, by: string): void {
    for (const p of this.ps) {
      const m = p.m;
      if (!m || m === self || this.view.pStatus(p) !== PStatus.Running) continue;
      const g = m.curg;
      if (!g || m.exec !== g) continue;
      this.view.preemptRequest(g);
      this.emitPreemptRequest(g, by);
    }
  }

  /**
   * Runs M m for at most n steps (at least one dispatch); returns the steps it took. A run
   * ends between two statements: when its count runs out, or a long solo run is cut short,
   * the statement in progress finishes first (the rest of it after a yielding builtin, a
   * callee's entry up to its first statement, the caller's rest after a return), so a run
   * ended by count anywhere leaves the machine as the recorded run did. It ends where it
   * stands only when the M cannot go on (blocked, parked, another goroutine, a yield).
   */
  runSteps(m: Mach, n: number): number {
    this.slice = 0;
    this.runBudget = 0;
    if (m.state === 'sched') {
      this.setRegisters(m);
      this.schedule(m);
      if ((m.state as string) !== 'running') return 0;
    }
    if (this.scheduledInRun !== null) this.startTimeSlice(m);
    if (m.block) m.block = null; // runnable: the blocked builtin retries
    // with sysmon on, a run ends when the goroutine's time slice does, so sysmon can ask it to stop
    const timeSlice = this.sysmonSteps;
    if (timeSlice > 0 && m.curg) n = Math.min(n, Math.max(1, timeSlice - (m.ran - m.curg.since)));
    this.setRegisters(m);
    this.rv = m.rv;
    this.slice = n;
    this.runBudget = n;
    this.stepsInRun = 0;
    this.endRun = false;
    this.cutShort = false;
    const code = this.active;
    const between = this.betweenStatements;
    let g = m.exec;
    try {
      for (;;) {
        const fr = g.frames[g.frames.length - 1];
        if (fr === undefined) break; // the goroutine has returned: nothing left to run on it
        code[fr.fn](this, fr);
        if (this.scheduledInRun !== null) this.startTimeSlice(m);
        if (this.halted !== null || this.paused !== null || m.block !== null || m.state !== 'running') break;
        if (this.endRun) {
          if (!this.cutShort) break; // a yield (osyield) ends the run where it stands
          // a long solo run ends early: the rest of its statement runs as after a count's end
          this.runBudget -= this.slice;
          this.slice = 0;
          this.endRun = false;
          this.cutShort = false;
          this.soloRun = false;
        }
        if (m.exec !== g) {
          if (m.exec !== m.g0 && !g.isG0) break; // another goroutine now: end of this run
          g = m.exec; // entering or leaving g0 (mcall) continues the run
          this.setRegisters(m);
        }
        if (this.slice <= 0) {
          const top = g.frames[g.frames.length - 1];
          if (top === undefined || between[top.fn][top.pc] === 1) break;
        }
      }
    } catch (e) {
      this.haltOnError(e, m);
    }
    m.rv = this.rv;
    const used = this.runBudget - this.slice;
    m.ran += used;
    this.runBudget = this.slice; // the run's steps are the machine's now (stepsNow)
    this.stepsInRun = 0;
    return used;
  }

  /** A goroutine the last dispatch scheduled on m: its time slice starts at the step count the dispatch returned with. */
  private startTimeSlice(m: Mach): void {
    const g = this.scheduledInRun;
    if (g !== null) g.since = m.ran + this.runBudget - this.slice;
    this.scheduledInRun = null;
  }

  /**
   * The steps taken so far, the statement in progress included: exact between runs, in
   * instrumented code (listeners, the oracle), and in a builtin that reads the clock (its call
   * site stores the live count); elsewhere inside a run of fast code, a count the run passed.
   */
  stepsNow(): number {
    return this.steps + (this.stmtHook !== null ? this.stepsInRun : this.runBudget - this.slice);
  }

  private haltOnError(e: unknown, m: Mach): void {
    if (e instanceof SimFault) {
      const g = m.exec;
      this.halt({
        outcome: e.kind === 'throw' ? 'throw' : e.kind === 'invariant' ? 'invariant' : 'fault',
        message: e.message,
        printed: e.kind === 'throw' ? this.lastPrinted() : undefined,
        m,
        g,
        frame: g.frames[g.frames.length - 1],
      });
      return;
    }
    throw e;
  }

  private lastPrinted(): string | undefined {
    const lines = this.output.split('\n').filter((x) => x.length > 0);
    return lines.length ? lines.slice(-3).join('\n') : undefined;
  }

  halt(h: Halt): void {
    if (this.halted) return;
    this.halted = h;
    if (this.listeners.some((l) => l.onHalt)) {
      const r = this.result();
      for (const l of this.listeners) l.onHalt?.(r);
    }
  }

  /** Where M m stands, as the run log hashes it (its function and stack depth). */
  positionHash(m: Mach): number {
    return this.log.positionHash(m);
  }

  /** Where M m stands, for a person. */
  describePosition(m: Mach): string {
    const at = this.location(m.exec, undefined);
    return at ? `${at.function} (${at.file.split('/').pop()}:${at.line})` : 'no code';
  }

  /** Chooses the next M and run length: the recorded schedule first, then the strategy. */
  private choose(runnable: Mach[]): { m: Mach; n: number } {
    return this.log.next(runnable) ?? this.strategy.pick(runnable, this);
  }

  /** Runs until the program ends, a listener pauses it, or `until` says stop (between runs). */
  run(until?: () => boolean): Halt | null {
    this.resumeFromPause();
    let idle = 0;
    while (!this.halted && !this.paused) {
      if (until?.()) break;
      const runnable = this.runnableOrHalt();
      if (!runnable) break;
      const cont = this.interrupted;
      this.interrupted = null;
      const chosen = cont && !this.log.replaying && runnable.includes(cont.m) ? { m: cont.m, n: cont.left } : this.choose(runnable);
      const solo = runnable.length === 1 && !this.log.replaying;
      const n = solo ? Math.max(chosen.n, SOLO_RUN) : chosen.n;
      const used = this.runChosen(chosen.m, n, solo);
      if (this.paused && used < n) this.interrupted = { m: chosen.m, left: n - used };
      idle = used === 0 ? idle + 1 : 0;
      if (idle > 10_000) this.halt({ outcome: 'fault', message: 'internal: the scheduler made no progress', m: chosen.m });
    }
    return this.halted;
  }

  /**
   * Runs one given M for up to n steps (the debugger's per-thread stepping), recording the
   * choice in the schedule like any other. Returns the steps taken (0 if it could not run).
   */
  step(m: Mach, n: number): number {
    this.resumeFromPause();
    if (this.halted) return 0;
    // (no list of the runnable Ms: the explorer steps this way millions of times; m runnable
    // means no deadlock)
    if (!this.withinBudget()) return 0;
    if (!this.isRunnable(m)) {
      this.mayGoOn();
      return 0;
    }
    return this.runChosen(m, n, false);
  }

  /** The runnable Ms, or null after ending the run (budget, deadlock). */
  private runnableOrHalt(): Mach[] | null {
    if (!this.withinBudget() || !this.mayGoOn()) return null;
    return this.ms.filter((x) => this.isRunnable(x));
  }

  /** False after ending the run because the step budget is spent. */
  private withinBudget(): boolean {
    if (this.steps < this.maxSteps) return true;
    this.halt({ outcome: 'budget', message: `step budget of ${this.maxSteps} steps exhausted`, m: this.cur, g: this.cur.exec, frame: this.cur.exec.frames[this.cur.exec.frames.length - 1] });
    return false;
  }

  /** False after ending the run because no M can run (deadlock). */
  private mayGoOn(): boolean {
    let any = false;
    for (let i = 0; i < this.ms.length && !any; i++) any = this.isRunnable(this.ms[i]);
    if (!any) {
      const waiting = this.gs.filter((g) => !g.isG0 && this.view.gStatus(g) !== GStatus.Dead).length;
      this.halt({ outcome: 'deadlock', message: `all goroutines are asleep - deadlock! (${waiting} goroutine${waiting === 1 ? '' : 's'} waiting, no M can run)`, m: this.mainG.m ?? this.cur, g: this.mainG });
      return false;
    }
    return true;
  }

  private runChosen(m: Mach, n: number, solo: boolean): number {
    this.soloRun = solo;
    this.goschedInRun = false;
    const scheduling = m.state !== 'running' || m.block !== null; // a run that may act before its first step
    const used = this.runSteps(m, Math.min(n, this.maxSteps - this.steps));
    this.steps += used;
    this.log.ran(m, used, this.halted !== null, this.paused !== null);
    this.log.record(m, used, scheduling);
    for (const l of this.listeners) l.onSchedule?.(m, used);
    // a gosched loop is a spinner too: under PCT it must not starve the M it waits for
    this.strategy.after(m, used, this.endRun || this.goschedInRun, this);
    this.sysmon(m);
    return used;
  }

  // ---- pausing (breakpoints) ----
  /** Asks the machine to stop before the next statement any thread runs (instrumented mode). */
  requestPause(reason: string): void {
    this.pauseRequest = reason;
  }

  private resumeFromPause(): void {
    if (!this.paused) return;
    this.resumeSkip = this.paused;
    this.paused = null;
  }

  /** The statement hook of instrumented code: pause requests and listeners' breakpoints. */
  private statementHook(fr: Frame, label: number): boolean {
    if (this.halted) return true; // a listener ended the run: stop before the next statement
    this.hereFrame = fr;
    this.hereLabel = label;
    const m = this.cur;
    const skip = this.resumeSkip;
    if (skip && skip.frame === fr) {
      this.resumeSkip = null;
      if (skip.label === label) {
        // the statement we paused before: run it now
        const ls = this.stmtListeners;
        for (let i = 0; i < ls.length; i++) ls[i].onResumed?.(m, fr, label);
        this.stepsInRun++;
        return false;
      }
    }
    let reason = this.pauseRequest;
    // indexed loops: this runs before every statement of instrumented code
    const ls = this.stmtListeners;
    for (let i = 0; i < ls.length; i++) if (ls[i].onStatement?.(m, fr, label)) reason = reason ?? 'breakpoint';
    if (reason === null) {
      this.stepsInRun++;
      return false;
    }
    this.pauseRequest = null;
    this.paused = { m, frame: fr, label, reason };
    return true;
  }

  private sysmon(m: Mach): void {
    const limit = this.sysmonSteps;
    const g = m.curg;
    if (limit > 0 && g && m.ran - g.since >= limit) {
      g.since = m.ran;
      this.view.preemptRequest(g);
      this.emitPreemptRequest(g, 'sysmon');
    }
  }

  /** Counts consecutive osyield spins while nothing else can run; too many is a livelock. */
  noteSpin(m: Mach): void {
    const others = this.ms.some((x) => x !== m && this.isRunnable(x));
    this.spinCount = others ? 0 : this.spinCount + 1;
    if (this.spinCount >= LIVELOCK_SPINS) {
      this.halt({ outcome: 'livelock', message: `livelock: M${m.id} spins in runtime·osyield with no other M able to run (goroutine ${m.curg ? this.goid(m.curg) : 0} holds the only runnable P)`, m, g: m.exec, frame: m.exec.frames[m.exec.frames.length - 1] });
    }
  }

  // ---- results ----
  location(g: Gor | undefined, frame: Frame | undefined): FunctionLocation | undefined {
    const fr = frame ?? g?.frames[g.frames.length - 1];
    if (!fr) return undefined;
    const meta = this.code.funcs[fr.fn];
    const label = meta.labels[fr.pc] ?? meta.labels[0];
    return { ...label.loc, function: label.kind === 'builtin' && label.builtin ? label.builtin : meta.name };
  }

  threadName(m: Mach): string {
    return `M${m.id}`;
  }

  result(): RunResult {
    const h = this.halted ?? { outcome: 'budget' as Outcome, message: 'not finished' };
    const g = h.g;
    return {
      outcome: h.outcome,
      message: h.message,
      printed: h.printed,
      thread: h.m ? this.threadName(h.m) : undefined,
      goroutine: g && !g.isG0 ? this.goid(g) : g?.m?.curg ? this.goid(g.m.curg) : undefined,
      location: h.outcome === 'exit' ? undefined : h.at ?? this.location(g, h.frame),
      steps: this.steps,
      output: this.output,
      schedule: {
        version: 1,
        programHash: this.program.hash,
        gomaxprocs: this.gomaxprocs,
        switches: this.log.switches.toArray(),
        ends: this.log.ends.toArray(),
        ...(this.sysmonSteps > 0 ? { sysmonSteps: this.sysmonSteps } : {}),
      },
      divergedAt: this.log.divergedAt,
    };
  }

  print(text: string): void {
    this.output += text;
    this.options.onOutput?.(text);
  }

  // ---- snapshots ----
  /** The whole machine state; pass an earlier snapshot to share the memory pages that did not change. */
  snapshot(base?: MachineState): MachineState {
    return MachineState.capture(this, this.strategy, base);
  }
  restore(s: MachineState): void {
    s.apply(this, this.strategy);
    this.interrupted = null;
  }
  /**
   * What decides the next run: the strategy's state, the replay position and a paused run's
   * remainder. A debugger that re-executes recorded runs with step() (which bypasses the
   * strategy) puts back the state the original run had when it catches up with it.
   */
  saveScheduler(): SchedulerState {
    return { strategy: this.strategy.save(), replay: this.log.state, interrupted: this.interrupted ? { mId: this.interrupted.m.id, left: this.interrupted.left } : null };
  }
  loadScheduler(s: SchedulerState): void {
    this.strategy.load(s.strategy);
    this.log.state = s.replay;
    const m = s.interrupted ? this.ms[s.interrupted.mId] : undefined;
    this.interrupted = m && s.interrupted ? { m, left: s.interrupted.left } : null;
  }
}
