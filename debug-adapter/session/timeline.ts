// The run's timeline for the Timeline panel: sweepgen CASes and stores, GC starts (H advancing),
// stop-the-world requests, preemptions and the final throw or fault, each with the position
// (statements begun) at which it happened, the M it happened on and the goroutine it concerns.
// Events are recorded once, while running forward; re-execution after a step back does not
// record them again, and a history that took another path forgets the events past the fork.
export type TimelineKind = 'sweepgen-cas' | 'sweepgen-store' | 'gc-start' | 'stop-the-world' | 'preempt-request' | 'preempt' | 'halt';

export interface TimelineEvent {
  pos: number;
  kind: TimelineKind;
  /** The M it happened on (undefined for events of a goroutine without an M). */
  m?: number;
  /** The goroutine (goid) it concerns. */
  g?: number;
  text: string;
  span?: number;
}

const MAX_EVENTS = 100_000;

export class Timeline {
  private events: TimelineEvent[] = [];
  /** Positions below this were already recorded (re-execution is quiet). */
  private recordedUpTo = 0;

  record(e: TimelineEvent): void {
    if (e.pos < this.recordedUpTo) return;
    this.recordedUpTo = e.pos;
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, MAX_EVENTS >> 2);
  }

  /** The run took another path after pos: events past it did not happen. */
  forgetAfter(pos: number): void {
    let n = this.events.length;
    while (n > 0 && this.events[n - 1].pos > pos) n--;
    this.events.length = n;
    this.recordedUpTo = Math.min(this.recordedUpTo, pos + 1);
  }

  /** Events with pos ≥ from, at most max of them, in order. */
  slice(from: number, max: number): { events: TimelineEvent[]; more: boolean } {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid].pos < from) lo = mid + 1;
      else hi = mid;
    }
    const events = this.events.slice(lo, lo + max);
    return { events, more: lo + max < this.events.length };
  }

  get size(): number {
    return this.events.length;
  }
}
