// Tests of the conformance header parser, so a malformed header fails loudly instead of
// silently skipping a check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpec } from './conformanceSpec';

test('parses outcome, output, limits and location', () => {
  const s = parseSpec(
    ['// what it tests', '// gomaxprocs: 1', '// max-steps: 50', '// expect: fault by zero', '// expect-at: 9',
      '// expect-output:', '// | a b', '// |', 'void main(void) {}'].join('\n'),
  );
  assert.equal(s.kind, 'fault');
  assert.equal(s.message, 'by zero');
  assert.equal(s.atLine, 9);
  assert.equal(s.gomaxprocs, 1);
  assert.equal(s.maxSteps, 50);
  assert.equal(s.output, 'a b\n\n');
});

test('parses repeated compile errors with any column', () => {
  const s = parseSpec('// expect: compile-error 3:* argument\n// expect: compile-error 3:5 did you mean\n// expect-errors: 1\n');
  assert.equal(s.kind, 'compile-error');
  assert.deepEqual(s.diagnostics, [
    { line: 3, column: undefined, substring: 'argument' },
    { line: 3, column: 5, substring: 'did you mean' },
  ]);
  assert.equal(s.errorCount, 1);
});

test('rejects typos, conflicts and missing expectations', () => {
  assert.throws(() => parseSpec('// expect: exitt\n'), /unknown expectation/);
  assert.throws(() => parseSpec('// expect-outptu:\n// expect: exit\n'), /unknown key/);
  assert.throws(() => parseSpec('// expect: exit\n// expect: deadlock\n'), /conflicting/);
  assert.throws(() => parseSpec('// just a comment\nvoid main(void) {}\n'), /no "\/\/ expect:"/);
  assert.throws(() => parseSpec('// | stray\n// expect: exit\n'), /before/);
});

test('the header ends at the first non-comment line', () => {
  const s = parseSpec('// expect: exit\n\n// expect: deadlock\n');
  assert.equal(s.kind, 'exit');
});
