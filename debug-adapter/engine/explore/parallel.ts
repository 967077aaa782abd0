// The search on every core: worker threads (explore-worker) each compile the program from the
// source texts they are handed and run the same search loop, taking their work from a
// SharedArrayBuffer (a seed counter for sampling; per bounded round, the work list of queue.ts).
// Given its own target, the calling thread is one of the searchers (one worker fewer to start,
// compile and warm up) and the workers join after its first second; otherwise it only waits.
// Either way it stays synchronous (Atomics.wait plus receiveMessageOnPort), so the CLI does too;
// cancel sets a shared flag every searcher polls between steps, and a worker that has not
// answered 200 ms later is terminated (one still starting is not waited for).
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { RunResult } from '../api';
import type { ParallelLimits, ParallelRunner } from './explorer';
import type { Deviation } from './policy';
import { ClaimTable, claimTableSlots, SharedQueue, sharedQueueSlots } from './queue';
import { runSearch, type SearchControl, type SearchOutcome, type SearchSpec } from './search';
import { isFailure, type ExploreTarget, type TargetOptions } from './target';

/** Shared Int32Array layout. */
export const S_STOP = 0; // 1 cancelled or limit, 2 a worker found a failure
export const S_EXECUTIONS = 1;
export const S_DONE = 2; // workers finished (the main thread waits on it)
export const S_SEEDS = 3; // the seed counter (sampling)
export const S_CLAIMS = 4; // dpor: the claim table, then one shared work list per bounded round 0..K
/** Branches below the main line the claim table holds (the full race at k = 2 takes ~190,000). */
export const CLAIM_ENTRIES = 1 << 21;
export const S_QUEUES = S_CLAIMS + claimTableSlots(CLAIM_ENTRIES);
/** Main-line points a shared work list holds (the finalizer race's main line has ~22,000). */
export const QUEUE_POINTS = 1 << 17;

/** Int32 slots of the shared buffer for a search of `rounds` bounded rounds (0: sampling). */
function sharedSlots(rounds: number): number {
  return rounds > 0 ? S_QUEUES + rounds * sharedQueueSlots(QUEUE_POINTS) : S_CLAIMS;
}

export interface WorkerInput {
  /** The program as CompileInput without the loader: file paths and their texts. */
  runtimeFiles: string[];
  scenario: string;
  sources: Record<string, string>;
  target: TargetOptions;
  spec: SearchSpec;
  shared: SharedArrayBuffer;
  maxExecutions: number;
  deadline: number;
  workers: number;
  port: MessagePort;
}

export interface WorkerReply {
  kind: 'done' | 'error';
  error?: string;
  executions?: number;
  complete?: boolean;
  boundCompleted?: number;
  prunedByHash?: number;
  sleepBlocked?: number;
  donations?: number;
  outcomes?: string[];
  seeds?: number;
  stoppedRound?: SearchOutcome['stoppedRound'];
  failure?: { deviations: Deviation[]; result: RunResult; preemptions: number; atExecution: number };
}

/** What a search worker posts: that it starts searching (compiled, at the root), then its reply. */
export type WorkerMessage = { kind: 'searching' } | WorkerReply;

/**
 * The worker's bootstrap: it loads the bundle next to this one in dist/ (or, running from the
 * TypeScript sources, worker.ts through tsx) and turns a failure to load into an error reply,
 * so the waiting main thread hears of it.
 */
export function workerBootstrap(script?: string): string {
  const ts = script === undefined && __filename.endsWith('.ts');
  const file = script ?? (ts ? path.join(__dirname, 'worker.ts') : path.join(__dirname, 'explore-worker.js'));
  const tsx = ['tsx', 'cjs'].join('/'); // resolved at run time, never bundled
  const pre = ts ? `require(${JSON.stringify(require.resolve(tsx))});` : '';
  return `const { workerData } = require('node:worker_threads');
try { ${pre} require(${JSON.stringify(file)}); } catch (e) {
  workerData.port.postMessage({ kind: 'error', error: String(e && e.message ? e.message : e) });
  const s = new Int32Array(workerData.shared); Atomics.add(s, ${S_DONE}, 1); Atomics.notify(s, ${S_DONE});
}`;
}

export interface ProgramSources {
  runtimeFiles: string[];
  scenario: string;
  sources: Record<string, string>;
}

/**
 * `workerScript`: the worker module to load (default: the bundle next to this one, or worker.ts
 * through tsx when running from the sources); the benchmark names dist/explore-worker.js so
 * that it measures the workers users run.
 */
export function makeParallelRunner(program: ProgramSources, target: TargetOptions, workerScript?: string): ParallelRunner {
  return (spec: SearchSpec, limits: ParallelLimits): SearchOutcome => runWorkers(program, target, spec, limits, workerScript);
}

/**
 * How long the calling thread searches alone before the workers join: a worker costs about
 * 0.6 s to start (compiling the program, running to the root) plus its own first execution of
 * each round, which a search of a few seconds does not win back.
 */
export const WORKER_JOIN_MS = 1000;

function runWorkers(program: ProgramSources, target: TargetOptions, spec: SearchSpec, limits: ParallelLimits, workerScript?: string): SearchOutcome {
  const rounds = spec.strategy === 'dpor' ? spec.bound + 1 : 0;
  const shared = new SharedArrayBuffer(4 * sharedSlots(rounds));
  const s = new Int32Array(shared);
  const bootstrap = workerBootstrap(workerScript);
  const started: { worker: Worker; port: MessagePort; searching?: boolean; reply?: WorkerReply }[] = [];
  let joined = false;
  const join = (): void => {
    joined = true;
    for (let i = limits.local ? 1 : 0; i < limits.workers; i++) {
      const { port1, port2 } = new MessageChannel();
      const input: WorkerInput = { ...program, target, spec, shared, maxExecutions: limits.executions, deadline: limits.deadline, workers: limits.workers, port: port2 };
      const worker = new Worker(bootstrap, { eval: true, workerData: input, transferList: [port2] });
      worker.unref();
      started.push({ worker, port: port1 });
    }
  };
  if (!limits.local) join();
  // the shared work lists let a searcher join at any time: a finished round has nothing left to take
  const joinAt = Date.now() + (limits.joinAfterMs ?? WORKER_JOIN_MS);
  const joinWhenDue = (): void => {
    if (!joined && Date.now() >= joinAt && Atomics.load(s, S_STOP) === 0) join();
  };
  const here = limits.local ? searchHere(limits.local, spec, s, limits, joinWhenDue) : null;
  let cancelAt = here && Atomics.load(s, S_STOP) === 1 ? Date.now() : 0;
  for (;;) {
    const done = Atomics.load(s, S_DONE);
    for (const w of started) {
      for (let m = receiveMessageOnPort(w.port); m && !w.reply; m = receiveMessageOnPort(w.port)) {
        const message = m.message as WorkerMessage;
        if (message.kind === 'searching') w.searching = true;
        else w.reply = message;
      }
    }
    // once the calling thread's search has ended, a worker still starting has nothing to add
    // (it took no work): only the searching ones are waited for
    if (started.every((w) => w.reply || (here && !w.searching))) break;
    limits.onExecutions(Atomics.load(s, S_EXECUTIONS));
    if (cancelAt === 0 && (limits.cancelled() || Date.now() >= limits.deadline)) {
      Atomics.store(s, S_STOP, 1);
      cancelAt = Date.now();
    }
    if (cancelAt > 0 && Date.now() - cancelAt > 200) break; // stragglers are terminated below
    Atomics.wait(s, S_DONE, done, 20);
  }
  for (const w of started) void w.worker.terminate();
  const replies = started.map((w) => w.reply).filter((r): r is WorkerReply => r !== undefined);
  // a worker stopped before it searched took no part
  return merge(here ? [here, ...replies] : replies, (here ? 1 : 0) + started.filter((w) => w.reply || w.searching).length);
}

/**
 * What every searcher of a parallel run shares: the stop flag and the execution counter, the
 * seed counter, and one work list per bounded round. `stopped` adds the searcher's own checks.
 */
export function sharedControl(s: Int32Array, maxExecutions: number, stopped: () => boolean): SearchControl {
  const claims = s.length > S_CLAIMS ? new ClaimTable(s, S_CLAIMS, claimTableSlots(CLAIM_ENTRIES)) : null;
  return {
    shouldStop: () => Atomics.load(s, S_STOP) !== 0 || Atomics.load(s, S_EXECUTIONS) >= maxExecutions || stopped(),
    claim: () => Atomics.add(s, S_SEEDS, 1),
    queue: (round, eager) => {
      if (!claims) throw new Error('explorer: a bounded round in a buffer made for sampling');
      return new SharedQueue(s, S_QUEUES + round * sharedQueueSlots(QUEUE_POINTS), sharedQueueSlots(QUEUE_POINTS), claims, eager);
    },
    onExecution: () => void Atomics.add(s, S_EXECUTIONS, 1),
  };
}

/** A searcher's share as its reply (a failure found stops the others). */
export function replyOf(out: SearchOutcome, s: Int32Array): WorkerReply {
  if (out.failure && isFailure(out.failure.result)) Atomics.store(s, S_STOP, 2);
  return {
    kind: 'done',
    executions: out.executions,
    complete: out.complete,
    boundCompleted: out.boundCompleted,
    prunedByHash: out.prunedByHash,
    sleepBlocked: out.sleepBlocked,
    donations: out.donations,
    outcomes: [...out.outcomes],
    seeds: out.seeds,
    stoppedRound: out.stoppedRound,
    failure: out.failure,
  };
}

/**
 * The calling thread's share. It polls what the waiting loop would (cancel, the deadline,
 * progress) every 20 ms from the search's own stop checks, and `poll` (the workers join when
 * due), and raises the shared stop flag for the workers when it stops for cancel, the deadline
 * or an error.
 */
function searchHere(target: ExploreTarget, spec: SearchSpec, s: Int32Array, limits: ParallelLimits, poll: () => void): WorkerReply {
  let lastPoll = 0;
  const polled = (): boolean => {
    const now = Date.now();
    if (now - lastPoll >= 20) {
      lastPoll = now;
      limits.onExecutions(Atomics.load(s, S_EXECUTIONS));
      if (limits.cancelled() || now >= limits.deadline) Atomics.store(s, S_STOP, 1);
      poll();
    }
    return false;
  };
  try {
    return replyOf(runSearch(target, spec, sharedControl(s, limits.executions, polled)), s);
  } catch (e) {
    Atomics.store(s, S_STOP, 1);
    return { kind: 'error', error: e instanceof Error ? e.message : String(e) };
  }
}

/** The searchers' replies as one outcome (`searchers`: how many took part). */
function merge(replies: WorkerReply[], searchers: number): SearchOutcome {
  const errors = replies.filter((r) => r.kind === 'error');
  if (errors.length > 0 && errors.length === replies.length) throw new Error(`explorer worker failed: ${errors[0].error}`);
  const ok = replies.filter((r) => r.kind === 'done');
  const out: SearchOutcome = { executions: 0, searchers, complete: ok.length === searchers, boundCompleted: Number.MAX_SAFE_INTEGER, prunedByHash: 0, sleepBlocked: 0, donations: 0, outcomes: new Set(), seeds: 0 };
  for (const r of ok) {
    out.executions += r.executions ?? 0;
    out.complete &&= r.complete === true;
    out.boundCompleted = Math.min(out.boundCompleted, r.boundCompleted ?? -1);
    out.prunedByHash += r.prunedByHash ?? 0;
    out.donations += r.donations ?? 0;
    out.sleepBlocked += r.sleepBlocked ?? 0;
    out.seeds += r.seeds ?? 0;
    for (const k of r.outcomes ?? []) out.outcomes.add(k);
    // every worker read the same shared work list, each at its own end: the furthest reading
    const sr = r.stoppedRound;
    if (sr && (!out.stoppedRound || sr.bound > out.stoppedRound.bound || (sr.bound === out.stoppedRound.bound && sr.taken > out.stoppedRound.taken))) out.stoppedRound = sr;
    if (r.failure && (!out.failure || r.failure.preemptions < out.failure.preemptions)) out.failure = r.failure;
  }
  if (out.boundCompleted === Number.MAX_SAFE_INTEGER) out.boundCompleted = -1;
  if (out.failure) out.complete = false;
  return out;
}
