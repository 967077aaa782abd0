// One execution from the root under a choice policy, at explorer-step granularity: the default
// policy (the running M keeps running; after it yields, the next runnable M in id order), a
// random walk, PCT, or a list of deviations from the default (what shrinking edits). Every
// execution reports its deviations and preemptions in a form that can be replayed: "when M a
// has taken n steps, switch to M b".
import type { RunResult } from '../api';
import type { ExploreTarget } from './target';

/** A place where an execution left the default policy. */
export interface Deviation {
  /** The M that ran the step before (−1 at the root). */
  from: number;
  /** How many explorer steps `from` had taken when the switch happened (the global step index when from = −1). */
  at: number;
  /** The M chosen instead of the default. */
  to: number;
  /** Switching away from a runnable M that had not yielded: a preemption. */
  preemption: boolean;
}

export interface PointInfo {
  enabled: number;
  last: number;
  /** The last step yielded its M (switching away is free). */
  free: boolean;
  /** Index among all points (explorer steps) of the execution. */
  index: number;
  /** Index among points with a choice (more than one runnable M). */
  choiceIndex: number;
  /** Explorer steps each M has taken. */
  local: Int32Array;
  /** What the default policy would run. */
  preferred: number;
}

export type Chooser = (p: PointInfo) => number;
/** Told after each step: the M, whether the step yielded. */
export type StepObserver = (thread: number, yielded: boolean) => void;

export interface PolicyRun {
  result: RunResult;
  deviations: Deviation[];
  preemptions: number;
  /** Explorer steps taken after the root. */
  points: number;
  choicePoints: number;
  /** Stopped by the caller (limits, cancel) before the program ended. */
  stopped: boolean;
}

const bit = (t: number): number => 1 << t;
const lowest = (mask: number): number => 31 - Math.clz32(mask & -mask);

/**
 * Fair scheduling (as in CHESS): an M that just yielded does not run again while another M can,
 * so a spin loop that polls with gosched/osyield hands the processor on instead of spinning
 * forever in an unfair schedule.
 */
export function fair(enabled: number, last: number, yielded: boolean): number {
  if (!yielded || last < 0) return enabled;
  const others = enabled & ~bit(last);
  return others !== 0 ? others : enabled;
}

/** The default choice: the running M continues unless it yielded; then the next M in id order. */
export function defaultChoice(enabled: number, last: number, free: boolean): number {
  if (last >= 0 && (enabled & bit(last)) !== 0 && !free) return last;
  const after = last >= 0 ? enabled & ~((bit(last) << 1) - 1) : enabled;
  return lowest(after !== 0 ? after : enabled);
}

export function runPolicy(target: ExploreTarget, choose: Chooser, shouldStop: () => boolean, observe?: StepObserver): PolicyRun {
  target.reset();
  const local = new Int32Array(32);
  const deviations: Deviation[] = [];
  let last = -1;
  let free = true;
  let points = 0;
  let choiceIndex = 0;
  let preemptions = 0;
  let stopped = false;
  for (;;) {
    if ((points & 63) === 0 && shouldStop()) {
      stopped = true;
      break;
    }
    if (target.halted) break;
    const enabled = fair(target.enabled(), last, free && last >= 0);
    if (enabled === 0) {
      target.settle();
      break;
    }
    const preferred = defaultChoice(enabled, last, free);
    let t = preferred;
    if ((enabled & (enabled - 1)) !== 0) {
      t = choose({ enabled, last, free, index: points, choiceIndex, local, preferred });
      if ((enabled & bit(t)) === 0) t = preferred;
      choiceIndex++;
    }
    if (t !== preferred) {
      const preemption = last >= 0 && t !== last && (enabled & bit(last)) !== 0 && !free;
      if (preemption) preemptions++;
      deviations.push({ from: last, at: last >= 0 ? local[last] : points, to: t, preemption });
    }
    target.step(t);
    local[t]++;
    points++;
    observe?.(t, target.yielded);
    free = target.yielded;
    last = t;
  }
  return { result: target.result(), deviations, preemptions, points, choicePoints: choiceIndex, stopped };
}

/** A chooser that follows a list of deviations (and the default policy everywhere else). */
export function deviationChooser(list: readonly Deviation[]): Chooser {
  const byFrom = new Map<string, number>();
  for (const d of list) byFrom.set(`${d.from}:${d.at}`, d.to);
  return (p) => byFrom.get(p.last >= 0 ? `${p.last}:${p.local[p.last]}` : '-1:0') ?? p.preferred;
}

/** A chooser that replays a recorded sequence of choices (one M per explorer step). */
export function sequenceChooser(choices: readonly number[]): Chooser {
  return (p) => choices[p.index] ?? p.preferred;
}
