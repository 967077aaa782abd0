// Tests of the schedule explorer: each strategy finds the P8 race on before-f8e4a2e; shrinking
// reaches one preemption and certifies it; the reductions (state hashing, sleep sets) find
// exactly the outcomes of the plain search on programs with known outcome sets; schedules
// replay identically and report where they diverge after an edit; compare; workers; bad input
// and limits through the CLI; the dpor-coverage tool.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { attachOracle, Machine, type Program, type RunResult, type ScheduleRecord } from '../../debug-adapter/engine';
import { BoundedSearch, UNBOUNDED } from '../../debug-adapter/engine/explore/bounded';
import { compareRuns } from '../../debug-adapter/engine/explore/compare';
import { RaceAnalysis } from '../../debug-adapter/engine/explore/races';
import { explore } from '../../debug-adapter/engine/explore/explorer';
import { runPolicy, sequenceChooser } from '../../debug-adapter/engine/explore/policy';
import { makeParallelRunner } from '../../debug-adapter/engine/explore/parallel';
import { encodeSchedule, replaySchedule } from '../../debug-adapter/engine/explore/schedule-file';
import { runSearch, type SearchSpec } from '../../debug-adapter/engine/explore/search';
import { EXPLORE_ORACLE, ExploreTarget, hasHeap, isFailure } from '../../debug-adapter/engine/explore/target';
import { compileScenario, parseScheduleRecord } from '../../debug-adapter/runSupport';
import { fsLoader, modelsRoot, resolveRuntime } from '../../debug-adapter/runtimes';
import { randomProgram } from '../programs/explore/random-programs';
import { writeSmallRace } from '../programs/explore/small-race';

const root = path.resolve(__dirname, '..', '..');
const prog = (name: string): string => path.join(root, 'test', 'programs', 'explore', name);
const race = path.join(root, 'examples', 'finalizer-race.simc');
const tmp = mkdtempSync(path.join(tmpdir(), 'sweepscope-explore-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function compile(file: string, runtime: string): Program {
  const c = compileScenario(file, runtime, fsLoader);
  if (!c.ok) throw new Error(c.error);
  return c.program;
}

/** Every outcome (how the run ended and what it printed) a bounded search finds. */
function outcomes(program: Program, gomaxprocs: number, bound: number, por: boolean, hashing: boolean, dpor = false): { set: string[]; executions: number } {
  const target = new ExploreTarget(program, { gomaxprocs });
  const r = new BoundedSearch(target, { bound, por, dpor, hashing, stopOnFailure: false, shouldStop: () => false }).run();
  assert.ok(r.complete, `the search (bound ${bound}, por ${por}, dpor ${dpor}, hashing ${hashing}) should complete`);
  return { set: [...r.outcomes.keys()].sort(), executions: r.executions };
}

/** A copy of the P8 scenario, smaller: one span, two finalizers, T's head start 200 steps. */
function smallRace(): string {
  return writeSmallRace(race, tmp);
}

/**
 * Replays a finding's schedule from its file form twice, from step 0 (with the explorer's heap
 * oracle when the program has a heap), and asserts both event streams — every run of an M and
 * every shared access, then how the run ended — are identical. Returns the stream.
 */
function replayedTwice(p: Program, schedule: ScheduleRecord): string[] {
  const rec = parseScheduleRecord(encodeSchedule(schedule), 'test', p.hash);
  assert.ok(!('error' in rec), JSON.stringify(rec));
  const events = (): string[] => {
    const vm = new Machine(p, { gomaxprocs: rec.gomaxprocs, schedule: rec });
    if (hasHeap(p)) attachOracle(vm, EXPLORE_ORACLE);
    const log: string[] = [];
    vm.listen({
      onSchedule: (m, n) => void log.push(`run M${m.id} ${n}`),
      onAccess: (a, s, fl, m) => void log.push(`M${m.id} ${a}:${s}:${fl}`),
    });
    vm.run();
    log.push(vm.result().outcome + ' ' + vm.result().message);
    return log;
  };
  const first = events();
  assert.deepEqual(events(), first, 'two replays of the same schedule differ');
  return first;
}

/** A seeded generator of integers in [0, n) (a linear congruential one: the same streams every run). */
function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % n;
}

test('race analysis: clocks sized for 2 Ms widen when a third M appears and report the same races as clocks sized for 8', () => {
  // random access streams over a few words: 3 Ms, M2 first appearing halfway through
  const rnd = seededRandom(7);
  for (let run = 0; run < 50; run++) {
    const steps = 200;
    const threads = Int8Array.from({ length: steps }, (_, j) => (j < steps / 2 ? rnd(2) : rnd(3)));
    const lists = Array.from(threads, () => Int32Array.from({ length: 2 * (1 + rnd(3)) }, (_, k) => (k % 2 === 0 ? 100 + rnd(6) : rnd(2))));
    const racesOf = (a: RaceAnalysis): string[] => {
      const found: string[] = [];
      a.reset();
      lists.forEach((l, j) => a.step(j, threads[j], l, 0, l.length, (i, q) => void found.push(`${i}<${j}:M${q}`)));
      return found;
    };
    const wide = racesOf(new RaceAnalysis(8));
    const narrow = new RaceAnalysis(2);
    assert.deepEqual(racesOf(narrow), wide, `run ${run}: widened analysis differs`);
    assert.deepEqual(racesOf(narrow), wide, `run ${run}: after a reset, the widened analysis differs`);
    if (run === 0) assert.ok(wide.length > 0, 'the streams have races');
  }
});

/**
 * The races RaceAnalysis reports, computed plainly (maps, every access processed, no reuse):
 * each access checks the word's last write — and, a write, every other M's last read — against
 * the step's clock joined so far, then joins their clocks. A race may be listed twice.
 */
function referenceRaces(threads: Int8Array, lists: Int32Array[]): string[] {
  const found: string[] = [];
  const clockOf: number[][] = [];
  const threadClock = new Map<number, number[]>();
  const lastWrite = new Map<number, number>();
  const lastReads = new Map<number, Map<number, number>>();
  lists.forEach((l, j) => {
    const p = threads[j];
    const tc = [...(threadClock.get(p) ?? [0, 0, 0])];
    for (let k = 0; k < l.length; k += 2) {
      const w = l[k];
      const write = l[k + 1] !== 0;
      const against = [lastWrite.get(w), ...(write ? [...(lastReads.get(w) ?? new Map()).values()] : [])].filter((i): i is number => i !== undefined && threads[i] !== p);
      for (const i of against) if (clockOf[i][threads[i]] > tc[threads[i]]) found.push(`${i}<${j}:M${p}`);
      for (const i of against) for (let q = 0; q < 3; q++) tc[q] = Math.max(tc[q], clockOf[i][q]);
    }
    tc[p] = j + 1;
    clockOf[j] = tc;
    threadClock.set(p, tc);
    for (let k = 0; k < l.length; k += 2) {
      if (l[k + 1] !== 0) {
        lastWrite.set(l[k], j);
        lastReads.set(l[k], new Map());
      } else {
        if (!lastReads.has(l[k])) lastReads.set(l[k], new Map());
        lastReads.get(l[k])?.set(p, j);
      }
    }
  });
  return found;
}

/** Words for the race-analysis tests: a pseudo-word, neighbours across page boundaries, far pages. */
const RACE_WORDS = [2, 100, 4095, 4096, 1 << 20, 4097, (1 << 20) + 1, (1 << 28) + 7, 101];

test('race analysis: a repeated access within a step changes nothing; a restored capture finds the same races again, words first met after it included', () => {
  const rnd = seededRandom(11);
  for (let run = 0; run < 50; run++) {
    const steps = 120;
    const threads = Int8Array.from({ length: steps }, () => rnd(3));
    // the second half also touches words the first half never did; words on several pages of
    // the analysis's word directory, a pseudo-word among them
    const lists = Array.from(threads, (_, j) => Int32Array.from({ length: 2 * (1 + rnd(4)) }, (_, k) => (k % 2 === 0 ? RACE_WORDS[rnd(j < steps / 2 ? 5 : 9)] : rnd(2))));
    const doubled = lists.map((l) => Int32Array.from([...l, ...l]));
    const racesOf = (a: RaceAnalysis, ls: Int32Array[], from: number): string[] => {
      const found: string[] = [];
      for (let j = from; j < steps; j++) a.step(j, threads[j], ls[j], 0, ls[j].length, (i, q) => void found.push(`${i}<${j}:M${q}`));
      return found;
    };
    const a = new RaceAnalysis(3);
    a.reset();
    const whole = racesOf(a, lists, 0);
    assert.deepEqual([...new Set(whole)].sort(), [...new Set(referenceRaces(threads, lists))].sort(), `run ${run}: the analysis differs from the reference`);
    const b = new RaceAnalysis(3);
    b.reset();
    assert.deepEqual(racesOf(b, doubled, 0), whole, `run ${run}: repeated accesses change the races`);
    // the first half, a capture, the second half, then back to the capture and the second half again
    const c = new RaceAnalysis(3);
    c.reset();
    for (let j = 0; j < steps / 2; j++) c.step(j, threads[j], lists[j], 0, lists[j].length, null);
    const mid = c.capture();
    const second = racesOf(c, lists, steps / 2);
    assert.deepEqual(second, whole.filter((r) => Number(r.split(':')[0].split('<')[1]) >= steps / 2), `run ${run}: the second half differs`);
    c.restore(mid);
    assert.deepEqual(racesOf(c, lists, steps / 2), second, `run ${run}: after restoring the capture, the second half differs`);
  }
});

test('replaying from checkpoints is exact: the same executions, schedules and oracle reports as replaying every branch from the root', () => {
  // k = 2 on the full fixed scenario (cut at 120 executions: deep branches, long replays) and
  // k = 1 on before-f8e4a2e up to the first failure (an oracle or runtime report mid-search)
  for (const [runtime, bound, cap] of [['f8e4a2e', 2, 120], ['before-f8e4a2e', 1, 400]] as const) {
    const p = compile(race, runtime);
    const target = new ExploreTarget(p, {});
    const executions = (checkpoints: boolean): string[] => {
      const seen: string[] = [];
      new BoundedSearch(target, {
        bound, por: true, dpor: true, hashing: true, stopOnFailure: true, checkpoints,
        shouldStop: () => seen.length >= cap,
        onExecution: (e) => void seen.push(`${e.result.outcome}|${e.result.message}|${e.result.output}|${JSON.stringify(e.schedule.switches)}`),
      }).run();
      return seen;
    };
    const fromRoot = executions(false);
    assert.ok(fromRoot.length > 50, `${runtime}: only ${fromRoot.length} executions`);
    assert.deepEqual(executions(true), fromRoot, `${runtime}: replays from checkpoints differ from replays from the root`);
    if (runtime === 'before-f8e4a2e') assert.ok(isFailure({ outcome: fromRoot[fromRoot.length - 1].split('|')[0] as RunResult['outcome'] }), 'the search ends at the race');
  }
});

/**
 * A schedule record's runs ([M, statements, …]) with consecutive runs of one M joined: a step
 * that runs on is one run where steps one at a time can log a run of no statements (the M only
 * scheduled) and then the rest.
 */
function runsOf(switches: readonly number[]): string {
  const out: number[] = [];
  for (let i = 0; i < switches.length; i += 2) {
    if (out.length > 0 && out[out.length - 2] === switches[i]) out[out.length - 1] += switches[i + 1];
    else out.push(switches[i], switches[i + 1]);
  }
  return out.join(',');
}

test('steps that run on to a yield once no preemption is left are exact: the same executions, and failing choices that replay', () => {
  // k = 2 on the one-span fixed scenario (cut at 300 executions) and k = 1 on before-f8e4a2e
  // up to the first failure, whose choices (one M per explorer step) must replay it
  for (const [file, runtime, bound, cap] of [[smallRace(), 'f8e4a2e', 2, 300], [race, 'before-f8e4a2e', 1, 400]] as const) {
    const target = new ExploreTarget(compile(file, runtime), {});
    const search = (runOn: boolean): { seen: string[]; choices: number[] } => {
      const seen: string[] = [];
      const r = new BoundedSearch(target, {
        bound, por: true, dpor: true, hashing: true, stopOnFailure: true, runOn,
        shouldStop: () => seen.length >= cap,
        onExecution: (e) => void seen.push(`${e.result.outcome}|${e.result.message}|${e.result.output}|${runsOf(e.schedule.switches)}`),
      }).run();
      return { seen, choices: r.failure?.choices ?? [] };
    };
    const stepwise = search(false);
    const runOn = search(true);
    assert.ok(stepwise.seen.length > 50, `${runtime}: only ${stepwise.seen.length} executions`);
    assert.deepEqual(runOn.seen, stepwise.seen, `${runtime}: run-on steps change the executions`);
    assert.deepEqual(runOn.choices, stepwise.choices, `${runtime}: run-on steps change the failing execution's choices`);
    if (runtime === 'before-f8e4a2e') {
      assert.ok(runOn.choices.length > 0, 'the search ends at the race');
      const again = runPolicy(target, sequenceChooser(runOn.choices), () => false);
      assert.ok(isFailure(again.result), `the choices replay to ${again.result.outcome}`);
    }
  }
});

test('reductions are sound: hashing under a bound, sleep sets + hashing without one, find exactly the plain search’s outcomes', () => {
  const litmus = compile(prog('litmus.simc'), 'none');
  for (const gmp of [2, 3]) {
    for (const bound of [0, 1, 2]) {
      const plain = outcomes(litmus, gmp, bound, false, false);
      const reduced = outcomes(litmus, gmp, bound, true, true);
      assert.deepEqual(reduced.set, plain.set, `gomaxprocs ${gmp}, bound ${bound}`);
      assert.ok(reduced.executions <= plain.executions);
    }
  }
  const plain = outcomes(litmus, 2, UNBOUNDED, false, false);
  const reduced = outcomes(litmus, 2, UNBOUNDED, true, true);
  assert.deepEqual(reduced.set, plain.set);
  // store buffering under sequential consistency: 4 outcomes, never r1 = r2 = 0
  assert.equal(plain.set.length, 4, plain.set.join('\n'));
  assert.ok(plain.set.every((o) => !o.includes('r1=0 r2=0')));
  assert.ok(reduced.executions * 5 < plain.executions, `sleep sets should save executions: ${reduced.executions} vs ${plain.executions}`);
});

test('DPOR under a preemption bound (what the dpor strategy runs) finds exactly the plain search’s outcomes, with fewer executions', () => {
  const litmus = compile(prog('litmus.simc'), 'none');
  const locked = compile(prog('locked-pair.simc'), 'none');
  // outcomes made by run-queue order alone; at bound 3 a schedule needs the block-starting M's
  // step as the step fairness asks for after a yield (the search once missed 3 of 241 outcomes)
  const handoff = compile(prog('gosched-handoff.simc'), 'none');
  let saved = 0;
  for (const [name, p, gmp, bounds] of [['litmus', litmus, 2, [0, 1, 2, 3]], ['litmus', litmus, 3, [0, 1, 2]], ['locked-pair', locked, 2, [0, 1, 2]], ['locked-pair', locked, 3, [0, 1]], ['gosched-handoff', handoff, 2, [0, 1, 2, 3]]] as const) {
    for (const bound of bounds) {
      const plain = outcomes(p, gmp, bound, false, false);
      for (const hashing of [false, true]) {
        const dpor = outcomes(p, gmp, bound, true, hashing, true);
        assert.deepEqual(dpor.set, plain.set, `${name}, gomaxprocs ${gmp}, bound ${bound}, hashing ${hashing}`);
        assert.ok(dpor.executions <= plain.executions, `${name}, gomaxprocs ${gmp}, bound ${bound}: ${dpor.executions} vs ${plain.executions}`);
        saved += plain.executions - dpor.executions;
      }
    }
  }
  assert.ok(saved > 0, 'DPOR should leave out some executions');
  // the lock orders both ways: the final pair is 12/12 or 21/21
  const all = outcomes(locked, 2, 2, true, true, true).set.join('\n');
  assert.match(all, /a=12 b=12/);
  assert.match(all, /a=21 b=21/);
});

test('a step running alone ends once a wake-up lets another M run, even one written to the waker’s own stack', () => {
  // the sleeper waits on a Note in main's frame; after main wakes it, main's next shared access
  // must be a point again: x = 21 with the sleeper having slept needs the sleeper to run there
  const p = compile(prog('stack-note.simc'), 'none');
  for (const bound of [0, 1, 2]) {
    const plain = outcomes(p, 2, bound, false, false).set;
    if (bound === 2) assert.ok(plain.some((o) => o.includes('x=21 slept=1')), plain.join('\n'));
    assert.deepEqual(outcomes(p, 2, bound, true, true, true).set, plain, `bound ${bound}`);
  }
});

test('on random programs DPOR with at most two preemptions finds exactly the plain search’s outcomes', () => {
  // Not a proof for every program: the fairness rule (after a yield another M runs first) makes
  // the order of independent steps matter, which DPOR covers only through extra branch points
  // (README, "What exhaustive covers"); none of the first 700 of these programs loses an outcome.
  let nontrivial = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const file = path.join(tmp, `random-${seed}.simc`);
    writeFileSync(file, randomProgram(seed));
    const p = compile(file, 'none');
    for (const bound of [0, 1, 2]) {
      const plain = outcomes(p, 2, bound, false, false);
      const dpor = outcomes(p, 2, bound, true, true, true);
      assert.deepEqual(dpor.set, plain.set, `random program ${seed}, bound ${bound}`);
      if (bound === 1 && plain.set.length > 1) nontrivial++;
    }
  }
  assert.ok(nontrivial >= 30, `most programs should have several outcomes at one preemption (${nontrivial} of 60)`);
});

test('dpor finds the lost update, shrinks it to one preemption, certifies it, and the schedule replays identically', () => {
  const p = compile(prog('lost-update.simc'), 'none');
  const r = explore(p, { strategy: 'dpor', preemptionBound: 2, timeLimitMs: 30_000 });
  assert.ok(r.found, r.coverage);
  const f = r.finding;
  assert.ok(f);
  assert.equal(f.result.outcome, 'throw');
  assert.equal(f.result.message, 'lost update');
  assert.equal(f.preemptions, 1);
  assert.ok(f.certified, f.certifyNote);
  assert.match(f.storyText, /preemption: M\d+ \(g\d+\) stopped at inc/);
  const first = replayedTwice(p, f.schedule);
  assert.ok(first[first.length - 1].startsWith('throw lost update'));
});

test('random and PCT find a real consequence of the P8 race on before-f8e4a2e (not the per-acquisition I4 flag)', () => {
  const p = compile(race, 'before-f8e4a2e');
  for (const strategy of ['random', 'pct'] as const) {
    const r = explore(p, { strategy, seed: 1, timeLimitMs: 60_000, shrink: false });
    assert.ok(r.found, `${strategy}: ${r.coverage}`);
    const f = r.finding;
    assert.ok(f);
    assert.ok(['throw', 'invariant', 'livelock', 'fault'].includes(f.result.outcome), f.result.message);
    assert.doesNotMatch(f.result.message, /I4 \(a sweeper is never preemptible\)/);
    assert.ok(f.before.preemptions >= 1, 'a schedule without preemptions is not the race');
  }
});

test('the exhaustive strategy (dpor, k = 0, 1, 2) finds a real consequence of the P8 race on before-f8e4a2e, after covering k = 0', () => {
  const p = compile(race, 'before-f8e4a2e');
  const r = explore(p, { strategy: 'dpor', preemptionBound: 2, timeLimitMs: 60_000, shrink: false });
  assert.ok(r.found, r.coverage);
  const f = r.finding;
  assert.ok(f);
  assert.ok(isFailure(f.result), `${f.result.outcome}: ${f.result.message}`);
  assert.doesNotMatch(f.result.message, /I4 \(a sweeper is never preemptible\)/);
  assert.ok(f.before.preemptions >= 1, 'a schedule without preemptions is not the race');
  assert.ok(r.boundCompleted >= 0, 'bound 0 was covered first (iterative context bounding)');
});

test('on f8e4a2e (the scenario with one span: see smallRace) dpor with k = 2 completes on two workers and finds nothing', () => {
  // k = 1 on the full scenario takes ~790 executions (~1 min of CPU) and k = 2 tens of
  // thousands: the benchmark measures both; one span keeps U, V and T racing on a span with
  // finalizers, and its k = 2 space (~2,700 executions) fits a test
  const { p, parallel } = workersFor(smallRace(), 2, 'f8e4a2e');
  const r = explore(p, { strategy: 'dpor', preemptionBound: 2, workers: 2, parallel, timeLimitMs: 300_000 });
  assert.equal(r.found, false, r.finding?.result.message);
  assert.equal(r.complete, true, r.coverage);
  assert.equal(r.boundCompleted, 2);
  assert.match(r.coverage, /the bounded space is exhausted/);
});

test('every strategy finds the P8 race on before-f8e4a2e; shrunk, it has exactly one preemption, is certified minimal, and replays twice identically', () => {
  const p = compile(race, 'before-f8e4a2e');
  for (const strategy of ['random', 'pct', 'dpor'] as const) {
    const r = explore(p, { strategy, seed: 1, preemptionBound: 2, timeLimitMs: 120_000 });
    const f = r.finding;
    assert.ok(f, `${strategy}: ${r.coverage}`);
    assert.ok(isFailure(f.result), `${strategy}: ${f.result.outcome}: ${f.result.message}`);
    assert.doesNotMatch(f.result.message, /I4 \(a sweeper is never preemptible\)/);
    assert.equal(f.preemptions, 1, `${strategy}: ${f.before.preemptions} → ${f.preemptions} preemption(s)\n${f.storyText}`);
    // certified: the exhaustive search over schedules without preemptions completed and none fails this way
    assert.equal(f.certified, true, `${strategy}: ${f.certifyNote}`);
    assert.match(f.storyText, /preemption: M\d+ \(g\d+\) stopped at /);
    const stream = replayedTwice(p, f.schedule);
    assert.equal(stream[stream.length - 1], `${f.result.outcome} ${f.result.message}`);
  }
});

test('on a fixed program bounded exhaustive search with k = 2 completes and finds nothing', () => {
  const fixed = path.join(tmp, 'fixed-update.simc');
  writeFileSync(fixed, readFileSync(prog('lost-update.simc'), 'utf8').replace('v = x;\n\tx = v + 1;', 'runtime·xadd(&x, 1);\n\tv = 0;'));
  const p = compile(fixed, 'none');
  const r = explore(p, { strategy: 'dpor', preemptionBound: 2, timeLimitMs: 30_000 });
  assert.equal(r.found, false);
  assert.equal(r.complete, true, r.coverage);
  assert.equal(r.boundCompleted, 2);
});

test('a lone searcher stops raising the bound only when no branch needed more preemptions: at K = 2 it finds the plain search’s outcomes', () => {
  // (steps that run on to a yield pass points whose branches are beyond the bound: they count)
  for (const file of ['litmus.simc', 'locked-pair.simc', 'gosched-handoff.simc']) {
    const p = compile(prog(file), 'none');
    const spec: SearchSpec = { strategy: 'dpor', bound: 2, seed: 1, pctDepth: 3, por: true, hashing: true, horizon: 1 };
    const out = runSearch(new ExploreTarget(p, {}), spec, { shouldStop: () => false });
    assert.equal(out.complete, true, `${file}: ${out.failure?.result.message}`);
    assert.deepEqual([...out.outcomes].sort(), outcomes(p, 2, 2, false, false).set, file);
  }
});

test('on f8e4a2e the explorer stops at its limits and says what it covered', () => {
  const p = compile(race, 'f8e4a2e');
  const t = Date.now();
  const r = explore(p, { strategy: 'dpor', preemptionBound: 2, executions: 3, timeLimitMs: 20_000 });
  assert.ok(Date.now() - t < 40_000);
  assert.equal(r.found, false);
  assert.equal(r.complete, false);
  assert.ok(r.executions <= 3);
  assert.match(r.coverage, /stopped at a limit: \d+ executions, every schedule with at most 0 preemption\(s\) covered/);
  // how far the unfinished round got: branches off the first execution started, of those asked for
  const m = /the round with at most 1 preemption\(s\) had started (\d+) of the (\d+) branches off the first execution/.exec(r.coverage);
  assert.ok(m, r.coverage);
  assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= Number(m[2]), r.coverage);
  assert.ok(r.estimate.schedules > 1000, 'the k = 2 space of the full scenario is large');
});

test('a schedule replayed on an edited model replays the prefix that applies and says where it diverged', () => {
  // a copy of the model (its runtime.simc includes ../common, so common goes next to it)
  const model = path.join(tmp, 'edited-model');
  cpSync(path.join(modelsRoot(), 'before-f8e4a2e'), model, { recursive: true });
  cpSync(path.join(modelsRoot(), 'common'), path.join(tmp, 'common'), { recursive: true });
  const sweepFile = path.join(model, 'mgc0-sweep.simc');
  const p0 = compileScenario(race, model, fsLoader);
  assert.ok(p0.ok, p0.ok ? '' : p0.error);
  if (!p0.ok) return;
  const original = p0.program;
  const recorded = new Machine(original, { strategy: 'random', seed: 3 });
  recorded.run();
  const rec = recorded.result().schedule;
  // an edit on the sweep path: one more statement at the start of MSpan_Sweep
  const text = readFileSync(sweepFile, 'utf8');
  const edited = text.replace('\tarena_start = runtime·mheap.arena_start;', '\tmheap_sweep_edits++;\n\tarena_start = runtime·mheap.arena_start;');
  assert.notEqual(edited, text, 'the edit applies');
  writeFileSync(sweepFile, 'uint32 mheap_sweep_edits;\n' + edited);
  const p1 = compileScenario(race, model, fsLoader);
  assert.ok(p1.ok, p1.ok ? '' : p1.error);
  if (!p1.ok) return;
  assert.notEqual(p1.program.hash, original.hash);
  const parsed = parseScheduleRecord(encodeSchedule(rec), 'recorded', p1.program.hash);
  assert.ok(!('error' in parsed), 'same scenario on an edited model is accepted');
  const r = replaySchedule(p1.program, rec, { seed: 1 });
  assert.ok(r.edited);
  assert.ok(r.result.divergedAt, 'the divergence point is reported');
  assert.ok(r.result.divergedAt.switchIndex > 0, 'the prefix before the edit applied');
  assert.match(r.result.divergedAt.reason, /M\d/);
});

test('compare: one schedule on both runtimes parts somewhere and each run says how it ends', () => {
  const a = compile(race, 'before-f8e4a2e');
  const b = compile(race, 'f8e4a2e');
  const found = explore(a, { strategy: 'random', seed: 1, timeLimitMs: 30_000, shrink: false });
  assert.ok(found.finding);
  const c = compareRuns(a, b, found.finding.schedule);
  assert.ok(c.firstDifference);
  assert.ok(c.firstDifference.step >= 0);
  assert.notEqual(c.a.outcome, 'exit');
  assert.equal(c.b.outcome, 'exit', `f8e4a2e: ${c.b.message}`);
});

/** A runner of worker threads for a SimC program (plain, runtime none, unless told). */
function workersFor(file: string, gomaxprocs: number, runtime = 'none'): { p: Program; parallel: ReturnType<typeof makeParallelRunner> } {
  const p = compile(file, runtime);
  const sources: Record<string, string> = {};
  for (const f of p.files) {
    const text = fsLoader.read(f);
    if (text !== undefined) sources[f] = text;
  }
  const rt = resolveRuntime(runtime);
  assert.ok(!('error' in rt));
  return { p, parallel: makeParallelRunner({ runtimeFiles: rt.files, scenario: file, sources }, { gomaxprocs }) };
}

test('two workers find the failure and report each other’s executions', () => {
  const { p, parallel } = workersFor(prog('lost-update.simc'), 2);
  for (const strategy of ['dpor', 'random'] as const) {
    const r = explore(p, { strategy, workers: 2, parallel, timeLimitMs: 30_000 });
    assert.ok(r.found, `${strategy}: ${r.coverage}`);
    assert.equal(r.finding?.result.message, 'lost update');
  }
});

test('two workers sharing the dpor work list cover exactly the outcomes one searcher covers', () => {
  const { p, parallel } = workersFor(prog('litmus.simc'), 3);
  const spec: SearchSpec = { strategy: 'dpor', bound: 2, seed: 1, pctDepth: 3, por: true, hashing: true, horizon: 1 };
  const one = runSearch(new ExploreTarget(p, { gomaxprocs: 3 }), spec, { shouldStop: () => false });
  const two = parallel(spec, { executions: Number.MAX_SAFE_INTEGER, deadline: Date.now() + 60_000, workers: 2, cancelled: () => false, onExecutions: () => {} });
  assert.ok(one.complete && two.complete, 'both searches complete');
  assert.equal(two.boundCompleted, 2);
  assert.deepEqual([...two.outcomes].sort(), [...one.outcomes].sort());
  // each branch is taken once, by one worker: the same work (hash pruning may differ per worker)
  assert.ok(Math.abs(two.executions - one.executions) <= one.executions / 4, `${two.executions} vs ${one.executions}`);
});

test('workers joining a search the calling thread already runs cover exactly the outcomes one searcher covers', () => {
  // a search of a few seconds (17,000 executions), longer than a worker's start-up
  const { p, parallel } = workersFor(prog('locked-pair.simc'), 3);
  const spec: SearchSpec = { strategy: 'dpor', bound: 3, seed: 1, pctDepth: 3, por: true, hashing: true, horizon: 1 };
  const one = runSearch(new ExploreTarget(p, { gomaxprocs: 3 }), spec, { shouldStop: () => false });
  // at once, partway through (the first rounds done alone), and never (the search ends first)
  for (const [joinAfterMs, searchers] of [[0, 2], [300, 2], [60_000, 1]] as const) {
    const r = parallel(spec, { executions: Number.MAX_SAFE_INTEGER, deadline: Date.now() + 60_000, workers: 2, cancelled: () => false, onExecutions: () => {}, local: new ExploreTarget(p, { gomaxprocs: 3 }), joinAfterMs });
    assert.ok(r.complete, `joining after ${joinAfterMs} ms: complete`);
    assert.equal(r.searchers, searchers, `joining after ${joinAfterMs} ms`);
    assert.deepEqual([...r.outcomes].sort(), [...one.outcomes].sort(), `joining after ${joinAfterMs} ms`);
  }
});

test('branches donated below the main line (paths, claims) cover exactly the outcomes one searcher covers', () => {
  const spec: SearchSpec = { strategy: 'dpor', bound: 2, seed: 1, pctDepth: 3, por: true, hashing: true, horizon: 1, eagerDonation: true };
  const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-donate-'));
  let donations = 0;
  try {
    const files = [prog('litmus.simc'), ...[3, 7, 11, 20, 26].map((seed) => {
      const file = path.join(dir, `random-${seed}.simc`);
      writeFileSync(file, randomProgram(seed));
      return file;
    })];
    for (const file of files) {
      for (const gomaxprocs of [2, 3]) {
        const { p, parallel } = workersFor(file, gomaxprocs);
        const one = runSearch(new ExploreTarget(p, { gomaxprocs }), spec, { shouldStop: () => false });
        const two = parallel(spec, { executions: Number.MAX_SAFE_INTEGER, deadline: Date.now() + 60_000, workers: 2, cancelled: () => false, onExecutions: () => {} });
        assert.ok(one.complete && two.complete, `${path.basename(file)} on ${gomaxprocs} Ms: both searches complete`);
        assert.deepEqual([...two.outcomes].sort(), [...one.outcomes].sort(), `${path.basename(file)} on ${gomaxprocs} Ms`);
        donations += two.donations;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(donations >= 10, `branches were donated (${donations})`);
});

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}
function sweepscope(...args: string[]): Ran {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'debug-adapter', 'cli.ts'), ...args], { encoding: 'utf8', cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CLI explore: JSON contract, schedule file, exit codes, bad input in one line', () => {
  const out = path.join(tmp, 'lost.schedule.json');
  const r = sweepscope('explore', prog('lost-update.simc'), '--runtime', 'none', '--strategy', 'dpor', '--preemption-bound', '1', '--time-limit', '30', '--workers', '1', '--out', out, '--json');
  assert.equal(r.status, 1, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  for (const k of ['outcome', 'message', 'thread', 'goroutine', 'location', 'steps', 'executions', 'found', 'complete', 'elapsedMs', 'schedule', 'preemptions', 'switches']) assert.ok(k in j, k);
  assert.equal(j.found, true);
  assert.equal(j.preemptions, 1);
  assert.equal(j.schedule, out);
  const file = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  assert.equal(file.version, 1);
  assert.equal(typeof file.programHash, 'string');
  // replay through `run`
  const replay = sweepscope('run', prog('lost-update.simc'), '--runtime', 'none', '--schedule', out, '--json');
  assert.equal(replay.status, 1);
  assert.equal((JSON.parse(replay.stdout) as { message: string }).message, 'lost update');
  // nothing to find: exit 0
  const clean = sweepscope('explore', prog('litmus.simc'), '--runtime', 'none', '--strategy', 'dpor', '--preemption-bound', '1', '--workers', '1', '--json');
  assert.equal(clean.status, 0, clean.stderr);
  assert.equal((JSON.parse(clean.stdout) as { complete: boolean }).complete, true);
  // usage errors
  for (const [args, mentions] of [
    [['explore'], 'missing FILE.simc'],
    [['explore', prog('litmus.simc'), '--strategy', 'bfs'], "'--strategy'"],
    [['explore', prog('litmus.simc'), '--preemption-bound', 'x'], "'--preemption-bound'"],
    [['explore', prog('litmus.simc'), '--time-limit', '0'], "'--time-limit'"],
    [['explore', prog('litmus.simc'), '--runtime', 'nope'], 'nope'],
  ] as const) {
    const e = sweepscope(...args);
    assert.equal(e.status, 2, e.stderr);
    assert.ok(e.stderr.split('\n')[0].includes(mentions), e.stderr);
    assert.doesNotMatch(e.stderr, /\n\s+at /);
  }
});

test('npm run dpor-coverage: compares DPOR with the unreduced search per bound, refuses bad options in one line', () => {
  const script = (...args: string[]): Ran => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'dpor-coverage.ts'), ...args], { encoding: 'utf8', cwd: root });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const clean = script('--programs', '12', '--bounds', '0,1,2');
  assert.equal(clean.status, 0, clean.stderr);
  for (const k of [0, 1, 2]) assert.match(clean.stdout, new RegExp(`K = ${k}: 0 program\\(s\\) lost an outcome; executions DPOR [\\d,]+ / plain [\\d,]+`));
  const k2 = /K = 2: .* DPOR ([\d,]+) \/ plain ([\d,]+)/.exec(clean.stdout);
  assert.ok(k2 && Number(k2[1].replace(/,/g, '')) < Number(k2[2].replace(/,/g, '')), 'DPOR should take fewer executions than the unreduced search');
  for (const [args, mentions] of [[['--programs', '0'], '--programs 0'], [['--bounds', '1,x'], '--bounds 1,x'], [['--gomaxprocs', '5'], '--gomaxprocs 5'], [['--frist', '1'], '--frist']] as const) {
    const e = script(...args);
    assert.equal(e.status, 2, e.stderr);
    assert.ok(e.stderr.split('\n')[0].includes(mentions), e.stderr);
    assert.doesNotMatch(e.stderr, /\n\s+at /);
  }
});
