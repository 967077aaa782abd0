// Validation of the `launch` request's attributes (architecture.md, "Debug adapter"): every
// attribute is checked with an error naming it, and turned into what the session needs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StrategyName } from '../engine/api';
import { DEFAULT_RUNTIME } from '../runtimes';
import type { FilterId } from './breakpoints';

export type Stepping = 'thread' | 'all';

export interface LaunchSettings {
  program: string;
  runtime: string;
  gomaxprocs: number;
  stopOnEntry: boolean;
  strategy: StrategyName;
  seed: number;
  /** A recorded schedule to replay (validated against the program after compiling). */
  scheduleFile?: string;
  /**
   * The schedule file holds an explorer finding that ended the way this filter stops: the
   * session checks the heap as the explorer did and stops there whatever the filters say
   * (set after the file is read).
   */
  recordedFailure?: FilterId;
  maxSteps?: number;
  stepping: Stepping;
}

const STRATEGIES: readonly StrategyName[] = ['roundrobin', 'random', 'pct'];
const KNOWN = new Set([
  'program', 'runtime', 'gomaxprocs', 'stopOnEntry', 'schedule', 'maxSteps', 'stepping',
  // set by VS Code itself on every configuration
  'type', 'request', 'name', 'cwd', 'noDebug', '__sessionId', '__configurationTarget', 'presentation',
  'internalConsoleOptions', 'preLaunchTask', 'postDebugTask', 'debugServer', 'serverReadyAction',
  'suppressMultipleSessionWarning',
]);

function isInt(v: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Checks the launch arguments; returns the settings or an error message naming the attribute. */
export function validateLaunchArgs(raw: unknown): LaunchSettings | { error: string } {
  if (typeof raw !== 'object' || raw === null) return { error: 'launch: arguments must be an object' };
  const a = raw as Record<string, unknown>;
  const unknownKey = Object.keys(a).find((k) => !KNOWN.has(k) && !k.startsWith('__'));
  if (unknownKey !== undefined) return { error: `launch: unknown attribute "${unknownKey}"` };

  const cwd = typeof a.cwd === 'string' ? a.cwd : process.cwd();
  if (typeof a.program !== 'string' || a.program.trim() === '') {
    return { error: 'launch attribute "program": expected the path of a .simc file' };
  }
  const program = path.resolve(cwd, a.program);
  if (!isFile(program)) return { error: `launch attribute "program": file not found: ${program}` };

  let runtime = DEFAULT_RUNTIME;
  if (a.runtime !== undefined) {
    if (typeof a.runtime !== 'string' || a.runtime === '') {
      return { error: 'launch attribute "runtime": expected "f8e4a2e", "before-f8e4a2e", "none" or a folder path' };
    }
    runtime = ['f8e4a2e', 'before-f8e4a2e', 'none'].includes(a.runtime) ? a.runtime : path.resolve(cwd, a.runtime);
  }

  const gomaxprocs = a.gomaxprocs ?? 2;
  if (!isInt(gomaxprocs, 1, 64)) return { error: 'launch attribute "gomaxprocs": expected an integer from 1 to 64' };

  const stopOnEntry = a.stopOnEntry ?? false;
  if (typeof stopOnEntry !== 'boolean') return { error: 'launch attribute "stopOnEntry": expected true or false' };

  const stepping = a.stepping ?? 'thread';
  if (stepping !== 'thread' && stepping !== 'all') return { error: 'launch attribute "stepping": expected "thread" or "all"' };

  let maxSteps: number | undefined;
  if (a.maxSteps !== undefined) {
    if (!isInt(a.maxSteps, 1)) return { error: 'launch attribute "maxSteps": expected a positive integer' };
    maxSteps = a.maxSteps;
  }

  let strategy: StrategyName = 'roundrobin';
  let seed = 1;
  let scheduleFile: string | undefined;
  if (a.schedule !== undefined) {
    const s = a.schedule;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      return { error: 'launch attribute "schedule": expected { "strategy", "seed" } or { "file" }' };
    }
    const sch = s as Record<string, unknown>;
    const extra = Object.keys(sch).find((k) => k !== 'strategy' && k !== 'seed' && k !== 'file');
    if (extra !== undefined) return { error: `launch attribute "schedule": unknown field "${extra}"` };
    if (sch.strategy !== undefined) {
      if (typeof sch.strategy !== 'string' || !(STRATEGIES as readonly string[]).includes(sch.strategy)) {
        return { error: `launch attribute "schedule.strategy": expected one of ${STRATEGIES.join(', ')}` };
      }
      strategy = sch.strategy as StrategyName;
    }
    if (sch.seed !== undefined) {
      if (!isInt(sch.seed, 0)) return { error: 'launch attribute "schedule.seed": expected a non-negative integer' };
      seed = sch.seed;
    }
    if (sch.file !== undefined) {
      if (typeof sch.file !== 'string' || sch.file === '') {
        return { error: 'launch attribute "schedule.file": expected the path of a schedule file' };
      }
      scheduleFile = path.resolve(cwd, sch.file);
      if (!isFile(scheduleFile)) return { error: `launch attribute "schedule.file": file not found: ${scheduleFile}` };
    }
  }
  return { program, runtime, gomaxprocs, stopOnEntry, strategy, seed, scheduleFile, maxSteps, stepping };
}
