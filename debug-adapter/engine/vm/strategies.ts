// Scheduling strategies: which runnable M runs next and for how many steps. All are
// deterministic functions of their seed, so a run is reproducible from (strategy, seed) alone,
// and every run also records its schedule so it replays without the strategy.
import type { StrategyName } from '../api';
import type { Machine } from './machine';
import type { Mach } from './threads';

export interface Strategy {
  pick(runnable: Mach[], vm: Machine): { m: Mach; n: number };
  /** Told after each run: how many steps it took and whether it ended by yielding. */
  after(m: Mach, steps: number, yielded: boolean, vm: Machine): void;
  save(): unknown;
  load(state: unknown): void;
}

/** mulberry32: a small, fast, seedable PRNG whose whole state is one 32-bit number. */
export class Rng {
  constructor(public state: number) {}
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Each runnable M in turn, a fixed quantum of steps each. */
class RoundRobin implements Strategy {
  private last = -1;
  constructor(private readonly quantum: number) {}
  pick(runnable: Mach[]): { m: Mach; n: number } {
    const m = runnable.find((x) => x.id > this.last) ?? runnable[0];
    this.last = m.id;
    return { m, n: this.quantum };
  }
  after(): void {}
  save(): unknown {
    return this.last;
  }
  load(s: unknown): void {
    this.last = s as number;
  }
}

/** A uniformly random runnable M for a random run length (1–2·mean steps). */
class RandomWalk implements Strategy {
  private readonly rng: Rng;
  constructor(seed: number, private readonly mean: number) {
    this.rng = new Rng(seed >>> 0);
  }
  pick(runnable: Mach[]): { m: Mach; n: number } {
    const m = runnable[this.rng.below(runnable.length)];
    return { m, n: 1 + this.rng.below(2 * this.mean) };
  }
  after(): void {}
  save(): unknown {
    return this.rng.state;
  }
  load(s: unknown): void {
    this.rng.state = s as number;
  }
}

/**
 * PCT (Burckhardt et al.): Ms get random distinct priorities; the highest-priority runnable M
 * runs; at depth−1 random change points the running M drops below everyone. An M that yields
 * (osyield, runtime·gosched, a failed lock) also drops, so a spinner cannot starve the thread
 * it waits for. Change points count contested steps only — those run while another M could
 * have run instead — so that a long stretch with one runnable M (a runtime's start-up) does
 * not use them all up before there is a choice to make.
 */
class Pct implements Strategy {
  private readonly rng: Rng;
  private prio = new Map<number, number>();
  private changePoints: number[];
  private low = 0;
  /** Steps run so far while more than one M was runnable. */
  private contested = 0;
  /** The last pick was among several runnable Ms. */
  private choice = false;
  constructor(seed: number, depth: number, horizon: number) {
    this.rng = new Rng(seed >>> 0);
    this.changePoints = Array.from({ length: Math.max(0, depth - 1) }, () => 1 + this.rng.below(horizon)).sort((a, b) => a - b);
  }
  private priority(m: Mach): number {
    let p = this.prio.get(m.id);
    if (p === undefined) {
      p = 1000 + this.rng.next() * 1000;
      this.prio.set(m.id, p);
    }
    return p;
  }
  pick(runnable: Mach[]): { m: Mach; n: number } {
    while (this.changePoints.length && this.changePoints[0] <= this.contested) {
      this.changePoints.shift();
      const top = runnable.reduce((a, b) => (this.priority(b) > this.priority(a) ? b : a));
      this.prio.set(top.id, --this.low);
    }
    const m = runnable.reduce((a, b) => (this.priority(b) > this.priority(a) ? b : a));
    this.choice = runnable.length > 1;
    const next = this.changePoints.length ? this.changePoints[0] - this.contested : 1000;
    return { m, n: Math.max(1, Math.min(next, 1000)) };
  }
  after(m: Mach, steps: number, yielded: boolean): void {
    if (this.choice) this.contested += steps;
    if (yielded || m.block) this.prio.set(m.id, --this.low);
  }
  save(): unknown {
    return { rng: this.rng.state, prio: [...this.prio], cp: this.changePoints.slice(), low: this.low, contested: this.contested, choice: this.choice };
  }
  load(s: unknown): void {
    const x = s as { rng: number; prio: [number, number][]; cp: number[]; low: number; contested: number; choice: boolean };
    this.rng.state = x.rng;
    this.prio = new Map(x.prio);
    this.changePoints = x.cp.slice();
    this.low = x.low;
    this.contested = x.contested;
    this.choice = x.choice;
  }
}

export const ROUND_ROBIN_QUANTUM = 20;

export function makeStrategy(name: StrategyName, seed: number, depth: number): Strategy {
  switch (name) {
    case 'roundrobin': return new RoundRobin(ROUND_ROBIN_QUANTUM);
    case 'random': return new RandomWalk(seed, 8);
    case 'pct': return new Pct(seed, depth, 100_000);
  }
}
