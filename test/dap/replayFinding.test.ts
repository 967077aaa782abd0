// Replaying an explorer finding (issue 6, "Replay in Debugger" and `schedule: { file }`): the
// session stops at the failure the explorer found — with the explorer's heap checks, and even
// with every exception filter off, since the schedule file says how it ends — and from there
// reverse continue reaches the race window that led to it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { explore } from '../../debug-adapter/engine/explore/explorer';
import { encodeSchedule, scheduleMeta } from '../../debug-adapter/engine/explore/schedule-file';
import { haltFilter } from '../../debug-adapter/session/breakpoints';
import { fsLoader } from '../../debug-adapter/runtimes';
import { compileScenario } from '../../debug-adapter/runSupport';
import { example, launch, resumeTo, stopped } from './helpers';

const RACE = example('finalizer-race.simc');

test('a schedule file of an explorer finding stops at that failure with no filter on, and reverse continue reaches the race window', { timeout: 240_000 }, async () => {
  const compiled = compileScenario(RACE, 'before-f8e4a2e', fsLoader);
  if (!compiled.ok) throw new Error(compiled.error);
  const report = explore(compiled.program, { strategy: 'random', seed: 1, timeLimitMs: 60_000 });
  const f = report.finding;
  assert.ok(f, `the random walk finds the race: ${report.coverage}`);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sweepscope-finding-')), 'finding.schedule.json');
  writeFileSync(file, encodeSchedule(f.schedule, scheduleMeta(report, 'finalizer-race.simc', 'before-f8e4a2e')));

  const dap = await launch({ program: RACE, runtime: 'before-f8e4a2e', schedule: { file } }, { filters: [] });
  try {
    const failure = await stopped(dap, 0, 120_000);
    assert.equal(failure.reason, 'exception');
    assert.equal(failure.description, `${f.result.outcome}: ${f.result.message}`);
    const info = await dap.ok<{ exceptionId: string; description: string }>('exceptionInfo', { threadId: failure.threadId });
    assert.equal(info.exceptionId, haltFilter(f.result.outcome));
    assert.equal(info.description, f.result.message);

    await dap.ok('setExceptionBreakpoints', { filters: ['race-window'] });
    const window = await resumeTo(dap, 'reverseContinue', { threadId: failure.threadId });
    assert.equal(window.reason, 'exception');
    assert.match(window.description ?? '', /^race window: .*g\d+ owns span 0x[0-9a-f]+ \(H−1\)/);
  } finally {
    dap.close();
  }
});
