// Shrinking a failing schedule. A schedule is the list of places it leaves the default policy
// ("when M a has taken n steps, switch to M b"). Delta debugging over those switches keeps the
// failure (same outcome, same message up to numbers): the shortest failing prefix by bisection,
// then the shortest failing suffix of it by doubling, then ddmin; then each switch is moved as
// early as it can go. Finally an exhaustive search with one preemption fewer certifies that no
// schedule with fewer preemptions fails the same way (or finds one, which is shrunk in turn).
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
}

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
    const first = runPolicy(target, deviationChooser(failing), () => false);
    executions++;
    return signature(first.result);
  })();
  const cache = new Map<string, PolicyRun | null>();
  const test = (d: Deviation[]): PolicyRun | null => {
    const key = d.map((x) => `${x.from}:${x.at}:${x.to}`).join(',');
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const r = runPolicy(target, deviationChooser(d), () => false);
    executions++;
    const ok = !r.stopped && signature(r.result) === sig ? r : null;
    cache.set(key, ok);
    return ok;
  };

  let cur = failing.slice();
  // 1. shortest failing prefix
  if (!test([])) {
    let lo = 0;
    let hi = cur.length;
    while (lo + 1 < hi && !o.shouldStop()) {
      const mid = (lo + hi) >> 1;
      if (test(cur.slice(0, mid))) hi = mid;
      else lo = mid;
    }
    cur = cur.slice(0, hi);
    // 2. shortest failing suffix (doubling)
    for (let j = 1; j < cur.length && !o.shouldStop(); j *= 2) {
      const tail = cur.slice(cur.length - j);
      if (test(tail)) {
        cur = tail;
        break;
      }
    }
    // 3. ddmin
    cur = ddmin(cur, (d) => test(d) !== null, o.shouldStop);
    // 3b. one preemption where the goroutine of the last one stood, in the default schedule
    if (cur.filter((d) => d.preemption).length > 1 && !o.shouldStop()) {
      const one = anchorProbe(target, cur);
      if (one) {
        executions += 2;
        if (test([one])) cur = [one];
      }
    }
  } else cur = [];
  // 4. each switch as early as it still fails
  let stepsMinimal = true;
  for (let i = 0; i < cur.length && !o.shouldStop(); i++) {
    const d = cur[i];
    if (d.from < 0 || d.at === 0) continue;
    const at = (n: number): Deviation[] => cur.map((x, k) => (k === i ? { ...x, at: n } : x));
    let lo = -1;
    let hi = d.at;
    while (lo + 1 < hi && !o.shouldStop()) {
      const mid = (lo + hi) >> 1;
      if (test(at(mid))) hi = mid;
      else lo = mid;
    }
    cur = at(hi);
    if (hi > 0 && test(at(hi - 1))) stepsMinimal = false;
  }
  let run = test(cur) ?? runPolicy(target, deviationChooser(cur), () => false);
  cur = run.deviations;

  // 5. certify: nothing with fewer preemptions fails the same way
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
 * The last preemption of `list`, moved to the default schedule: where the goroutine it stopped
 * stood (function, statement, how many times it had been there), the M running that goroutine
 * in the default schedule is switched away from at the same place. Null when that place is
 * never reached.
 */
export function anchorProbe(target: ExploreTarget, list: Deviation[]): Deviation | null {
  const last = [...list].reverse().find((d) => d.preemption && d.from >= 0);
  if (!last) return null;
  const vm = target.vm;
  const place = (t: number): string | null => {
    const m = vm.ms[t];
    const g = m?.curg;
    const fr = m?.exec.frames[m.exec.frames.length - 1];
    return g && fr ? `${vm.goid(g)}:${fr.fn}:${fr.pc}` : null;
  };
  const seen = new Map<string, number>();
  const count = (t: number): void => {
    const k = place(t);
    if (k) seen.set(k, (seen.get(k) ?? 0) + 1);
  };
  let anchor: { key: string; n: number } | null = null;
  const follow = deviationChooser(list);
  runPolicy(target, (p) => {
    if (!anchor && p.last === last.from && p.local[p.last] === last.at) {
      const key = place(p.last);
      if (key) anchor = { key, n: seen.get(key) ?? 0 };
    }
    return follow(p);
  }, () => anchor !== null, (t) => count(t));
  const a = anchor as { key: string; n: number } | null;
  if (!a) return null;
  seen.clear();
  let found: Deviation | null = null;
  runPolicy(target, (p) => {
    if (!found && p.last >= 0 && place(p.last) === a.key && (seen.get(a.key) ?? 0) === a.n) {
      const others = p.enabled & ~(1 << p.last);
      if (others !== 0) {
        const to = 31 - Math.clz32(others & -others);
        found = { from: p.last, at: p.local[p.last], to, preemption: !p.free };
        return to;
      }
    }
    return p.preferred;
  }, () => found !== null, (t) => count(t));
  return found;
}
