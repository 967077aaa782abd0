// Extension-host tests of the explorer commands (issue 6, "In VS Code" and "Compare"): Find
// Failing Schedule finds the P8 race on before-f8e4a2e, shrinks it to one preemption, writes the
// schedule next to the scenario, and Replay in Debugger starts a session that stops at that
// failure; Cancel stops a search well within a second and still reports what it covered;
// Compare Runtimes runs a schedule on both models and says where they part.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { Comparison } from '../../../debug-adapter/engine/explore/compare';
import type { ExploreReport } from '../../../debug-adapter/engine/explore/explorer';
import { activateExtension, adapterMessages, inWorkspace, stopAll } from './support';

suite('SweepScope explorer in VS Code', () => {
  suiteSetup(activateExtension);
  teardown(stopAll);

  test('Find Failing Schedule finds the race with one preemption and Replay in Debugger stops at the failure', async function () {
    this.timeout(180_000);
    const program = inWorkspace('finalizer-race.simc');
    const scheduleFile = inWorkspace('finalizer-race.before-f8e4a2e.schedule.json');
    fs.rmSync(scheduleFile, { force: true });
    const messages = adapterMessages(); // its tracker must be registered before the session starts
    let replay: vscode.DebugSession | undefined;
    const sub = vscode.debug.onDidStartDebugSession((s) => {
      if (s.name === 'Replay finalizer-race.before-f8e4a2e.schedule.json') replay = s;
    });
    try {
      const report = await vscode.commands.executeCommand<ExploreReport | undefined>('sweepscope.findFailingSchedule', { program, runtime: 'before-f8e4a2e', strategy: 'random', timeLimitSeconds: 60, quiet: true, replay: true });
      assert.ok(report, 'the command reports');
      const f = report.finding;
      assert.ok(f, `a failing schedule is found: ${report.coverage}`);
      assert.equal(f.preemptions, 1, f.storyText);
      assert.ok(f.certified, `certified minimal: ${f.certifyNote ?? ''}`);
      assert.ok(fs.existsSync(scheduleFile), 'the schedule is written next to the scenario');
      for (let i = 0; i < 100 && !replay; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(replay, 'Replay in Debugger started a session');
      const stop = await messages.event(replay, 'stopped', 0, 120_000);
      assert.equal(stop.message.body?.reason, 'exception');
      assert.equal(stop.message.body?.description, `${f.result.outcome}: ${f.result.message}`);
    } finally {
      sub.dispose();
    }
  });

  test('Cancel stops an exhaustive search at once and its coverage is still reported', async function () {
    this.timeout(120_000);
    const program = inWorkspace('finalizer-race.simc');
    let cancelledAt = 0;
    const report = await vscode.commands.executeCommand<ExploreReport | undefined>('sweepscope.findFailingSchedule', {
      program,
      runtime: 'f8e4a2e',
      strategy: 'dpor',
      timeLimitSeconds: 60,
      quiet: true,
      onStarted: (cancel: () => void) => setTimeout(() => {
        cancelledAt = Date.now();
        cancel();
      }, 3000),
    });
    const afterCancel = Date.now() - cancelledAt;
    console.log(`      cancel → report: ${afterCancel} ms`);
    assert.ok(cancelledAt > 0, 'the search was still running 3 s after it started');
    assert.ok(report, 'the report of a cancelled search comes back (the worker answered, it was not terminated)');
    assert.equal(report.cancelled, true);
    assert.equal(report.complete, false);
    assert.ok(report.executions > 0, `executions covered before the cancel: ${report.coverage}`);
    assert.match(report.coverage, /^cancelled: \d+ executions/);
    assert.ok(afterCancel < 1000, `the report came ${afterCancel} ms after Cancel`);
  });

  test('Compare Runtimes runs schedule A on both models and says where they part', async function () {
    this.timeout(120_000);
    const c = await vscode.commands.executeCommand<Comparison | undefined>('sweepscope.compareRuntimes', {
      program: inWorkspace('finalizer-race.simc'),
      schedule: inWorkspace('schedules', 'finalizer-race.A.schedule.json'),
      quiet: true,
    });
    assert.ok(c, 'the command reports');
    assert.equal(c.a.outcome, 'throw', c.a.message);
    assert.equal(c.a.message, 'gc: unswept span');
    assert.equal(c.b.outcome, 'exit', c.b.message);
    assert.ok(c.firstDifference, 'the two runs part somewhere');
  });
});
