// The recorded schedules of go-2014-sweep.md §6 (examples/schedules/finalizer-race.*.json):
// on before-f8e4a2e, A throws "gc: unswept span", B is silent heap corruption that the
// oracle reports at G6 (the runtime does not throw there), C is a livelock on one P; on
// f8e4a2e the same schedules — a replay of the same scenario on another model, which says
// where it diverged — and other seeds run clean under the full oracle. A schedule of another
// scenario is refused. A user's copy of f8e4a2e without the fix's m->locks bracket behaves
// like before-f8e4a2e (or, with the fix's assertion left in, throws at the first P8 sweep).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runProgram, type Program, type RunResult, type ScheduleRecord } from '../../debug-adapter/engine';
import { parseScheduleRecord } from '../../debug-adapter/runSupport';
import { compileOn, dropLines, editedModelCopy, EXAMPLES } from './modelHarness';

const RACE = path.join(EXAMPLES, 'finalizer-race.simc');
const SCHEDULES = path.join(EXAMPLES, 'schedules');
const CONSEQUENCES = { flagUnlockedOwner: false };

const programs = new Map<string, Program>();
function race(runtime: string): Program {
  let p = programs.get(runtime);
  if (!p) {
    p = compileOn(runtime, RACE);
    programs.set(runtime, p);
  }
  return p;
}

/** Reads schedule A, B or C, validated against the program it is about to run on. */
function schedule(name: 'A' | 'B' | 'C', program: Program): ScheduleRecord {
  const file = path.join(SCHEDULES, `finalizer-race.${name}.schedule.json`);
  const rec = parseScheduleRecord(readFileSync(file, 'utf8'), file, program.hash);
  if ('error' in rec) throw new Error(rec.error);
  return rec;
}

function replay(name: 'A' | 'B' | 'C', runtime: string, oracle: boolean | typeof CONSEQUENCES): RunResult {
  const program = race(runtime);
  const rec = schedule(name, program);
  return runProgram(program, { gomaxprocs: rec.gomaxprocs, schedule: rec, oracle });
}

test('schedule A on before-f8e4a2e: U stopped between CAS and publication, the next mark throws "gc: unswept span"', () => {
  for (const oracle of [false, CONSEQUENCES]) {
    const r = replay('A', 'before-f8e4a2e', oracle);
    assert.equal(r.outcome, 'throw', r.message);
    assert.equal(r.message, 'gc: unswept span');
    assert.equal(r.location?.function, 'runtime·throw');
    assert.match(r.location?.file ?? '', /mgc0-mark\.simc$/);
  }
});

test('schedule B on before-f8e4a2e: the oracle reports the half-finished sweep at G6; the runtime does not throw there', () => {
  const seen = replay('B', 'before-f8e4a2e', CONSEQUENCES);
  assert.equal(seen.outcome, 'invariant', seen.message);
  assert.match(seen.message, /^I4 \(no sweep in progress at G6\): H advanced while g\d+ is stopped inside MSpan_Sweep of span 0x[0-9a-f]+: the span is published/);
  const blind = replay('B', 'before-f8e4a2e', false);
  assert.ok(blind.outcome !== 'throw' || blind.steps > seen.steps, `without the oracle the run threw at step ${blind.steps}: ${blind.message}`);
  assert.notEqual(blind.outcome, 'invariant');
});

test('schedule C on before-f8e4a2e (GOMAXPROCS=1, sysmon): V spins in EnsureSwept on the span its preempted owner holds', () => {
  const rec = schedule('C', race('before-f8e4a2e'));
  assert.equal(rec.gomaxprocs, 1);
  assert.ok((rec.sysmonSteps ?? 0) > 0, 'schedule C carries its sysmon slice');
  for (const oracle of [false, CONSEQUENCES]) {
    const r = replay('C', 'before-f8e4a2e', oracle);
    assert.equal(r.outcome, 'livelock', r.message);
    assert.match(r.message, /spins in runtime·osyield/);
    assert.equal(r.location?.function, 'runtime·MSpan_EnsureSwept');
  }
});

test('on f8e4a2e, schedules A, B and C replay as the same scenario on another model, say where they diverged, and run clean', () => {
  for (const name of ['A', 'B', 'C'] as const) {
    const r = replay(name, 'f8e4a2e', true);
    assert.equal(r.outcome, 'exit', `${name}: ${r.message}`);
    assert.ok(r.divergedAt, `${name}: no divergence reported`);
    assert.ok(r.divergedAt.step > 0 && r.divergedAt.reason.length > 0);
  }
});

test('on f8e4a2e, finalizer-race runs clean under the full oracle with other seeds and with sysmon on one P', () => {
  const program = race('f8e4a2e');
  const runs: RunResult[] = [];
  for (const seed of [1, 2, 3, 4]) {
    runs.push(runProgram(program, { strategy: 'random', seed, oracle: true }));
    runs.push(runProgram(program, { strategy: 'pct', seed, oracle: true }));
  }
  for (const sysmonSteps of [100, 300, 700]) runs.push(runProgram(program, { gomaxprocs: 1, sysmonSteps, oracle: true }));
  for (const r of runs) assert.equal(r.outcome, 'exit', r.message);
});

test('a schedule recorded on another scenario is refused, saying so', () => {
  const churn = compileOn('before-f8e4a2e', path.join(EXAMPLES, 'churn.simc'));
  const file = path.join(SCHEDULES, 'finalizer-race.A.schedule.json');
  const rec = parseScheduleRecord(readFileSync(file, 'utf8'), file, churn.hash);
  assert.ok('error' in rec);
  assert.match(rec.error, /finalizer-race\.A\.schedule\.json: recorded on another program of another scenario/);
});

// the fix's preemption bracket in MSpan_EnsureSwept (E3, E6, E7)
const LOCKS_BRACKET = [/^\tm->locks\+\+;\s*\/\/ E3/, /^\t\tm->locks--;\s*\/\/ E6/, /^\tm->locks--;\s*\/\/ E7/];

test('a copy of f8e4a2e without the m->locks bracket throws at the first P8 sweep: the fix\'s own assertion', () => {
  const dir = editedModelCopy('f8e4a2e', (s) => dropLines(s, ...LOCKS_BRACKET));
  const r = runProgram(compileOn(dir, RACE), { strategy: 'random', seed: 1 });
  assert.equal(r.outcome, 'throw', r.message);
  assert.equal(r.message, 'MSpan_Sweep: m is not locked');
});

test('a copy of f8e4a2e without the bracket and its assertion, run with --runtime DIR, behaves like before-f8e4a2e on schedule A', () => {
  const dir = editedModelCopy('f8e4a2e', (s) => dropLines(s, ...LOCKS_BRACKET, /m is not locked/, /^\tif\(m->locks == 0 && m->mallocing == 0 && g != m->g0\)/));
  const program = compileOn(dir, RACE);
  const rec = schedule('A', program); // accepted: the same scenario, another runtime
  const before = replay('A', 'before-f8e4a2e', false);
  for (const r of [runProgram(program, { gomaxprocs: rec.gomaxprocs, schedule: rec }), runProgram(program, { strategy: 'random', seed: 1 })]) {
    assert.equal(r.outcome, before.outcome, r.message);
    assert.equal(r.message, before.message);
  }
});
