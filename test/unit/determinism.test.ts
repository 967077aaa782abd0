// Determinism of the engine (issue 2): the same seed gives the same schedule and outcome; a
// recorded schedule replays to the identical event stream (every memory access with its M, call,
// preemption request and preemption), the identical schedule and the identical result — also when
// it is re-executed in small pieces, as the debugger does; snapshot → run → restore → run gives
// identical results. On a plain program (test/programs/racy-counter.simc, whose output depends on
// the interleaving) and on the race scenario on both runtime models: random and PCT seeds, sysmon
// time slices, and the recorded schedules A, B and C of examples/schedules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { attachOracle, Machine, runProgram, type OracleOptions, type Program, type RunOptions, type ScheduleRecord, type StrategyName } from '../../debug-adapter/engine';
import { fsLoader } from '../../debug-adapter/runtimes';
import { compileScenario, parseScheduleRecord } from '../../debug-adapter/runSupport';
import { compileOrThrow } from './simcHarness';

const ROOT = path.resolve(__dirname, '..', '..');
const racy = compileOrThrow(path.join(ROOT, 'test', 'programs', 'racy-counter.simc'));

const RACE = path.join(ROOT, 'examples', 'finalizer-race.simc');
const MODELS = ['before-f8e4a2e', 'f8e4a2e'];

const compiled = new Map<string, Program>();
function onModel(runtime: string): Program {
  let p = compiled.get(runtime);
  if (!p) {
    const c = compileScenario(RACE, runtime, fsLoader);
    if (!c.ok) throw new Error(c.error);
    p = c.program;
    compiled.set(runtime, p);
  }
  return p;
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

function run(program: Program, options: RunOptions, oracle?: OracleOptions) {
  const vm = new Machine(program, { maxSteps: 5_000_000, ...options });
  if (oracle) attachOracle(vm, oracle);
  const trace = traced(vm);
  vm.run();
  return { result: vm.result(), ...trace() };
}

type Traced = ReturnType<typeof run>;

/** Replays a recorded run's schedule (with a strategy that would choose differently). */
function replay(program: Program, recorded: Traced, oracle?: OracleOptions): Traced {
  const s = recorded.result.schedule;
  return run(program, { schedule: s, gomaxprocs: s.gomaxprocs, strategy: 'roundrobin' }, oracle);
}

/**
 * Follows a recorded schedule with step() in pieces of at most `piece` steps, as the
 * debugger's re-execution does: runs of one M cut anywhere, with nothing else in between.
 */
function inPieces(program: Program, s: ScheduleRecord, piece: number): Traced {
  const vm = new Machine(program, { maxSteps: 5_000_000, gomaxprocs: s.gomaxprocs, sysmonSteps: s.sysmonSteps });
  const trace = traced(vm);
  for (let i = 0; i < s.switches.length && !vm.halted; i += 2) {
    const m = vm.ms[s.switches[i]];
    assert.ok(m, `pair ${i / 2}: no M${s.switches[i]}`);
    let left = s.switches[i + 1];
    if (left === 0) vm.step(m, 0);
    while (left > 0 && !vm.halted) {
      const used = vm.step(m, Math.min(left, piece));
      assert.ok(used > 0, `pair ${i / 2}: M${m.id} could not run (${left} steps left)`);
      left -= used;
    }
  }
  return { result: vm.result(), ...trace() };
}

/** The two runs are the same execution: events, schedule, result. */
function assertSame(again: Traced, recorded: Traced, what: string): void {
  const a = again.result;
  const r = recorded.result;
  assert.equal(a.divergedAt, undefined, `${what}: ${JSON.stringify(a.divergedAt)}`);
  assert.equal(again.events, recorded.events, `${what}: event count`);
  assert.equal(again.hash, recorded.hash, `${what}: event stream`);
  assert.deepEqual(a.schedule.switches, r.schedule.switches, `${what}: schedule`);
  assert.deepEqual(a.schedule.ends, r.schedule.ends, `${what}: run ends`);
  assert.deepEqual([a.outcome, a.message, a.steps, a.output], [r.outcome, r.message, r.steps, r.output], `${what}: result`);
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

test('a recorded schedule replays to the identical event stream and result (plain program)', () => {
  for (const seed of [3, 11]) {
    for (const strategy of ['random', 'pct'] as StrategyName[]) {
      const recorded = run(racy, { strategy, seed });
      assertSame(replay(racy, recorded), recorded, `${strategy} ${seed}`);
    }
  }
});

// The race scenario's recordings run long solo runs cut short when another M may run, runs
// ended by a return, time taken with runtime·nanotime (markroot's waitsince) and goroutines
// scheduled inside a run: none of it may depend on where the replay's runs end.
for (const runtime of MODELS) {
  test(`finalizer-race on ${runtime}: random and PCT recordings replay to the identical event stream and result`, () => {
    const program = onModel(runtime);
    const runs: [string, RunOptions][] = [
      ...[1, 2, 3, 5].map((seed): [string, RunOptions] => [`random ${seed}`, { strategy: 'random', seed }]),
      ...[1, 4].map((seed): [string, RunOptions] => [`pct ${seed}`, { strategy: 'pct', seed }]),
      ['sysmon 300 on one P', { gomaxprocs: 1, sysmonSteps: 300 }],
      ['sysmon 700, random 6', { strategy: 'random', seed: 6, sysmonSteps: 700 }],
    ];
    for (const [what, options] of runs) {
      const recorded = run(program, options);
      assertSame(replay(program, recorded), recorded, `${runtime} ${what}`);
    }
  });
}

test('with the oracle on, a replay halts where the recording did, with the same report (its step number included)', () => {
  const program = onModel('before-f8e4a2e');
  for (const [oracle, seed] of [[{}, 1], [{ flagUnlockedOwner: false }, 3]] as [OracleOptions, number][]) {
    const recorded = run(program, { strategy: 'random', seed }, oracle);
    assert.equal(recorded.result.outcome, 'invariant', recorded.result.message);
    assertSame(replay(program, recorded, oracle), recorded, `oracle ${JSON.stringify(oracle)}, random ${seed}`);
  }
});

test('fast and instrumented code run the same execution: a churn run is the same with and without the oracle, and replays across the two', () => {
  // fast code keeps scalar locals in JS variables; they must reach the stack exactly as
  // instrumented code leaves them (returns included), because the mark phase scans stacks
  // conservatively and a stale word there changes what is marked, so what is freed, so the run
  const c = compileScenario(path.join(ROOT, 'examples', 'churn.simc'), 'f8e4a2e', fsLoader);
  if (!c.ok) throw new Error(c.error);
  for (const options of [{}, { strategy: 'random', seed: 3 }] as RunOptions[]) {
    const fast = runProgram(c.program, options);
    const checked = runProgram(c.program, { ...options, oracle: true });
    assert.equal(fast.outcome, 'exit', fast.message);
    assert.deepEqual([checked.outcome, checked.steps, checked.schedule.switches], [fast.outcome, fast.steps, fast.schedule.switches], JSON.stringify(options));
    const replayed = runProgram(c.program, { schedule: fast.schedule, gomaxprocs: fast.schedule.gomaxprocs, oracle: true });
    assert.equal(replayed.divergedAt, undefined, `a fast recording replays with the oracle on: ${JSON.stringify(replayed.divergedAt)}`);
    assert.equal(replayed.steps, fast.steps);
  }
});

test('a recording re-executed in pieces of a few steps (as the debugger does) is the same execution', () => {
  const program = onModel('f8e4a2e');
  for (const [options, piece] of [[{ strategy: 'random', seed: 2 }, 7], [{ gomaxprocs: 1, sysmonSteps: 300 }, 13]] as [RunOptions, number][]) {
    const recorded = run(program, options);
    assertSame(inPieces(program, recorded.result.schedule, piece), recorded, `${JSON.stringify(options)} in pieces of ${piece}`);
  }
});

test('schedules A, B and C replay on before-f8e4a2e without divergence, and their replays replay identically', () => {
  const program = onModel('before-f8e4a2e');
  for (const name of ['A', 'B', 'C']) {
    const file = path.join(ROOT, 'examples', 'schedules', `finalizer-race.${name}.schedule.json`);
    const rec = parseScheduleRecord(readFileSync(file, 'utf8'), file, program.hash);
    if ('error' in rec) throw new Error(rec.error);
    const first = run(program, { schedule: rec, gomaxprocs: rec.gomaxprocs });
    assert.equal(first.result.divergedAt, undefined, `${name}: ${JSON.stringify(first.result.divergedAt)}`);
    // a schedule file may be a prefix: the strategy runs the rest, and its M's last run may go on
    const n = rec.switches.length;
    const logged = first.result.schedule.switches;
    assert.deepEqual(logged.slice(0, n - 1), rec.switches.slice(0, n - 1), `${name}: the replay logs the recorded schedule`);
    assert.ok(logged[n - 1] >= rec.switches[n - 1], `${name}: the last recorded run is cut short`);
    assertSame(replay(program, first), first, `schedule ${name}`);
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

/** A hash of the mapped memory (the page table and every mapped word), for byte-exact checks. */
function memoryHash(vm: Machine): string {
  const { u32, mapped } = vm.mem;
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  for (let p = 0; p < mapped.length; p++) {
    a = Math.imul(a ^ mapped[p], 0x01000193);
    if (mapped[p] !== 1) continue;
    for (let w = p << 10, end = (p + 1) << 10; w < end; w++) {
      a = Math.imul(a ^ u32[w], 0x01000193);
      b = Math.imul(b ^ u32[w] ^ w, 0x5bd1e995) ^ (b >>> 13);
    }
  }
  return `${(a >>> 0).toString(16)}:${(b >>> 0).toString(16)}`;
}

test('snapshots skip the heap pages not written since the last one and still restore byte for byte', () => {
  // fast and instrumented code, a plain program and both models; snapshots every few hundred
  // steps (each based on the last), restores to random earlier ones, runs on from there
  for (const program of [racy, onModel('before-f8e4a2e'), onModel('f8e4a2e')]) {
    for (const instrumented of [false, true]) {
      const options = { strategy: 'random', seed: 11, maxSteps: 5_000_000 } as const;
      const dry = new Machine(program, options);
      dry.run();
      const stride = Math.max(5, Math.floor(dry.steps / 60));
      const vm = new Machine(program, options);
      if (instrumented) vm.listen({ onAccess: () => {} });
      const saved: { snap: ReturnType<Machine['snapshot']>; hash: string; steps: number }[] = [];
      let pick = 7;
      let skipped = 0;
      for (let round = 0; round < 40 && !vm.halted; round++) {
        const until = vm.steps + stride + (round % 5) * Math.floor(stride / 2);
        vm.run(() => vm.steps >= until);
        const written = vm.mem.written.reduce((n, x, p) => n + (p >= vm.mem.trackedFrom && vm.mem.mapped[p] === 1 && x === 0 ? 1 : 0), 0);
        skipped += written;
        const snap = vm.snapshot();
        saved.push({ snap, hash: memoryHash(vm), steps: vm.steps });
        if (round % 3 === 2) {
          pick = (pick * 31 + 17) % saved.length;
          const back = saved[pick];
          vm.restore(back.snap);
          assert.equal(memoryHash(vm), back.hash, `restore to the snapshot at step ${back.steps} (${instrumented ? 'instrumented' : 'fast'})`);
          assert.equal(vm.steps, back.steps);
        }
      }
      assert.ok(saved.length >= 10, 'too few snapshots were taken');
      if (program !== racy) assert.ok(skipped > 0, 'no heap page was ever skipped: the test does not exercise the shortcut');
      // every snapshot still restores exactly, in reverse order
      for (let i = saved.length - 1; i >= 0; i--) {
        vm.restore(saved[i].snap);
        assert.equal(memoryHash(vm), saved[i].hash, `final pass, snapshot ${i}`);
      }
    }
  }
});
