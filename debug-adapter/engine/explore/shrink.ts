// Shrinking a failing schedule. A schedule is the list of places it leaves the default policy
// ("when M a has taken n steps, switch to M b"). The shrunk schedule keeps the failure (same
// outcome, same message up to numbers). First, single switches: each of the last preemptions of
// the failing run is found again in the default schedule (where its goroutine stood: function,
// statement, visit count) and tried alone — a race that needs one preemption is usually reduced
// to it in a handful of executions. Otherwise delta debugging over the switches: the shortest
// failing prefix by bisection, the shortest failing suffix of it by doubling, then ddmin. Then
// each switch is moved as early as it can go (by bisection; a try that has not failed by 1.5
// times the failure's steps is cut short; the step just before the result is always run to its
// end, so "steps minimal" is exact). Finally an exhaustive search with one preemption
// fewer certifies that no schedule with fewer preemptions fails the same way (or finds one,
// which is shrunk in turn).
import type { RunResult } from '../api';
import { BoundedSearch } from './bounded';
import { deviationChooser, runPolicy, sequenceChooser, type Deviation, type PolicyRun } from './policy';
import type { ExploreTarget } from './target';

/** A failure's identity for "fails the same way": outcome and message without numbers. */
export function signature(r: RunResult): string {
  return `${r.outcome}|${r.message.replace(/0x[0-9a-f]+/gi, '#').replace(/\d+/g, '#')}`;
}

export interface ShrinkOptions {
  shouldStop: () => boolean;
  /** Executions the certifying search may use. */
  certifyExecutions?: number;
  /** The failing run's result, when the caller has it (saves replaying the run for its signature). */
  seen?: RunResult;
}

/** Preemptions of the failing run (the last ones) tried alone before delta debugging. */
const SINGLE_SWITCH_TRIES = 6;

export interface ShrinkResult {
  run: PolicyRun;
  deviations: Deviation[];
  /** Executions used by shrinking and certification. */
  executions: number;
  /** No schedule with fewer preemptions fails the same way (the bounded search completed). */
  certified: boolean;
  /** Why certification is missing, when it is. */
  certifyNote?: string;
  /** Each switch was tried one step earlier and the failure went away. */
  stepsMinimal: boolean;
}

export function shrink(target: ExploreTarget, failing: Deviation[], o: ShrinkOptions): ShrinkResult {
  let executions = 0;
  const sig = (() => {
    if (o.seen) return signature(o.seen);
    const first = runPolicy(target, deviationChooser(failing), () => false);
    executions++;
    return signature(first.result);
  })();
  // a run cut short by `cutAt` (VM steps) that has not failed by then counts as not failing
  const cache = new Map<string, { run: PolicyRun | null; cut: boolean }>();
  let cutAt = Number.POSITIVE_INFINITY;
  const test = (d: Deviation[], cut = false): PolicyRun | null => {
    const key = d.map((x) => `${x.from}:${x.at}:${x.to}`).join(',');
    const hit = cache.get(key);
    if (hit && (hit.run !== null || !hit.cut || cut)) return hit.run;
    const stopAt = cut ? cutAt : Number.POSITIVE_INFINITY;
    const r = runPolicy(target, deviationChooser(d), () => target.vm.steps > stopAt);
    executions++;
    const ok = !r.stopped && signature(r.result) === sig ? r : null;
    cache.set(key, { run: ok, cut: r.stopped });
    return ok;
  };

  let cur = failing.slice();
  // 1. one switch alone, where one of the last preemptions stopped its goroutine (a default
  // schedule that fails is found by the certifying search)
  const anchored = anchorsOf(target, failing, SINGLE_SWITCH_TRIES);
  executions += anchored.executions;
  const single = anchored.switches.find((d) => !o.shouldStop() && test([d]) !== null);
  if (single) cur = [single];
  else if (!test([])) {
    // 2. shortest failing prefix
    let lo = 0;
    let hi = cur.length;
    while (lo + 1 < hi && !o.shouldStop()) {
      const mid = (lo + hi) >> 1;
      if (test(cur.slice(0, mid))) hi = mid;
      else lo = mid;
    }
    cur = cur.slice(0, hi);
    // 3. shortest failing suffix (doubling)
    for (let j = 1; j < cur.length && !o.shouldStop(); j *= 2) {
      const tail = cur.slice(cur.length - j);
      if (test(tail)) {
        cur = tail;
        break;
      }
    }
    // 4. ddmin
    cur = ddmin(cur, (d) => test(d) !== null, o.shouldStop);
    // 4b. one preemption where the goroutine of the last one of the reduced list stood
    if (cur.filter((d) => d.preemption).length > 1 && !o.shouldStop()) {
      const anchored = anchorsOf(target, cur, 1);
      executions += anchored.executions;
      const one = anchored.switches[0];
      if (one && test([one])) cur = [one];
    }
  } else cur = [];
  // 5. each switch as early as it still fails; a try that has not failed by half as many steps
  // again as the failure took is cut short (it runs the rest of the program otherwise)
  const failedAt = test(cur)?.result.steps;
  if (failedAt !== undefined) cutAt = failedAt + (failedAt - target.rootSteps) / 2;
  let stepsMinimal = true;
  for (let i = 0; i < cur.length && !o.shouldStop(); i++) {
    const d = cur[i];
    if (d.from < 0 || d.at === 0) continue;
    const at = (n: number): Deviation[] => cur.map((x, k) => (k === i ? { ...x, at: n } : x));
    let lo = -1;
    let hi = d.at;
    while (lo + 1 < hi && !o.shouldStop()) {
      const mid = (lo + hi) >> 1;
      if (test(at(mid), true)) hi = mid;
      else lo = mid;
    }
    cur = at(hi);
    if (hi > 0 && test(at(hi - 1))) stepsMinimal = false;
  }
  let run = test(cur) ?? runPolicy(target, deviationChooser(cur), () => false);
  cur = run.deviations;

  // 6. certify: nothing with fewer preemptions fails the same way
  let certified = false;
  let certifyNote: string | undefined;
  const limit = o.certifyExecutions ?? 2000;
  // schedules with at most p−1 preemptions: about Σ C(choice points, i) before reduction
  let space = 0;
  for (let i = 0, c = 1; i < run.preemptions; i++) {
    space += c;
    c = (c * (run.choicePoints - i)) / (i + 1);
  }
  if (run.preemptions === 0) certified = true;
  else if (space > limit) {
    certifyNote = `not attempted: about ${Math.round(space)} schedules have at most ${run.preemptions - 1} preemption(s) (${run.choicePoints} choice points), beyond the certification budget of ${limit} executions`;
  } else {
    let used = 0;
    const search = new BoundedSearch(target, {
      bound: run.preemptions - 1,
      por: true,
      hashing: true,
      stopOnFailure: true,
      isTarget: (r) => signature(r) === sig,
      shouldStop: () => o.shouldStop() || used >= limit,
      onExecution: () => void used++,
    });
    const rep = search.run();
    executions += rep.executions;
    if (rep.failure) {
      const found = runPolicy(target, sequenceChooser(rep.failure.choices), () => false);
      const again = shrink(target, found.deviations, o);
      return { ...again, executions: executions + again.executions };
    }
    certified = rep.complete;
    if (!certified) certifyNote = `the search over schedules with at most ${run.preemptions - 1} preemption(s) stopped at its limit after ${rep.executions} executions`;
  }
  run = test(cur) ?? run;
  return { run, deviations: cur, executions, certified, certifyNote, stepsMinimal };
}

/** Zeller's ddmin: a 1-minimal subsequence of `items` that still passes `fails`. */
export function ddmin<T>(items: T[], fails: (x: T[]) => boolean, shouldStop: () => boolean): T[] {
  let cur = items;
  let n = 2;
  while (cur.length >= 2 && !shouldStop()) {
    const size = Math.ceil(cur.length / n);
    let reduced = false;
    for (let i = 0; i < n && !reduced; i++) {
      const part = cur.slice(i * size, (i + 1) * size);
      if (part.length > 0 && part.length < cur.length && fails(part)) {
        cur = part;
        n = 2;
        reduced = true;
      }
    }
    for (let i = 0; i < n && !reduced; i++) {
      const rest = [...cur.slice(0, i * size), ...cur.slice((i + 1) * size)];
      if (rest.length > 0 && rest.length < cur.length && fails(rest)) {
        cur = rest;
        n = Math.max(n - 1, 2);
        reduced = true;
      }
    }
    if (!reduced) {
      if (n >= cur.length) break;
      n = Math.min(cur.length, n * 2);
    }
  }
  if (cur.length === 1 && fails([])) return [];
  return cur;
}

/**
 * The last `limit` preemptions of `list`, each moved to the default schedule on its own: where
 * the goroutine it stopped stood (goroutine, function, statement, how many times it had stood
 * there), the M running that goroutine in the default schedule is switched away from at the
 * same place. Last preemption first; places the default schedule never reaches are left out.
 * Two executions, cut short when every place is found: one following `list`, one default.
 */
export function anchorsOf(target: ExploreTarget, list: readonly Deviation[], limit: number): { switches: Deviation[]; executions: number } {
  const wanted = list.filter((d) => d.preemption && d.from >= 0).slice(-limit);
  if (wanted.length === 0) return { switches: [], executions: 0 };
  const vm = target.vm;
  const place = (t: number): string | null => {
    const m = vm.ms[t];
    const g = m?.curg;
    const fr = m?.exec.frames[m.exec.frames.length - 1];
    return g && fr ? `${vm.goid(g)}:${fr.fn}:${fr.pc}` : null;
  };
  const visits = new Map<string, number>();
  const count = (t: number): void => {
    const k = place(t);
    if (k) visits.set(k, (visits.get(k) ?? 0) + 1);
  };
  // where each wanted preemption stopped its goroutine, in the run that follows `list`
  const index = new Map(wanted.map((d, i) => [`${d.from}:${d.at}`, i]));
  const anchors: ({ key: string; n: number } | null)[] = wanted.map(() => null);
  let reached = 0;
  const follow = deviationChooser(list);
  runPolicy(target, (p) => {
    const i = p.last >= 0 ? index.get(`${p.last}:${p.local[p.last]}`) : undefined;
    if (i !== undefined && anchors[i] === null) {
      const key = place(p.last);
      anchors[i] = key ? { key, n: visits.get(key) ?? 0 } : { key: '', n: -1 };
      reached++;
    }
    return follow(p);
  }, () => reached === wanted.length, count);
  // the same places in the default schedule
  visits.clear();
  const switches: (Deviation | null)[] = wanted.map(() => null);
  let open = anchors.filter((a) => a !== null && a.n >= 0).length;
  runPolicy(target, (p) => {
    if (open > 0 && p.last >= 0) {
      const key = place(p.last);
      const others = p.enabled & ~(1 << p.last);
      anchors.forEach((a, i) => {
        if (!a || switches[i] || a.key !== key || (visits.get(key) ?? 0) !== a.n || others === 0) return;
        switches[i] = { from: p.last, at: p.local[p.last], to: 31 - Math.clz32(others & -others), preemption: !p.free };
        open--;
      });
    }
    return p.preferred;
  }, () => open === 0, count);
  const found = switches.filter((d): d is Deviation => d !== null).reverse();
  return { switches: found, executions: 2 };
}
