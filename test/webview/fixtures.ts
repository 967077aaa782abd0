// Loads the recorded adapter payloads (fixtures/finalizer-race.json, written by
// record-fixtures.ts) and recomputes in Node what the panels must show from them: the bitmap
// after applying each stop's answer, and which words changed since the previous stop.
import { readFileSync } from 'node:fs';
import type { BitmapAnswer, SpanAnswer, TimelineAnswer } from '../../media/common/protocol';
import { FIXTURE, type Recording } from './record-fixtures';

export interface Stop {
  since?: number;
  bitmap: BitmapAnswer;
  span: SpanAnswer;
  timeline: TimelineAnswer;
  text: string;
}

export interface Fixtures {
  stops: Stop[];
  spanWithSpecial: SpanAnswer;
  /** Nibbles after each stop (index = stop). */
  nibbles: Uint8Array[];
}

export function loadFixtures(): Fixtures {
  const r = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Recording;
  const stops = r.stops.map((s) => ({
    since: s.since,
    bitmap: s.bitmap as BitmapAnswer,
    span: s.span as SpanAnswer,
    timeline: s.timeline as TimelineAnswer,
    text: s.stopped.text ?? s.stopped.description ?? '',
  }));
  if (!r.spanWithSpecial) throw new Error(`${FIXTURE} has no span with a special: re-record it`);
  const nibbles: Uint8Array[] = [];
  for (const s of stops) {
    const b = s.bitmap;
    if (!b.delta) nibbles.push(new Uint8Array(Buffer.from(b.data ?? '', 'base64')));
    else {
      const next = new Uint8Array(b.bytes);
      next.set(nibbles[nibbles.length - 1]);
      for (const [off, b64] of b.changed ?? []) next.set(Buffer.from(b64, 'base64'), off);
      nibbles.push(next);
    }
  }
  return { stops, spanWithSpecial: r.spanWithSpecial as SpanAnswer, nibbles };
}

export function nibbleAt(n: Uint8Array, w: number): number {
  return w & 1 ? n[w >>> 1] >> 4 : n[w >>> 1] & 15;
}

/** Words whose nibble differs between two bitmaps, in order. */
export function changedWords(before: Uint8Array, after: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < after.length; i++) {
    const x = (before[i] ?? 0) ^ after[i];
    if (x & 15) out.push(i * 2);
    if (x >> 4) out.push(i * 2 + 1);
  }
  return out;
}
