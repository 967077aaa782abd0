// Exact history for step back and reverse continue. Snapshots of the machine (plus the session's
// own tracking state) are taken every SNAPSHOT_EVERY statements while running forward (thinned as
// the history grows), and every RECENT_EVERY statements in a short ring that covers the last few
// thousand (so the first step back from a stop re-executes little); going back restores the
// nearest snapshot and re-executes the recorded schedule (the machine's switch log) with the same
// runs, so every thread has taken exactly the same steps when it arrives. Snapshots share the
// memory pages that did not change with the snapshot before them.
import type { Machine } from '../engine';
import type { ReadonlyLog } from '../engine/vm/chunked-log';
import type { SchedulerState } from '../engine/vm/machine';
import type { MachineState } from '../engine/vm/snapshot';

export const SNAPSHOT_EVERY = 10_000;
const MAX_SNAPSHOTS = 48;
/** Fine snapshots (taken while re-executing after a step back) kept at most. */
const MAX_FINE = 24;
const FINE_GAP = 900;
/** The ring of recent snapshots: one every RECENT_EVERY statements, the last MAX_RECENT kept. */
const RECENT_EVERY = 2_000;
const MAX_RECENT = 5;

export interface Snapshot<T> {
  /** Statements begun before the snapshot (the session's position counter). */
  pos: number;
  state: MachineState;
  extra: T;
}

export class History<T> {
  private snaps: Snapshot<T>[] = [];
  /** Snapshots left by re-execution near where the user travels; newest last, a few dozen at most. */
  private fine: Snapshot<T>[] = [];
  /** The last few snapshots taken while running forward, RECENT_EVERY statements apart. */
  private recent: Snapshot<T>[] = [];
  /** The furthest known schedule: [mId, steps, …] pairs; the machine's log is a prefix of it while replaying. */
  timeline: ReadonlyLog | null = null;
  /** The scheduler's state where the timeline ends, put back when re-execution catches up. */
  private timelineScheduler: SchedulerState | null = null;

  constructor(private readonly vm: Machine) {}

  get first(): Snapshot<T> | undefined {
    return this.snaps[0];
  }

  /** Takes a snapshot when the last one is far enough behind (call between runs only). */
  maybeTake(pos: number, extra: () => T, force = false): void {
    const last = this.snaps[this.snaps.length - 1];
    if (last && last.pos === pos) return;
    if (force || !last || pos - last.pos >= SNAPSHOT_EVERY) {
      this.snaps.push({ pos, state: this.vm.snapshot(), extra: extra() });
      if (this.snaps.length > MAX_SNAPSHOTS) this.thin();
      return;
    }
    const lastRecent = this.recent[this.recent.length - 1];
    if (pos - Math.max(last.pos, lastRecent?.pos ?? 0) < RECENT_EVERY) return;
    this.recent.push({ pos, state: this.vm.snapshot(), extra: extra() });
    if (this.recent.length > MAX_RECENT) this.recent.shift();
  }

  /** A snapshot during re-execution, when no snapshot is within FINE_GAP statements before pos. */
  maybeTakeFine(pos: number, extra: () => T): void {
    const near = this.before(pos);
    if (near && pos - near.pos < FINE_GAP) return;
    this.fine.push({ pos, state: this.vm.snapshot(), extra: extra() });
    if (this.fine.length > MAX_FINE) this.fine.shift();
  }

  /** Keeps every snapshot of the recent half and every other one of the older half. */
  private thin(): void {
    const half = this.snaps.length >> 1;
    this.snaps = this.snaps.filter((_, i) => i === 0 || i >= half || i % 2 === 0);
  }

  /** The latest snapshot at or before pos (of those `usable` accepts). */
  before(pos: number, usable: (s: Snapshot<T>) => boolean = () => true): Snapshot<T> | undefined {
    let best: Snapshot<T> | undefined;
    for (const s of this.all()) if (s.pos <= pos && (!best || s.pos > best.pos) && usable(s)) best = s;
    return best;
  }

  /** Snapshots strictly before pos (of those `usable` accepts), latest first. */
  descending(pos: number, usable: (s: Snapshot<T>) => boolean = () => true): Snapshot<T>[] {
    return this.all().filter((s) => s.pos < pos && usable(s)).sort((a, b) => b.pos - a.pos);
  }

  private all(): Snapshot<T>[] {
    return [...this.snaps, ...this.fine, ...this.recent];
  }

  /** Forgets the future after pos (the program took another path, or memory was edited). */
  truncate(pos: number): void {
    this.snaps = this.snaps.filter((s) => s.pos <= pos);
    this.fine = this.fine.filter((s) => s.pos <= pos);
    this.recent = this.recent.filter((s) => s.pos <= pos);
    this.timeline = null;
    this.timelineScheduler = null;
  }

  /** Forgets everything (after an edit of memory: history restarts here). */
  clear(): void {
    this.snaps = [];
    this.fine = [];
    this.recent = [];
    this.timeline = null;
    this.timelineScheduler = null;
  }

  /** Starts replaying: the machine's current log becomes the timeline to follow. */
  markTimeline(): void {
    if (this.timeline !== null) return;
    this.timeline = this.vm.switches.copy();
    this.timelineScheduler = this.vm.saveScheduler();
  }

  /**
   * Re-execution has no more runs to follow: when it caught up with the end of the timeline
   * exactly, the scheduler continues as the original run would have.
   */
  finishTimeline(): void {
    const tl = this.timeline;
    const cur = this.vm.switches;
    if (tl && this.timelineScheduler && cur.equals(tl)) this.vm.loadScheduler(this.timelineScheduler);
    this.timeline = null;
    this.timelineScheduler = null;
  }

  /** The next run of the recorded timeline [mId, steps], or null when the machine has caught up. */
  nextRun(): [number, number] | null {
    const tl = this.timeline;
    if (!tl) return null;
    const cur = this.vm.switches;
    const n = cur.length;
    if (n === 0) return tl.length >= 2 ? [tl.at(0), tl.at(1)] : null;
    if (n > tl.length || tl.at(n - 2) !== cur.at(n - 2)) return null;
    const left = tl.at(n - 1) - cur.at(n - 1);
    if (left > 0) return [cur.at(n - 2), left];
    return n + 1 < tl.length ? [tl.at(n), tl.at(n + 1)] : null;
  }

  get count(): number {
    return this.snaps.length + this.fine.length + this.recent.length;
  }

  /** Bytes of memory pages held by the snapshots (pages shared between snapshots count once). */
  get bytes(): number {
    const seen = new Set<Uint8Array>();
    for (const s of this.all()) s.state.forEachPage((page) => seen.add(page));
    let n = 0;
    for (const page of seen) n += page.byteLength;
    return n;
  }
}
