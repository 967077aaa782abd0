// The `sweepscope` command line: `run` and `check` per the CLI contract of architecture.md
// (flags, --json fields, outcome names, exit codes 0 clean / 1 program failed / 2 usage or
// compile errors), and `explore` (the schedule explorer: search, shrink, write the schedule).
// Bad input never gives a stack trace.
import * as fs from 'node:fs';
import * as os from 'node:os';
import {
  compileProgram,
  runProgram,
  type RunOptions,
  type RunResult,
  type ScheduleRecord,
  type StrategyName,
} from './engine';
import { DEFAULT_RUNTIME, errorMessage, fsLoader, resolveRuntime } from './runtimes';
import { compileScenario, describeDiagnostic, describeOutcome, displayPath, parseScheduleRecord } from './runSupport';
import { explore } from './engine/explore/explorer';
import { makeParallelRunner } from './engine/explore/parallel';
import { encodeSchedule, scheduleMeta } from './engine/explore/schedule-file';
import type { StrategyChoice } from './engine/explore/search';

const USAGE = `usage:
  sweepscope run FILE.simc [--runtime NAME|DIR] [--gomaxprocs N] [--strategy roundrobin|random|pct]
                 [--seed N] [--schedule FILE] [--record FILE] [--max-steps N] [--sysmon-steps N]
                 [--oracle] [--json]
  sweepscope check FILE.simc... [--runtime NAME|DIR]
  sweepscope explore FILE.simc [--runtime NAME|DIR] [--strategy random|pct|dpor] [--preemption-bound K]
                 [--executions N] [--time-limit SECONDS] [--seed N] [--out FILE.schedule.json]
                 [--workers N] [--gomaxprocs N] [--pct-depth D] [--json]
runtimes: f8e4a2e (default), before-f8e4a2e, none, or a folder of .simc files
exit status: 0 clean exit, 1 the program failed, 2 usage or compile errors`;

/** A usage error: printed as one line plus the usage text, exit 2. */
class UsageError extends Error {}
/** An error in the user's input other than usage (compile errors, bad schedule file): exit 2. */
class InputError extends Error {}

type FlagKind = 'string' | 'int' | 'bool';
type FlagSpec = Record<string, FlagKind>;

interface ParsedArgs {
  files: string[];
  flags: Map<string, string | number | true>;
}

const RUN_FLAGS: FlagSpec = {
  runtime: 'string',
  gomaxprocs: 'int',
  strategy: 'string',
  seed: 'int',
  schedule: 'string',
  record: 'string',
  'max-steps': 'int',
  'sysmon-steps': 'int',
  oracle: 'bool',
  json: 'bool',
};
const CHECK_FLAGS: FlagSpec = { runtime: 'string' };
const STRATEGIES: readonly StrategyName[] = ['roundrobin', 'random', 'pct'];

/** Parses `--flag value`, `--flag=value` and positional file arguments against a flag spec. */
function parseArgs(args: string[], spec: FlagSpec): ParsedArgs {
  const files: string[] = [];
  const flags = new Map<string, string | number | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option '--${name}'`);
    if (flags.has(name)) throw new UsageError(`option '--${name}' given twice`);
    if (kind === 'bool') {
      if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else value = args[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) {
      throw new UsageError(`option '--${name}' needs a value`);
    }
    if (kind === 'int') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new UsageError(`option '--${name}': '${value}' is not a non-negative integer`);
      }
      flags.set(name, Number(value));
    } else {
      flags.set(name, value);
    }
  }
  return { files, flags };
}

function str(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}
function int(p: ParsedArgs, name: string): number | undefined {
  const v = p.flags.get(name);
  return typeof v === 'number' ? v : undefined;
}

/** Fails with a usage error unless `file` is an existing regular file. */
function requireFile(file: string, what: string): void {
  let ok = false;
  try {
    ok = fs.statSync(file).isFile();
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`${what} '${file}' not found`);
}

function readScheduleFile(file: string, programHash: string): ScheduleRecord {
  requireFile(file, 'schedule file');
  const parsed = parseScheduleRecord(fs.readFileSync(file, 'utf8'), file, programHash);
  if ('error' in parsed) throw new InputError(parsed.error);
  return parsed;
}

/** Builds the engine's run options from the parsed flags (validating ranges); the schedule file
 * is read only when the program's hash is known, so flags are checked before compiling. */
function runOptions(p: ParsedArgs, programHash?: string): RunOptions & { oracle?: boolean } {
  const strategy = str(p, 'strategy') ?? 'roundrobin';
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    throw new UsageError(`option '--strategy': '${strategy}' is not one of ${STRATEGIES.join(', ')}`);
  }
  const gomaxprocs = int(p, 'gomaxprocs');
  if (gomaxprocs !== undefined && (gomaxprocs < 1 || gomaxprocs > 64)) {
    throw new UsageError(`option '--gomaxprocs': ${gomaxprocs} is not between 1 and 64`);
  }
  const maxSteps = int(p, 'max-steps');
  if (maxSteps !== undefined && maxSteps < 1) throw new UsageError(`option '--max-steps': must be at least 1`);
  const scheduleFile = str(p, 'schedule');
  const schedule = scheduleFile !== undefined && programHash !== undefined ? readScheduleFile(scheduleFile, programHash) : undefined;
  if (schedule && gomaxprocs !== undefined && gomaxprocs !== schedule.gomaxprocs) {
    throw new InputError(
      `schedule file ${scheduleFile}: recorded with gomaxprocs ${schedule.gomaxprocs}, but --gomaxprocs is ${gomaxprocs}`,
    );
  }
  const options: RunOptions & { oracle?: boolean } = {
    gomaxprocs: schedule?.gomaxprocs ?? gomaxprocs ?? 2,
    strategy: strategy as StrategyName,
    seed: int(p, 'seed') ?? 1,
  };
  if (schedule) options.schedule = schedule;
  if (maxSteps !== undefined) options.maxSteps = maxSteps;
  const sysmon = int(p, 'sysmon-steps');
  if (sysmon !== undefined) options.sysmonSteps = sysmon;
  if (p.flags.has('oracle')) options.oracle = true;
  return options;
}

/** The --json object of `run`. */
function jsonResult(r: RunResult, recorded: string | undefined): Record<string, unknown> {
  return {
    outcome: r.outcome,
    message: r.message,
    thread: r.thread ?? null,
    goroutine: r.goroutine ?? null,
    location: r.location ?? null,
    steps: r.steps,
    output: r.output,
    ...(r.printed !== undefined ? { printed: r.printed } : {}),
    ...(r.divergedAt !== undefined ? { divergedAt: r.divergedAt } : {}),
    ...(recorded !== undefined ? { record: recorded } : {}),
  };
}

function cmdRun(args: string[]): number {
  const p = parseArgs(args, RUN_FLAGS);
  if (p.files.length !== 1) {
    throw new UsageError(p.files.length === 0 ? 'run: missing FILE.simc' : `run: one file expected, got '${p.files[1]}'`);
  }
  const file = p.files[0];
  requireFile(file, 'file');
  const json = p.flags.has('json');
  runOptions(p); // usage errors in the flags come before compile errors
  const compiled = compileScenario(file, str(p, 'runtime') ?? DEFAULT_RUNTIME, fsLoader);
  if (!compiled.ok) {
    if (json) {
      process.stdout.write(
        JSON.stringify({ error: 'compile', message: compiled.error, diagnostics: compiled.diagnostics }) + '\n',
      );
    }
    throw new InputError(compiled.error);
  }
  for (const w of compiled.warnings) process.stderr.write(describeDiagnostic(w) + '\n');
  const options = runOptions(p, compiled.program.hash);
  if (!json) options.onOutput = (text: string) => void process.stdout.write(text);
  const result = runProgram(compiled.program, options);
  const record = str(p, 'record');
  if (record !== undefined) {
    try {
      fs.writeFileSync(record, JSON.stringify(result.schedule) + '\n');
    } catch (e) {
      throw new InputError(`cannot write schedule file '${record}': ${errorMessage(e)}`);
    }
  }
  if (json) {
    process.stdout.write(JSON.stringify(jsonResult(result, record)) + '\n');
  } else {
    if (result.output !== '' && !result.output.endsWith('\n')) process.stdout.write('\n');
    if (result.divergedAt) {
      const d = result.divergedAt;
      process.stderr.write(`schedule diverged at switch ${d.switchIndex}, step ${d.step}: ${d.reason}\n`);
    }
    process.stderr.write(`outcome: ${describeOutcome(result)}\n`);
  }
  return result.outcome === 'exit' ? 0 : 1;
}

function cmdCheck(args: string[]): number {
  const p = parseArgs(args, CHECK_FLAGS);
  if (p.files.length === 0) throw new UsageError('check: missing FILE.simc');
  const runtime = resolveRuntime(str(p, 'runtime') ?? DEFAULT_RUNTIME);
  if ('error' in runtime) throw new UsageError(`option '--runtime': ${runtime.error}`);
  for (const f of p.files) requireFile(f, 'file');
  let errors = 0;
  for (const scenario of p.files) {
    const { diagnostics } = compileProgram({ runtimeFiles: runtime.files, scenario, loader: fsLoader });
    for (const d of diagnostics) {
      process.stdout.write(describeDiagnostic(d) + '\n');
      if (d.severity === 'error') errors++;
    }
  }
  if (errors === 0) process.stderr.write(`check: ${p.files.length} file(s), no errors\n`);
  return errors > 0 ? 1 : 0;
}

const EXPLORE_FLAGS: FlagSpec = {
  runtime: 'string',
  strategy: 'string',
  'preemption-bound': 'int',
  executions: 'int',
  'time-limit': 'int',
  seed: 'int',
  out: 'string',
  workers: 'int',
  gomaxprocs: 'int',
  'pct-depth': 'int',
  json: 'bool',
};
const EXPLORE_STRATEGIES: readonly StrategyChoice[] = ['dpor', 'pct', 'random'];

/** `explore`: search for a failing schedule, shrink it, write it (--out), report it. */
function cmdExplore(args: string[]): number {
  const p = parseArgs(args, EXPLORE_FLAGS);
  if (p.files.length !== 1) {
    throw new UsageError(p.files.length === 0 ? 'explore: missing FILE.simc' : `explore: one file expected, got '${p.files[1]}'`);
  }
  // random finds the P8 race in tens of milliseconds; dpor is the exhaustive (bounded) proof mode
  const strategy = str(p, 'strategy') ?? 'random';
  if (!(EXPLORE_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new UsageError(`option '--strategy': '${strategy}' is not one of ${EXPLORE_STRATEGIES.join(', ')}`);
  }
  const bound = int(p, 'preemption-bound') ?? 2;
  if (bound > 20) throw new UsageError(`option '--preemption-bound': ${bound} is too large (at most 20)`);
  const executions = int(p, 'executions');
  if (executions !== undefined && executions < 1) throw new UsageError(`option '--executions': must be at least 1`);
  const seconds = int(p, 'time-limit') ?? 60;
  if (seconds < 1) throw new UsageError(`option '--time-limit': must be at least 1 second`);
  const gomaxprocs = int(p, 'gomaxprocs');
  if (gomaxprocs !== undefined && (gomaxprocs < 1 || gomaxprocs > 8)) throw new UsageError(`option '--gomaxprocs': ${gomaxprocs} is not between 1 and 8 (the explorer tracks up to 8 Ms)`);
  const workers = int(p, 'workers') ?? os.availableParallelism();
  if (workers < 1 || workers > 64) throw new UsageError(`option '--workers': ${workers} is not between 1 and 64`);
  const depth = int(p, 'pct-depth');
  if (depth !== undefined && depth < 1) throw new UsageError(`option '--pct-depth': must be at least 1`);
  const out = str(p, 'out');
  const file = p.files[0];
  requireFile(file, 'file');
  const json = p.flags.has('json');
  const runtime = str(p, 'runtime') ?? DEFAULT_RUNTIME;
  const compiled = compileScenario(file, runtime, fsLoader);
  if (!compiled.ok) {
    if (json) process.stdout.write(JSON.stringify({ error: 'compile', message: compiled.error, diagnostics: compiled.diagnostics }) + '\n');
    throw new InputError(compiled.error);
  }
  for (const w of compiled.warnings) process.stderr.write(describeDiagnostic(w) + '\n');
  const sources: Record<string, string> = {};
  for (const f of compiled.program.files) {
    const text = fsLoader.read(f);
    if (text !== undefined) sources[f] = text;
  }
  const resolved = resolveRuntime(runtime);
  const runtimeFiles = 'error' in resolved ? [] : resolved.files;
  const target = { gomaxprocs: gomaxprocs ?? 2 };
  if (!json) process.stderr.write(`exploring ${displayPath(file)} on ${compiled.runtime} with ${strategy} (${workers} worker${workers === 1 ? '' : 's'}, limit ${seconds} s)…\n`);
  const report = explore(compiled.program, {
    strategy: strategy as StrategyChoice,
    preemptionBound: bound,
    executions,
    timeLimitMs: seconds * 1000,
    seed: int(p, 'seed') ?? 1,
    pctDepth: depth,
    gomaxprocs: target.gomaxprocs,
    workers,
    parallel: makeParallelRunner({ runtimeFiles, scenario: file, sources }, target),
  });
  const f = report.finding;
  const est = report.estimate;
  if (!json) process.stderr.write(`search space: ${est.choicePoints} choice points in the default execution, about ${est.schedules.toExponential(2)} schedules with at most ${est.bound} preemption(s) before reduction\n`);
  let written: string | undefined;
  if (f && out !== undefined) {
    try {
      fs.writeFileSync(out, encodeSchedule(f.schedule, scheduleMeta(report, displayPath(file), compiled.runtime)));
      written = out;
    } catch (e) {
      throw new InputError(`option '--out': cannot write schedule file '${out}': ${errorMessage(e)}`);
    }
  }
  if (json) {
    const r = f?.result;
    process.stdout.write(
      JSON.stringify({
        outcome: r ? r.outcome : 'exit',
        message: r ? r.message : `no failing schedule found (${report.coverage})`,
        thread: r?.thread ?? null,
        goroutine: r?.goroutine ?? null,
        location: r?.location ?? null,
        steps: r ? r.steps : 0,
        executions: report.executions,
        found: report.found,
        complete: report.complete,
        elapsedMs: report.elapsedMs,
        schedule: written ?? null,
        preemptions: f ? f.preemptions : null,
        switches: f ? f.switches : null,
        strategy: report.strategy,
        certified: f ? f.certified : null,
        estimate: report.estimate,
        coverage: report.coverage,
        ...(f ? { minimal: f.story.runs, shrinkMs: f.shrinkMs, before: f.before } : {}),
      }) + '\n',
    );
  } else if (f) {
    process.stdout.write(`minimal failing schedule (${f.preemptions} preemption${f.preemptions === 1 ? '' : 's'}, ${f.switches} switch${f.switches === 1 ? '' : 'es'} from the default schedule; ${f.certified ? 'certified: no schedule with fewer preemptions fails this way' : `not certified: ${f.certifyNote ?? 'limit'}`}):\n`);
    process.stdout.write(f.storyText + '\n');
    process.stdout.write(`outcome: ${describeOutcome(f.result)}\n`);
    process.stdout.write(`found after ${report.executions} executions in ${report.elapsedMs} ms; shrunk from ${f.before.preemptions} preemption(s) in ${f.shrinkMs} ms\n`);
    process.stdout.write(written ? `schedule written to ${written} (replay: sweepscope run ${displayPath(file)} --runtime ${runtime} --schedule ${written})\n` : 'use --out FILE.schedule.json to save the schedule\n');
  } else {
    process.stdout.write(`no failing schedule found: ${report.coverage}${report.complete ? ' (complete)' : ''}\n`);
    process.stdout.write(`estimated size: ${report.estimate.schedules} schedules with at most ${report.estimate.bound} preemption(s) over ${report.estimate.choicePoints} choice points\n`);
  }
  return report.found ? 1 : 0;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit status. */
export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return cmdRun(rest);
      case 'check':
        return cmdCheck(rest);
      case 'explore':
        return cmdExplore(rest);
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return 0;
      case undefined:
        throw new UsageError('missing command');
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`sweepscope: ${e.message}\n${USAGE}\n`);
    } else if (e instanceof InputError) {
      process.stderr.write(`${e.message}\n`);
    } else {
      process.stderr.write(`sweepscope: internal error: ${errorMessage(e)}\n`);
    }
    return 2;
  }
}

if (require.main === module) {
  // Last resort (e.g. a broken stdout pipe): still no stack trace.
  process.on('uncaughtException', (e: unknown) => {
    process.stderr.write(`sweepscope: internal error: ${errorMessage(e)}\n`);
    process.exit(2);
  });
  process.exitCode = main(process.argv.slice(2));
}
