// A race window at the very prologue where the runtime preempts the owner: U is switched away
// from right after its CAS in MSpan_EnsureSwept (a one-preemption schedule made here with the
// explorer's single-switch search), T's stop-the-world marks U, and U's next prologue — MSpan_Sweep's —
// both opens the race window and takes U off its M. The stop must focus the thread that shows U
// (its goroutine thread, since U waits on the run queue with its stack), with U's frames, going
// forward and after reverse continue back to it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { encodeSchedule } from '../../debug-adapter/engine/explore/schedule-file';
import { findSingleSwitch } from '../../debug-adapter/engine/explore/single-switch';
import { fsLoader } from '../../debug-adapter/runtimes';
import { compileScenario } from '../../debug-adapter/runSupport';
import { example, frames, launch, resumeTo, stopped } from './helpers';

const RACE = example('finalizer-race.simc');

/** Schedule A switched right after U's CAS (not inside MSpan_Sweep, as the example's A is). */
function scheduleAfterCas(): string {
  const compiled = compileScenario(RACE, 'before-f8e4a2e', fsLoader);
  if (!compiled.ok) throw new Error(compiled.error);
  const found = findSingleSwitch(compiled.program, { goroutine: 'U', function: 'runtime·MSpan_EnsureSwept' }, (r) => r.outcome === 'throw' && r.message === 'gc: unswept span');
  if (!found) throw new Error('no single switch right after U\'s CAS gives "gc: unswept span"');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sweepscope-race-')), 'after-cas.schedule.json');
  writeFileSync(file, encodeSchedule(found.schedule));
  return file;
}

test('a race window where the runtime preempts the owner focuses the owner, with its frames, forward and back', { timeout: 240_000 }, async () => {
  const schedule = scheduleAfterCas();
  const dap = await launch({ program: RACE, runtime: 'before-f8e4a2e', schedule: { file: schedule } }, { filters: ['race-window'] });
  try {
    const window = await stopped(dap, 0, 120_000);
    assert.match(window.description ?? '', /^race window: g\d+ owns span 0x[0-9a-f]+ \(H−1\) and reaches a preemption point, the prologue of runtime·MSpan_Sweep/);
    const owner = (await frames(dap, window.threadId as number)).map((f) => f.name);
    assert.deepEqual(owner.slice(0, 2), ['runtime·MSpan_Sweep', 'runtime·MSpan_EnsureSwept']);
    assert.ok(owner.includes('U'), owner.join(' < '));

    await dap.ok('setExceptionBreakpoints', { filters: ['throw'] });
    const thrown = await resumeTo(dap, 'continue', { threadId: window.threadId });
    assert.match(thrown.description ?? '', /throw: gc: unswept span/);

    await dap.ok('setExceptionBreakpoints', { filters: ['race-window'] });
    const back = await resumeTo(dap, 'reverseContinue', { threadId: thrown.threadId });
    assert.equal(back.description, window.description);
    assert.equal(back.threadId, window.threadId);
    assert.deepEqual((await frames(dap, back.threadId as number)).map((f) => f.name), owner);
  } finally {
    dap.close();
  }
});
