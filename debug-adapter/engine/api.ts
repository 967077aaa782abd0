// The engine's public surface: the types every consumer (CLI, debug adapter, language server,
// explorer, tests) uses. The engine itself never does I/O: callers hand it a SourceLoader.

/** A position in an original source file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export type Severity = 'error' | 'warning';

/** One compile-time message, always pointing at the original file, line and column. */
export interface Diagnostic extends SourceLocation {
  severity: Severity;
  message: string;
}

/** Reads source files for the front end; returns undefined when a file does not exist. */
export interface SourceLoader {
  read(path: string): string | undefined;
}

/** What to compile: the runtime's files (in order) and then the scenario, as one program. */
export interface CompileInput {
  /** Paths of the runtime's .simc files, compiled before the scenario; empty for runtime `none`. */
  runtimeFiles: string[];
  /** Path of the scenario (or plain SimC program). */
  scenario: string;
  loader: SourceLoader;
}

export type Outcome = 'exit' | 'throw' | 'fault' | 'invariant' | 'deadlock' | 'livelock' | 'budget';

export type StrategyName = 'roundrobin' | 'random' | 'pct';

/** A recorded schedule: which M ran for how many steps, in order. */
export interface ScheduleRecord {
  version: 1;
  /**
   * Hash of the compiled program the schedule was recorded on: `<program>.<scenario>`, the
   * whole program's hash, then the scenario's own (its files without the runtime's), so that a
   * schedule replayed on another runtime model of the same scenario can be told from one of
   * another scenario. (Older records carry only the first part.)
   */
  programHash: string;
  gomaxprocs: number;
  /** Flattened pairs: [mIndex0, steps0, mIndex1, steps1, …]. */
  switches: number[];
  /** Optional, one per pair: where the M stood when its run ended (Machine.positionHash); replay checks it. */
  ends?: number[];
  /** Optional: the sysmon time slice the run had (RunOptions.sysmonSteps); a replay uses it unless told otherwise. */
  sysmonSteps?: number;
}

export interface RunOptions {
  gomaxprocs?: number; // default 2
  strategy?: StrategyName; // default roundrobin
  seed?: number; // default 1
  pctDepth?: number; // default 3
  /** Replay this schedule; when it runs out (or diverges) the seeded strategy continues. */
  schedule?: ScheduleRecord;
  maxSteps?: number; // default 10_000_000
  /** Preempt a goroutine that has run this many steps on one P (the era's sysmon, 10 ms); 0 = off. */
  sysmonSteps?: number;
  /** Receives runtime·printf output as it is produced. */
  onOutput?: (text: string) => void;
}

export interface FunctionLocation extends SourceLocation {
  function: string;
}

export interface RunResult {
  outcome: Outcome;
  message: string;
  /** Lines the runtime printed just before a throw (e.g. "MSpan_Sweep: state=0 …"). */
  printed?: string;
  thread?: string; // "M1"
  goroutine?: number;
  location?: FunctionLocation;
  steps: number;
  output: string;
  schedule: ScheduleRecord;
  /** When a replayed schedule stopped applying: the switch index and step where it diverged. */
  divergedAt?: { switchIndex: number; step: number; reason: string };
}
