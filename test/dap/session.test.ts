// Tests of the standalone debug adapter over DAP: launch validation and compile errors are
// launch errors; a good launch runs to completion with output, outcome, exited and terminated.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapClient } from './dapClient';

const conf = (name: string): string => path.resolve(__dirname, '..', 'conformance', name);

async function start(): Promise<{ dap: DapClient; init: DebugProtocol.Response }> {
  const dap = new DapClient();
  const init = await dap.request('initialize', { adapterID: 'sweepscope', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  return { dap, init };
}

test('initialize advertises the session capabilities and the contract filter ids', async () => {
  const { dap, init } = await start();
  try {
    assert.ok(init.success);
    const caps = (init.body ?? {}) as DebugProtocol.Capabilities;
    assert.equal(caps.supportsStepBack, true);
    assert.equal(caps.supportsDataBreakpoints, true);
    assert.equal(caps.supportsConfigurationDoneRequest, true);
    assert.deepEqual((caps.exceptionBreakpointFilters ?? []).map((f) => f.filter).sort(), ['fault', 'invariant', 'race-window', 'sweepgen-cas', 'sweepgen-store', 'throw']);
  } finally {
    dap.close();
  }
});

test('a launch runs the program: stdout output, outcome line, exited, terminated', async () => {
  const { dap } = await start();
  try {
    const launch = dap.request('launch', { program: conf('loops.simc'), runtime: 'none', gomaxprocs: 1 });
    await dap.request('configurationDone');
    assert.ok((await launch).success);
    const exited = (await dap.waitForEvent('exited')) as DebugProtocol.ExitedEvent;
    await dap.waitForEvent('terminated');
    assert.equal(exited.body.exitCode, 0);
    assert.equal(dap.output('stdout'), 'while 10\ndo 1 0\nfor 25\nnested 9\nforever 7\n');
    assert.match(dap.output(), /outcome: exit \(\d+ steps\)/);
    const threads = await dap.request('threads');
    const names = (threads.body as { threads: DebugProtocol.Thread[] }).threads.map((t) => t.name);
    assert.equal(names.length, 1);
    assert.match(names[0], /^M0\b/);
    assert.ok((await dap.request('disconnect')).success);
  } finally {
    dap.close();
  }
});

test('a failing program reports its outcome and exits with 1', async () => {
  const { dap } = await start();
  try {
    const launch = dap.request('launch', { program: conf('builtin-throw.simc'), runtime: 'none' });
    await dap.request('configurationDone');
    assert.ok((await launch).success);
    const exited = (await dap.waitForEvent('exited')) as DebugProtocol.ExitedEvent;
    assert.equal(exited.body.exitCode, 1);
    assert.match(dap.output(), /outcome: throw "custom failure: bad state" at .*builtin-throw\.simc:14/);
  } finally {
    dap.close();
  }
});

test('bad attributes and compile errors fail the launch with a clear message', async () => {
  const { dap } = await start();
  try {
    const bad = await dap.request('launch', { program: conf('loops.simc'), gomaxprocs: 'two' });
    assert.equal(bad.success, false);
    assert.match(bad.message ?? '', /"gomaxprocs"/);
    const compile = await dap.request('launch', { program: conf('error-unknown-field.simc'), runtime: 'none' });
    assert.equal(compile.success, false);
    assert.match(compile.message ?? '', /error-unknown-field\.simc:18:7: error: /);
  } finally {
    dap.close();
  }
});
