// The schedule explorer in VS Code:
//   sweepscope.findFailingSchedule  pick a scenario and a runtime (and a strategy), run the
//                                   explorer in a worker thread under a progress notification
//                                   with Cancel, list what it found, and offer "Replay in
//                                   Debugger" (a launch with schedule: { file }), "Compare
//                                   Runtimes" and the schedule file
//   sweepscope.compareRuntimes      run one schedule on before-f8e4a2e and on f8e4a2e and show
//                                   where the runs part and how each ends
// Both take optional arguments (tests, other commands) and otherwise ask. The work happens in
// dist/explore-worker.js; Cancel sets a shared flag the worker's search polls, and the worker
// is terminated if it has not answered 200 ms later (what it found by then is still reported).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { ScheduleRecord } from '../debug-adapter/engine/api';
import type { Comparison } from '../debug-adapter/engine/explore/compare';
import type { ExploreReport, Progress } from '../debug-adapter/engine/explore/explorer';
import type { ProgramSources } from '../debug-adapter/engine/explore/parallel';
import { encodeSchedule, scheduleMeta } from '../debug-adapter/engine/explore/schedule-file';
import { PCT_DEPTH } from '../debug-adapter/engine/explore/sampling';
import type { StrategyChoice } from '../debug-adapter/engine/explore/search';
import type { HostJob } from '../debug-adapter/engine/explore/worker';
import { fsLoader, resolveRuntime } from '../debug-adapter/runtimes';
import { compileScenario, parseScheduleRecord } from '../debug-adapter/runSupport';

const RUNTIMES = ['before-f8e4a2e', 'f8e4a2e'] as const;
const STRATEGIES: readonly { label: StrategyChoice; detail: string }[] = [
  { label: 'random', detail: 'uniform random walk, one seed per execution (fast to find)' },
  { label: 'pct', detail: `probabilistic concurrency testing, depth ${PCT_DEPTH}` },
  { label: 'dpor', detail: 'exhaustive within a preemption bound (iterative context bounding, state hashing)' },
];

export interface FindArgs {
  program?: string;
  runtime?: string;
  strategy?: StrategyChoice;
  timeLimitSeconds?: number;
  /** Resolves when the run is under way: call it to cancel (tests). */
  onStarted?: (cancel: () => void) => void;
  /** Do not show the result dialog (tests). */
  quiet?: boolean;
  /** With quiet: take "Replay in Debugger" as if it had been clicked (tests). */
  replay?: boolean;
}

export interface CompareArgs {
  program?: string;
  schedule?: string;
  quiet?: boolean;
}

let output: vscode.OutputChannel | undefined;
function channel(): vscode.OutputChannel {
  output ??= vscode.window.createOutputChannel('SweepScope Explorer');
  return output;
}

/** The program's sources, read here so the worker does no file I/O of its own. */
function sources(file: string, runtime: string): ProgramSources {
  const c = compileScenario(file, runtime, fsLoader);
  if (!c.ok) throw new Error(c.error);
  const rt = resolveRuntime(runtime);
  const texts: Record<string, string> = {};
  for (const f of c.program.files) {
    const t = fsLoader.read(f);
    if (t !== undefined) texts[f] = t;
  }
  return { runtimeFiles: 'error' in rt ? [] : rt.files, scenario: file, sources: texts };
}

function workerFile(): string {
  return path.join(__dirname, 'explore-worker.js');
}

type WorkerMessage =
  | { kind: 'progress'; progress: Progress }
  | { kind: 'report'; report: ExploreReport }
  | { kind: 'comparison'; comparison: Comparison; text: string }
  | { kind: 'error'; error: string };

/** Runs a job in the explorer worker; `cancel()` stops it within 200 ms. */
function runJob(job: HostJob, onProgress?: (p: Progress) => void): { done: Promise<WorkerMessage>; cancel: () => void } {
  const worker = new Worker(workerFile(), { workerData: job });
  const flag = new Int32Array(job.cancel);
  let last: WorkerMessage | undefined;
  const done = new Promise<WorkerMessage>((resolve) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') onProgress?.(m.progress);
      else {
        last = m;
        resolve(m);
        void worker.terminate();
      }
    });
    worker.on('error', (e) => resolve({ kind: 'error', error: e.message }));
    worker.on('exit', () => resolve(last ?? { kind: 'error', error: 'the explorer stopped without a report' }));
  });
  const cancel = (): void => {
    Atomics.store(flag, 0, 1);
    setTimeout(() => void worker.terminate(), 200);
  };
  return { done, cancel };
}

async function pickScenario(given?: string): Promise<string | undefined> {
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document;
  const files = await vscode.workspace.findFiles('**/*.simc', '**/{node_modules,runtime-models}/**', 200);
  const items = files.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u }));
  if (active?.fileName.endsWith('.simc')) items.unshift({ label: vscode.workspace.asRelativePath(active.uri), uri: active.uri });
  if (items.length === 0) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { SimC: ['simc'] }, openLabel: 'Explore' });
    return picked?.[0]?.fsPath;
  }
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Scenario to explore' });
  return pick?.uri.fsPath;
}

async function findFailingSchedule(args: FindArgs = {}): Promise<ExploreReport | undefined> {
  const program = await pickScenario(args.program);
  if (!program) return undefined;
  const runtime = args.runtime ?? (await vscode.window.showQuickPick([...RUNTIMES], { placeHolder: 'Runtime (before-f8e4a2e has the race)' }));
  if (!runtime) return undefined;
  const strategy = args.strategy ?? (await vscode.window.showQuickPick(STRATEGIES.map((s) => ({ label: s.label, detail: s.detail })), { placeHolder: 'Strategy' }))?.label;
  if (!strategy) return undefined;
  let job: HostJob;
  try {
    job = {
      kind: 'explore',
      program: sources(program, runtime),
      options: { strategy: strategy as StrategyChoice, timeLimitMs: (args.timeLimitSeconds ?? 60) * 1000, workers: os.availableParallelism() },
      cancel: new SharedArrayBuffer(4),
    };
  } catch (e) {
    void vscode.window.showErrorMessage(`SweepScope: cannot explore ${path.basename(program)}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const message = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `SweepScope: exploring ${path.basename(program)} on ${runtime} (${strategy})`, cancellable: true },
    (progress, token) => {
      let reported = 0;
      const run = runJob(job, (p) => {
        progress.report({ message: `${p.phase}: ${p.executions} executions, ${(p.elapsedMs / 1000).toFixed(1)} s`, increment: Math.min(100, (p.elapsedMs / (job.options?.timeLimitMs ?? 60_000)) * 100) - reported });
        reported = Math.min(100, (p.elapsedMs / (job.options?.timeLimitMs ?? 60_000)) * 100);
      });
      token.onCancellationRequested(run.cancel);
      args.onStarted?.(run.cancel);
      return run.done;
    },
  );
  if (message.kind === 'error') {
    void vscode.window.showErrorMessage(`SweepScope explorer: ${message.error}`);
    return undefined;
  }
  if (message.kind !== 'report') return undefined;
  const report = message.report;
  await present(report, program, runtime, args);
  return report;
}

async function present(report: ExploreReport, program: string, runtime: string, args: FindArgs): Promise<void> {
  const quiet = args.quiet === true;
  const out = channel();
  out.appendLine(`── ${path.basename(program)} on ${runtime}, ${report.strategy}: ${report.coverage}`);
  const f = report.finding;
  if (!f) {
    out.appendLine(`no failing schedule found (${report.complete ? 'the bounded space is exhausted' : 'stopped at a limit'})`);
    if (!quiet) void vscode.window.showInformationMessage(`SweepScope: no failing schedule found — ${report.coverage}`);
    return;
  }
  const file = path.join(path.dirname(program), `${path.basename(program, '.simc')}.${runtime}.schedule.json`);
  fs.writeFileSync(file, encodeSchedule(f.schedule, scheduleMeta(report, path.basename(program), runtime)));
  out.appendLine(`${f.result.outcome}: ${f.result.message}`);
  out.appendLine(`minimal schedule (${f.preemptions} preemption(s)${f.certified ? ', certified' : ''}):`);
  out.appendLine(f.storyText);
  out.appendLine(`schedule file: ${file}`);
  if (quiet) {
    if (args.replay) await replayInDebugger(program, runtime, file);
    return;
  }
  out.show(true);
  const choice = await vscode.window.showWarningMessage(
    `SweepScope found a failing schedule: ${f.result.outcome} "${f.result.message.slice(0, 120)}" with ${f.preemptions} preemption(s).`,
    'Replay in Debugger',
    'Compare Runtimes',
    'Open Schedule',
  );
  if (choice === 'Replay in Debugger') await replayInDebugger(program, runtime, file);
  else if (choice === 'Compare Runtimes') await compareRuntimes({ program, schedule: file });
  else if (choice === 'Open Schedule') await vscode.window.showTextDocument(vscode.Uri.file(file));
}

/** Starts a debug session that replays the schedule (the adapter stops at the failure). */
export async function replayInDebugger(program: string, runtime: string, scheduleFile: string): Promise<boolean> {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(program));
  return vscode.debug.startDebugging(folder, {
    type: 'sweepscope',
    request: 'launch',
    name: `Replay ${path.basename(scheduleFile)}`,
    program,
    runtime,
    schedule: { file: scheduleFile },
  });
}

async function compareRuntimes(args: CompareArgs = {}): Promise<Comparison | undefined> {
  const scheduleFile = args.schedule ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Schedule: ['json'] }, openLabel: 'Compare' }))?.[0]?.fsPath;
  if (!scheduleFile) return undefined;
  const program = await pickScenario(args.program);
  if (!program) return undefined;
  let record: ScheduleRecord;
  let job: HostJob;
  try {
    const a = sources(program, 'before-f8e4a2e');
    const b = sources(program, 'f8e4a2e');
    const parsed = parseScheduleRecord(fs.readFileSync(scheduleFile, 'utf8'), scheduleFile);
    if ('error' in parsed) throw new Error(parsed.error);
    record = parsed;
    job = { kind: 'compare', program: a, other: b, names: ['before-f8e4a2e', 'f8e4a2e'], schedule: record, cancel: new SharedArrayBuffer(4) };
  } catch (e) {
    void vscode.window.showErrorMessage(`SweepScope: cannot compare: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const message = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'SweepScope: running the schedule on both runtimes', cancellable: true },
    (_p, token) => {
      const run = runJob(job);
      token.onCancellationRequested(run.cancel);
      return run.done;
    },
  );
  if (message.kind === 'error') {
    void vscode.window.showErrorMessage(`SweepScope compare: ${message.error}`);
    return undefined;
  }
  if (message.kind !== 'comparison') return undefined;
  const out = channel();
  out.appendLine(`── compare ${path.basename(scheduleFile)} on ${path.basename(program)}`);
  out.appendLine(message.text);
  if (!args.quiet) {
    out.show(true);
    void vscode.window.showInformationMessage(`SweepScope: before-f8e4a2e ${message.comparison.a.outcome}, f8e4a2e ${message.comparison.b.outcome}${message.comparison.firstDifference ? `; they part at step ${message.comparison.firstDifference.step}` : ''}`);
  }
  return message.comparison;
}

export function registerExplorerCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('sweepscope.findFailingSchedule', (args?: FindArgs) => findFailingSchedule(args)),
    vscode.commands.registerCommand('sweepscope.compareRuntimes', (args?: CompareArgs) => compareRuntimes(args)),
  );
}
