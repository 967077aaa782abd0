// The run log's chunked storage: copies share frozen chunks yet never see each other's changes,
// across chunk boundaries, and compare equal exactly when their entries are equal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkedLog } from '../../debug-adapter/engine/vm/chunked-log';

/** A log and a plain array kept in step, with the same pushes and last-entry writes. */
function grow(log: ChunkedLog, plain: number[], n: number, seed: number): void {
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (plain.length > 0 && x % 3 === 0) {
      plain[plain.length - 1] += x % 7;
      log.setLast(log.last() + (x % 7));
    } else {
      plain.push(x);
      log.push(x);
    }
  }
}

test('a chunked log reads back what was pushed and written, across many chunks', () => {
  const log = new ChunkedLog();
  const plain: number[] = [];
  grow(log, plain, 10_000, 1);
  assert.equal(log.length, plain.length);
  assert.ok(plain.length > 3 * 1024, 'the test crosses several chunk boundaries');
  assert.deepEqual(log.toArray(), plain);
  for (const i of [0, 1023, 1024, 1025, plain.length - 2, plain.length - 1]) assert.equal(log.at(i), plain[i], `entry ${i}`);
});

test('a copy and its original change independently, and restoring a copy brings back its entries', () => {
  const log = new ChunkedLog();
  const plain: number[] = [];
  grow(log, plain, 5_000, 7);
  const copy = log.copy();
  const atCopy = plain.slice();
  assert.ok(copy.equals(log) && log.equals(copy));
  // the original goes on (its last entry changes, new chunks freeze); the copy does not move
  log.setLast(log.last() + 1);
  grow(log, plain, 5_000, 8);
  assert.deepEqual(copy.toArray(), atCopy);
  assert.ok(!copy.equals(log));
  // back to the copy, then a different future: the copy is still untouched
  log.assign(copy);
  assert.deepEqual(log.toArray(), atCopy);
  assert.ok(log.equals(copy));
  const other = atCopy.slice();
  grow(log, other, 3_000, 9);
  assert.deepEqual(log.toArray(), other);
  assert.deepEqual(copy.toArray(), atCopy);
});

test('logs built apart compare by their entries, not by sharing', () => {
  const a = new ChunkedLog();
  const b = new ChunkedLog();
  grow(a, [], 4_000, 3);
  grow(b, [], 4_000, 3);
  assert.ok(a.equals(b));
  b.setLast(b.last() + 1);
  assert.ok(!a.equals(b));
  b.setLast(b.last() - 1);
  assert.ok(a.equals(b));
  b.push(0);
  assert.ok(!a.equals(b));
});
