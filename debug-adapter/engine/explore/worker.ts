// The explorer's worker thread (bundled as dist/explore-worker.js). Two jobs:
//  - `search`: one share of a parallel search (parallel.ts): compile the program from the
//    source texts it was handed, run the shared search loop with tickets from the shared
//    counters, reply once on its port;
//  - `explore`: a whole exploration for the VS Code command (estimate, search across nested
//    search workers, shrink, confirm), posting progress and then the report to its parent;
//    cancel is the shared flag, `compare` runs one schedule on two programs.
import { parentPort, workerData } from 'node:worker_threads';
import type { ScheduleRecord } from '../api';
import { compileProgram, type Program } from '../index';
import { compareRuns, formatComparison } from './compare';
import { explore, type ExploreOptions } from './explorer';
import { makeParallelRunner, replyOf, sharedControl, S_DONE, type ProgramSources, type WorkerInput, type WorkerMessage, type WorkerReply } from './parallel';
import { runSearch } from './search';
import { ExploreTarget } from './target';

/** What the VS Code command hands an `explore` or `compare` worker. */
export interface HostJob {
  kind: 'explore' | 'compare';
  program: ProgramSources;
  /** compare: the second program (the other runtime). */
  other?: ProgramSources;
  names?: [string, string];
  schedule?: ScheduleRecord;
  options?: Omit<ExploreOptions, 'cancelled' | 'onProgress' | 'parallel'>;
  /** Int32Array[0] ≠ 0 cancels. */
  cancel: SharedArrayBuffer;
}

function compileFrom(p: ProgramSources): Program {
  const { program, diagnostics } = compileProgram({ runtimeFiles: p.runtimeFiles, scenario: p.scenario, loader: { read: (f) => p.sources[f] } });
  if (!program) throw new Error(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n') || 'compilation failed');
  return program;
}

function search(input: WorkerInput): WorkerReply {
  const s = new Int32Array(input.shared);
  const target = new ExploreTarget(compileFrom(input), input.target);
  input.port.postMessage({ kind: 'searching' } satisfies WorkerMessage);
  return replyOf(runSearch(target, input.spec, sharedControl(s, input.maxExecutions, () => Date.now() >= input.deadline)), s);
}

function hostJob(job: HostJob): void {
  const port = parentPort;
  if (!port) return;
  const cancel = new Int32Array(job.cancel);
  try {
    const program = compileFrom(job.program);
    if (job.kind === 'compare') {
      if (!job.other || !job.schedule) throw new Error('compare needs two programs and a schedule');
      const c = compareRuns(program, compileFrom(job.other), job.schedule);
      const [a, b] = job.names ?? ['first', 'second'];
      port.postMessage({ kind: 'comparison', comparison: c, text: formatComparison(c, a, b) });
      return;
    }
    const report = explore(program, {
      strategy: 'random',
      ...job.options,
      cancelled: () => Atomics.load(cancel, 0) !== 0,
      onProgress: (p) => port.postMessage({ kind: 'progress', progress: p }),
      parallel: makeParallelRunner(job.program, { gomaxprocs: job.options?.gomaxprocs ?? 2 }),
    });
    port.postMessage({ kind: 'report', report });
  } catch (e) {
    port.postMessage({ kind: 'error', error: e instanceof Error ? e.message : String(e) });
  }
}

const data = workerData as (WorkerInput & { kind?: undefined }) | HostJob;
if (data.kind === 'explore' || data.kind === 'compare') {
  hostJob(data);
} else {
  const input = data as WorkerInput;
  let reply: WorkerReply;
  try {
    reply = search(input);
  } catch (e) {
    reply = { kind: 'error', error: e instanceof Error ? e.message : String(e) };
  }
  input.port.postMessage(reply);
  const shared = new Int32Array(input.shared);
  Atomics.add(shared, S_DONE, 1);
  Atomics.notify(shared, S_DONE);
}
