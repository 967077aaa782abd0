// Exhaustive search bounded by preemptions (one round of iterative context bounding): a
// stateless search over explorer steps from the root, where the running M keeps running for
// free and switching away from a runnable M costs one preemption. The first (default) execution
// is the main line; the branches off it form a work list (queue.ts, shallowest first, shared by
// worker threads), and each branch's subtree is searched depth-first — except for the pending
// branches it hands to idle searchers (donate, followDonated; claims keep a branch of a shared
// path from being taken twice). Once an execution has used the whole bound, a step runs on to
// its M's next yield (tracker.ts): the points in between offer no choice the bound allows, so
// they are not made (races with those steps ask at the step's start, the cheaper place).
// Reductions, each switchable for the soundness tests and the benchmark:
//  - dpor: dynamic partial-order reduction — Flanagan–Godefroid backtrack sets from races found
//    with vector clocks over the steps' access lists (races.ts), plus the conservative extra
//    branch of bounded POR (Coons et al. 2013: also branch where the racing step's M was
//    switched to, since a preemption there can be cheaper; and, when that switch came from the
//    racing M's own yield, the point after it, the first one fairness lets that M take — the
//    block's first step is then the step fairness wants between a yield and the yielder's next,
//    which an independent reordering would drop; with K ≥ 2 also right after the racing step —
//    README, "What exhaustive covers"). What it assumes: two steps whose
//    access lists do not conflict commute (same state, same enabled Ms, whichever runs first),
//    which holds because every shared effect of a step — memory words and the scheduler
//    state the VM keeps outside memory, as pseudo-words — is in its access list (tracker.ts);
//  - por without a bound: sleep sets;
//  - hashing: visited states (fingerprint + last M) in a StateTable; a state already explored
//    with at least this budget and no larger sleep set is not explored again, and its subtree's
//    footprint adds the backtrack points DPOR would have found in it.
import type { RunResult, ScheduleRecord } from '../api';
import { conflicts, Footprint, type AccessList } from './access';
import { StateTable } from './fingerprint';
import { LocalQueue, MAX_DONATED_PAIRS, type BranchCounts, type BranchQueue, type DonatedBranch } from './queue';
import { RaceAnalysis, type RaceState } from './races';
import { fair } from './policy';
import { isFailure, type ExploreTarget, type TargetCheckpoint } from './target';

export interface BoundedOptions {
  bound: number;
  /** Sleep sets (used when the bound does not restrict: bound ≥ UNBOUNDED). */
  por: boolean;
  /**
   * DPOR backtrack sets (the dpor strategy turns it on under a bound; the soundness tests
   * compare it with the plain search on 2 and 3 Ms). Not with sleep sets (no bound): there, on
   * three Ms, the pair missed an outcome of the plain search (a pending step of an M that never
   * runs again is not seen), so the unbounded search uses sleep sets and hashing alone.
   */
  dpor?: boolean;
  hashing: boolean;
  /** Stop at the first failing execution (otherwise collect every outcome). */
  stopOnFailure: boolean;
  /** What counts as the failure searched for (default: any failing outcome). */
  isTarget?: (r: RunResult) => boolean;
  /** Checked between steps: true ends the search (limits, cancel). */
  shouldStop: () => boolean;
  onExecution?: (e: Execution) => void;
  /** Where the branches off the main line are listed (a SharedQueue for worker threads; default: this search's own). */
  queue?: BranchQueue;
  /**
   * With no preemption left, a step runs on to its M's next yield (default true; off, every
   * visible statement is a point of its own — the exactness test compares the two).
   */
  runOn?: boolean;
  /** Replay from checkpoints along the stack (default true; off, every branch replays from the root — the exactness test compares the two). */
  checkpoints?: boolean;
}

export interface Execution {
  result: RunResult;
  schedule: ScheduleRecord;
  preemptions: number;
  /** The M of every explorer step from the root (replayable with sequenceChooser); recorded only for a target execution, empty otherwise. */
  choices: number[];
}

export interface BoundedReport {
  executions: number;
  /** Every schedule within the bound was covered (modulo the reductions). */
  complete: boolean;
  failure?: Execution;
  /** Distinct outcomes seen (outcome + message + output), with a count each. */
  outcomes: Map<string, number>;
  prunedByHash: number;
  sleepBlocked: number;
  /** Branches left out because they needed more preemptions than the bound. */
  overBound: number;
  /** Scheduling points with more than one runnable M in the first execution (for estimates). */
  firstPoints: number;
  /** The work list's branches off the first execution: asked for and taken (the work-list search only). */
  branches?: BranchCounts;
  /** Branches below the main line this searcher handed to an idle one. */
  donations: number;
}

interface Point {
  enabled: number;
  /** The M that ran the step before this point (-1 at the root). */
  last: number;
  preempts: number;
  backtrack: number;
  done: number;
  sleep: number;
  /** The next step's accesses of each sleeping M. */
  sleepLists: (AccessList | null)[];
  /** The step taken from here in the current execution. */
  thread: number;
  /** The step's statements. */
  steps: number;
  /** The explorer steps it stands for: more than one when it ran on to a yield (no preemption left). */
  spanned: number;
  /** The step's access list: pool[accAt … accAt+accLen) (pool changes when it grows: accPool). */
  accAt: number;
  accLen: number;
  accPool: Int32Array;
  /** The step before this point yielded its M: switching away from it is not a preemption. */
  free: boolean;
  /** The step taken from here yielded. */
  yielded: boolean;
  entry: number;
  /** Footprint of this point's subtree (only where a state entry was made). */
  footprint: Footprint | null;
  /** Where this point's steps are recorded: its own footprint or the nearest one below. */
  host: Footprint | null;
  /** A hash of the path to this point (the round's bound, then each step's M): two lanes. */
  ha: number;
  hb: number;
  /** Threads this searcher claimed here (ClaimTable) and has yet to explore. */
  claimed: number;
}

/**
 * The state before the step at `depth` of the current stack: restoring it and replaying from
 * there is the same as replaying from the root, as long as the steps above it are unchanged.
 */
interface Checkpoint {
  depth: number;
  target: TargetCheckpoint;
  races: RaceState;
}

/** Replays leave a checkpoint at every multiple of this depth they pass. */
const CHECKPOINT_STRIDE = 1024;

const NO_SLEEP: (AccessList | null)[] = [];
/** A preemption bound this large does not restrict the search. */
export const UNBOUNDED = 1000;
const EMPTY = new Int32Array(0);

/** A step's access list as its own array. */
function accessesOf(p: Point): AccessList {
  return p.accPool.slice(p.accAt, p.accAt + p.accLen);
}

/**
 * A point with every field, always made here: all points share one hidden class (copies made
 * by object spread got another, and the search's hot functions kept meeting both).
 */
function blankPoint(): Point {
  return {
    enabled: 0, last: -1, preempts: 0, backtrack: 0, done: 0, sleep: 0, sleepLists: NO_SLEEP, thread: -1, steps: 0, spanned: 1,
    accAt: 0, accLen: 0, accPool: EMPTY, free: true, yielded: false, entry: -1, footprint: null, host: null, ha: 0, hb: 0, claimed: 0,
  };
}

/** A copy of p with nothing of its search state (footprint, claims): into `to` when given. */
function clonePoint(p: Point, to: Point = blankPoint()): Point {
  return Object.assign(to, p, { sleepLists: p.sleepLists.slice(), footprint: null, host: null, entry: -1, claimed: 0 });
}
const bit = (t: number): number => 1 << t;
const lowest = (mask: number): number => 31 - Math.clz32(mask & -mask);
const pathHashA = (h: number, t: number): number => Math.imul(h ^ (t + 0x3c6ef372), 0x01000193) ^ (h >>> 13);
const pathHashB = (h: number, t: number): number => Math.imul(h + (t ^ 0x7f4a7c15), 0x5bd1e995) ^ (h >>> 15);

/** Key for "distinct outcomes": how the run ended and what it printed. */
export function outcomeKey(r: RunResult): string {
  return `${r.outcome}|${r.message}|${r.output}`;
}

/** A set of depths of the main line, listed in the order they were added; cleared in O(size). */
class MainLineMarks {
  private readonly marked: Uint8Array;
  readonly list: number[] = [];
  constructor(points: number) {
    this.marked = new Uint8Array(points);
  }
  mark(i: number): void {
    if (i >= this.marked.length || this.marked[i] !== 0) return;
    this.marked[i] = 1;
    this.list.push(i);
  }
  clear(): void {
    for (const i of this.list) this.marked[i] = 0;
    this.list.length = 0;
  }
}

export class BoundedSearch {
  private stack: Point[] = [];
  private readonly table: StateTable | null;
  private readonly races: RaceAnalysis;
  /** Points popped off the stack, for reuse. */
  private readonly spare: Point[] = [];
  private pool = new Int32Array(1 << 20);
  /** Checkpoints on the current stack, shallowest first (see replayPrefix). */
  private checkpoints: Checkpoint[] = [];
  /** The work-list search: main-line depths whose points the current task changed. */
  private touched: MainLineMarks | null = null;
  /**
   * The work list while one of its tasks is searched: the branches below the task's main-line
   * point are claimed in its table and may be donated to idle searchers.
   */
  private taskQueue: BranchQueue | null = null;
  private report: BoundedReport;
  private lastExecution: Execution | null = null;
  /**
   * Sleep sets are used only without a preemption bound: under a bound the execution that
   * would cover a sleeping step can need more preemptions than the bound allows (the
   * soundness tests show outcomes lost that way), so bounded rounds rely on state hashing.
   */
  private readonly sleepOn: boolean;
  /** DPOR backtrack sets: asked for, and not with sleep sets (see BoundedOptions.dpor). */
  private readonly dpor: boolean;

  constructor(
    private readonly target: ExploreTarget,
    private readonly o: BoundedOptions,
  ) {
    this.table = o.hashing ? new StateTable() : null;
    this.races = new RaceAnalysis(Math.max(2, target.vm.ms.length));
    this.sleepOn = o.por && o.bound >= UNBOUNDED;
    this.dpor = o.dpor === true && !this.sleepOn;
    this.report = { executions: 0, complete: false, outcomes: new Map(), prunedByHash: 0, sleepBlocked: 0, overBound: 0, firstPoints: 0, donations: 0 };
  }

  run(): BoundedReport {
    this.target.reset();
    this.races.reset();
    const stopped = this.extend(-1);
    this.report.firstPoints = this.stack.filter((p) => (p.enabled & (p.enabled - 1)) !== 0).length;
    if (stopped) return this.report;
    if (!this.dpor && !this.o.queue) {
      // the plain search (and sleep sets without a bound): depth-first over the whole tree
      this.report.complete = this.dfs(0);
      return this.report;
    }
    this.report.complete = this.fromMainLine(this.o.queue ?? new LocalQueue());
    return this.report;
  }

  /**
   * The search as a work list over the main line (the first execution): every branch off it
   * that DPOR asks for (without DPOR: every alternative) is a task — re-create the main line up
   * to the branch point from a saved copy (its execution is deterministic), take the branch,
   * search the subtree below it; the branches its races ask for further up the main line become
   * tasks in turn. Shallowest first. With a shared queue, worker threads take the tasks.
   */
  private fromMainLine(queue: BranchQueue): boolean {
    const main = this.frozenMainLine();
    // the main line's execution is reported once, by one searcher of the round
    if (!queue.claimMainLine()) this.uncount(this.lastExecution);
    if (this.report.failure && this.o.stopOnFailure) return false;
    queue.begin(main.length);
    const ask = (i: number, mask: number): void => {
      const p = main[i];
      for (let s = mask & p.enabled & ~bit(p.thread) & ~p.done; s !== 0; s &= s - 1) {
        const q = lowest(s);
        p.done |= bit(q);
        if (p.preempts + this.cost(p, q) > this.o.bound) this.report.overBound++;
        else queue.want(i, q);
      }
    };
    main.forEach((p, i) => ask(i, this.dpor ? p.backtrack : p.enabled));
    let complete = true;
    // the stack is the whole main line now (its own points: the first task copies them all)
    let lastTask = main.length;
    let copied = -1;
    this.touched = new MainLineMarks(main.length);
    for (;;) {
      const task = queue.take(this.o.shouldStop);
      if (!task || this.o.shouldStop()) {
        complete = !this.o.shouldStop();
        break;
      }
      const { j, q } = task;
      // the stack is the main line up to the last branch point; deeper checkpoints were on the branch
      this.dropCheckpointsBelow(Math.min(j, lastTask));
      this.mainLineTo(main, j, Math.min(j, lastTask, copied + 1));
      lastTask = j;
      copied = j;
      this.taskQueue = queue;
      const stopped = (task.donated ? this.followDonated(j, q, task.donated) : this.branch(j, q)) || !this.dfs(j + 1);
      this.taskQueue = null;
      // races found in that subtree ask for branches further up the main line
      if (this.dpor) {
        this.touched.mark(j);
        for (const i of this.touched.list) if (i <= j && i < this.stack.length) ask(i, this.stack[i].backtrack);
      }
      queue.finished();
      if (stopped) {
        complete = false;
        break;
      }
    }
    this.report.branches = queue.counts();
    this.report.donations = queue.donations;
    return complete && !(this.report.failure && this.o.stopOnFailure);
  }

  /**
   * Makes the stack the main line's first j + 1 points (copies: the search changes them),
   * reusing the point objects already there. Points from `from` on are copied again; above it
   * the stack already holds main-line copies, and only those the last task's search touched
   * (asked a branch of: `touched`) are copied again.
   */
  private mainLineTo(main: Point[], j: number, from: number): void {
    while (this.stack.length > j + 1) this.pop();
    const touched = this.touched;
    if (touched) {
      for (const i of touched.list) if (i < from) this.copyMainLinePoint(main, i);
      touched.clear();
    }
    for (let i = Math.max(0, from); i <= j; i++) this.copyMainLinePoint(main, i);
  }

  /** Stack point i becomes a fresh copy of main-line point i (the object there is reused). */
  private copyMainLinePoint(main: Point[], i: number): void {
    const to = this.stack[i];
    this.stack[i] = to && to !== main[i] ? clonePoint(main[i], to) : clonePoint(main[i]);
  }

  /**
   * A copy of the current stack (the main line) whose access lists live in their own array:
   * later executions reuse the working pool, and the main line is needed again afterwards.
   */
  private frozenMainLine(): Point[] {
    let total = 0;
    for (const p of this.stack) total += p.accLen;
    const frozen = new Int32Array(total);
    let at = 0;
    return this.stack.map((p) => {
      const c = clonePoint(p);
      frozen.set(p.accPool.subarray(p.accAt, p.accAt + p.accLen), at);
      c.accPool = frozen;
      c.accAt = at;
      at += p.accLen;
      return c;
    });
  }

  /** Depth-first over the pending branches at depth ≥ floor; true when none is left. */
  private dfs(floor: number): boolean {
    for (;;) {
      if (this.taskQueue?.wantsDonation()) this.donate(this.taskQueue, floor);
      const next = this.nextBranch(floor);
      if (!next) return true;
      if (this.o.shouldStop()) return false;
      if (this.branch(next.depth, next.thread)) return false;
    }
  }

  // ---- choosing the next branch ----
  private nextBranch(floor: number): { depth: number; thread: number } | null {
    for (let j = this.stack.length - 1; j >= floor; j--) {
      const p = this.stack[j];
      let cand = this.pending(p);
      while (cand !== 0) {
        const q = lowest(cand);
        cand &= ~bit(q);
        if (p.preempts + this.cost(p, q) > this.o.bound) {
          p.done |= bit(q);
          this.report.overBound++;
          continue;
        }
        if (!this.claim(p, j, q)) {
          p.done |= bit(q); // another searcher (sharing this path since a donation) takes it
          continue;
        }
        return { depth: j, thread: q };
      }
    }
    return null;
  }

  /** The Ms still to take at p: asked for (every enabled one without DPOR), not done, not asleep. */
  private pending(p: Point): number {
    return (this.dpor ? p.backtrack : p.enabled) & p.enabled & ~p.done & ~(this.sleepOn ? p.sleep : 0);
  }

  /** Claims branch (p at depth, q) for this searcher (inside a task; alone, always granted). */
  private claim(p: Point, depth: number, q: number): boolean {
    if (!this.taskQueue || (p.claimed & bit(q)) !== 0) return true;
    const granted = this.taskQueue.claim(pathHashA(p.ha ^ Math.imul(depth, 0x27d4eb2f), q), pathHashB(p.hb + depth, q));
    if (granted) p.claimed |= bit(q);
    return granted;
  }

  /**
   * An idle searcher is waiting: hand it the shallowest pending branch below the task's point
   * (the largest subtree), as the deviations from the default policy that lead to it. Not while
   * a state entry is on the stack: its footprint must see its whole subtree.
   */
  private donate(queue: BranchQueue, floor: number): void {
    for (const x of this.stack) if (x.footprint) return;
    // the deviations from the default policy on the way down (a deeper branch's path holds them all)
    const path: number[] = [];
    for (let d = floor; d < this.stack.length; d++) {
      const p = this.stack[d];
      for (let cand = this.pending(p); cand !== 0; cand &= cand - 1) {
        const t = lowest(cand);
        if (p.preempts + this.cost(p, t) > this.o.bound) continue; // nextBranch counts it
        if (path.length >= 2 * MAX_DONATED_PAIRS) return;
        if (!this.claim(p, d, t)) {
          p.done |= bit(t);
          continue;
        }
        // claimed: if the mailbox is taken meanwhile, it stays ours to explore
        if (queue.donate(floor - 1, this.stack[floor - 1].thread, { path: [...path, d, t], taken: p.thread })) p.done |= bit(t);
        return;
      }
      if (p.thread !== this.choose(p)) path.push(d, p.thread);
    }
  }

  /**
   * A donated branch: the main line to point j, M q there, then the default policy except at the
   * path's deviations, up to the branch's point, where the donor's own thread counts as explored
   * and the branch's M is taken. At every point on the way the default M counts as explored too
   * (the donor's first execution through the point took it). The steps on the way were analysed
   * by the donor, which asked for the branches their races call for: no asking again here.
   */
  private followDonated(j: number, q: number, branch: DonatedBranch): boolean {
    while (this.stack.length > j + 1) this.pop();
    const top = this.stack[j];
    this.stack.pop();
    this.replayPrefix(j);
    this.stack.push(top);
    const path = branch.path;
    const last = path.length - 2;
    let k = 0;
    let forced = q;
    for (;;) {
      const depth = this.stack.length - 1;
      const p = this.stack[depth];
      this.takeStep(p, depth, forced, false);
      // a path longer than its execution would be a bug; the execution is still a real one
      if (this.target.halted) return this.finishExecution();
      const enabled = fair(this.target.enabled(), p.thread, p.yielded);
      if (enabled === 0) {
        this.target.settle();
        return this.finishExecution();
      }
      const next = this.newPoint(enabled, p);
      this.stack.push(next);
      // every point below j was made by the donor's execution, which took the default M first
      next.done |= bit(this.choose(next));
      if (depth + 1 === path[last]) {
        next.done |= bit(branch.taken);
        next.backtrack |= bit(branch.taken);
        next.claimed |= bit(path[last + 1]);
        return this.extend(path[last + 1]);
      }
      if (k < last && path[k] === depth + 1) {
        forced = path[k + 1];
        k += 2;
      } else forced = this.choose(next);
    }
  }

  private cost(p: Point, q: number): number {
    return !p.free && p.last >= 0 && (p.enabled & bit(p.last)) !== 0 && q !== p.last ? 1 : 0;
  }

  /** Rewinds to depth j and takes thread q there. Returns true when the search must stop. */
  private branch(j: number, q: number): boolean {
    while (this.stack.length > j + 1) this.pop();
    const p = this.stack[j];
    // the step taken before from here goes to sleep for the new branch
    if (this.sleepOn) {
      p.sleep |= bit(p.thread);
      if (p.sleepLists === NO_SLEEP) p.sleepLists = [];
      p.sleepLists[p.thread] = accessesOf(p);
    }
    this.stack.pop();
    this.replayPrefix(j);
    this.stack.push(p);
    return this.extend(q);
  }

  /**
   * The state before step j of the stack: from the nearest checkpoint at or above it (or from
   * the root), the steps in between again, runs of one M in one go. The replay leaves a
   * checkpoint at every multiple of the stride it passes, so a later branch — the next one up
   * the stack (depth-first search goes up) or one in the subtree below this one — replays at
   * most one stride.
   */
  private replayPrefix(j: number): void {
    this.dropCheckpointsBelow(j);
    let from = this.checkpoints.length > 0 ? this.checkpoints[this.checkpoints.length - 1] : null;
    if (from && from.races.nt !== this.races.threads) {
      // a new M widened the clocks since: those checkpoints cannot be restored
      this.checkpoints = [];
      from = null;
    }
    let i = 0;
    if (from) {
      this.target.restoreCheckpoint(from.target);
      this.races.restore(from.races);
      i = from.depth;
    } else {
      this.target.reset();
      this.races.reset();
    }
    if (this.o.checkpoints !== false) {
      for (let next = (Math.floor(i / CHECKPOINT_STRIDE) + 1) * CHECKPOINT_STRIDE; next <= j; next += CHECKPOINT_STRIDE) {
        this.replaySteps(i, next);
        i = next;
        from = { depth: next, target: this.target.checkpoint(from?.target), races: this.races.capture() };
        this.checkpoints.push(from);
      }
    }
    this.replaySteps(i, j);
  }

  /** Checkpoints deeper than step j stand on steps that are about to change: dropped. */
  private dropCheckpointsBelow(j: number): void {
    while (this.checkpoints.length > 0 && this.checkpoints[this.checkpoints.length - 1].depth > j) this.checkpoints.pop();
  }

  /** Steps i … j−1 of the stack again (runs of one M in one go), with their race analysis. */
  private replaySteps(i: number, j: number): void {
    while (i < j) {
      const t = this.stack[i].thread;
      let n = 0;
      let k = i;
      while (k < j && this.stack[k].thread === t) n += this.stack[k++].steps;
      this.target.replay(t, n);
      for (; i < k; i++) this.analyze(i, false);
    }
  }

  private pop(): void {
    const p = this.stack.pop() as Point;
    if (this.spare.length < 1 << 16) this.spare.push(p);
    if (!this.table || !p.footprint) return;
    if (p.entry >= 0) this.table.finish(p.entry, p.footprint);
    this.stack[this.stack.length - 1]?.host?.merge(p.footprint);
  }

  // ---- running an execution ----
  /**
   * Runs from the current top of the stack to the end of an execution. `forced` is the thread
   * to take at the current top point (a branch), or -1 to start a new point.
   */
  private extend(forced: number): boolean {
    const t = this.target;
    // limits and cancel: every 64 steps, sooner after long ones (a run-on step can be long)
    let countdown = 0;
    for (;;) {
      if (--countdown <= 0) {
        countdown = 64;
        if (this.o.shouldStop()) return true;
      }
      let p: Point;
      if (forced >= 0) {
        p = this.stack[this.stack.length - 1];
      } else {
        if (t.halted) return this.finishExecution();
        const prev = this.stack[this.stack.length - 1];
        const enabled = fair(t.enabled(), prev ? prev.thread : -1, prev ? prev.yielded : false);
        if (enabled === 0) {
          t.settle();
          return this.finishExecution();
        }
        p = this.newPoint(enabled, prev);
        // states are looked up where paths meet again: at choice points after a yield
        if (this.table && p.free && (enabled & (enabled - 1)) !== 0 && this.visited(p)) {
          p.done = p.enabled;
          this.stack.push(p);
          this.report.prunedByHash++;
          return false;
        }
        this.stack.push(p);
      }
      const q = forced >= 0 ? forced : this.choose(p);
      forced = -1;
      if (q < 0) {
        this.report.sleepBlocked++;
        return false;
      }
      if (p.preempts + this.cost(p, q) > this.o.bound) {
        this.report.overBound++;
        return false;
      }
      this.takeStep(p, this.stack.length - 1, q, this.dpor);
      countdown -= p.steps >> 10;
    }
  }

  /**
   * M q takes its step at p (depth j): recorded in p, its accesses kept (and added to the
   * subtree's footprint), its races analysed (asking for branches when `race`).
   */
  private takeStep(p: Point, j: number, q: number, race: boolean): void {
    p.done |= bit(q);
    p.backtrack |= bit(q);
    p.thread = q;
    // with no preemption left, the points before q's next yield offer no choice within the bound
    p.steps = this.target.step(q, this.o.runOn !== false && p.preempts + this.cost(p, q) >= this.o.bound);
    p.spanned = this.target.spanned;
    // the points it ran through offered other Ms, beyond the bound
    if (p.spanned > 1) this.report.overBound++;
    this.keepAccesses(p, j);
    p.yielded = this.target.yielded;
    p.host?.addRange(p.accPool, p.accAt, p.accLen, q);
    this.analyze(j, race);
  }

  /** Copies the tracker's access list of the step at depth j into the pool. */
  private keepAccesses(p: Point, j: number): void {
    const prev = j > 0 ? this.stack[j - 1] : null;
    let start = prev && prev.accPool === this.pool ? prev.accAt + prev.accLen : 0;
    const tr = this.target.tracker;
    const len = tr.length;
    if (start + len > this.pool.length) {
      // a new pool; the points of earlier steps keep the old one
      this.pool = new Int32Array(Math.max(this.pool.length * 2, len + 1024));
      start = 0;
    }
    const buf = tr.buffer;
    const pool = this.pool;
    for (let i = 0; i < len; i++) pool[start + i] = buf[i];
    p.accPool = pool;
    p.accAt = start;
    p.accLen = len;
  }

  private newPoint(enabled: number, prev: Point | undefined): Point {
    const last = prev ? prev.thread : -1;
    const preempts = prev ? prev.preempts + this.cost(prev, prev.thread) : 0;
    let sleep = 0;
    let sleepLists: (AccessList | null)[] = NO_SLEEP;
    if (prev && this.sleepOn) {
      for (let s = prev.sleep; s !== 0; s &= s - 1) {
        const q = lowest(s);
        const l = prev.sleepLists[q];
        if (l && q !== prev.thread && !conflicts(l, accessesOf(prev))) {
          if (sleepLists === NO_SLEEP) sleepLists = [];
          sleep |= bit(q);
          sleepLists[q] = l;
        }
      }
    }
    // a popped point, reused (one object per explorer step is most of the search's garbage)
    const p = this.spare.pop() ?? blankPoint();
    p.enabled = enabled;
    p.last = last;
    p.preempts = preempts;
    p.backtrack = 0;
    p.done = 0;
    p.sleep = sleep;
    p.sleepLists = sleepLists;
    p.thread = -1;
    p.steps = 0;
    p.spanned = 1;
    p.free = prev ? prev.yielded : true;
    p.yielded = false;
    p.accAt = 0;
    p.accLen = 0;
    p.accPool = EMPTY;
    p.entry = -1;
    p.footprint = null;
    p.host = prev ? prev.host : null;
    p.ha = prev ? pathHashA(prev.ha, prev.thread) : this.o.bound;
    p.hb = prev ? pathHashB(prev.hb, prev.thread) : ~this.o.bound;
    p.claimed = 0;
    return p;
  }

  /**
   * The running M continues unless it yielded; after a yield the next runnable M in id order
   * runs (round robin); never an M asleep.
   */
  private choose(p: Point): number {
    const awake = p.enabled & ~(this.sleepOn ? p.sleep : 0);
    if (awake === 0) return -1;
    if (p.last >= 0 && (awake & bit(p.last)) !== 0 && !p.free) return p.last;
    const after = p.last >= 0 ? awake & ~((bit(p.last) << 1) - 1) : awake;
    return lowest(after !== 0 ? after : awake);
  }

  /** State caching: true when this point's state was fully explored with at least this budget. */
  private visited(p: Point): boolean {
    const table = this.table as StateTable;
    const [a, b] = this.target.fingerprint();
    const budget = this.o.bound - p.preempts;
    const e = table.get(a, b, p.last);
    if (e && e.done && e.budget >= budget && (e.sleep & ~p.sleep) === 0) {
      this.footprintRaces(e.footprint);
      p.host?.merge(e.footprint);
      return true;
    }
    if (!e || e.done) {
      p.entry = table.put(a, b, p.last, budget, p.sleep);
      p.footprint = new Footprint();
      p.host = p.footprint;
    }
    return false;
  }

  /** The pruned subtree's threads and accesses may race with steps on the stack: branch there. */
  private footprintRaces(f: Footprint): void {
    if (!this.dpor) return;
    for (let i = 0; i < this.stack.length; i++) {
      const e = this.stack[i];
      if (e.thread < 0) continue;
      const others = f.threads & ~bit(e.thread);
      if (others !== 0 && f.mayConflict(accessesOf(e))) {
        for (let s = others; s !== 0; s &= s - 1) this.addBacktrack(i, lowest(s));
      }
    }
  }

  private finishExecution(): boolean {
    const r = this.target.result();
    const top = this.stack[this.stack.length - 1];
    const preemptions = top ? top.preempts + (top.thread >= 0 ? this.cost(top, top.thread) : 0) : 0;
    // the choices are kept only for an execution that may be reported (one array per step)
    const choices = this.isTarget(r) ? this.choices() : [];
    const e: Execution = { result: r, schedule: r.schedule, preemptions, choices };
    this.lastExecution = e;
    this.count(e);
    if (this.dpor && top) this.pendingSteps(top);
    return this.isTarget(r) && this.o.stopOnFailure;
  }

  /** The M of every explorer step of the current execution (a step that ran on stands for several). */
  private choices(): number[] {
    const out: number[] = [];
    for (const x of this.stack) for (let k = 0; x.thread >= 0 && k < x.spanned; k++) out.push(x.thread);
    return out;
  }

  /**
   * Ms still runnable at the end have a pending step nobody has seen, so no race with it was
   * found: let each run at the last point (its real accesses then show the races further back).
   */
  private pendingSteps(top: Point): void {
    for (let s = top.enabled & ~bit(top.thread); s !== 0; s &= s - 1) this.addBacktrack(this.stack.length - 1, lowest(s));
  }

  private isTarget(r: RunResult): boolean {
    return this.o.isTarget ? this.o.isTarget(r) : isFailure(r);
  }

  private count(e: Execution): void {
    this.report.executions++;
    const key = outcomeKey(e.result);
    this.report.outcomes.set(key, (this.report.outcomes.get(key) ?? 0) + 1);
    this.o.onExecution?.(e);
    if (this.isTarget(e.result) && !this.report.failure) this.report.failure = e;
  }

  private uncount(e: Execution | null): void {
    if (!e) return;
    this.report.executions--;
    const key = outcomeKey(e.result);
    const n = (this.report.outcomes.get(key) ?? 1) - 1;
    if (n > 0) this.report.outcomes.set(key, n);
    else this.report.outcomes.delete(key);
    if (this.report.failure === e) this.report.failure = undefined;
  }

  // ---- DPOR: races over the access lists (races.ts) ----
  /** Processes step j: finds its races (adding backtrack points when `race`), updates clocks. */
  private analyze(j: number, race: boolean): void {
    const e = this.stack[j];
    this.races.step(j, e.thread, e.accPool, e.accAt, e.accAt + e.accLen, race ? this.onRace : null);
  }

  private readonly onRace = (i: number, p: number): void => this.addBacktrack(i, p);

  private addBacktrack(i: number, p: number): void {
    const at = (k: number): void => {
      const pt = this.stack[k];
      pt.backtrack |= (pt.enabled & bit(p)) !== 0 ? bit(p) : pt.enabled;
      this.touched?.mark(k);
    };
    at(i);
    // fairness, with two preemptions or more: also right after step i, so that the steps of i's M
    // between there and the race can be the other M's step fairness wants after p yields
    if (this.o.bound >= 2 && i + 1 < this.stack.length && this.stack[i + 1].thread !== p) at(i + 1);
    // bounded POR: also where the thread of step i was switched to (a cheaper place to branch)
    const ti = this.stack[i].thread;
    let c = i;
    while (c > 0 && this.stack[c - 1].thread === ti) c--;
    if (c === i) return;
    at(c);
    // fairness: when the block began because p yielded, p cannot run at its first point (fair());
    // the cheapest place p can take is the next one, after one step of the block's M
    if ((this.stack[c].enabled & bit(p)) === 0 && c > 0 && this.stack[c - 1].thread === p && (this.stack[c + 1].enabled & bit(p)) !== 0) at(c + 1);
  }
}
