// The explorer's worker thread (bundled as dist/explore-worker.js): compiles the program from
// the source texts it was handed, builds its own exploration target, runs the shared search
// loop with tickets from the shared counters, and replies once on its port.
import { workerData } from 'node:worker_threads';
import { compileProgram } from '../index';
import { S_DONE, S_EXECUTIONS, S_ROUNDS, S_STOP, type WorkerInput, type WorkerReply } from './parallel';
import { runSearch } from './search';
import { ExploreTarget, isFailure } from './target';

function main(input: WorkerInput): WorkerReply {
  const s = new Int32Array(input.shared);
  const { program, diagnostics } = compileProgram({
    runtimeFiles: input.runtimeFiles,
    scenario: input.scenario,
    loader: { read: (p) => input.sources[p] },
  });
  if (!program) return { kind: 'error', error: diagnostics.map((d) => d.message).join('; ') || 'compilation failed' };
  const target = new ExploreTarget(program, input.target);
  const out = runSearch(target, input.spec, {
    shouldStop: () => Atomics.load(s, S_STOP) !== 0 || Atomics.load(s, S_EXECUTIONS) >= input.maxExecutions || Date.now() >= input.deadline,
    claim: (round) => Atomics.add(s, S_ROUNDS + round, 1),
    workers: input.workers,
    onExecution: () => void Atomics.add(s, S_EXECUTIONS, 1),
  });
  if (out.failure && isFailure(out.failure.result)) Atomics.store(s, S_STOP, 2);
  return {
    kind: 'done',
    executions: out.executions,
    complete: out.complete,
    boundCompleted: out.boundCompleted,
    prunedByHash: out.prunedByHash,
    sleepBlocked: out.sleepBlocked,
    outcomes: [...out.outcomes],
    seeds: out.seeds,
    failure: out.failure,
  };
}

const input = workerData as WorkerInput;
let reply: WorkerReply;
try {
  reply = main(input);
} catch (e) {
  reply = { kind: 'error', error: e instanceof Error ? e.message : String(e) };
}
input.port.postMessage(reply);
const shared = new Int32Array(input.shared);
Atomics.add(shared, S_DONE, 1);
Atomics.notify(shared, S_DONE);
