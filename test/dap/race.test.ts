// The finalizer race through DAP alone (issue 4): on before-f8e4a2e with schedule A, the sweepgen
// CAS filter stops in MSpan_EnsureSwept with the span at H−2; the race-window filter fires when
// the owner, preemptible, reaches a prologue; continuing reaches the throw "gc: unswept span";
// reverse continue goes back to the race window, and continuing again reaches the same throw at
// the same position. On f8e4a2e the race window never opens over 100 random seeds, run one after
// another in one adapter process by restarting with each seed's launch arguments (the Debuggee
// side of the same check, with PCT seeds too, is test/unit/raceWindow.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { evaluate, example, frames, launch, resumeTo, scopeVariables, stopped } from './helpers';

const RACE = example('finalizer-race.simc');
const SCHEDULE_A = example('schedules/finalizer-race.A.schedule.json');

test('schedule A on before-f8e4a2e: CAS in EnsureSwept, race window, throw, back to the race window and forward to the same throw', { timeout: 180_000 }, async () => {
  const dap = await launch({ program: RACE, runtime: 'before-f8e4a2e', schedule: { file: SCHEDULE_A } }, { filters: ['sweepgen-cas'] });
  try {
    // 1. the CAS of U's MSpan_EnsureSwept (P8): earlier CASes are bgsweep's
    let s = await stopped(dap);
    let fs = await frames(dap, s.threadId as number);
    for (let i = 0; i < 200 && fs[1]?.name !== 'runtime·MSpan_EnsureSwept'; i++) {
      s = await resumeTo(dap, 'continue', { threadId: s.threadId });
      fs = await frames(dap, s.threadId as number);
    }
    assert.equal(fs[1]?.name, 'runtime·MSpan_EnsureSwept', 'never stopped on the CAS in MSpan_EnsureSwept');
    assert.match(s.description ?? '', /^sweepgen CAS \d+→\d+ on span 0x[0-9a-f]+ by g\d+ on M\d+ \(H−2→H−1/);
    const locals = await scopeVariables(dap, fs[1].id, 'Locals');
    assert.match(locals.find((v) => v.name === 's')?.value ?? '', /needs sweeping \(H−2\)/);

    // 2. the race window: the owner reaches a preemption point while preemptible
    await dap.ok('setExceptionBreakpoints', { filters: ['race-window', 'throw'] });
    const window = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(window.reason, 'exception');
    assert.match(window.description ?? '', /^race window: g\d+ owns span 0x[0-9a-f]+ \(H−1\) and reaches a preemption point, the prologue of runtime·MSpan_Sweep/);
    const info = await dap.ok<{ exceptionId: string }>('exceptionInfo', { threadId: window.threadId });
    assert.equal(info.exceptionId, 'race-window');
    const windowAt = (await dap.ok<{ position: number }>('sweepscope/timeline', { max: 1 })).position;

    // 3. on to the throw (the owner passes more preemption points on the way: freespecial, …)
    await dap.ok('setExceptionBreakpoints', { filters: ['throw'] });
    const thrown = await resumeTo(dap, 'continue', { threadId: window.threadId });
    assert.match(thrown.description ?? '', /throw: gc: unswept span/);
    const ex = await dap.ok<{ exceptionId: string; description: string }>('exceptionInfo', { threadId: thrown.threadId });
    assert.equal(ex.exceptionId, 'throw');
    assert.equal(ex.description, 'gc: unswept span');
    const throwAt = (await dap.ok<{ position: number }>('sweepscope/timeline', { max: 1 })).position;
    const throwFrames = (await frames(dap, thrown.threadId as number)).map((f) => `${f.name}:${f.line}`);

    // 4. back to the race window: reverse continue stops at each race window on the way back
    await dap.ok('setExceptionBreakpoints', { filters: ['race-window', 'throw'] });
    let back = await resumeTo(dap, 'reverseContinue', { threadId: thrown.threadId });
    assert.match(back.description ?? '', /^race window: /);
    for (let i = 0; i < 500 && (await dap.ok<{ position: number }>('sweepscope/timeline', { max: 1 })).position > windowAt; i++) {
      back = await resumeTo(dap, 'reverseContinue', { threadId: back.threadId });
    }
    assert.match(back.description ?? '', /^race window: /);
    assert.equal((await dap.ok<{ position: number }>('sweepscope/timeline', { max: 1 })).position, windowAt);
    const owner = await frames(dap, back.threadId as number);
    assert.ok(owner.some((f) => f.name === 'runtime·MSpan_EnsureSwept'));
    assert.match(await evaluate(dap, 's', owner.find((f) => f.name === 'runtime·MSpan_EnsureSwept')?.id), /being swept by g\d+ on M\d+ \(H−1\)/);

    // 5. forward again: the same throw at the same position
    await dap.ok('setExceptionBreakpoints', { filters: ['throw'] });
    const again = await resumeTo(dap, 'continue', { threadId: back.threadId });
    assert.match(again.description ?? '', /throw: gc: unswept span/);
    assert.equal((await dap.ok<{ position: number }>('sweepscope/timeline', { max: 1 })).position, throwAt);
    assert.deepEqual((await frames(dap, again.threadId as number)).map((f: DebugProtocol.StackFrame) => `${f.name}:${f.line}`), throwFrames);
  } finally {
    dap.close();
  }
});

test('f8e4a2e: the race-window filter never fires over 100 random seeds (one adapter, a restart per seed)', { timeout: 300_000 }, async () => {
  const args = (seed: number) => ({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2, schedule: { strategy: 'random', seed } });
  const dap = await launch(args(1), { filters: ['race-window'] });
  try {
    const steps = new Set<string>();
    for (let seed = 1; seed <= 100; seed++) {
      const at = dap.mark();
      if (seed > 1) await dap.ok('restart', { arguments: args(seed) });
      const end = await Promise.race([dap.nextEvent('terminated', at, 60_000), dap.nextEvent('stopped', at, 60_000)]);
      assert.equal(end.event, 'terminated', `seed ${seed} stopped: ${JSON.stringify(end.body)}`);
      const outcome = /outcome: (.*)\n(?![\s\S]*outcome:)/.exec(dap.output())?.[1] ?? '';
      assert.match(outcome, /^exit \(\d+ steps\)$/, `seed ${seed}`);
      steps.add(outcome);
    }
    // the seeds really ran different schedules
    assert.ok(steps.size > 10, `only ${steps.size} distinct runs over 100 seeds`);
  } finally {
    dap.close();
  }
});
