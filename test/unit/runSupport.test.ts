// Tests of the helpers the CLI and the debug adapter share: schedule-file validation and the
// one-line outcome description.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../debug-adapter/engine/api';
import { describeOutcome, parseScheduleRecord } from '../../debug-adapter/runSupport';

const good = { version: 1, programHash: 'abc', gomaxprocs: 2, switches: [0, 5, 1, 3] };

function errorOf(r: ReturnType<typeof parseScheduleRecord>): string {
  assert.ok('error' in r, 'expected an error');
  return r.error;
}

test('a well-formed schedule parses', () => {
  assert.deepEqual(parseScheduleRecord(JSON.stringify(good), 'x.json', 'abc'), good);
});

test('malformed schedules are refused with the file name and the reason', () => {
  assert.match(errorOf(parseScheduleRecord('{', 's.json')), /s\.json: not valid JSON/);
  assert.match(errorOf(parseScheduleRecord('[]', 's.json')), /JSON object/);
  assert.match(errorOf(parseScheduleRecord(JSON.stringify({ ...good, version: 2 }), 's.json')), /version/);
  assert.match(errorOf(parseScheduleRecord(JSON.stringify({ ...good, switches: [0, -1] }), 's.json')), /non-negative/);
  assert.match(errorOf(parseScheduleRecord(JSON.stringify({ ...good, switches: [0, 1.5] }), 's.json')), /non-negative/);
  assert.match(errorOf(parseScheduleRecord(JSON.stringify({ ...good, switches: [0] }), 's.json')), /pairs/);
  assert.match(errorOf(parseScheduleRecord(JSON.stringify({ ...good, programHash: 7 }), 's.json')), /programHash/);
  assert.match(errorOf(parseScheduleRecord(JSON.stringify({ ...good, gomaxprocs: 0 }), 's.json')), /gomaxprocs/);
});

test('a schedule recorded on another program is refused', () => {
  assert.match(errorOf(parseScheduleRecord(JSON.stringify(good), 's.json', 'def')), /s\.json: recorded on another program/);
});

test('outcomes are described in one line', () => {
  const base: RunResult = {
    outcome: 'exit',
    message: '',
    steps: 12345,
    output: '',
    schedule: { version: 1, programHash: 'h', gomaxprocs: 2, switches: [] },
  };
  assert.equal(describeOutcome(base), 'exit (12345 steps)');
  const thrown: RunResult = {
    ...base,
    outcome: 'throw',
    message: 'gc: unswept span',
    thread: 'M1',
    goroutine: 7,
    location: { file: '/nowhere/mgc0.simc', line: 123, column: 5, function: 'runtime·markroot' },
  };
  assert.equal(
    describeOutcome(thrown),
    'throw "gc: unswept span" at /nowhere/mgc0.simc:123:5 in runtime·markroot (M1, g7) after 12345 steps',
  );
  assert.equal(describeOutcome({ ...base, outcome: 'deadlock', message: 'all goroutines are asleep' }),
    'deadlock "all goroutines are asleep" after 12345 steps');
});
