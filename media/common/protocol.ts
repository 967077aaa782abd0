// The messages between the extension host and the three panels, and the shapes of the adapter's
// `sweepscope/…` answers they carry (see debug-adapter/session/custom.ts). Both sides validate
// what they receive with these checkers; a message of the wrong shape is ignored with a reason.
import {
  array, bool, bytes, hexAddr, int, literal, nullable, object, optional, str, tagged, tuple,
  type Checker,
} from './shape';

/** The fields every span description carries (the bitmap's span list and the span detail). */
const spanFields = {
  addr: hexAddr,
  start: int,
  npages: int,
  sizeclass: int,
  elemsize: int,
  state: int,
  sweepgen: int,
};

export const spanSummary = object(spanFields);
export type SpanSummary = ReturnType<typeof spanSummary>;

const bitmapFields = {
  generation: int,
  arenaStart: int,
  arenaUsed: int,
  words: int,
  H: int,
  spans: array(spanSummary),
  delta: bool,
  bytes: int,
};

/** The adapter's `sweepscope/bitmap` answer: DAP is JSON, so the nibbles travel as base64. */
export const bitmapAnswer = object({
  ...bitmapFields,
  data: optional(str),
  changed: optional(array(tuple(int, str))),
});
export type BitmapAnswer = ReturnType<typeof bitmapAnswer>;

/** The same answer as the host posts it to the panel: the nibbles as bytes (postMessage carries them binary). */
export const bitmapBytes = object({
  ...bitmapFields,
  data: optional(bytes),
  changed: optional(array(tuple(int, bytes))),
});
export type BitmapBytes = ReturnType<typeof bitmapBytes>;

/** Decodes base64 into bytes (atob: in browsers and in Node). */
export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The adapter's answer with its base64 decoded, as the host posts it to the panel. */
export function bitmapToBytes(a: Omit<BitmapAnswer, 'data' | 'changed'> & Partial<Pick<BitmapAnswer, 'data' | 'changed'>>): BitmapBytes {
  return {
    ...a,
    data: a.data === undefined ? undefined : fromBase64(a.data),
    changed: a.changed?.map(([off, b64]): [number, Uint8Array] => [off, fromBase64(b64)]),
  };
}

export const slotInfo = object({
  addr: int,
  allocated: bool,
  scan: bool,
  marked: bool,
  special: bool,
  free: bool,
  finalizer: bool,
});
export type SlotInfo = ReturnType<typeof slotInfo>;

export const spanAnswer = object({
  generation: int,
  ...spanFields,
  stateName: str,
  ref: int,
  H: int,
  sweepState: str,
  owner: nullable(str),
  limit: int,
  slots: array(slotInfo, 100_000),
  freelist: array(int, 100_000),
  freelistProblem: nullable(str),
  specials: array(object({ addr: hexAddr, offset: int, object: int, kind: str }), 100_000),
});
export type SpanAnswer = ReturnType<typeof spanAnswer>;

export const timelineKinds = ['sweepgen-cas', 'sweepgen-store', 'gc-start', 'stop-the-world', 'preempt-request', 'preempt', 'halt'] as const;
export type TimelineKind = (typeof timelineKinds)[number];

export const timelineEvent = object({
  pos: int,
  kind: literal(...timelineKinds),
  m: optional(int),
  g: optional(int),
  text: str,
  span: optional(hexAddr),
});
export type TimelineEvent = ReturnType<typeof timelineEvent>;

export const timelineAnswer = object({
  generation: int,
  position: int,
  furthest: int,
  lanes: array(str, 10_000),
  events: array(timelineEvent),
  more: bool,
});
export type TimelineAnswer = ReturnType<typeof timelineAnswer>;

/** What the host tells a panel about the debug session. */
export const sessionStates = ['no-session', 'running', 'stopped', 'ended', 'error'] as const;
export type SessionState = (typeof sessionStates)[number];

/** Host → panel. */
export const toPanel = tagged({
  status: object({ type: literal('status'), state: literal(...sessionStates), text: str }),
  /** `base`: the generation a delta applies to (the `since` the host asked with), null for a full answer. */
  bitmap: object({ type: literal('bitmap'), base: nullable(int), answer: bitmapBytes }),
  span: object({ type: literal('span'), answer: spanAnswer }),
  timeline: object({ type: literal('timeline'), answer: timelineAnswer, focusLane: nullable(str) }),
  focusLane: object({ type: literal('focusLane'), lane: nullable(str) }),
});
export type ToPanel = ReturnType<typeof toPanel>;

/** Panel → host. */
export const fromPanel = tagged({
  /** The page loaded (first time, or again after being hidden): send it everything. */
  ready: object({ type: literal('ready') }),
  /** The bitmap panel cannot apply a delta: send the whole bitmap. */
  resync: object({ type: literal('resync') }),
  /** Show this span in the Span panel (a click on a span in the Heap Bitmap). */
  revealSpan: object({ type: literal('revealSpan'), address: hexAddr }),
  /** The Span panel's address box. */
  requestSpan: object({ type: literal('requestSpan'), address: str }),
  /** Travel through history to a position (a Timeline click). */
  goto: object({ type: literal('goto'), position: int }),
});
export type FromPanel = ReturnType<typeof fromPanel>;

/** Narrows a union of messages by its `type`. */
export type MessageOf<U extends { type: string }, T extends U['type']> = Extract<U, { type: T }>;

export type { Checker };
