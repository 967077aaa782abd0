// The sampling strategies: a uniform random walk (at every step with a choice, any runnable M
// with equal probability) and PCT with depth d (Burckhardt et al. 2010: random distinct
// priorities, the highest-priority runnable M runs, and at d−1 random choice points the
// running M drops below all others; an M that yields lets the next one run for a step, so a
// spinner cannot starve the M it waits for). Each seed is one execution, reproducible from
// (strategy, seed).
import { Rng } from '../vm/strategies';
import { runPolicy, type Chooser, type PolicyRun, type StepObserver } from './policy';
import type { ExploreTarget } from './target';

export type SamplingStrategy = 'random' | 'pct';

/**
 * PCT's default depth (d − 1 = 9 priority-change points). A bug of depth 2 — like the P8 race,
 * where U must be dropped while inside a sweep — is found when one change point lands in a
 * window of a few hundred of the ~20 000 choice points of an execution; more change points
 * give it more chances in every execution (finalizer-race on before-f8e4a2e, 40 seeds: 12% of
 * executions fail at depth 3, 30% at 5, 47% at 10, 52% at 16).
 */
export const PCT_DEPTH = 10;

export function randomWalk(seed: number): Chooser {
  const rng = new Rng(seed >>> 0 || 1);
  return (p) => {
    const ids: number[] = [];
    for (let s = p.enabled; s !== 0; s &= s - 1) ids.push(31 - Math.clz32(s & -s));
    return ids[rng.below(ids.length)];
  };
}

/** PCT's chooser and its step observer (priorities drop at change points; a yield passes one step on). */
export function pct(seed: number, depth: number, horizon: number): { choose: Chooser; observe: StepObserver } {
  const rng = new Rng(seed >>> 0 || 1);
  const prio = new Float64Array(32).fill(NaN);
  let low = 0;
  const changes = Array.from({ length: Math.max(0, depth - 1) }, () => rng.below(Math.max(1, horizon))).sort((a, b) => a - b);
  const priority = (t: number): number => {
    if (Number.isNaN(prio[t])) prio[t] = 1000 + rng.next() * 1000;
    return prio[t];
  };
  const top = (enabled: number): number => {
    let best = -1;
    for (let s = enabled; s !== 0; s &= s - 1) {
      const t = 31 - Math.clz32(s & -s);
      if (best < 0 || priority(t) > priority(best)) best = t;
    }
    return best;
  };
  let yielder = -1;
  const choose: Chooser = (p) => {
    while (changes.length > 0 && changes[0] <= p.choiceIndex) {
      changes.shift();
      prio[top(p.enabled)] = --low;
    }
    const others = yielder >= 0 ? p.enabled & ~(1 << yielder) : 0;
    yielder = -1;
    return top(others !== 0 ? others : p.enabled);
  };
  const observe: StepObserver = (t, yielded) => {
    yielder = yielded ? t : -1;
  };
  return { choose, observe };
}

export interface SampleOptions {
  strategy: SamplingStrategy;
  seed: number;
  pctDepth?: number;
  /** Choice points of a typical execution (PCT's horizon). */
  horizon: number;
  shouldStop: () => boolean;
}

/** One execution of a sampling strategy with one seed. */
export function sample(target: ExploreTarget, o: SampleOptions): PolicyRun {
  if (o.strategy === 'random') return runPolicy(target, randomWalk(o.seed), o.shouldStop);
  const { choose, observe } = pct(o.seed, o.pctDepth ?? PCT_DEPTH, o.horizon);
  return runPolicy(target, choose, o.shouldStop, observe);
}


