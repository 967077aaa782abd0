// Determinism of the engine (issue 2): the same seed gives the same schedule and outcome; a
// recorded schedule replays to the identical event stream (every memory access with its M, call,
// preemption request and preemption) and the identical schedule; snapshot → run → restore → run gives identical
// results. On a plain program (test/programs/racy-counter.simc, whose output depends on the
// interleaving) and on the race scenario on the runtime model.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { Machine, type Program, type RunOptions, type StrategyName } from '../../debug-adapter/engine';
import { fsLoader } from '../../debug-adapter/runtimes';
import { compileScenario } from '../../debug-adapter/runSupport';
import { compileOrThrow } from './simcHarness';

const ROOT = path.resolve(__dirname, '..', '..');
const racy = compileOrThrow(path.join(ROOT, 'test', 'programs', 'racy-counter.simc'));

function onModel(runtime: string): Program {
  const c = compileScenario(path.join(ROOT, 'examples', 'finalizer-race.simc'), runtime, fsLoader);
  if (!c.ok) throw new Error(c.error);
  return c.program;
}

/** A running 64-bit-ish hash of every event the machine reports, plus their count. */
function traced(vm: Machine): () => { hash: string; events: number } {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  let n = 0;
  const mix = (...xs: number[]) => {
    n++;
    for (const x of xs) {
      a = Math.imul(a ^ (x | 0), 0x01000193);
      b = Math.imul(b ^ (x | 0), 0x5bd1e995) ^ (b >>> 15);
    }
  };
  vm.listen({
    onAccess: (addr, size, flags, m) => mix(1, addr, size, flags, m.id),
    onCall: (m, fr) => mix(2, m.id, fr.fn),
    onPreemptRequest: (g) => mix(4, g.id),
    onPreempt: (g, m) => mix(5, g.id, m.id),
  });
  return () => ({ hash: `${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`, events: n });
}

function run(program: Program, options: RunOptions) {
  const vm = new Machine(program, { maxSteps: 5_000_000, ...options });
  const trace = traced(vm);
  vm.run();
  return { result: vm.result(), ...trace() };
}

for (const strategy of ['random', 'pct', 'roundrobin'] as StrategyName[]) {
  test(`${strategy}: the same seed gives the same schedule, outcome and event stream`, () => {
    const one = run(racy, { strategy, seed: 7 });
    const two = run(racy, { strategy, seed: 7 });
    assert.equal(one.result.outcome, 'exit');
    assert.deepEqual(two.result.schedule.switches, one.result.schedule.switches);
    assert.equal(two.result.output, one.result.output);
    assert.equal(two.hash, one.hash);
    assert.ok(one.events > 1000);
  });
}

test('different seeds interleave differently (the racy counter loses different updates)', () => {
  const outputs = new Set<string>();
  for (let seed = 1; seed <= 12; seed++) outputs.add(run(racy, { strategy: 'random', seed }).result.schedule.switches.join(','));
  assert.ok(outputs.size > 6, `only ${outputs.size} distinct schedules over 12 seeds`);
});

// (Known gap: some random-strategy recordings on f8e4a2e — seed 2 of finalizer-race — replay with
// the same outcome but not the same stream; see the issue notes.)
test('a recorded schedule replays to the identical event stream (plain program and runtime model)', () => {
  for (const [program, seed] of [[racy, 3], [racy, 11], [onModel('before-f8e4a2e'), 1]] as [Program, number][]) {
    const recorded = run(program, { strategy: 'random', seed });
    const replayed = run(program, { schedule: recorded.result.schedule, gomaxprocs: recorded.result.schedule.gomaxprocs, strategy: 'roundrobin' });
    assert.equal(replayed.hash, recorded.hash);
    assert.deepEqual(replayed.result.schedule.switches, recorded.result.schedule.switches);
    assert.equal(replayed.result.divergedAt, undefined, JSON.stringify(replayed.result.divergedAt));
    assert.equal(replayed.events, recorded.events);
    assert.equal(replayed.result.outcome, recorded.result.outcome);
    assert.equal(replayed.result.steps, recorded.result.steps);
  }
});

test('snapshot → run → restore → run gives identical results', () => {
  for (const program of [racy, onModel('before-f8e4a2e')]) {
    const vm = new Machine(program, { strategy: 'pct', seed: 5, maxSteps: 5_000_000 });
    let snap: ReturnType<Machine['snapshot']> | null = null;
    vm.run(() => {
      if (!snap && vm.steps > 300) snap = vm.snapshot();
      return false;
    });
    assert.ok(snap, 'no snapshot was taken');
    const first = { result: vm.result() };
    const trace = traced(vm);
    for (let i = 0; i < 2; i++) {
      vm.restore(snap);
      vm.run();
      const r = vm.result();
      assert.equal(r.outcome, first.result.outcome);
      assert.equal(r.steps, first.result.steps);
      assert.equal(r.output, first.result.output);
      assert.deepEqual(r.schedule.switches, first.result.schedule.switches);
    }
    // and the two re-runs after the listener was attached saw the same stream
    const once = trace();
    vm.restore(snap);
    const before = trace().events;
    vm.run();
    assert.equal(trace().events - before, once.events / 2);
  }
});
