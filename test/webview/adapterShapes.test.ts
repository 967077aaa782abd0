// The real adapter's answers still have the shapes the panels accept: records finalizer-race on
// before-f8e4a2e afresh (as record-fixtures.ts does) and checks every answer with the same
// checkers the host and the webviews use, and that the states the Chromium tests rely on are
// still reached (an owned span after the CAS, a delta with changed blocks, a finalizer special).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { bitmapAnswer, spanAnswer, timelineAnswer } from '../../media/common/protocol';
import { check, type Checker } from '../../media/common/shape';
import { record } from './record-fixtures';

function valid<T>(shape: Checker<T>, v: unknown, what: string): T {
  const r = check(shape, v);
  if (!r.ok) assert.fail(`${what}: ${r.reason}`);
  return r.value;
}

test('the adapter answers sweepscope/bitmap, span and timeline in the shapes the panels accept', async () => {
  const adapter = path.resolve(__dirname, '..', '..', 'dist', 'adapter.js');
  assert.ok(existsSync(adapter), `${adapter} is missing: run node scripts/build.mjs first`);
  const r = await record();
  assert.ok(r.stops.length >= 3, `${r.stops.length} stops recorded`);
  const stops = r.stops.map((s, i) => ({
    bitmap: valid(bitmapAnswer, s.bitmap, `stop ${i} bitmap`),
    span: valid(spanAnswer, s.span, `stop ${i} span`),
    timeline: valid(timelineAnswer, s.timeline, `stop ${i} timeline`),
  }));
  assert.equal(stops[0].bitmap.delta, false);
  assert.ok(stops.slice(1).every((s) => s.bitmap.delta), 'later answers are deltas (asked with since)');
  const owned = stops[1].span;
  assert.equal(owned.sweepgen, owned.H - 1);
  assert.match(owned.sweepState, /^being swept by g\d+ on M\d+ \(H−1\)$/);
  assert.ok(owned.owner);
  assert.ok(owned.slots.some((s) => s.free), 'the span has freed slots');
  assert.ok((stops[stops.length - 1].bitmap.changed ?? []).length > 0, 'the last stop changed bitmap blocks');
  const special = valid(spanAnswer, r.spanWithSpecial, 'span with a special');
  assert.ok(special.specials.some((x) => x.kind === 'finalizer'));
});
