// Tests of the debug adapter's launch-attribute validation: every bad attribute is named.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { validateLaunchArgs } from '../../debug-adapter/session/launchArgs';

const program = path.resolve(__dirname, '..', 'conformance', 'loops.simc');

function errorOf(args: unknown): string {
  const r = validateLaunchArgs(args);
  assert.ok('error' in r, `expected an error for ${JSON.stringify(args)}`);
  return r.error;
}

test('defaults', () => {
  const r = validateLaunchArgs({ type: 'sweepscope', request: 'launch', name: 'x', program });
  assert.ok(!('error' in r));
  assert.deepEqual(
    { runtime: r.runtime, gomaxprocs: r.gomaxprocs, strategy: r.strategy, seed: r.seed, stepping: r.stepping, stopOnEntry: r.stopOnEntry },
    { runtime: 'f8e4a2e', gomaxprocs: 2, strategy: 'roundrobin', seed: 1, stepping: 'thread', stopOnEntry: false },
  );
});

test('every bad attribute is named', () => {
  assert.match(errorOf({}), /"program"/);
  assert.match(errorOf({ program: '/no/such/file.simc' }), /"program": file not found/);
  assert.match(errorOf({ program, runtime: 3 }), /"runtime"/);
  assert.match(errorOf({ program, gomaxprocs: 0 }), /"gomaxprocs"/);
  assert.match(errorOf({ program, gomaxprocs: 2.5 }), /"gomaxprocs"/);
  assert.match(errorOf({ program, stopOnEntry: 'yes' }), /"stopOnEntry"/);
  assert.match(errorOf({ program, stepping: 'some' }), /"stepping"/);
  assert.match(errorOf({ program, maxSteps: -1 }), /"maxSteps"/);
  assert.match(errorOf({ program, schedule: 'random' }), /"schedule"/);
  assert.match(errorOf({ program, schedule: { strategy: 'dfs' } }), /"schedule.strategy"/);
  assert.match(errorOf({ program, schedule: { seed: -2 } }), /"schedule.seed"/);
  assert.match(errorOf({ program, schedule: { file: '/no/such.json' } }), /"schedule.file"/);
  assert.match(errorOf({ program, schedule: { stratgy: 'pct' } }), /unknown field "stratgy"/);
  assert.match(errorOf({ program, gomaxproc: 2 }), /unknown attribute "gomaxproc"/);
});

test('a schedule strategy and seed are taken', () => {
  const r = validateLaunchArgs({ program, schedule: { strategy: 'pct', seed: 9 }, runtime: 'none', maxSteps: 100 });
  assert.ok(!('error' in r));
  assert.equal(r.strategy, 'pct');
  assert.equal(r.seed, 9);
  assert.equal(r.runtime, 'none');
  assert.equal(r.maxSteps, 100);
});
