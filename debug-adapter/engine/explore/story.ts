// The human-readable form of a schedule: replays a deviation list and tells it as runs — which
// M ran which goroutine how far (explorer steps and VM statements), from where to where in the
// source, and how each run ended (a preemption, a yield, a block, the end).
import type { FunctionLocation, RunResult } from '../api';
import { deviationChooser, runPolicy, type Deviation } from './policy';
import type { ExploreTarget } from './target';

export interface StoryRun {
  thread: string;
  goroutine?: number;
  /** Explorer steps in this run. */
  steps: number;
  /** VM statements in this run. */
  statements: number;
  from?: FunctionLocation;
  to?: FunctionLocation;
  /** How the run ended: switched away while it could run (a preemption), after a yield, or the end. */
  ended: 'preemption' | 'switch' | 'end';
}

export interface Story {
  runs: StoryRun[];
  result: RunResult;
  preemptions: number;
}

export function tellStory(target: ExploreTarget, deviations: readonly Deviation[]): Story {
  const vm = target.vm;
  const runs: StoryRun[] = [];
  let cur: StoryRun | null = null;
  let lastYield = true;
  let lastThread = -1;
  const where = (t: number): FunctionLocation | undefined => {
    const m = vm.ms[t];
    return m ? vm.location(m.exec, undefined) : undefined;
  };
  let before = target.rootSteps;
  const run = runPolicy(
    target,
    deviationChooser(deviations),
    () => false,
    (t, yielded) => {
      const m = vm.ms[t];
      if (!cur || t !== lastThread) {
        if (cur) cur.ended = !lastYield && vm.isRunnable(vm.ms[lastThread]) ? 'preemption' : 'switch';
        cur = { thread: `M${t}`, goroutine: m.curg && !m.curg.isG0 ? vm.goid(m.curg) : undefined, steps: 0, statements: 0, from: undefined, to: undefined, ended: 'end' };
        runs.push(cur);
      }
      cur.steps++;
      cur.statements += vm.steps - before;
      before = vm.steps;
      cur.to = where(t);
      cur.from ??= cur.to;
      if (m.curg && !m.curg.isG0) cur.goroutine = vm.goid(m.curg);
      lastYield = yielded;
      lastThread = t;
    },
  );
  return { runs, result: run.result, preemptions: run.preemptions };
}

const at = (l?: FunctionLocation): string => (l ? `${l.function} (${l.file.split('/').pop()}:${l.line})` : '?');

/** The story as text: preemptions first (the minimal schedule's essence), then every run. */
export function formatStory(s: Story, limit = 12): string {
  const lines: string[] = [];
  const pre = s.runs.map((r, i) => ({ r, i })).filter((x) => x.r.ended === 'preemption');
  for (const { r, i } of pre) {
    const next = s.runs[i + 1];
    lines.push(`preemption: ${r.thread}${r.goroutine !== undefined ? ` (g${r.goroutine})` : ''} stopped at ${at(r.to)} after ${r.steps} steps of its run; ${next ? `${next.thread}${next.goroutine !== undefined ? ` (g${next.goroutine})` : ''} ran next from ${at(next.from)}` : 'nothing ran after'}`);
  }
  const keep = new Set<number>();
  for (const { i } of pre) for (let k = i - 2; k <= i + 2; k++) if (k >= 0 && k < s.runs.length) keep.add(k);
  for (let k = s.runs.length - 2; k < s.runs.length; k++) if (k >= 0) keep.add(k);
  let shown = 0;
  let skipped = 0;
  s.runs.forEach((r, k) => {
    if (!keep.has(k) && s.runs.length > limit) {
      skipped++;
      return;
    }
    if (skipped > 0) {
      lines.push(`  … ${skipped} run(s) that switched only where the running M yielded`);
      skipped = 0;
    }
    if (shown++ > 40) return;
    lines.push(`  ${r.thread}${r.goroutine !== undefined ? ` g${r.goroutine}` : ''}: ${r.steps} steps (${r.statements} statements) ${at(r.from)} → ${at(r.to)}${r.ended === 'preemption' ? '  ← preempted here' : ''}`);
  });
  if (skipped > 0) lines.push(`  … ${skipped} more run(s)`);
  return lines.join('\n');
}
