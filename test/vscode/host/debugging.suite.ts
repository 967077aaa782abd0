// Extension-host tests of debugging through VS Code's debug service: the inline adapter stops on
// entry, then on the `sweepgen-cas` filter with M threads named after what they run and the span's
// sweep state in Variables; Run Only This Thread resumes one M; the standalone adapter process
// (setting sweepscope.adapter = "process") debugs the same way.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { suite, suiteSetup, suiteTeardown, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, adapterMessages, launchConfig, start, stopAll, threads } from './support';

const RACE = { program: '${workspaceFolder}/finalizer-race.simc', runtime: 'before-f8e4a2e', stopOnEntry: true };

interface Variable {
  name: string;
  value: string;
}

async function topFrameVariables(session: vscode.DebugSession, threadId: number): Promise<Variable[]> {
  const stack: { stackFrames: { id: number; name: string }[] } = await session.customRequest('stackTrace', { threadId });
  assert.ok(stack.stackFrames.length > 0, 'the stopped thread has frames');
  const scopes: { scopes: { name: string; variablesReference: number }[] } = await session.customRequest('scopes', { frameId: stack.stackFrames[0].id });
  const out: Variable[] = [];
  for (const scope of scopes.scopes) {
    const vars: { variables: Variable[] } = await session.customRequest('variables', { variablesReference: scope.variablesReference });
    out.push(...vars.variables);
  }
  return out;
}

/** The stopped event's thread and reason. */
function stopOf(message: { body?: Record<string, unknown> }): { threadId: number; reason: string } {
  const threadId = message.body?.threadId;
  const reason = message.body?.reason;
  assert.ok(typeof threadId === 'number' && typeof reason === 'string', JSON.stringify(message.body));
  return { threadId, reason };
}

suite('SweepScope debugging in VS Code', () => {
  suiteSetup(activateExtension);
  teardown(stopAll);
  suiteTeardown(() => vscode.workspace.getConfiguration('sweepscope').update('adapter', undefined, vscode.ConfigurationTarget.Global));

  test('inline adapter: stop on entry, then on the sweepgen-cas filter with named threads and span state', async () => {
    const session = await start(launchConfig('race inline', RACE));
    assert.ok(session, 'the race configuration starts');
    const rec = adapterMessages();
    const entry = await rec.event(session, 'stopped');
    assert.equal(stopOf(entry.message).reason, 'entry');
    const atEntry = await threads(session);
    assert.match(atEntry[0]?.name ?? '', /^M0\b/, JSON.stringify(atEntry));

    await session.customRequest('setExceptionBreakpoints', { filters: ['sweepgen-cas'] });
    const mark = rec.count(session);
    await session.customRequest('continue', { threadId: stopOf(entry.message).threadId });
    const cas = await rec.event(session, 'stopped', mark);
    const stop = stopOf(cas.message);
    assert.equal(stop.reason, 'exception');
    assert.match(String(cas.message.body?.text), /sweepgen CAS/);
    const names = (await threads(session)).map((t) => t.name);
    assert.ok(names.some((n) => /^M0\b/.test(n)), JSON.stringify(names));
    assert.ok(names.some((n) => /^M\d+ · g\d+ \S+/.test(n)), `an M names the goroutine and function it runs: ${JSON.stringify(names)}`);
    const vars = await topFrameVariables(session, stop.threadId);
    const span = vars.find((v) => v.name === 's');
    assert.ok(span, `the CAS frame shows its span: ${JSON.stringify(vars.map((v) => v.name))}`);
    assert.match(span.value, /span: (needs sweeping|being swept|swept)/);
  });

  test('Run Only This Thread resumes one M from the Call Stack context', async () => {
    const session = await start(launchConfig('race run-thread', RACE));
    assert.ok(session);
    const rec = adapterMessages();
    const entry = await rec.event(session, 'stopped');
    const mThread = (await threads(session)).find((t) => /^M0\b/.test(t.name));
    assert.ok(mThread, 'M0 is listed');
    const mark = rec.count(session);
    // the Call Stack menu passes the thread's context; an object with threadId is what it hands over
    const ran = await vscode.commands.executeCommand<boolean>('sweepscope.runOnlyThisThread', { sessionId: session.id, threadId: mThread.id });
    assert.equal(ran, true);
    const next = await rec.event(session, ['stopped', 'terminated'], mark);
    assert.ok(next.index > entry.index, 'the program ran after the command and stopped or ended');
  });

  test('process adapter (sweepscope.adapter = "process") debugs the same way', async () => {
    await vscode.workspace.getConfiguration('sweepscope').update('adapter', 'process', vscode.ConfigurationTarget.Global);
    const session = await start(launchConfig('hello in a process', { program: '${workspaceFolder}/hello-goroutines.simc', runtime: 'none', stopOnEntry: true }));
    assert.ok(session);
    const entry = await adapterMessages().event(session, 'stopped');
    assert.equal(stopOf(entry.message).reason, 'entry');
    assert.ok((await threads(session)).length > 0);
    if (fs.existsSync('/proc/self/cmdline')) {
      const adapters = fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .map((p) => {
          try {
            return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
          } catch {
            return '';
          }
        })
        .filter((c) => c.includes('dist/adapter.js'));
      assert.ok(adapters.length > 0, 'a dist/adapter.js process runs');
    }
  });
});
