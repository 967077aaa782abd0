// One search loop, the same in the main thread and in a worker: the sampling strategies run
// seed after seed, the exhaustive strategy runs iterative context bounding (bound 0, 1, …, K),
// until a failure, a limit, or cancel. In a parallel run `claim` hands out seeds from a counter
// shared by the workers, and `queue(round)` is a bounded round's work list they share.
import type { RunResult } from '../api';
import { BoundedSearch } from './bounded';
import type { BranchQueue } from './queue';
import { runPolicy, sequenceChooser, type Deviation } from './policy';
import { sample, type SamplingStrategy } from './sampling';
import { isFailure, type ExploreTarget } from './target';

export type StrategyChoice = 'dpor' | SamplingStrategy;

export interface SearchSpec {
  strategy: StrategyChoice;
  /** Preemption bound K of the exhaustive strategy. */
  bound: number;
  seed: number;
  pctDepth: number;
  por: boolean;
  hashing: boolean;
  /** Choice points of the default execution (PCT's horizon). */
  horizon: number;
  /**
   * Parallel dpor: donate branches below the main line whenever the mailbox is free, not only
   * when a searcher is idle (the tests use it to make donations happen on small programs).
   */
  eagerDonation?: boolean;
}

export interface SearchControl {
  shouldStop(): boolean;
  /** Parallel runs: the next seed (sampling), from a counter the workers share. */
  claim?: (round: number) => number;
  /** Parallel runs: the work list of a bounded round the workers share (dpor; `eager`: see SearchSpec.eagerDonation). */
  queue?: (round: number, eager: boolean) => BranchQueue;
  onExecution?(): void;
}

export interface FoundFailure {
  deviations: Deviation[];
  result: RunResult;
  preemptions: number;
  /** Executions done (by this searcher) when it was found. */
  atExecution: number;
}

export interface SearchOutcome {
  executions: number;
  /** Parallel runs: the searchers that took part (workers join a search that runs long enough). */
  searchers?: number;
  /** The bounded space was exhausted (dpor) — never for sampling. */
  complete: boolean;
  failure?: FoundFailure;
  /** Highest bound whose round completed (−1: none). */
  boundCompleted: number;
  prunedByHash: number;
  sleepBlocked: number;
  /** Branches below the main line handed to an idle searcher (parallel dpor). */
  donations: number;
  outcomes: Set<string>;
  /** Seeds tried (sampling). */
  seeds: number;
  /** dpor, a round that did not finish: its bound and how far its work list got. */
  stoppedRound?: { bound: number; wanted: number; taken: number };
}

export function runSearch(target: ExploreTarget, spec: SearchSpec, ctl: SearchControl): SearchOutcome {
  const out: SearchOutcome = { executions: 0, complete: false, boundCompleted: -1, prunedByHash: 0, sleepBlocked: 0, donations: 0, outcomes: new Set(), seeds: 0 };
  if (spec.strategy === 'dpor') return bounded(target, spec, ctl, out);
  for (let i = 0; !ctl.shouldStop(); i++) {
    const ticket = ctl.claim ? ctl.claim(0) : i;
    const run = sample(target, { strategy: spec.strategy, seed: spec.seed + ticket, pctDepth: spec.pctDepth, horizon: spec.horizon, shouldStop: () => ctl.shouldStop() });
    if (run.stopped) break;
    out.executions++;
    out.seeds++;
    ctl.onExecution?.();
    out.outcomes.add(`${run.result.outcome}|${run.result.message}`);
    if (isFailure(run.result)) {
      out.failure = { deviations: run.deviations, result: run.result, preemptions: run.preemptions, atExecution: out.executions };
      break;
    }
  }
  return out;
}

function bounded(target: ExploreTarget, spec: SearchSpec, ctl: SearchControl, out: SearchOutcome): SearchOutcome {
  for (let k = 0; k <= spec.bound; k++) {
    const search = new BoundedSearch(target, {
      bound: k,
      por: spec.por,
      // DPOR backtrack sets under the preemption bound (with the bounded-POR extra branch)
      dpor: spec.por,
      hashing: spec.hashing,
      stopOnFailure: true,
      shouldStop: () => ctl.shouldStop(),
      onExecution: () => ctl.onExecution?.(),
      queue: ctl.queue?.(k, spec.eagerDonation === true),
    });
    const rep = search.run();
    out.executions += rep.executions;
    out.prunedByHash += rep.prunedByHash;
    out.donations += rep.donations;
    out.sleepBlocked += rep.sleepBlocked;
    for (const key of rep.outcomes.keys()) out.outcomes.add(key);
    if (rep.failure) {
      // the deviation form of the failing execution (what shrinking edits)
      const again = runPolicy(target, sequenceChooser(rep.failure.choices), () => false);
      out.failure = { deviations: again.deviations, result: again.result, preemptions: again.preemptions, atExecution: out.executions };
      return out;
    }
    if (!rep.complete) {
      if (rep.branches) out.stoppedRound = { bound: k, ...rep.branches };
      return out;
    }
    out.boundCompleted = k;
    // no branch needed more than k preemptions: every higher bound searches the same tree
    // (only known alone: a worker sees the branches it took, not the others')
    if (rep.overBound === 0 && !ctl.queue) {
      out.boundCompleted = spec.bound;
      break;
    }
  }
  out.complete = true;
  return out;
}
