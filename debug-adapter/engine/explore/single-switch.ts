// Single-switch schedules: the default schedule with one change — the M running goroutine
// `goroutine` is switched away from once, at a step where `function` is its innermost frame
// and another M could run. Tries those places in order and returns the first schedule whose
// replay from step 0 (with the explorer's heap oracle) ends as `fails` wants, checked, with
// that replay's result. Used to record the example race schedules and by tests that need a
// race window at a particular place.
import { runProgram, type Program, type RunResult, type ScheduleRecord } from '../index';
import { runPolicy, type Deviation } from './policy';
import { EXPLORE_ORACLE, ExploreTarget } from './target';

export interface SingleSwitch {
  schedule: ScheduleRecord;
  replayed: RunResult;
  deviation: Deviation;
}

export function findSingleSwitch(
  program: Program,
  place: { goroutine: string; function: string },
  fails: (r: RunResult) => boolean,
): SingleSwitch | undefined {
  const target = new ExploreTarget(program, {});
  const names = target.vm.code.funcs.map((f) => f.name);
  const stack = (t: number): string[] => target.vm.ms[t].exec.frames.map((f) => names[f.fn]);
  const candidates: Deviation[] = [];
  runPolicy(target, (p) => {
    const frames = p.last >= 0 ? stack(p.last) : [];
    const others = p.enabled & ~(1 << p.last);
    if (others !== 0 && frames[frames.length - 1] === place.function && frames.includes(place.goroutine)) {
      candidates.push({ from: p.last, at: p.local[p.last], to: 31 - Math.clz32(others & -others), preemption: !p.free });
    }
    return p.preferred;
  }, () => false);
  for (const deviation of candidates) {
    runPolicy(target, (p) => (p.last === deviation.from && p.local[p.last] === deviation.at ? deviation.to : p.preferred), () => false);
    const schedule = target.schedule();
    const replayed = runProgram(program, { gomaxprocs: schedule.gomaxprocs, schedule, oracle: EXPLORE_ORACLE });
    if (fails(replayed)) return { schedule, replayed, deviation };
  }
  return undefined;
}
