// The machine's run log and the replay of a recorded one. Every run is logged as a pair
// (M, steps) — a run of the same M continues the last pair — with where the M stood when it
// ended (a position hash). A recorded log replays by giving each M its recorded count of steps;
// runs end between statements, so a count replays exactly however the recording's runs of one M
// were cut. The replay stops applying, and says where, when an M is not runnable, ends early,
// or ends its count somewhere else than the recording did; the strategy chooses from there.
import type { RunResult, ScheduleRecord } from '../api';
import { ChunkedLog } from './chunked-log';
import type { Mach } from './threads';

/** Where a replay stands: the pair it is in, the steps left of it, and whether it still applies. */
export interface ReplayState {
  index: number;
  left: number;
  active: boolean;
}

/** What the log needs of the machine. */
export interface RunLogHost {
  readonly ms: readonly Mach[];
  readonly steps: number;
  isRunnable(m: Mach): boolean;
  /** Where M m stands, for a person. */
  describePosition(m: Mach): string;
}

export class RunLog {
  /** Pairs (M id, steps), one per run or per run of the same M continued. */
  readonly switches = new ChunkedLog();
  /** Per pair: where its M stood when the run ended (positionHash), to detect divergence on replay. */
  readonly ends = new ChunkedLog();
  divergedAt: RunResult['divergedAt'];
  private replay: ScheduleRecord | undefined;
  private index = 0;
  private left = 0;
  /** Per function: the hash of its name. */
  private readonly nameHashes: number[];

  constructor(
    private readonly host: RunLogHost,
    functionNames: readonly string[],
    private readonly recorded: ScheduleRecord | undefined,
  ) {
    this.replay = recorded;
    this.nameHashes = functionNames.map((name) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
      return h >>> 0;
    });
  }

  /** A recorded schedule is being followed. */
  get replaying(): boolean {
    return this.replay !== undefined;
  }

  /**
   * Logs a run. A run of the same M continues the last entry; an empty one right after it is
   * not logged when it did nothing (a pause before its first statement), but is when the M
   * had to schedule or retry first — the replay must do that too.
   */
  record(m: Mach, steps: number, scheduling: boolean): void {
    const log = this.switches;
    const n = log.length;
    const same = n >= 2 && log.at(n - 2) === m.id;
    if (same && ((steps === 0 && !scheduling) || (steps > 0 && log.last() > 0))) log.setLast(log.last() + steps);
    else {
      log.push(m.id);
      log.push(steps);
    }
    // one end per pair: a continued pair's end moves
    const end = this.positionHash(m);
    if (this.ends.length === log.length >> 1) this.ends.setLast(end);
    else this.ends.push(end);
  }

  /**
   * Where M m stands, as a 32-bit hash of its current function's name and its stack depth
   * (0 when it runs nothing). Not the statement: a run that ends by yielding stops inside its
   * statement (on the resume label after the builtin), one that ends by count between two.
   * Names rather than indices, so that a schedule recorded on one runtime model and replayed
   * on another agrees wherever the two execute the same code.
   */
  positionHash(m: Mach): number {
    const frames = m.exec.frames;
    const fr = frames[frames.length - 1];
    if (!fr) return 0;
    return (Math.imul(this.nameHashes[fr.fn] ^ frames.length, 0x01000193) >>> 0) || 1;
  }

  /** The recorded schedule's next run while it applies; null when the strategy is to choose. */
  next(runnable: readonly Mach[]): { m: Mach; n: number } | null {
    const r = this.replay;
    while (r && this.index < r.switches.length) {
      const id = r.switches[this.index];
      const m = this.host.ms[id];
      if (this.left === 0 && r.switches[this.index + 1] === 0) {
        if (m && runnable.includes(m)) {
          this.index += 2;
          return { m, n: 0 };
        }
      }
      if (this.left === 0) this.left = r.switches[this.index + 1];
      if (!m || !runnable.includes(m)) {
        this.stop(`M${id} is not runnable at step ${this.host.steps}`);
        break;
      }
      return { m, n: this.left };
    }
    return null;
  }

  /** After a run the replay chose: counts its steps off, and stops the replay where the run no longer matches the recording. */
  ran(m: Mach, used: number, halted: boolean, paused: boolean): void {
    const r = this.replay;
    if (!r || this.left === 0) return;
    this.left -= Math.min(used, this.left);
    if (this.left === 0) {
      const want = r.ends?.[this.index >> 1];
      if (want !== undefined && want !== this.positionHash(m) && !halted) {
        this.stop(`M${m.id} ran its ${r.switches[this.index + 1]} steps to ${this.host.describePosition(m)}, not where the recording's run ended`);
      }
      this.index += 2;
    } else if (!halted && !paused && !this.host.isRunnable(m)) {
      this.stop(`M${m.id} stopped ${this.left} steps early`);
    }
  }

  private stop(reason: string): void {
    this.divergedAt = { switchIndex: this.index / 2, step: this.host.steps, reason };
    this.replay = undefined;
  }

  get state(): ReplayState {
    return { index: this.index, left: this.left, active: this.replay !== undefined };
  }
  set state(s: ReplayState) {
    this.index = s.index;
    this.left = s.left;
    this.replay = s.active ? this.recorded : undefined;
  }

  /** Puts back the log and replay position a snapshot holds (a restored machine has not diverged yet). */
  restore(switches: ChunkedLog, ends: ChunkedLog, state: ReplayState): void {
    this.switches.assign(switches);
    this.ends.assign(ends);
    this.state = state;
    this.divergedAt = undefined;
  }
}
