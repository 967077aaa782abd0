// The explorer's entry point: estimate the search space, search (in this thread or in worker
// threads), then shrink what was found, certify it, confirm it by a full replay from step 0
// with a complete heap oracle, and tell the minimal schedule. Used by the CLI (`explore`), the
// VS Code command (through a worker), the tests and the benchmark. Never does file I/O.
import type { RunResult, ScheduleRecord } from '../api';
import { runProgram, type Program } from '../index';
import type { Deviation } from './policy';
import { runPolicy } from './policy';
import { runSearch, type SearchOutcome, type SearchSpec, type StrategyChoice } from './search';
import { PCT_DEPTH } from './sampling';
import { shrink, signature } from './shrink';
import { formatStory, tellStory, type Story } from './story';
import { ExploreTarget, isFailure, oracleFor } from './target';

export interface ExploreOptions {
  strategy: StrategyChoice;
  /** Preemption bound K (dpor; also caps what shrinking certifies). Default 2. */
  preemptionBound?: number;
  /** Stop after this many executions (default: unlimited for dpor, 10 000 for sampling). */
  executions?: number;
  /** Stop after this long (default 60 s). */
  timeLimitMs?: number;
  seed?: number;
  /** PCT's depth (default PCT_DEPTH). */
  pctDepth?: number;
  gomaxprocs?: number;
  maxSteps?: number;
  /** Heap oracle (default on). */
  oracle?: boolean;
  /** Partial-order reduction and state hashing (default on; off for the benchmark's baseline). */
  por?: boolean;
  hashing?: boolean;
  /** Shrink and certify what is found (default on). */
  shrink?: boolean;
  /** Worker threads (default 1: this thread). */
  workers?: number;
  /** Polled often: true cancels the search (findings so far are still reported). */
  cancelled?: () => boolean;
  onProgress?: (p: Progress) => void;
  /** How to run the search in workers (supplied by the parallel module; absent = sequential). */
  parallel?: ParallelRunner;
}

export interface Progress {
  executions: number;
  elapsedMs: number;
  phase: 'estimate' | 'search' | 'shrink' | 'confirm';
}

/** Runs one search across worker threads and merges what they found (synchronous: it waits on shared memory). */
export type ParallelRunner = (spec: SearchSpec, limits: ParallelLimits) => SearchOutcome;

export interface ParallelLimits {
  executions: number;
  deadline: number;
  workers: number;
  cancelled: () => boolean;
  onExecutions: (n: number) => void;
  /** The calling thread searches too, on this target: one worker fewer is started. */
  local?: ExploreTarget;
  /**
   * With `local`: the workers join only once the search has run this long (default
   * WORKER_JOIN_MS), so that a search shorter than a worker's start-up is not slowed by it.
   */
  joinAfterMs?: number;
}

export interface Estimate {
  /** Explorer steps with more than one runnable M in the default execution. */
  choicePoints: number;
  steps: number;
  threads: number;
  /** Upper estimate of schedules with at most K preemptions (before reduction). */
  schedules: number;
  bound: number;
}

export interface Finding {
  /** The confirmed outcome: a full replay from step 0 with every oracle check but I4's per-acquisition flag. */
  result: RunResult;
  schedule: ScheduleRecord;
  preemptions: number;
  /** Context switches of the reported schedule (places it leaves the default policy). */
  switches: number;
  deviations: Deviation[];
  story: Story;
  storyText: string;
  certified: boolean;
  certifyNote?: string;
  stepsMinimal: boolean;
  shrunk: boolean;
  before: { preemptions: number; switches: number };
  shrinkMs: number;
  shrinkExecutions: number;
  /** The failure seen during the search (before confirmation), in one line. */
  searchOutcome: string;
}

export interface ExploreReport {
  strategy: StrategyChoice;
  executions: number;
  found: boolean;
  complete: boolean;
  elapsedMs: number;
  /** Time to the first failing execution (search only). */
  firstFailureMs?: number;
  estimate: Estimate;
  boundCompleted: number;
  prunedByHash: number;
  sleepBlocked: number;
  distinctOutcomes: number;
  cancelled: boolean;
  /** What was covered, in words (for reports that hit a limit). */
  coverage: string;
  finding?: Finding;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

export function estimate(target: ExploreTarget, bound: number): Estimate {
  const run = runPolicy(target, (p) => p.preferred, () => false);
  const threads = Math.max(2, target.vm.ms.length);
  let schedules = 0;
  for (let k = 0; k <= bound; k++) schedules += binomial(run.choicePoints, k) * (threads - 1) ** k;
  return { choicePoints: run.choicePoints, steps: run.points, threads, schedules: Math.round(schedules), bound };
}

export function explore(program: Program, o: ExploreOptions): ExploreReport {
  const t0 = Date.now();
  const timeLimit = o.timeLimitMs ?? 60_000;
  const deadline = t0 + timeLimit;
  const maxExec = o.executions ?? (o.strategy === 'dpor' ? Number.MAX_SAFE_INTEGER : 10_000);
  const bound = o.preemptionBound ?? 2;
  const cancelled = o.cancelled ?? (() => false);
  let executions = 0;
  const progress = (phase: Progress['phase']): void => o.onProgress?.({ executions, elapsedMs: Date.now() - t0, phase });
  const target = new ExploreTarget(program, { gomaxprocs: o.gomaxprocs, maxSteps: o.maxSteps, oracle: o.oracle });
  progress('estimate');
  const est = estimate(target, bound);
  const spec: SearchSpec = { strategy: o.strategy, bound, seed: o.seed ?? 1, pctDepth: o.pctDepth ?? PCT_DEPTH, por: o.por ?? true, hashing: o.hashing ?? true, horizon: Math.max(1, est.choicePoints) };
  const stop = (): boolean => cancelled() || executions >= maxExec || Date.now() >= deadline;
  let lastTick = 0;
  const onExecution = (): void => {
    executions++;
    const now = Date.now();
    if (now - lastTick > 100) {
      lastTick = now;
      progress('search');
    }
  };
  let out: SearchOutcome;
  const workers = Math.max(1, o.workers ?? 1);
  if (workers > 1 && o.parallel) {
    out = o.parallel(spec, { executions: maxExec, deadline, workers, cancelled, onExecutions: (n) => { executions = n; progress('search'); }, local: target });
  } else {
    out = runSearch(target, spec, { shouldStop: stop, onExecution });
  }
  executions = out.executions;
  const searchMs = Date.now() - t0;
  const report: ExploreReport = {
    strategy: o.strategy,
    executions,
    found: out.failure !== undefined,
    complete: out.complete,
    elapsedMs: searchMs,
    firstFailureMs: out.failure ? searchMs : undefined,
    estimate: est,
    boundCompleted: out.boundCompleted,
    prunedByHash: out.prunedByHash,
    sleepBlocked: out.sleepBlocked,
    distinctOutcomes: out.outcomes.size,
    cancelled: cancelled(),
    coverage: '',
  };
  if (out.failure) {
    report.finding = finish(program, target, out.failure.deviations, out.failure.result, o, bound, cancelled, deadline, () => progress('shrink'));
    progress('confirm');
  }
  report.coverage = coverage(report, out, spec);
  report.elapsedMs = Date.now() - t0;
  return report;
}

/** Shrink (unless cancelled or turned off), certify, tell, and confirm from step 0. */
function finish(program: Program, target: ExploreTarget, deviations: Deviation[], seen: RunResult, o: ExploreOptions, bound: number, cancelled: () => boolean, deadline: number, onShrink: () => void): Finding {
  const beforePre = deviations.filter((d) => d.preemption).length;
  const t = Date.now();
  let devs = deviations;
  let certified = false;
  let certifyNote: string | undefined = 'not shrunk';
  let stepsMinimal = false;
  let shrinkExecutions = 0;
  if (cancelled()) {
    // cancelled: report what was seen as it was seen, without replays (cancel must be quick)
    const story: Story = { runs: [], result: seen, preemptions: beforePre };
    return {
      result: seen, schedule: seen.schedule, preemptions: beforePre, switches: deviations.length, deviations, story,
      storyText: `(not shrunk: cancelled) ${beforePre} preemption(s), ${deviations.length} switch(es) from the default schedule`,
      certified: false, certifyNote: 'cancelled before shrinking', stepsMinimal: false, shrunk: false,
      before: { preemptions: beforePre, switches: deviations.length }, shrinkMs: 0, shrinkExecutions: 0,
      searchOutcome: `${seen.outcome}: ${seen.message}`,
    };
  }
  const doShrink = o.shrink ?? true;
  if (doShrink) {
    onShrink();
    // shrinking gets what is left of the time limit, and at least 5 s
    const until = Math.max(deadline, Date.now() + 5000);
    const s = shrink(target, deviations, { shouldStop: () => cancelled() || Date.now() >= until, seen });
    devs = s.deviations;
    certified = s.certified && s.run.preemptions <= bound + 1;
    certifyNote = s.certifyNote;
    stepsMinimal = s.stepsMinimal;
    shrinkExecutions = s.executions;
  }
  const story = tellStory(target, devs);
  const schedule = story.result.schedule;
  const confirmed = runProgram(program, { gomaxprocs: target.gomaxprocs, maxSteps: o.maxSteps, schedule, oracle: oracleFor(program, o.oracle) });
  return {
    result: isFailure(confirmed) ? confirmed : story.result,
    schedule,
    preemptions: story.preemptions,
    switches: devs.length,
    deviations: devs,
    story,
    storyText: formatStory(story),
    certified,
    certifyNote: certified ? undefined : certifyNote,
    stepsMinimal,
    shrunk: doShrink,
    before: { preemptions: beforePre, switches: deviations.length },
    shrinkMs: Date.now() - t,
    shrinkExecutions,
    searchOutcome: `${seen.outcome}: ${seen.message}`,
  };
}

/** What DPOR's coverage claim leaves out at two or more preemptions (README, "What exhaustive covers"). */
const FAIRNESS_CAVEAT = ' up to reordering independent steps, which with the fairness rule can leave out a schedule that needs 2 or more';

function coverage(r: ExploreReport, out: SearchOutcome, spec: SearchSpec): string {
  const why = r.cancelled ? 'cancelled' : r.found ? 'stopped at the first failure' : r.complete ? 'the bounded space is exhausted' : 'stopped at a limit';
  if (spec.strategy === 'dpor') {
    const bc = out.boundCompleted;
    const rounds = bc < 0 ? 'no preemption bound fully covered' : `every schedule with at most ${bc} preemption(s) covered${bc >= 2 ? FAIRNESS_CAVEAT : ''}`;
    const sr = out.stoppedRound;
    const partial = sr && !r.found ? `; the round with at most ${sr.bound} preemption(s) had started ${sr.taken} of the ${sr.wanted} branches off the first execution asked for so far (each with the subtree below it)` : '';
    return `${why}: ${r.executions} executions, ${rounds}${partial} (bound ${spec.bound}; ${out.prunedByHash} states pruned by hashing, ${out.sleepBlocked} sleep-set blocked), ${out.outcomes.size} distinct outcome(s)`;
  }
  return `${why}: ${out.seeds} seeds from ${spec.seed} (${r.executions} executions), ${out.outcomes.size} distinct outcome(s)`;
}

export { signature };
