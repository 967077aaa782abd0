// The program under the debugger: one Machine with the session's listener attached, and the
// control of its execution — continue, per-thread stepping, pause, stop decisions (breakpoints,
// filters, data breakpoints, steps) — plus exact history: forward execution records snapshots,
// step back and reverse continue restore one and re-execute the recorded schedule.
// It knows nothing of DAP messages; the session turns its callbacks into events.
import { Machine, Oracle, type Program, type RunOptions, type RunResult } from '../engine';
import type { OracleState } from '../engine/oracle/oracle';
import type { Expr } from '../engine/lang/ast';
import { UINT32 } from '../engine/lang/types';
import { hex } from '../engine/vm/memory';
import type { Frame, Gor, Mach } from '../engine/vm/threads';
import { describeOutcome } from '../runSupport';
import { EXPLORE_ORACLE } from '../engine/explore/target';
import { Breakpoints, haltFilter, type FilterId, type Guard } from './breakpoints';
import type { BuiltinArg } from './builtinCalls';
import { Evaluator, parseExpression, type Scope, type Value } from './expr';
import { History, type Snapshot } from './history';
import type { LaunchSettings } from './launchArgs';
import { SweepTracker, type Owner } from './spans';
import { builtinAt, frameScope, type Stop, type StopReason } from './stops';
import { Threads } from './threads';
import { Timeline } from './timeline';

export interface DebuggeeEvents {
  output(text: string, category: 'stdout' | 'console' | 'stderr'): void;
  stopped(stop: Stop): void;
  ended(exitCode: number): void;
}

export type StepKind = 'next' | 'in' | 'out';

type Plan =
  | { k: 'continue' }
  | { k: 'entry' }
  | { k: 'thread'; mId: number }
  | { k: 'step'; how: StepKind; mId: number | null; gIndex: number; depth: number; fr: Frame; line: number; count: number };

interface Extra {
  owners: [number, Owner][];
  preempted: number[];
  /** Each breakpoint's hit count (a breakpoint set later is absent). */
  hits: Map<Guard, number>;
  oracle?: OracleState;
}

/** Statements one per-thread step chunk may run before the event loop gets a turn. */
const CHUNK = 5_000;
const SLICE_MS = 15;
const STEP_LIMIT = 2_000_000;
/** Statements between the fine snapshots re-execution leaves behind. */
const FINE_EVERY = 1_000;

export class Debuggee {
  readonly vm: Machine;
  readonly sweep: SweepTracker;
  readonly threads: Threads;
  readonly history: History<Extra>;
  readonly timeline = new Timeline();
  /**
   * The heap oracle (go-2014-sweep.md §7) on a Go runtime model, null on plain SimC. It watches
   * every run; its report halts the program only while the `invariant` filter is on (and only
   * when running forward: a scan of the past for reverse continue does not end the program).
   */
  readonly oracle: Oracle | null;
  /** The furthest position the program has reached (step back keeps the future reachable). */
  furthest = 0;
  state: 'stopped' | 'running' | 'ended' = 'stopped';
  /** The last stop (for exceptionInfo and the focus thread). */
  lastStop: Stop | null = null;
  /** Bumped at every stop: custom requests say which stop their answer belongs to. */
  generation = 0;

  private pos = 0;
  private printedPos = 0;
  private plan: Plan = { k: 'continue' };
  private pending: Stop | null = null;
  private stop: Stop | null = null;
  private pauseWanted = false;
  private skipM: number | null = null;
  private readonly entered = new Set<Frame>();
  /** The last statement whose breakpoints were checked (and hits counted). */
  private checkedThrough = -1;
  private mode: 'run' | 'scan' | 'target' = 'run';
  private target = -1;
  private targetStop: Stop | null = null;
  private scanRecord: ((here: number, m: Mach, fr: Frame, label: number) => void) | null = null;
  private haltReported = false;
  /**
   * Whether the user chose a run (per-thread stepping, Run Only This Thread): until then the
   * strategy's own choices reproduce any stretch of the past from a snapshot; after it,
   * re-execution follows the recorded runs (the timeline).
   */
  private userDriven = false;
  /** The statement the machine is at (hook label): a frame's pc is saved only when it suspends. */
  private hookAt: { fr: Frame; label: number } | null = null;

  constructor(
    readonly program: Program,
    readonly settings: LaunchSettings,
    options: RunOptions,
    readonly bps: Breakpoints,
    private readonly events: DebuggeeEvents,
  ) {
    this.vm = new Machine(program, { ...options, onOutput: (t) => this.onOutput(t) });
    this.sweep = new SweepTracker(this.vm, program);
    this.threads = new Threads(this.vm);
    this.history = new History<Extra>(this.vm);
    this.oracle = this.attachOracle();
    this.vm.listen({
      onStatement: (m, fr, label) => this.onStatement(m, fr, label),
      onResumed: (m, fr, label) => this.onResumed(m, fr, label),
      onAccess: (addr, size, flags, m) => this.onAccess(addr, size, flags, m),
      onCall: (m, fr) => this.onCall(m, fr),
      onPreemptRequest: (g, by) => this.onPreemptRequest(g, by),
      onPreempt: (g, m) => this.onPreempt(g, m),
    });
    this.history.maybeTake(0, () => this.extra(), true);
    bps.clock = { firstUnchecked: () => this.checkedThrough + 1, firstUnbegun: () => this.pos };
  }

  private attachOracle(): Oracle | null {
    let oracle: Oracle;
    try {
      // replaying an explorer finding: the explorer's checks (EXPLORE_ORACLE), reported whatever the filters
      const replaying = this.settings.recordedFailure !== undefined;
      oracle = new Oracle(this.vm, {
        ...(replaying ? EXPLORE_ORACLE : {}),
        reportsNow: () => (this.bps.has('invariant') || this.settings.recordedFailure === 'invariant') && this.mode === 'run',
      });
    } catch {
      return null; // no Go runtime model (runtime "none"): no heap to check
    }
    this.vm.listen(oracle);
    return oracle;
  }

  private extra(): Extra {
    const e: Extra = { owners: this.sweep.save(), preempted: [...this.threads.preempted], hits: new Map(this.bps.guards().map((g) => [g, g.hits])) };
    if (this.oracle) e.oracle = this.oracle.capture();
    return e;
  }

  private onOutput(text: string): void {
    if (this.mode !== 'run' || this.pos <= this.printedPos) return;
    this.printedPos = this.pos;
    this.events.output(text, 'stdout');
  }

  // ---- the listener ----
  /**
   * Before a statement. A statement counts as begun (pos) when it runs: one the listener stops
   * before is counted when it runs after the resume (onResumed), so positions match a replay.
   */
  private onStatement(m: Mach, fr: Frame, label: number): boolean {
    const here = this.pos;
    this.hookAt = { fr, label };
    if (this.threads.preempted.size > 0) this.threads.preempted.delete(m.exec.id);
    const stop = this.stopBefore(m, fr, label, here);
    if (stop) {
      this.skipM = m.id;
      return true;
    }
    this.begun(m);
    return false;
  }

  /** The statement stopped before earlier runs now. */
  private onResumed(m: Mach, fr: Frame, label: number): void {
    this.hookAt = { fr, label };
    this.begun(m);
  }

  private begun(m: Mach): void {
    this.pos++;
    if (this.mode === 'run' && this.pos > this.furthest) this.furthest = this.pos;
    if (this.skipM === m.id) this.skipM = null;
  }

  /** Whether to stop before the statement at position `here` (and record why in this.stop). */
  private stopBefore(m: Mach, fr: Frame, label: number, here: number): boolean {
    if (this.mode === 'target') {
      // the hits a forward run counted here (a stop there checked this statement too)
      this.breakpointsAt(m, fr, label, here);
      if (here !== this.target) return false;
      this.stop = this.targetStop;
      return true;
    }
    if (this.mode === 'scan') {
      if (here >= this.target) return true;
      this.scanRecord?.(here, m, fr, label);
      return false;
    }
    const s = this.decide(m, fr, label, here);
    if (!s) return false;
    this.stop = s;
    return true;
  }


  /** Whether the statement about to run should stop, and why. */
  decide(m: Mach, fr: Frame, label: number, here: number): Stop | null {
    // every statement counts its breakpoints' hits, whatever else stops it: the counts are then
    // a function of the execution alone, which re-execution after time travel reproduces
    const hit = this.breakpointsAt(m, fr, label, here);
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      return p;
    }
    const plan = this.plan;
    if (plan.k === 'entry') return { reason: 'entry', description: 'Paused on entry', mId: m.id };
    if (plan.k === 'step') {
      const s = this.stepDone(plan, m, fr, label);
      if (s) return s;
    }
    if (hit) return hit;
    const l = this.program.code.funcs[fr.fn].labels[label];
    if (l && l.kind === 'builtin' && l.builtin) return this.atFilter(l.builtin, m, fr, label);
    return null;
  }

  /**
   * Checks the line, function and builtin breakpoints of the statement about to run, counting
   * the hits of those whose condition holds; the stop the first that passes asks for (with
   * every passing breakpoint's id).
   */
  private breakpointsAt(m: Mach, fr: Frame, label: number, here: number): Stop | null {
    this.checkedThrough = Math.max(this.checkedThrough, here);
    const lineBp = this.bps.byLabel.get(fr.fn)?.get(label);
    const fnBp = this.entered.size > 0 && this.entered.delete(fr) ? this.bps.byFunction.get(fr.fn) : undefined;
    const l = this.program.code.funcs[fr.fn].labels[label];
    const builtinBp = l && l.kind === 'builtin' && l.builtin ? this.bps.byBuiltin.get(l.builtin) : undefined;
    // most statements have none (this runs before every statement)
    if (!lineBp && !fnBp && !builtinBp) return null;
    const passing: { id: number; reason: StopReason; description: string }[] = [];
    if (lineBp && this.passes(lineBp, m, fr, here, here)) passing.push({ id: lineBp.id, reason: 'breakpoint', description: `Breakpoint at line ${lineBp.line}` });
    for (const bp of [fnBp, builtinBp]) {
      if (bp && this.passes(bp, m, fr, here, here)) passing.push({ id: bp.id, reason: 'function breakpoint', description: `Function breakpoint: ${bp.name}` });
    }
    if (passing.length === 0) return null;
    const { reason, description } = passing[0];
    return { reason, description, mId: m.id, hitBreakpointIds: passing.map((b) => b.id) };
  }

  private stepDone(p: Extract<Plan, { k: 'step' }>, m: Mach, fr: Frame, label: number): Stop | null {
    const g = m.exec;
    const done = (why: string): Stop => ({ reason: 'step', description: why, mId: m.id });
    if (g.id !== p.gIndex) {
      const stepped = this.vm.gs[p.gIndex];
      if (p.mId === m.id && (!stepped || stepped.frames.length === 0)) return done(`g${stepped ? this.vm.goid(stepped) : '?'} exited; M${m.id} runs on`);
      return null;
    }
    if (++p.count > STEP_LIMIT) return done(`Still on line ${p.line} after ${STEP_LIMIT} statements`);
    const depth = g.frames.length;
    const l = this.program.code.funcs[fr.fn].labels[label];
    const line = l ? l.loc.line : -1;
    const builtin = l?.kind === 'builtin';
    switch (p.how) {
      case 'in':
        return depth !== p.depth || fr !== p.fr || line !== p.line || (builtin && l?.builtin !== undefined) ? done('Step') : null;
      case 'next':
        if (depth < p.depth) return done('Step');
        return depth === p.depth && !builtin && (fr !== p.fr || line !== p.line) ? done('Step') : null;
      case 'out':
        return depth < p.depth ? done('Step out') : null;
    }
  }

  private scopeFor(m: Mach | null, g: Gor, fr: Frame | undefined): Scope {
    const b = fr ? builtinAt(this.program, fr, this.labelOf(fr)) : undefined;
    return frameScope(this.vm, this.program, m, g, fr, b?.args);
  }

  /** Evaluates a condition (with `args` bound, when given); an error stops (true) with the error shown. */
  private condition(e: Expr, text: string, m: Mach | null, g: Gor, fr: Frame | undefined, args?: BuiltinArg[]): boolean {
    try {
      const scope = args ? frameScope(this.vm, this.program, m, g, fr, args) : this.scopeFor(m, g, fr);
      return new Evaluator(this.vm, this.program, scope).evaluate(e).value !== 0n;
    } catch (err) {
      if (this.mode === 'run') this.events.output(`condition '${text}' could not be evaluated: ${err instanceof Error ? err.message : String(err)}\n`, 'stderr');
      return true;
    }
  }

  /** Whether a breakpoint hit by statement `statement` passes its condition and hit condition (counting the hit). */
  private passes(bp: Guard, m: Mach, fr: Frame | undefined, here: number, statement: number): boolean {
    if (statement < bp.countsFrom) return false;
    const g = m.exec;
    if (bp.condition && !this.condition(bp.condition, bp.conditionText ?? '', m, g, fr)) return false;
    bp.hits++;
    if (bp.hitCondition && !bp.hitCondition(bp.hits)) return false;
    if (bp.logMessage !== undefined) {
      if (this.mode === 'run' && here + 1 > this.printedPos) this.events.output(this.interpolate(bp.logMessage, m, g, fr) + '\n', 'console');
      return false;
    }
    return true;
  }

  /** A log message with each {expression} replaced by its value. */
  interpolate(text: string, m: Mach | null, g: Gor, fr: Frame | undefined): string {
    return text.replace(/\{([^{}]+)\}/g, (_, expr: string) => {
      try {
        const v = new Evaluator(this.vm, this.program, this.scopeFor(m, g, fr)).evaluate(this.parse(expr));
        return v.type.k === 'ptr' ? hex(Number(v.value)) : v.value.toString();
      } catch (e) {
        return `<${e instanceof Error ? e.message : String(e)}>`;
      }
    });
  }

  private parse(text: string): Expr {
    return parseExprCached(this.program, text);
  }

  private filterCondition(f: FilterId, m: Mach, fr: Frame | undefined, args?: BuiltinArg[]): boolean {
    const opt = this.bps.filters.get(f);
    if (!opt) return false;
    return !opt.condition || this.condition(opt.condition, opt.conditionText ?? '', m, m.exec, fr, args);
  }

  private who(m: Mach): string {
    const g = m.exec;
    return g.isG0 ? `M${m.id}'s g0` : `g${this.vm.goid(g)} on M${m.id}`;
  }

  /** The label a frame is at: the hook's while a statement runs, else its saved pc. */
  private labelOf(fr: Frame): number {
    return this.hookAt !== null && this.hookAt.fr === fr ? this.hookAt.label : fr.pc;
  }

  /** The sweepgen exception filters at a call of runtime·cas or runtime·atomicstore. */
  private atFilter(name: string, m: Mach, fr: Frame, label: number): Stop | null {
    if (name !== 'runtime·cas' && name !== 'runtime·atomicstore') return null;
    const f: FilterId = name === 'runtime·cas' ? 'sweepgen-cas' : 'sweepgen-store';
    if (!this.bps.has(f)) return null;
    const args = builtinAt(this.program, fr, label)?.args ?? [];
    const p = Number(args[0]?.value ?? 0n);
    const span = this.sweep.spanOfSweepgen(p);
    if (span === undefined || !this.filterCondition(f, m, fr)) return null;
    const H = this.sweep.H;
    const rel = (v: bigint) => {
      const d = H - Number(v);
      return d === 0 ? 'H' : `H−${d}`;
    };
    const text = f === 'sweepgen-cas'
      ? `sweepgen CAS ${args[1]?.value}→${args[2]?.value} on span ${hex(span)} by ${this.who(m)} (${rel(args[1]?.value ?? 0n)}→${rel(args[2]?.value ?? 0n)}; now ${this.sweep.describeSweepgen(this.sweep.sweepgenOf(span), span)})`
      : `sweepgen store ${args[1]?.value} (${rel(args[1]?.value ?? 0n)}) on span ${hex(span)} by ${this.who(m)} (atomic)`;
    return { reason: 'exception', description: text, text, mId: m.id, exception: { id: f, description: text } };
  }

  private onAccess(addr: number, size: number, flags: number, m: Mach): void {
    if ((flags & 1) !== 0) {
      this.sweep.onWrite(addr, size, m);
      if (this.mode === 'run') this.recordWrite(addr, flags, m);
      if ((flags & 2) === 0 && this.bps.has('sweepgen-store') && !this.pending) {
        const span = this.sweep.spanOfSweepgen(addr);
        // a plain store's condition sees what runtime·atomicstore's does: p (the address) and v (the value stored)
        const storeArgs = (): BuiltinArg[] => [
          { name: 'p', type: { k: 'ptr', to: UINT32 }, value: BigInt(addr) },
          { name: 'v', type: UINT32, value: BigInt(this.sweep.sweepgenOf(span as number)) },
        ];
        if (span !== undefined && this.filterCondition('sweepgen-store', m, m.exec.frames[m.exec.frames.length - 1], storeArgs())) {
          const text = `sweepgen store ${this.sweep.sweepgenOf(span)} on span ${hex(span)} by ${this.who(m)} (plain store: now ${this.sweep.describeSweepgen(this.sweep.sweepgenOf(span), span)})`;
          this.pending = { reason: 'exception', description: text, text, mId: m.id, exception: { id: 'sweepgen-store', description: text } };
        }
      }
    }
    if (this.bps.data.length === 0) return;
    const bp = this.bps.dataHit(addr, size, flags);
    if (!bp) return;
    const g = m.exec;
    const fr = g.frames[g.frames.length - 1];
    // counted even when another stop is already waiting (the count follows the execution alone)
    if (!this.passes(bp, m, fr, this.pos, this.pos - 1) || this.pending) return;
    const kind = (flags & 1) !== 0 ? 'written' : 'read';
    const text = `${bp.description} ${kind}${(flags & 2) !== 0 ? ' atomically' : ''} by ${this.who(m)}`;
    this.pending = { reason: 'data breakpoint', description: text, text, mId: m.id, hitBreakpointIds: [bp.id] };
  }

  /** Timeline events of a write: a sweepgen CAS or store, or H advancing (a GC's sweep setup). */
  private recordWrite(addr: number, flags: number, m: Mach): void {
    const g = m.exec.isG0 ? undefined : this.vm.goid(m.exec);
    if (addr === this.sweep.hAddr) {
      this.timeline.record({ pos: this.pos - 1, kind: 'gc-start', m: m.id, g, text: `H := ${this.sweep.H} (sweep setup of a GC cycle) on M${m.id}` });
      return;
    }
    const span = this.sweep.spanOfSweepgen(addr);
    if (span === undefined) return;
    const fr = m.exec.frames[m.exec.frames.length - 1];
    const builtin = fr ? builtinAt(this.program, fr, this.labelOf(fr))?.name : undefined;
    const atomic = (flags & 2) !== 0;
    const cas = atomic && builtin === 'runtime·cas';
    const how = cas ? 'CAS' : atomic ? 'atomic store' : 'plain store';
    const v = this.sweep.sweepgenOf(span);
    this.timeline.record({ pos: this.pos - 1, kind: cas ? 'sweepgen-cas' : 'sweepgen-store', m: m.id, g, span, text: `sweepgen ${how} → ${v} on span ${hex(span)} by ${this.who(m)}: ${this.sweep.describeSweepgen(v, span)}` });
  }

  private onPreempt(g: Gor, m: Mach): void {
    this.threads.preempted.add(g.id);
    if (this.mode === 'run') this.timeline.record({ pos: this.pos - 1, kind: 'preempt', m: m.id, g: this.vm.goid(g), text: `g${this.vm.goid(g)} preempted at a prologue on M${m.id}` });
  }

  private preemptible(m: Mach, g: Gor): boolean {
    if (g.isG0) return false;
    const o = this.vm.code.offsets.M;
    const v = this.vm.view;
    return v.i32(m.addr + o.locks) === 0 && v.i32(m.addr + o.mallocing) === 0 && v.i32(m.addr + o.gcing) === 0;
  }

  private onCall(m: Mach, fr: Frame): void {
    if (this.bps.byFunction.has(fr.fn)) this.entered.add(fr);
    if (this.sweep.owners.size === 0 || !this.bps.has('race-window') || this.pending) return;
    const g = m.exec;
    const span = this.sweep.ownedBy(g);
    const meta = this.program.code.funcs[fr.fn];
    if (span === undefined || meta.nosplit || !this.preemptible(m, g)) return;
    const text = `race window: g${this.vm.goid(g)} owns span ${hex(span)} (H−1) and reaches a preemption point, the prologue of ${meta.name}, while preemptible (m->locks == 0) on M${m.id}`;
    this.pending = { reason: 'exception', description: text, text, mId: m.id, gIndex: g.id, exception: { id: 'race-window', description: text } };
  }

  private onPreemptRequest(g: Gor, by: string): void {
    if (this.mode === 'run') {
      const stw = by === 'stoptheworld';
      this.timeline.record({ pos: this.pos - 1, kind: stw ? 'stop-the-world' : 'preempt-request', m: this.vm.cur.id, g: this.vm.goid(g), text: `${stw ? 'stop-the-world: ' : ''}preemption of g${this.vm.goid(g)} requested by ${by} on M${this.vm.cur.id}` });
    }
    if (by !== 'stoptheworld' || this.sweep.owners.size === 0 || !this.bps.has('race-window') || this.pending) return;
    for (const [span, o] of this.sweep.owners) {
      const og = this.vm.gs[o.gIndex];
      if (!og || !og.m || og.m.exec !== og || !this.preemptible(og.m, og)) continue;
      const text = `race window: stop-the-world begins on M${this.vm.cur.id} while g${this.vm.goid(og)} owns span ${hex(span)} (H−1) and is preemptible on M${og.m.id}`;
      this.pending = { reason: 'exception', description: text, text, mId: this.vm.cur.id, exception: { id: 'race-window', description: text } };
      return;
    }
  }

  // ---- running ----
  /** Where the program is: statements begun before the one it is stopped at. */
  get position(): number {
    const h = this.vm.halted;
    const inStatement = h !== null && (h.outcome === 'throw' || h.outcome === 'fault' || h.outcome === 'invariant');
    return inStatement ? this.pos - 1 : this.pos;
  }

  /** Starts running under a plan; the events report the stop or the end. */
  resume(plan: Plan): void {
    if (this.state === 'ended') return;
    if (this.vm.halted) {
      this.end();
      return;
    }
    this.plan = plan;
    this.stop = null;
    this.pauseWanted = false;
    this.state = 'running';
    setImmediate(() => this.loop());
  }

  continue(): void {
    this.resume({ k: 'continue' });
  }

  stopOnEntry(): void {
    this.resume({ k: 'entry' });
  }

  runThread(m: Mach): void {
    this.resume({ k: 'thread', mId: m.id });
  }

  /** Steps a thread: an M (only it moves with stepping "thread") or a goroutine without an M. */
  step(how: StepKind, m: Mach | null, g: Gor): string | null {
    const fr = g.frames[g.frames.length - 1];
    if (!fr) return `g${this.vm.goid(g)} has no frame to step in`;
    const l = this.program.code.funcs[fr.fn].labels[fr.pc];
    this.resume({ k: 'step', how, mId: m ? m.id : null, gIndex: g.id, depth: g.frames.length, fr, line: l ? l.loc.line : -1, count: 0 });
    return null;
  }

  pause(): void {
    if (this.state === 'running') this.pauseWanted = true;
  }

  private canSnapshot(): boolean {
    return !this.vm.paused && !this.vm.halted && this.skipM === null && this.mode === 'run';
  }

  private snapshotIfDue(): void {
    if (this.canSnapshot()) this.history.maybeTake(this.pos, () => this.extra());
  }

  /** One slice of execution; schedules the next one or reports the stop. */
  private loop(): void {
    if (this.state !== 'running') return;
    let blocked: string | null = null;
    try {
      blocked = this.slice();
    } catch (e) {
      this.events.output(`sweepscope: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`, 'stderr');
      this.end();
      return;
    }
    if (this.vm.halted) return this.onHalt(this.vm.result());
    if (this.vm.paused) return this.report(this.stop ?? { reason: 'pause', description: 'Paused', mId: this.vm.paused.m.id });
    if (blocked !== null) return this.report({ reason: 'step', description: blocked, text: blocked, mId: this.plan.k === 'step' ? this.plan.mId ?? undefined : undefined });
    if (this.pauseWanted) return this.report({ reason: 'pause', description: 'Paused', mId: this.vm.cur.id });
    setImmediate(() => this.loop());
  }

  /** Runs for about SLICE_MS; returns why a thread-only plan cannot go on, if it cannot. */
  private slice(): string | null {
    const deadline = performance.now() + SLICE_MS;
    const plan = this.plan;
    const threadOnly = plan.k === 'thread' ? plan.mId : plan.k === 'step' && this.settings.stepping === 'thread' ? plan.mId : null;
    while (performance.now() < deadline && !this.pauseWanted) {
      const next = this.userDriven ? this.history.nextRun() : null;
      if (next) {
        const m = this.vm.ms[next[0]];
        const used = m ? this.vm.step(m, Math.min(next[1], CHUNK)) : 0;
        if (used === 0 && next[1] > 0 && !this.vm.paused && !this.vm.halted) {
          this.events.output(`history: the recorded schedule could not be followed at step ${this.vm.steps} (M${next[0]} ${m ? m.state + (m.block ? ` blocked on ${m.block.k}` : '') : 'missing'}, ${next[1]} steps left); running on with the strategy\n`, 'console');
          this.history.truncate(this.pos);
          this.timeline.forgetAfter(this.pos);
          this.furthest = this.pos;
        }
      } else {
        if (this.history.timeline) this.history.finishTimeline();
        if (threadOnly !== null) {
          const m = this.vm.ms[threadOnly];
          this.userDriven = true;
          // the statement this M stopped before runs alone first: after it the machine is between
          // runs, so snapshotIfDue below can take one and stepping keeps the recent history dense
          const used = m ? this.vm.step(m, this.skipM === threadOnly ? 1 : CHUNK) : 0;
          if (used === 0 && !this.vm.paused && !this.vm.halted) return `M${threadOnly} cannot run${m?.block ? ` (blocked: ${m.block.k})` : ''}; the other threads must move first (Continue, or "stepping": "all")`;
        } else {
          this.vm.run(() => {
            this.snapshotIfDue();
            return this.pauseWanted || performance.now() >= deadline;
          });
        }
      }
      if (this.vm.paused || this.vm.halted) break;
      this.snapshotIfDue();
    }
    return null;
  }

  private report(stop: Stop): void {
    // a stop consumes what was waiting to stop the program (a re-execution may have left one)
    this.pending = null;
    this.state = 'stopped';
    this.plan = { k: 'continue' };
    this.pauseWanted = false;
    this.generation++;
    this.lastStop = stop;
    this.entered.clear();
    this.events.stopped(stop);
  }

  private onHalt(r: RunResult): void {
    this.timeline.record({ pos: this.position, kind: 'halt', m: this.vm.halted?.m?.id, g: r.goroutine, text: `${r.outcome}: ${r.message}` });
    const f = haltFilter(r.outcome);
    if (f && (this.bps.has(f) || f === this.settings.recordedFailure) && !this.haltReported) {
      this.haltReported = true;
      const h = this.vm.halted;
      const text = `${r.outcome}: ${r.message}`;
      const details = [r.printed ? `printed before:\n${r.printed}` : '', describeOutcome(r)].filter((x) => x !== '').join('\n');
      this.report({ reason: 'exception', description: text, text, mId: h?.m?.id, exception: { id: f, description: r.message, details } });
      return;
    }
    this.end();
  }

  private end(): void {
    if (this.state === 'ended') return;
    const r = this.vm.result();
    this.state = 'ended';
    const out = r.output;
    const sep = out !== '' && !out.endsWith('\n') ? '\n' : '';
    this.events.output(`${sep}outcome: ${describeOutcome(r)}\n`, r.outcome === 'exit' ? 'console' : 'stderr');
    this.events.ended(r.outcome === 'exit' ? 0 : 1);
  }

  /** Ends the session's program now (terminate, disconnect). */
  kill(): void {
    this.pauseWanted = true;
    this.state = 'ended';
  }

  // ---- history ----
  private restore(snap: Snapshot<Extra>): void {
    this.vm.restore(snap.state);
    this.pos = snap.pos;
    this.sweep.load(snap.extra.owners);
    if (this.oracle && snap.extra.oracle) this.oracle.restore(snap.extra.oracle);
    this.threads.preempted = new Set(snap.extra.preempted);
    for (const g of this.bps.guards()) g.hits = snap.extra.hits.get(g) ?? 0;
    this.checkedThrough = snap.pos - 1;
    this.skipM = null;
    this.pending = null;
    this.hookAt = null;
    this.haltReported = false; // the end lies ahead again
    this.entered.clear();
  }

  /**
   * A test of whether re-executing from a snapshot counts every breakpoint's hits exactly: it knows the
   * breakpoint's count, or was taken before the breakpoint counts anything (one set later
   * while the program stood further back in time is not known to later snapshots).
   */
  private countsExactly(): (s: Snapshot<Extra>) => boolean {
    const guards = this.bps.guards();
    return (s) => guards.every((g) => s.extra.hits.has(g) || s.pos <= g.countsFrom);
  }

  /** Re-executes the timeline synchronously from the current state (scan or to a target). */
  private replaySync(): void {
    if (!this.userDriven) {
      // the strategy chose every run so far: it chooses them again
      this.vm.run(() => {
        if (this.mode === 'target') this.history.maybeTakeFine(this.pos, () => this.extra());
        return false;
      });
      return;
    }
    for (;;) {
      const next = this.history.nextRun();
      if (!next || this.vm.paused || this.vm.halted) return;
      const m = this.vm.ms[next[0]];
      // in chunks: travelling to a target leaves fine snapshots behind, so the next step back nearby is short
      const used = m ? this.vm.step(m, Math.min(next[1], FINE_EVERY)) : 0;
      if (used === 0 && next[1] > 0 && !this.vm.paused) return;
      if (this.mode === 'target' && !this.vm.paused && !this.vm.halted) this.history.maybeTakeFine(this.pos, () => this.extra());
    }
  }

  /** Goes back to exactly `target` (statements begun), reporting `stop` there. */
  private travelTo(target: number, stop: Stop): void {
    const snap = this.history.before(target, this.countsExactly());
    if (!snap) return;
    this.restore(snap);
    this.mode = 'target';
    this.target = target;
    this.targetStop = stop;
    try {
      this.replaySync();
    } finally {
      this.mode = 'run';
    }
    if (!this.vm.paused) {
      // the target is the snapshot itself (between runs): nothing to re-execute
      this.targetStop = null;
    }
    this.report(stop);
  }

  /** Replays [snapshot, end) once, calling visit for every statement begun. */
  private scan(from: Snapshot<Extra>, end: number, visit: (here: number, m: Mach, fr: Frame, label: number) => void): void {
    this.restore(from);
    this.mode = 'scan';
    this.target = end;
    this.scanRecord = visit;
    const hits = this.saveHits();
    try {
      this.replaySync();
    } finally {
      this.mode = 'run';
      this.scanRecord = null;
      this.loadHits(hits);
    }
  }

  private saveHits(): number[] {
    return this.bps.guards().map((g) => g.hits);
  }
  private loadHits(h: number[]): void {
    this.bps.guards().forEach((g, i) => (g.hits = h[i] ?? g.hits));
  }


  /** Step back on a goroutine: to the start of the previous line it ran (or its caller's). */
  stepBack(g: Gor): void {
    const here = this.position;
    const fr0 = g.frames[g.frames.length - 1];
    const depth0 = g.frames.length;
    const line0 = fr0 ? this.program.code.funcs[fr0.fn].labels[fr0.pc]?.loc.line ?? -1 : -1;
    this.history.markTimeline();
    const gi = g.id;
    for (const snap of this.history.descending(here, this.countsExactly())) {
      const seen: { pos: number; depth: number; line: number; fn: number; mId: number }[] = [];
      this.scan(snap, here, (pos, m, fr, label) => {
        if (m.exec.id !== gi) return;
        const l = this.program.code.funcs[fr.fn].labels[label];
        if (l?.kind === 'builtin') return;
        seen.push({ pos, depth: m.exec.frames.length, line: l ? l.loc.line : -1, fn: fr.fn, mId: m.id });
      });
      let i = seen.length - 1;
      while (i >= 0 && !(seen[i].depth < depth0 || (seen[i].depth === depth0 && (seen[i].line !== line0 || seen[i].fn !== fr0?.fn)))) i--;
      if (i < 0) continue;
      const t = seen[i];
      // back to the first statement of that visit of the line
      while (i > 0 && seen[i - 1].line === t.line && seen[i - 1].depth === t.depth && seen[i - 1].fn === t.fn) i--;
      return this.travelTo(seen[i].pos, { reason: 'step', description: 'Step back', mId: seen[i].mId });
    }
    this.toBeginning();
  }

  /**
   * Back to the last breakpoint or filter hit before here, or to the beginning. The history is
   * scanned segment by segment, latest first: each snapshot's scan ends where the later one's
   * began, so every statement is re-executed once however far back the hit lies.
   */
  reverseContinue(): void {
    const here = this.position;
    this.history.markTimeline();
    let end = here;
    for (const snap of this.history.descending(here, this.countsExactly())) {
      let found: { pos: number; stop: Stop } | null = null;
      this.scan(snap, end, (pos, m, fr, label) => {
        this.mode = 'run';
        const quietPrinted = this.printedPos;
        this.printedPos = Number.MAX_SAFE_INTEGER;
        const s = this.decide(m, fr, label, pos);
        this.printedPos = quietPrinted;
        this.mode = 'scan';
        if (s && s.reason !== 'step' && s.reason !== 'entry') found = { pos, stop: s };
      });
      // an access of the segment's last statement left a stop for the statement at `end` (the
      // later segment's scan began without it); at `here` that stop is the one being left
      const left = this.pending;
      if (left && end < here && left.reason !== 'step') found = { pos: end, stop: left };
      const hit = found as { pos: number; stop: Stop } | null;
      if (hit) return this.travelTo(hit.pos, hit.stop);
      end = snap.pos;
    }
    this.toBeginning();
  }

  /** Travels to a position of the known history (a timeline click): before statement `pos`. */
  cannotGoTo(pos: number): string | null {
    if (pos < 0 || pos > this.furthest) return `position ${pos} is outside the known history (0…${this.furthest})`;
    const first = this.history.first;
    if (!first || pos < first.pos) return `position ${pos} is before the oldest snapshot kept (${first?.pos ?? 'none'})`;
    return null;
  }

  /** Travels to a position of the known history (check cannotGoTo first). */
  goTo(pos: number): void {
    if (this.cannotGoTo(pos) !== null) return;
    this.history.markTimeline();
    this.travelTo(pos, { reason: 'goto', description: `Travelled to step ${pos}` });
  }

  private toBeginning(): void {
    const first = this.history.first;
    if (!first) return;
    this.travelTo(first.pos, { reason: 'step', description: 'Reached the beginning of the recorded history' });
  }

  /** After memory was edited: the past no longer leads here, so history restarts now. */
  edited(): void {
    this.history.clear();
    this.timeline.forgetAfter(this.pos);
    this.furthest = this.pos;
    if (this.canSnapshotNowForEdit()) this.history.maybeTake(this.pos, () => this.extra(), true);
  }

  private canSnapshotNowForEdit(): boolean {
    return !this.vm.halted && !this.vm.paused && this.skipM === null;
  }

  /** Evaluates text in a frame's scope (optionally allowing assignment). */
  evaluate(text: string, m: Mach | null, g: Gor, fr: Frame | undefined, allowWrite = false): { value: Value; evaluator: Evaluator } {
    const ev = new Evaluator(this.vm, this.program, this.scopeFor(m, g, fr), allowWrite);
    return { value: ev.evaluate(this.parse(text)), evaluator: ev };
  }

  lvalue(text: string, m: Mach | null, g: Gor, fr: Frame | undefined): Value & { addr: number } {
    return new Evaluator(this.vm, this.program, this.scopeFor(m, g, fr)).lvalue(this.parse(text));
  }
}

const exprCache = new WeakMap<Program, Map<string, Expr>>();
function parseExprCached(program: Program, text: string): Expr {
  let m = exprCache.get(program);
  if (!m) exprCache.set(program, (m = new Map()));
  let e = m.get(text);
  if (!e) {
    e = parseExpression(program, text);
    if (m.size > 500) m.clear();
    m.set(text, e);
  }
  return e;
}
