// What the machine's observers and drivers see of it: the listener events (memory accesses,
// statements, calls and returns, runs, preemptions, the end), how a run halted, the program it
// loads, and the scheduler state a debugger saves and puts back (machine.ts implements them).
import type { FunctionLocation, Outcome, RunResult } from '../api';
import type { CheckedProgram } from '../lang/checker';
import type { CompiledCode } from './compile';
import type { ReplayState } from './run-log';
import type { Frame, Gor, Mach } from './threads';

/** What the machine needs of a compiled program. */
export interface LoadedProgram {
  hash: string;
  code: CompiledCode;
  checked: CheckedProgram;
}

/** An observer of the machine; every event is optional. */
export interface Listener {
  /** Every memory access of compiled code and builtins (instrumented mode). */
  onAccess?(addr: number, size: number, flags: number, m: Mach): void;
  /** Before a statement runs; return true to stop the machine before it. */
  onStatement?(m: Mach, fr: Frame, label: number): boolean;
  /** The statement a listener stopped the machine before runs now (its onStatement is not called again). */
  onResumed?(m: Mach, fr: Frame, label: number): void;
  onCall?(m: Mach, fr: Frame): void;
  /** A frame is about to be popped (its function returns; the value is in vm.rv). */
  onReturn?(m: Mach, fr: Frame): void;
  onSchedule?(m: Mach, steps: number): void;
  onPreemptRequest?(g: Gor, by: string): void;
  onPreempt?(g: Gor, m: Mach): void;
  onHalt?(result: RunResult): void;
}

/** What decides the next run (Machine.saveScheduler/loadScheduler). */
export interface SchedulerState {
  strategy: unknown;
  replay: ReplayState;
  interrupted: { mId: number; left: number } | null;
}

/** How the machine stopped for good. */
export interface Halt {
  outcome: Outcome;
  message: string;
  /** Where it happened, when that is not the frame's own pc (an oracle report). */
  at?: FunctionLocation;
  printed?: string;
  m?: Mach;
  g?: Gor;
  frame?: Frame;
}
