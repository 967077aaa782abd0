// Bad DAP input never kills the session: unknown requests, arguments of the wrong type, ids that
// do not exist and requests that need a stopped program while it runs are each answered with an
// error saying what was wrong; 10,000 random requests leave the adapter alive and answering.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../debug-adapter/engine/vm/strategies';
import { DapClient } from './dapClient';
import { dapProgram, launch, stopped } from './helpers';

const COUNTER = dapProgram('counter.simc');

async function failure(dap: Awaited<ReturnType<typeof launch>>, command: string, args: unknown): Promise<string> {
  const r = await dap.request(command, args);
  assert.equal(r.success, false, `${command} ${JSON.stringify(args)} should fail`);
  return r.message ?? '';
}

test('each kind of bad request gets an error that names the problem, and the session goes on', async () => {
  const dap = await launch({ program: COUNTER, runtime: 'none', stopOnEntry: true });
  try {
    await stopped(dap);
    assert.match(await failure(dap, 'frobnicate', {}), /unknown request 'frobnicate'/);
    assert.match(await failure(dap, 'stackTrace', { threadId: 'one' }), /'threadId' must be an integer/);
    assert.match(await failure(dap, 'stackTrace', { threadId: 4242 }), /unknown threadId 4242/);
    assert.match(await failure(dap, 'scopes', { frameId: 999 }), /unknown frameId 999/);
    assert.match(await failure(dap, 'variables', { variablesReference: 777 }), /unknown variablesReference 777/);
    assert.match(await failure(dap, 'setBreakpoints', { source: 'counter.simc' }), /'source' must be an object/);
    assert.match(await failure(dap, 'readMemory', { memoryReference: 'here', count: 4 }), /not an address/);
    assert.match(await failure(dap, 'evaluate', { expression: 'pair.', context: 'repl' }), /cannot parse/);
    assert.match(await failure(dap, 'sweepscope/span', { address: '0x1000' }), /no heap|without a Go runtime/);
    assert.match(await failure(dap, 'sweepscope/nope', {}), /unknown request/);
    assert.match(await failure(dap, 'launch', { program: COUNTER }), /already being debugged/);
    assert.match(await failure(dap, 'stackTrace', []), /arguments must be an object/);
    // still fine
    assert.ok((await dap.request('threads')).success);
  } finally {
    dap.close();
  }
});

test('requests that read the program are refused while it runs, with a hint', async () => {
  const dap = await launch({ program: dapProgram('forever.simc'), runtime: 'none', gomaxprocs: 1 });
  try {
    await new Promise((r) => setTimeout(r, 100));
    assert.match(await failure(dap, 'stackTrace', { threadId: 1 }), /running: pause it first/);
    assert.match(await failure(dap, 'variables', { variablesReference: 1 }), /running/);
    assert.match(await failure(dap, 'continue', { threadId: 1 }), /already running/);
    assert.match(await failure(dap, 'next', { threadId: 1 }), /already running/);
    // every request that reads or moves the program, the panels' own included
    const reading: [string, Record<string, unknown>][] = [
      ['scopes', { frameId: 1 }], ['evaluate', { expression: 'n', context: 'repl' }], ['setVariable', { variablesReference: 1, name: 'n', value: '1' }],
      ['setExpression', { expression: 'n', value: '1' }], ['completions', { text: 'n', column: 2 }], ['exceptionInfo', { threadId: 1 }],
      ['dataBreakpointInfo', { name: 'n' }], ['readMemory', { memoryReference: '0x1000', count: 4 }], ['writeMemory', { memoryReference: '0x1000', data: 'AAAAAA==' }],
      ['stepBack', { threadId: 1 }], ['reverseContinue', { threadId: 1 }],
      ['sweepscope/bitmap', {}], ['sweepscope/span', { address: '0x1000' }], ['sweepscope/timeline', {}], ['sweepscope/history', {}],
      ['sweepscope/goto', { position: 0 }], ['sweepscope/runThread', { threadId: 1 }],
    ];
    for (const [command, args] of reading) assert.match(await failure(dap, command, args), /the program is running: pause it first/, command);
    const threads = await dap.request('threads');
    assert.ok(threads.success, 'threads answers while running (a placeholder per M) so Pause works');
    // the session goes on: pause stops it, and the same requests are answered
    const at = dap.mark();
    await dap.ok('pause', { threadId: 1 });
    const s = await stopped(dap, at);
    assert.equal(s.reason, 'pause');
    assert.ok((await dap.request('stackTrace', { threadId: 1 })).success);
    assert.ok((await dap.request('sweepscope/timeline', {})).success);
  } finally {
    dap.close();
  }
});

test('terminate and disconnect are answered while the program runs, and before any launch', async () => {
  const dap = await launch({ program: dapProgram('forever.simc'), runtime: 'none', gomaxprocs: 1 });
  try {
    await new Promise((r) => setTimeout(r, 100));
    const at = dap.mark();
    assert.ok((await dap.request('terminate', {})).success);
    await dap.nextEvent('exited', at);
    await dap.nextEvent('terminated', at);
    // ended: reading requests say so; terminate again and disconnect are still answered
    assert.match(await failure(dap, 'stackTrace', { threadId: 1 }), /has ended/);
    assert.ok((await dap.request('terminate', {})).success);
    assert.ok((await dap.request('disconnect', {})).success);
  } finally {
    dap.close();
  }
  const running = await launch({ program: dapProgram('forever.simc'), runtime: 'none', gomaxprocs: 1 });
  try {
    await new Promise((r) => setTimeout(r, 100));
    assert.ok((await running.request('disconnect', { terminateDebuggee: true })).success);
  } finally {
    running.close();
  }
  const fresh = new DapClient();
  try {
    assert.ok((await fresh.request('terminate', {})).success);
    assert.ok((await fresh.request('disconnect', {})).success);
  } finally {
    fresh.close();
  }
});

const COMMANDS = [
  'initialize', 'launch', 'attach', 'configurationDone', 'setBreakpoints', 'breakpointLocations', 'setFunctionBreakpoints',
  'setExceptionBreakpoints', 'dataBreakpointInfo', 'setDataBreakpoints', 'threads', 'stackTrace', 'scopes', 'variables',
  'setVariable', 'setExpression', 'evaluate', 'completions', 'exceptionInfo', 'continue', 'next', 'stepIn', 'stepOut',
  'stepBack', 'reverseContinue', 'pause', 'readMemory', 'writeMemory', 'sweepscope/bitmap', 'sweepscope/span',
  'sweepscope/timeline', 'sweepscope/goto', 'sweepscope/runThread', 'source', 'modules', 'gotoTargets', '', '__proto__', 'constructor',
];
const KEYS = ['threadId', 'frameId', 'variablesReference', 'expression', 'name', 'value', 'source', 'breakpoints', 'filters', 'memoryReference', 'count', 'offset', 'data', 'text', 'column', 'line', 'address', 'position', 'start', 'dataId', 'program', 'runtime'];

function randomValue(rng: Rng, depth: number): unknown {
  switch (rng.below(depth > 1 ? 7 : 9)) {
    case 0: return rng.below(5);
    case 1: return rng.below(2_000_000) - 1000;
    case 2: return ['', 'x', 'pair.left', 'i', '0x10', '-1', '1e999', 'twice(1)', '((', 'pair.hist[9999]'][rng.below(10)];
    case 3: return rng.below(2) === 0;
    case 4: return null;
    case 5: return 1.5;
    case 6: return 'counter.simc';
    case 7: return Array.from({ length: rng.below(3) }, () => randomValue(rng, depth + 1));
    default: return randomArgs(rng, depth + 1);
  }
}

function randomArgs(rng: Rng, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = rng.below(4);
  for (let i = 0; i < n; i++) out[KEYS[rng.below(KEYS.length)]] = randomValue(rng, depth);
  return out;
}

test('10,000 random requests: every one is answered and the adapter is alive at the end', { timeout: 240_000 }, async () => {
  const dap = await launch({ program: COUNTER, runtime: 'none', stopOnEntry: true });
  try {
    await stopped(dap);
    const rng = new Rng(20140213);
    let answered = 0;
    for (let batch = 0; batch < 100; batch++) {
      const pending = [];
      for (let i = 0; i < 100; i++) {
        const command = COMMANDS[rng.below(COMMANDS.length)];
        const args = rng.below(10) === 0 ? randomValue(rng, 0) : randomArgs(rng);
        pending.push(dap.request(command, args));
      }
      let timer: NodeJS.Timeout | undefined;
      const results = await Promise.race([
        Promise.all(pending),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`batch ${batch} not answered within 20 s`)), 20_000))),
      ]).finally(() => clearTimeout(timer));
      answered += results.length;
      for (const r of results) if (!r.success) assert.ok((r.message ?? '').length > 0, `an error without a message for ${r.command}`);
    }
    assert.equal(answered, 10_000);
    assert.ok(dap.alive, 'the adapter process died');
    assert.ok(!dap.output('stderr').includes('internal error'), dap.output('stderr'));
    const t = await dap.request('threads');
    assert.ok(t.success);
  } finally {
    dap.close();
  }
});
