// Tests of the `sweepscope` CLI as a user runs it (the built dist/cli.js): the contract's exit
// codes, --json fields, usage errors, schedule recording and replay, and `check`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const conf = (name: string): string => path.join(root, 'test', 'conformance', name);
const tmp = mkdtempSync(path.join(tmpdir(), 'sweepscope-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sweepscope(...args: string[]): Ran {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertUsageError(r: Ran, mentions: string): void {
  assert.equal(r.status, 2, r.stderr);
  const first = r.stderr.split('\n')[0];
  assert.ok(first.includes(mentions), `first line should name ${mentions}: ${first}`);
  assert.match(r.stderr, /usage:/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

test('usage errors: exit 2, one line naming the argument, then the usage', () => {
  assertUsageError(sweepscope(), 'missing command');
  assertUsageError(sweepscope('frobnicate'), "'frobnicate'");
  assertUsageError(sweepscope('run', conf('loops.simc'), '--bogus'), "'--bogus'");
  assertUsageError(sweepscope('run', 'no-such-file.simc'), "'no-such-file.simc' not found");
  assertUsageError(sweepscope('run'), 'missing FILE.simc');
  assertUsageError(sweepscope('run', conf('loops.simc'), '--gomaxprocs', 'two'), '--gomaxprocs');
  assertUsageError(sweepscope('run', conf('loops.simc'), '--gomaxprocs', '0'), '--gomaxprocs');
  assertUsageError(sweepscope('run', conf('loops.simc'), '--strategy', 'dfs'), 'dfs');
  assertUsageError(sweepscope('run', conf('loops.simc'), '--seed'), '--seed');
  assertUsageError(sweepscope('run', conf('loops.simc'), '--json=yes'), '--json');
  assertUsageError(sweepscope('check'), 'missing FILE.simc');
});

test('explore: a missing file is a usage error; a one-goroutine program has nothing to interleave', () => {
  const usage = sweepscope('explore');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^sweepscope: explore: missing FILE\.simc\nusage:/);
  const r = sweepscope('explore', conf('loops.simc'), '--runtime', 'none', '--executions', '3', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { found: boolean; executions: number };
  assert.equal(out.found, false);
  assert.ok(out.executions >= 1);
});

test('an unknown runtime is refused with the valid names', () => {
  const r = sweepscope('run', conf('loops.simc'), '--runtime', 'f8e4a2f');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown runtime 'f8e4a2f'.*before-f8e4a2e/);
});

test('run: clean exit prints the output and a summary line, exit 0', () => {
  const r = sweepscope('run', conf('loops.simc'), '--runtime', 'none');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'while 10\ndo 1 0\nfor 25\nnested 9\nforever 7\n');
  assert.match(r.stderr, /^outcome: exit \(\d+ steps\)\n$/);
});

test('run --json prints one object with the contract fields', () => {
  const r = sweepscope('run', conf('fault-div-zero.simc'), '--runtime', 'none', '--json', '--gomaxprocs', '1');
  assert.equal(r.status, 1, r.stderr);
  const o = JSON.parse(r.stdout) as Record<string, unknown>;
  for (const k of ['outcome', 'message', 'thread', 'goroutine', 'location', 'steps']) assert.ok(k in o, `missing ${k}`);
  assert.equal(o.outcome, 'fault');
  assert.equal(typeof o.steps, 'number');
  const loc = o.location as Record<string, unknown>;
  assert.equal(loc.line, 16);
  assert.equal(typeof loc.function, 'string');
});

test('run: failures exit 1 with the outcome named', () => {
  const budget = sweepscope('run', conf('fault-budget.simc'), '--runtime', 'none', '--max-steps', '500');
  assert.equal(budget.status, 1);
  assert.match(budget.stderr, /^outcome: budget /m);
  const thrown = sweepscope('run', conf('builtin-throw.simc'), '--runtime', 'none');
  assert.equal(thrown.status, 1);
  assert.match(thrown.stderr, /^outcome: throw "custom failure: bad state" at .*builtin-throw\.simc:14:/m);
  const deadlock = sweepscope('run', conf('fault-deadlock-park.simc'), '--runtime', 'none', '--json');
  assert.equal(deadlock.status, 1);
  assert.equal((JSON.parse(deadlock.stdout) as { outcome: string }).outcome, 'deadlock');
});

test('run: compile errors exit 2 with file:line:col diagnostics', () => {
  const r = sweepscope('run', conf('error-syntax.simc'), '--runtime', 'none');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /error-syntax\.simc:18:13: error: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('check: exit 1 with diagnostics, 0 when clean', () => {
  const bad = sweepscope('check', conf('error-unknown-field.simc'), conf('loops.simc'), '--runtime', 'none');
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /error-unknown-field\.simc:18:7: error: .*lenght/);
  const good = sweepscope('check', conf('loops.simc'), '--runtime', 'none');
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.equal(good.stdout, '');
});

test('run --record writes a schedule that --schedule replays; foreign or malformed ones are refused', () => {
  const rec = path.join(tmp, 'run.schedule.json');
  const args = ['run', conf('goroutines-lock-note.simc'), '--runtime', 'none', '--strategy', 'random', '--seed', '7'];
  const first = sweepscope(...args, '--record', rec, '--json');
  assert.equal(first.status, 0, first.stderr);
  const schedule = JSON.parse(readFileSync(rec, 'utf8')) as { version: number; programHash: string; switches: number[] };
  assert.equal(schedule.version, 1);
  const again = sweepscope('run', conf('goroutines-lock-note.simc'), '--runtime', 'none', '--schedule', rec, '--json');
  assert.equal(again.status, 0, again.stderr);
  const a = JSON.parse(first.stdout) as { steps: number; output: string };
  const b = JSON.parse(again.stdout) as { steps: number; output: string };
  assert.deepEqual([b.steps, b.output], [a.steps, a.output]);

  const foreign = path.join(tmp, 'foreign.json');
  writeFileSync(foreign, JSON.stringify({ ...schedule, programHash: 'not-this-program' }));
  const refused = sweepscope('run', conf('goroutines-lock-note.simc'), '--runtime', 'none', '--schedule', foreign);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /foreign\.json: recorded on another program/);

  const malformed = path.join(tmp, 'malformed.json');
  writeFileSync(malformed, JSON.stringify({ version: 1, programHash: 'x', gomaxprocs: 2, switches: ['a'] }));
  const bad = sweepscope('run', conf('loops.simc'), '--runtime', 'none', '--schedule', malformed);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /malformed\.json: "switches"/);
});
