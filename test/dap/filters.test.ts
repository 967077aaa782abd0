// The exception filters the other DAP tests leave out, each through the real adapter: `fault`
// and `invariant` stop with exceptionInfo; `sweepgen-store` stops on the atomic store and on the
// plain store, and its condition (over p and v) is honoured on both; a `sweepgen-cas` condition
// that never holds never stops the program.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapClient } from './dapClient';
import { evaluate, example, frames, launch, resumeTo, stopped } from './helpers';

const RACE = example('finalizer-race.simc');
const H = 'runtime·mheap.sweepgen';
const conf = (name: string): string => path.resolve(__dirname, '..', 'conformance', name);

/** The first stop, or null when the program ends without one. */
async function stopOrEnd(dap: DapClient, from = 0): Promise<DebugProtocol.StoppedEvent['body'] | null> {
  for (let i = 0; i < 1200; i++) {
    const later = dap.events.slice(from);
    const s = later.find((e) => e.event === 'stopped');
    if (s) return (s as DebugProtocol.StoppedEvent).body;
    if (later.some((e) => e.event === 'terminated')) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('neither a stop nor the end within 60 s');
}

/** The race on f8e4a2e with only this filter, under a condition that never holds, runs to its end. */
async function assertNeverStops(filterId: string, condition: string): Promise<void> {
  const dap = await launch({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2 }, { filterOptions: [{ filterId, condition }] });
  try {
    const s = await stopOrEnd(dap);
    assert.equal(s, null, `stopped although ${condition} never holds: ${s?.description}`);
  } finally {
    dap.close();
  }
}

test('fault filter: a nil write stops as an exception; exceptionInfo says what and where', async () => {
  const dap = await launch({ program: conf('fault-nil-deref.simc'), runtime: 'none' }, { filters: ['fault'] });
  try {
    const s = await stopped(dap);
    assert.equal(s.reason, 'exception');
    assert.match(s.description ?? '', /^fault: nil pointer dereference/);
    const [top] = await frames(dap, s.threadId as number);
    assert.deepEqual([top.name, top.line], ['main', 20]);
    const ex = await dap.ok<{ exceptionId: string; description: string; details: { stackTrace: string } }>('exceptionInfo', { threadId: s.threadId });
    assert.equal(ex.exceptionId, 'fault');
    assert.match(ex.description, /nil pointer dereference/);
    assert.match(ex.details.stackTrace, /fault-nil-deref\.simc:20/);
  } finally {
    dap.close();
  }
});

test('invariant filter: on before-f8e4a2e the oracle reports I4 at the unlocked P8 acquisition; on f8e4a2e nothing breaks', { timeout: 120_000 }, async () => {
  const dap = await launch({ program: RACE, runtime: 'before-f8e4a2e', gomaxprocs: 2 }, { filters: ['invariant'] });
  try {
    const s = await stopped(dap, 0, 60_000);
    assert.equal(s.reason, 'exception');
    assert.match(s.description ?? '', /^invariant: I4 /);
    const ex = await dap.ok<{ exceptionId: string; description: string }>('exceptionInfo', { threadId: s.threadId });
    assert.equal(ex.exceptionId, 'invariant');
    const names = (await frames(dap, s.threadId as number)).map((f) => f.name);
    assert.ok(names.includes('runtime·MSpan_EnsureSwept'), names.join(' < '));
  } finally {
    dap.close();
  }
  // without the filter the same run is not stopped by the oracle: it goes on to the race's throw
  const off = await launch({ program: RACE, runtime: 'before-f8e4a2e', gomaxprocs: 2 }, { filters: ['throw'] });
  try {
    const s = await stopped(off, 0, 60_000);
    assert.match(s.description ?? '', /^throw: /);
  } finally {
    off.close();
  }
  const fixed = await launch({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2 }, { filters: ['invariant'] });
  try {
    assert.equal(await stopOrEnd(fixed), null, 'f8e4a2e broke an invariant');
    assert.match(fixed.output(), /outcome: exit/);
  } finally {
    fixed.close();
  }
});

test('sweepgen-store filter: atomic stores and plain stores stop; a condition over p and v applies to both', { timeout: 120_000 }, async () => {
  const dap = await launch({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2 }, { filters: ['sweepgen-store'] });
  try {
    let s = await stopped(dap);
    let atomic = 0;
    let plain = 0;
    for (let i = 0; i < 400 && (atomic === 0 || plain === 0); i++) {
      assert.equal(s.reason, 'exception');
      assert.match(s.description ?? '', /^sweepgen store \d+ .*on span 0x[0-9a-f]+ by /);
      if (/\(atomic\)$/.test(s.description ?? '')) atomic++;
      if (/\(plain store: /.test(s.description ?? '')) plain++;
      s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    }
    assert.ok(atomic > 0 && plain > 0, `atomic ${atomic}, plain ${plain}`);
  } finally {
    dap.close();
  }
  // a condition no store satisfies: the program runs to its end
  await assertNeverStops('sweepgen-store', 'v == 12345');
  // a condition that holds for some: every stop satisfies it
  const some = await launch({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2 }, { filterOptions: [{ filterId: 'sweepgen-store', condition: `v == ${H} && *p == v` }] });
  try {
    const s = await stopped(some, 0, 60_000);
    const [top] = await frames(some, s.threadId as number);
    const h = await evaluate(some, H, top.id);
    assert.match(s.description ?? '', new RegExp(`^sweepgen store ${h}\\b`));
  } finally {
    some.close();
  }
});

test('sweepgen-cas filter: a condition that never holds never stops; one over the arguments picks the CAS', { timeout: 120_000 }, async () => {
  await assertNeverStops('sweepgen-cas', 'old == 12345');
  const dap = await launch({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2 }, { filterOptions: [{ filterId: 'sweepgen-cas', condition: `p == &s->sweepgen && new == ${H} - 1` }] });
  try {
    const s = await stopped(dap, 0, 60_000);
    assert.match(s.description ?? '', /^sweepgen CAS \d+→\d+ on span .* \(H−2→H−1/);
  } finally {
    dap.close();
  }
});
