// Extension-host tests of the panels' host side in a real VS Code (their pages render in the
// workbench's Chromium and post `ready`): every `sweepscope/*` read the extension sends is
// watched through a debug adapter tracker. The Heap Bitmap reads once per stop while visible,
// asks only for what changed since the bitmap it holds, never reads while the program runs,
// does not read while hidden and catches up when shown again; the Timeline reads on open and
// after each stop; "Show in Span Panel" on a Variables entry reads that span.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { RESUMES } from '../../../src/panels/sessions';
import { activateExtension, adapterMessages, inWorkspace, launchConfig, start, stopAll, type DapMessage, type Traffic } from './support';

const RACE = { program: '${workspaceFolder}/finalizer-race.simc', runtime: 'before-f8e4a2e', stopOnEntry: true };
/** Requests the panels send to read the program (goto and runThread are resumes, not reads). */
const isPanelRead = (command: string | undefined): boolean => command !== undefined && command.startsWith('sweepscope/') && !RESUMES.has(command);

/**
 * Fails if a panel read reached the adapter while the program was running: after a resume
 * request (or a `continued` event) and before the next `stopped` event.
 */
function assertNoReadWhileRunning(traffic: readonly Traffic[]): number {
  let running = true; // until the first stop
  let reads = 0;
  traffic.forEach(({ dir, message }, i) => {
    if (dir === 'out' && message.type === 'event') {
      if (message.event === 'stopped') running = false;
      else if (message.event === 'continued') running = true;
    } else if (dir === 'in' && message.type === 'request' && message.command !== undefined) {
      if (RESUMES.has(message.command)) running = true;
      else if (isPanelRead(message.command)) {
        reads++;
        assert.ok(!running, `message ${i}: ${message.command} was sent while the program ran`);
      }
    }
  });
  return reads;
}

/** The `command` requests the adapter received at traffic index ≥ from, with their indices. */
function requestsFrom(traffic: readonly Traffic[], command: string, from: number): { message: DapMessage; index: number }[] {
  return traffic
    .map((t, index) => ({ ...t, index }))
    .filter((t) => t.index >= from && t.dir === 'in' && t.message.type === 'request' && t.message.command === command);
}

/** The editor column holding the webview tab with this title. */
function panelColumn(title: string): vscode.ViewColumn {
  for (const group of vscode.window.tabGroups.all) {
    if (group.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label === title)) return group.viewColumn;
  }
  throw new Error(`no "${title}" tab is open`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the race as a user does: with the scenario open in the editor (so a panel opens beside
 * it and the source VS Code reveals at a stop does not cover the panel), stopped on entry.
 */
async function startRace(name: string): Promise<vscode.DebugSession> {
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(inWorkspace('finalizer-race.simc')), { preview: false });
  const session = await start(launchConfig(name, RACE));
  assert.ok(session, `"${name}" starts`);
  return session;
}

suite('SweepScope panels in VS Code', () => {
  suiteSetup(activateExtension);
  teardown(async () => {
    await stopAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Heap Bitmap: reads after each stop while visible, deltas after the first, none while running or hidden, a catch-up when shown', async () => {
    const session = await startRace('panels: bitmap');
    const rec = adapterMessages();
    const traffic = (): Traffic[] => rec.traffic.get(session.id) ?? [];
    const entry = await rec.trafficEvent(session, 'stopped');

    await vscode.commands.executeCommand('sweepscope.showHeapBitmap');
    const first = await rec.request(session, 'sweepscope/bitmap', entry.index);
    assert.equal(first.message.arguments?.since, undefined, 'the first read asks for the whole bitmap');
    const firstAnswer = (await rec.response(session, first)).message.body;
    assert.equal(firstAnswer?.delta, false);
    let arenaStart = firstAnswer?.arenaStart;
    await sleep(1000);

    // from sweepgen CAS to CAS: after each stop the visible panel asks only for what changed
    // (since the generation it holds) and gets a delta
    await session.customRequest('setExceptionBreakpoints', { filters: ['sweepgen-cas'] });
    let threadId = entry.message.body?.threadId;
    for (let i = 1; i <= 3; i++) {
      const mark = rec.trafficCount(session);
      await session.customRequest('continue', { threadId });
      const stop = await rec.trafficEvent(session, 'stopped', mark);
      threadId = stop.message.body?.threadId;
      await rec.request(session, 'sweepscope/bitmap', stop.index);
      await sleep(1000); // every refresh this stop caused has been sent
      for (const read of requestsFrom(traffic(), 'sweepscope/bitmap', stop.index)) {
        assert.equal(typeof read.message.arguments?.since, 'number', `stop ${i}: a read asks for what changed since the bitmap held`);
        const answer = (await rec.response(session, read)).message.body;
        // the whole bitmap again only when the arena moved (at entry the heap is not set up yet)
        assert.equal(answer?.delta, answer?.arenaStart === arenaStart, `stop ${i}: the answer is a delta unless the arena moved (${String(arenaStart)} → ${String(answer?.arenaStart)})`);
        arenaStart = answer?.arenaStart;
      }
    }

    // hide it behind a text editor in its own column: the next stop is not read…
    const doc = await vscode.workspace.openTextDocument(inWorkspace('finalizer-race.simc'));
    await vscode.window.showTextDocument(doc, { viewColumn: panelColumn('SweepScope: Heap Bitmap'), preview: false });
    const mark = rec.trafficCount(session);
    await session.customRequest('continue', { threadId });
    const hiddenStop = await rec.trafficEvent(session, 'stopped', mark);
    await sleep(1500);
    assert.equal(requestsFrom(traffic(), 'sweepscope/bitmap', mark).length, 0, 'a hidden panel does not read');

    // …until the panel shows again: close the text editors of its group (the one opened here
    // and the source VS Code revealed at the stop), so its tab is the active one again
    const group = vscode.window.tabGroups.all.find((g) => g.viewColumn === panelColumn('SweepScope: Heap Bitmap'));
    assert.ok(group);
    await vscode.window.tabGroups.close(group.tabs.filter((t) => t.input instanceof vscode.TabInputText));
    await rec.request(session, 'sweepscope/bitmap', hiddenStop.index);
    await sleep(1500);
    // the page was kept while hidden: it still holds its bitmap, so only what changed travels
    // (and what changed since the stop it last showed is highlighted); a reloaded page would
    // have asked for the whole bitmap
    for (const read of requestsFrom(traffic(), 'sweepscope/bitmap', hiddenStop.index)) {
      assert.equal(typeof read.message.arguments?.since, 'number', 'a catch-up read asks for a delta');
      assert.equal((await rec.response(session, read)).message.body?.delta, true);
    }
    assert.ok(assertNoReadWhileRunning(traffic()) >= 5);
  });

  test('Timeline: reads on open and after every stop, never while running', async () => {
    const session = await startRace('panels: timeline');
    const rec = adapterMessages();
    const entry = await rec.trafficEvent(session, 'stopped');
    await vscode.commands.executeCommand('sweepscope.showTimeline');
    await rec.request(session, 'sweepscope/timeline', entry.index);
    await session.customRequest('setExceptionBreakpoints', { filters: ['sweepgen-cas'] });
    let threadId = entry.message.body?.threadId;
    for (let i = 0; i < 3; i++) {
      const mark = rec.trafficCount(session);
      await session.customRequest('continue', { threadId });
      const stop = await rec.trafficEvent(session, 'stopped', mark);
      const read = await rec.request(session, 'sweepscope/timeline', stop.index);
      assert.equal(read.message.arguments?.from, 0, 'the panel reads the run from its start');
      threadId = stop.message.body?.threadId;
    }
    assert.ok(assertNoReadWhileRunning(rec.traffic.get(session.id) ?? []) >= 4);
  });

  test('Show in Span Panel on a Variables entry reads that span', async () => {
    const session = await startRace('panels: span');
    const rec = adapterMessages();
    const entry = await rec.trafficEvent(session, 'stopped');
    await session.customRequest('setExceptionBreakpoints', { filters: ['sweepgen-cas'] });
    const mark = rec.trafficCount(session);
    await session.customRequest('continue', { threadId: entry.message.body?.threadId });
    const cas = await rec.trafficEvent(session, 'stopped', mark);
    const threadId = cas.message.body?.threadId;
    // the first frame with a span `s` among its locals (the top one is the builtin runtime·cas)
    const stack = (await session.customRequest('stackTrace', { threadId })) as { stackFrames: { id: number; name: string }[] };
    type Variable = { name: string; value: string; memoryReference?: string; variablesReference: number; evaluateName?: string };
    let found: { locals: { name: string; variablesReference: number }; s: Variable } | undefined;
    for (const frame of stack.stackFrames) {
      const scopes = (await session.customRequest('scopes', { frameId: frame.id })) as { scopes: { name: string; variablesReference: number; expensive: boolean }[] };
      const locals = scopes.scopes.find((x) => x.name === 'Locals');
      if (!locals) continue;
      const vars = (await session.customRequest('variables', { variablesReference: locals.variablesReference })) as { variables: Variable[] };
      const s = vars.variables.find((v) => v.name === 's');
      if (s) {
        found = { locals, s };
        break;
      }
    }
    assert.ok(found, `a frame of the CAS stop has a span s: ${stack.stackFrames.map((f) => f.name).join(' < ')}`);
    const { locals, s } = found;
    assert.ok(s.memoryReference, `s has a memoryReference: ${JSON.stringify(s)}`);
    const before = rec.trafficCount(session);
    // what the Variables context menu hands the command
    await vscode.commands.executeCommand('sweepscope.showInSpanPanel', { sessionId: session.id, container: { name: 'Locals', variablesReference: locals.variablesReference, expensive: false }, variable: s });
    const read = await rec.request(session, 'sweepscope/span', before);
    assert.equal(BigInt(String(read.message.arguments?.address)), BigInt(s.memoryReference));
    const answer = await rec.response(session, read);
    assert.equal(answer.message.success, true, JSON.stringify(answer.message));
    assertNoReadWhileRunning(rec.traffic.get(session.id) ?? []);
  });
});
