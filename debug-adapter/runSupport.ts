// What the CLI and the debug adapter share around the engine: compiling a scenario on a runtime
// (name or folder), validating schedule files, and describing a run's outcome in one line.
// Keeps the two front ends consistent and free of copy-paste.
import * as path from 'node:path';
import {
  compileProgram,
  formatDiagnostic,
  type Diagnostic,
  type Program,
  type RunResult,
  type ScheduleRecord,
  type SourceLoader,
} from './engine';
import { resolveRuntime } from './runtimes';

export type CompileOutcome =
  | { ok: true; program: Program; runtime: string; warnings: Diagnostic[] }
  | { ok: false; error: string; diagnostics: Diagnostic[] };

/** A path as the user would like to read it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** `file:line:col: error: message`, with the file shown relative to the working directory. */
export function describeDiagnostic(d: Diagnostic): string {
  return formatDiagnostic({ ...d, file: displayPath(d.file) });
}

/** A compiled program and every file text its compilation read, to tell when it is stale. */
interface CachedCompile {
  key: string;
  reads: Map<string, string | undefined>;
  outcome: CompileOutcome;
}

/** The last few compilations, newest first (an extension host checks a launch, then runs it). */
const compileCache: CachedCompile[] = [];
const COMPILE_CACHE_SIZE = 2;

/**
 * Compiles `scenario` on `runtime` (a built-in name, `none`, or a folder). Never throws for bad
 * input: an unknown runtime or compile errors come back as `{ ok: false }` with a readable error.
 * A compilation is reused while every file it read (the scenario, its includes, the runtime's
 * files) still reads the same through `loader`: checking the launch configuration and then
 * launching, or restarting, compiles once.
 */
export function compileScenario(scenario: string, runtime: string, loader: SourceLoader): CompileOutcome {
  const resolved = resolveRuntime(runtime);
  if ('error' in resolved) return { ok: false, error: resolved.error, diagnostics: [] };
  const key = `${resolved.name}\n${resolved.files.join('\n')}\n${path.resolve(scenario)}`;
  const hit = compileCache.findIndex((c) => c.key === key && [...c.reads].every(([file, text]) => loader.read(file) === text));
  if (hit >= 0) {
    const [entry] = compileCache.splice(hit, 1);
    compileCache.unshift(entry);
    return entry.outcome;
  }
  const reads = new Map<string, string | undefined>();
  const recording: SourceLoader = {
    read: (file) => {
      const text = loader.read(file);
      reads.set(file, text);
      return text;
    },
  };
  const outcome = compileUncached(scenario, resolved, recording);
  compileCache.unshift({ key, reads, outcome });
  compileCache.length = Math.min(compileCache.length, COMPILE_CACHE_SIZE);
  return outcome;
}

function compileUncached(scenario: string, resolved: { name: string; files: string[] }, loader: SourceLoader): CompileOutcome {
  const { program, diagnostics } = compileProgram({ runtimeFiles: resolved.files, scenario, loader });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (program === null || errors.length > 0) {
    const shown = errors.length > 0 ? errors : diagnostics;
    const text = shown.length > 0 ? shown.map(describeDiagnostic).join('\n') : `${scenario}: compilation failed`;
    return { ok: false, error: text, diagnostics };
  }
  return { ok: true, program, runtime: resolved.name, warnings: diagnostics };
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** The scenario part of a program hash `<program>.<scenario>` (undefined for an older record). */
function scenarioPart(hash: string): string | undefined {
  const dot = hash.indexOf('.');
  return dot > 0 && dot < hash.length - 1 ? hash.slice(dot + 1) : undefined;
}

/**
 * Parses and validates a schedule file's text (`label` names the file in messages). Checks the
 * shape of a ScheduleRecord and, when `programHash` is given, that it was recorded on this
 * scenario: a record of another scenario is refused; one recorded on the same scenario with
 * another runtime model (or an edited one) is accepted, and its replay reports where it
 * diverged (RunResult.divergedAt) before the seeded strategy takes over.
 */
export function parseScheduleRecord(
  text: string,
  label: string,
  programHash?: string,
): ScheduleRecord | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { error: `schedule file ${label}: not valid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const bad = (what: string): { error: string } => ({ error: `schedule file ${label}: ${what}` });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return bad('expected a JSON object');
  const rec = data as Record<string, unknown>;
  if (rec.version !== 1) return bad(`unsupported version ${JSON.stringify(rec.version)} (expected 1)`);
  if (typeof rec.programHash !== 'string' || rec.programHash === '') return bad('"programHash" must be a non-empty string');
  if (!isNonNegativeInteger(rec.gomaxprocs) || rec.gomaxprocs < 1) return bad('"gomaxprocs" must be a positive integer');
  if (!Array.isArray(rec.switches) || !rec.switches.every(isNonNegativeInteger)) {
    return bad('"switches" must be an array of non-negative integers');
  }
  if (rec.switches.length % 2 !== 0) return bad('"switches" must hold [thread, steps] pairs (even length)');
  const ends = rec.ends;
  if (ends !== undefined && (!Array.isArray(ends) || !ends.every(isNonNegativeInteger) || ends.length !== rec.switches.length / 2)) {
    return bad('"ends" must hold one non-negative integer per [thread, steps] pair');
  }
  if (rec.sysmonSteps !== undefined && !isNonNegativeInteger(rec.sysmonSteps)) return bad('"sysmonSteps" must be a non-negative integer');
  if (programHash !== undefined && rec.programHash !== programHash) {
    const theirs = scenarioPart(rec.programHash);
    if (theirs === undefined || theirs !== scenarioPart(programHash)) {
      return bad(
        `recorded on another program of another scenario, not this one on another runtime model ` +
          `(hash ${rec.programHash}, this program is ${programHash}); record it again on this scenario`,
      );
    }
  }
  const out: ScheduleRecord = { version: 1, programHash: rec.programHash, gomaxprocs: rec.gomaxprocs, switches: rec.switches };
  if (Array.isArray(ends)) out.ends = ends as number[];
  if (typeof rec.sysmonSteps === 'number') out.sysmonSteps = rec.sysmonSteps;
  return out;
}

/**
 * One line describing how a run ended, e.g. `exit (12345 steps)` or
 * `throw "gc: unswept span" at mgc0.simc:123:5 in runtime·markroot (M1, g7)`.
 */
export function describeOutcome(r: RunResult): string {
  if (r.outcome === 'exit') return `exit (${r.steps} steps)`;
  let text = `${r.outcome} ${JSON.stringify(r.message)}`;
  if (r.location) {
    text += ` at ${displayPath(r.location.file)}:${r.location.line}:${r.location.column}`;
    if (r.location.function) text += ` in ${r.location.function}`;
  }
  const who = [r.thread, r.goroutine !== undefined ? `g${r.goroutine}` : undefined].filter((x) => x !== undefined);
  if (who.length > 0) text += ` (${who.join(', ')})`;
  return `${text} after ${r.steps} steps`;
}
