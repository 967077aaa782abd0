// Snapshots of the whole machine — memory pages, Ms, Gs and Ps with their frames, run queue,
// semaphores, strategy and replay position — restorable in place. Step back and the explorer
// rely on restore + re-run giving exactly the same execution. A snapshot shares the memory pages
// unchanged since its base and the frozen chunks of the run log with the machine it came from.
import type { Halt, Machine } from './machine';
import { restoreMemory, snapshotMemory, type MemorySnapshot } from './memory';
import type { ChunkedLog } from './chunked-log';
import type { ReplayState } from './run-log';
import type { Strategy } from './strategies';
import { Frame, Gor, Mach, Proc, type BlockReason, type MState } from './threads';

interface FrameState { fn: number; pc: number; fp: number; t: (number | bigint)[] | null }
interface GState { id: number; addr: number; lo: number; hi: number; isG0: boolean; frames: FrameState[]; m: number; since: number }
interface MStateRec { id: number; addr: number; g0: number; curg: number; exec: number; p: number; state: MState; block: BlockReason | null; lastP: number; lockWait: number; stwPending: boolean; rv: number | bigint; ran: number }

export class MachineState {
  private constructor(
    private readonly memory: MemorySnapshot,
    private readonly gs: GState[],
    private readonly ms: MStateRec[],
    private readonly ps: { id: number; addr: number; m: number }[],
    private readonly scalars: Record<string, number | boolean | string>,
    private readonly runq: number[],
    private readonly sema: [number, number[]][],
    private readonly freeStacks: number[],
    private readonly strategy: unknown,
    private readonly switches: ChunkedLog,
    private readonly ends: ChunkedLog,
    private readonly replay: ReplayState,
    /** A snapshot of an ended machine stays ended (the M and G of the halt by id). */
    private readonly halt: (Omit<Halt, 'm' | 'g' | 'frame'> & { m: number; g: number }) | null,
  ) {}

  /** Bytes of memory pages this snapshot copied (the rest it shares with its base). */
  get ownBytes(): number {
    return this.memory.ownBytes;
  }

  /** Visits the memory pages the snapshot holds (shared ones are the same arrays). */
  forEachPage(visit: (page: Uint8Array) => void): void {
    for (const page of this.memory.pages) if (page) visit(page);
  }

  /** Captures the machine; pages unchanged since `base` (an earlier snapshot) are shared with it. */
  static capture(vm: Machine, strategy: Strategy, base?: MachineState): MachineState {
    const idOf = (x: { id: number } | null) => (x ? x.id : -1);
    return new MachineState(
      snapshotMemory(vm.mem, base?.memory),
      vm.gs.map((g) => ({ id: g.id, addr: g.addr, lo: g.stackLo, hi: g.stackHi, isG0: g.isG0, frames: g.frames.map((f) => ({ fn: f.fn, pc: f.pc, fp: f.fp, t: f.t ? f.t.slice() : null })), m: idOf(g.m), since: g.since })),
      vm.ms.map((m) => ({ id: m.id, addr: m.addr, g0: m.g0.id, curg: idOf(m.curg), exec: m.exec.id, p: idOf(m.p), state: m.state, block: m.block, lastP: idOf(m.lastP), lockWait: m.lockWait, stwPending: m.stwPending, rv: m.rv, ran: m.ran })),
      vm.ps.map((p) => ({ id: p.id, addr: p.addr, m: idOf(p.m) })),
      { cur: vm.cur.id, mainG: vm.mainG.id, nextGoid: vm.nextGoid, sysAllocTop: vm.sysAllocTop, steps: vm.steps, spinCount: vm.spinCount, output: vm.output, structTop: vm.arena.structTop, stackTop: vm.arena.stackTop },
      vm.runq.map((g) => g.id),
      [...vm.semaWaiters].map(([a, l]) => [a, l.map((g) => g.id)]),
      vm.arena.freeStacks.slice(),
      strategy.save(),
      vm.log.switches.copy(),
      vm.log.ends.copy(),
      vm.log.state,
      vm.halted ? { outcome: vm.halted.outcome, message: vm.halted.message, at: vm.halted.at, printed: vm.halted.printed, m: vm.halted.m?.id ?? -1, g: vm.halted.g?.id ?? -1 } : null,
    );
  }

  apply(vm: Machine, strategy: Strategy): void {
    restoreMemory(vm.mem, this.memory);
    const gs = this.gs.map((s) => {
      const g = new Gor(s.id, s.addr, s.lo, s.hi, s.isG0);
      g.since = s.since;
      g.frames = packed(s.frames, (f) => {
        const fr = new Frame(f.fn, f.fp, 0);
        fr.pc = f.pc;
        fr.t = f.t ? f.t.slice() : null;
        return fr;
      });
      return g;
    });
    const ps = this.ps.map((s) => new Proc(s.id, s.addr));
    const ms = this.ms.map((s) => {
      const m = new Mach(s.id, s.addr, gs[s.g0]);
      m.curg = s.curg >= 0 ? gs[s.curg] : null;
      m.exec = gs[s.exec];
      m.p = s.p >= 0 ? ps[s.p] : null;
      m.state = s.state;
      m.block = s.block;
      m.lastP = s.lastP >= 0 ? ps[s.lastP] : null;
      m.lockWait = s.lockWait;
      m.stwPending = s.stwPending;
      m.rv = s.rv;
      m.ran = s.ran;
      return m;
    });
    this.gs.forEach((s, i) => (gs[i].m = s.m >= 0 ? ms[s.m] : null));
    this.ps.forEach((s, i) => (ps[i].m = s.m >= 0 ? ms[s.m] : null));
    vm.gs.splice(0, vm.gs.length, ...gs);
    vm.ms.splice(0, vm.ms.length, ...ms);
    vm.ps.splice(0, vm.ps.length, ...ps);
    vm.gByAddr.clear();
    for (const g of gs) vm.gByAddr.set(g.addr, g);
    vm.runq = packed(this.runq, (i) => gs[i]);
    vm.semaWaiters = new Map(this.sema.map(([a, l]) => [a, l.map((i) => gs[i])]));
    const s = this.scalars;
    vm.mainG = gs[s.mainG as number];
    vm.nextGoid = s.nextGoid as number;
    vm.sysAllocTop = s.sysAllocTop as number;
    vm.steps = s.steps as number;
    vm.spinCount = s.spinCount as number;
    vm.output = s.output as string;
    vm.arena.structTop = s.structTop as number;
    vm.arena.stackTop = s.stackTop as number;
    vm.arena.freeStacks = this.freeStacks.slice();
    vm.log.restore(this.switches, this.ends, this.replay);
    const h = this.halt;
    const hg = h && h.g >= 0 ? gs[h.g] : undefined;
    vm.halted = h ? { outcome: h.outcome, message: h.message, at: h.at, printed: h.printed, m: h.m >= 0 ? ms[h.m] : undefined, g: hg, frame: hg?.frames[hg.frames.length - 1] } : null;
    vm.paused = null;
    strategy.load(this.strategy);
    vm.setRegisters(ms[s.cur as number]);
  }
}

/**
 * `list.map(f)` as an array built by push: map makes a holey array, the machine's own frame
 * stacks and run queue are packed, and code the JIT optimized for one kind is thrown away when
 * it meets the other after a restore.
 */
function packed<T, U>(list: readonly T[], f: (x: T) => U): U[] {
  const out: U[] = [];
  for (const x of list) out.push(f(x));
  return out;
}
