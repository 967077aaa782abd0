// The program under exploration: one Machine run (fast, unobserved) up to the exploration root —
// the first moment two Ms can run — and snapshotted there, so every execution restarts from the
// root instead of from step 0. After each restore a fresh heap oracle is attached (I4's
// schedule-independent "unlocked sweeper" flag off: the explorer hunts for its consequences).
// The oracle therefore knows the allocations made after the root; a failing schedule is always
// confirmed afterwards by a full replay from step 0 with a complete oracle.
import type { Outcome, RunResult, ScheduleRecord } from '../api';
import { Oracle, type Program } from '../index';
import type { OracleState } from '../oracle/oracle';
import { Machine } from '../vm/machine';
import type { MachineState } from '../vm/snapshot';
import type { AccessList } from './access';
import { fingerprint, MemoryHash } from './fingerprint';
import { EventTracker } from './tracker';

export interface TargetOptions {
  gomaxprocs?: number;
  maxSteps?: number;
  /** Heap oracle on (default true; a plain SimC program with runtime `none` has no heap to check). */
  oracle?: boolean;
}

/**
 * The step budget of one explored execution: schedules that spin (a waiter that yields to a
 * thread that never gets on) end with outcome `budget` here instead of at the VM's 10 million.
 */
export const EXPLORE_MAX_STEPS = 2_000_000;

/** Outcomes that count as a failure the explorer reports. */
export const FAILING: ReadonlySet<Outcome> = new Set(['throw', 'fault', 'invariant', 'deadlock', 'livelock']);

export function isFailure(r: { outcome: Outcome }): boolean {
  return FAILING.has(r.outcome);
}

/** The oracle options the explorer runs with: I4's per-acquisition flag is not a consequence. */
export const EXPLORE_ORACLE = { flagUnlockedOwner: false } as const;

/** Does the program run on a Go runtime model (a heap the oracle can check)? */
export function hasHeap(program: Program): boolean {
  return program.code.funcs.some((f) => f.name === 'runtime·mallocgc');
}

/** The oracle option for runProgram: the explorer's checks, or none for plain SimC. */
export function oracleFor(program: Program, on: boolean | undefined): typeof EXPLORE_ORACLE | false {
  return on !== false && hasHeap(program) ? EXPLORE_ORACLE : false;
}

/** The program between two explorer steps, to continue from instead of replaying from the root. */
export interface TargetCheckpoint {
  machine: MachineState;
  oracle: OracleState | null;
}

export class ExploreTarget {
  readonly vm: Machine;
  readonly tracker: EventTracker;
  readonly memHash: MemoryHash;
  private readonly root: MachineState;
  /** The schedule that leads from step 0 to the root. */
  readonly rootSwitches: number[];
  readonly rootSteps: number;
  private detachOracle: (() => void) | null = null;
  private oracle: Oracle | null = null;
  private readonly withOracle: boolean;

  constructor(
    readonly program: Program,
    readonly options: TargetOptions = {},
  ) {
    this.vm = new Machine(program, { gomaxprocs: options.gomaxprocs ?? 2, maxSteps: options.maxSteps ?? EXPLORE_MAX_STEPS });
    this.vm.run(() => this.runnableCount() >= 2);
    this.root = this.vm.snapshot();
    this.rootSwitches = this.vm.switches.toArray();
    this.rootSteps = this.vm.steps;
    this.withOracle = oracleFor(program, options.oracle) !== false;
    this.memHash = new MemoryHash(this.vm);
    this.memHash.setRoot();
    this.tracker = new EventTracker(this.vm);
    this.vm.listen(this.tracker);
    this.reset();
  }

  get gomaxprocs(): number {
    return this.vm.gomaxprocs;
  }

  runnableCount(): number {
    let n = 0;
    for (const m of this.vm.ms) if (this.vm.isRunnable(m)) n++;
    return n;
  }

  /** Back to the root, with a fresh oracle. */
  reset(): void {
    this.detachOracle?.();
    this.detachOracle = null;
    this.vm.restore(this.root);
    if (this.withOracle) {
      this.oracle = new Oracle(this.vm, EXPLORE_ORACLE);
      this.detachOracle = this.vm.listen(this.oracle);
    }
  }

  /**
   * The machine, its oracle and the memory hash now (between explorer steps). Unchanged memory
   * pages are shared with `base`, an earlier checkpoint.
   */
  checkpoint(base?: TargetCheckpoint): TargetCheckpoint {
    return { machine: this.vm.snapshot(base?.machine ?? this.root), oracle: this.oracle?.capture() ?? null };
  }

  /** Back to a checkpoint of this execution's path (the same oracle goes on). */
  restoreCheckpoint(c: TargetCheckpoint): void {
    this.vm.restore(c.machine);
    if (this.oracle && c.oracle) this.oracle.restore(c.oracle);
  }

  /** The Ms that can run now, as a bit mask of M ids. */
  enabled(): number {
    let mask = 0;
    for (const m of this.vm.ms) if (this.vm.isRunnable(m)) mask |= 1 << m.id;
    return mask;
  }

  get halted(): boolean {
    return this.vm.halted !== null;
  }

  /** Ends the run when no M can run (the machine reports the deadlock). */
  settle(): void {
    if (!this.vm.halted && this.enabled() === 0) this.vm.run();
  }

  /**
   * One explorer step of M `t` (with `runOn`, on to its next yield: `spanned` says how many
   * steps that was): returns the statements it ran (its accesses: `accesses()`; whether it
   * yielded: `yielded`).
   */
  step(t: number, runOn = false): number {
    return this.tracker.step(this.vm.ms[t], runOn);
  }

  /** The explorer steps the last step stood for (more than 1 only when it ran on). */
  get spanned(): number {
    return this.tracker.spanned;
  }

  /** The last step gave up its M (switching away after it is not a preemption). */
  get yielded(): boolean {
    return this.tracker.yielded;
  }

  /** The last step's accesses (a copy). */
  accesses(): AccessList {
    return this.tracker.accesses();
  }

  /** Replays a known step exactly (no access recording). */
  replay(t: number, steps: number): void {
    this.tracker.replay(this.vm.ms[t], steps, false);
  }

  fingerprint(): [number, number] {
    return fingerprint(this.vm, this.memHash);
  }

  result(): RunResult {
    return this.vm.result();
  }

  /** The schedule of the current execution from step 0 (root prefix included). */
  schedule(): ScheduleRecord {
    return this.vm.result().schedule;
  }
}
