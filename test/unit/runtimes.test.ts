// Tests of runtime resolution (names, folders, errors) and the file-system SourceLoader.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fsLoader, resolveRuntime } from '../../debug-adapter/runtimes';

test('runtime none has no files', () => {
  assert.deepEqual(resolveRuntime('none'), { name: 'none', files: [] });
});

test('a folder runtime lists its .simc files in name order, not subfolders', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-rt-'));
  try {
    writeFileSync(path.join(dir, 'b.simc'), '');
    writeFileSync(path.join(dir, 'a.simc'), '');
    writeFileSync(path.join(dir, 'notes.txt'), '');
    mkdirSync(path.join(dir, 'sub.simc'));
    assert.deepEqual(resolveRuntime(dir), { name: dir, files: [path.join(dir, 'a.simc'), path.join(dir, 'b.simc')] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty folder or an unknown name is an error naming it and the valid names', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-rt-'));
  try {
    const empty = resolveRuntime(dir);
    assert.ok('error' in empty && empty.error.includes('no .simc files'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = resolveRuntime('f8e4a2f');
  assert.ok('error' in bad);
  assert.match(bad.error, /f8e4a2f/);
  assert.match(bad.error, /before-f8e4a2e/);
  assert.match(bad.error, /none/);
});

test('fsLoader reads files and returns undefined for missing ones', () => {
  assert.equal(fsLoader.read(path.join(__dirname, 'no-such-file.simc')), undefined);
  assert.match(fsLoader.read(__filename) ?? '', /fsLoader reads files/);
});
