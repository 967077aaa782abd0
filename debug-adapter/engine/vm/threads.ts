// The VM's scheduler objects — Ms (OS threads), Gs (goroutines with a stack segment and a frame
// stack) and Ps — and the era's scheduling primitives on them: execute, schedule, gcstopm,
// wakep, preemption at prologues. Their state is mirrored into the runtime's M/G/P structs in
// simulated memory, where the user and the model see it.
import type { RuntimeOffsets } from './compile';
import { type Memory, PAGE_SHIFT, SimFault, STACK_GUARD, STACK_SIZE } from './memory';

export const StackPreempt = 0xfffffade;
export const enum GStatus { Idle = 0, Runnable = 1, Running = 2, Syscall = 3, Waiting = 4, Dead = 6 }
export const enum PStatus { Idle = 0, Running = 1, Syscall = 2, Gcstop = 3, Dead = 4 }

export class Frame {
  pc = 0;
  t: (number | bigint)[] | null;
  constructor(
    readonly fn: number,
    readonly fp: number,
    temps: number,
  ) {
    // generic elements from the start (null, then 0): temps hold small integers, doubles and
    // bigints, and an array that starts as small-integer-only changes its hidden class as they
    // arrive, in a different order in every frame; the compiled code would keep meeting new
    // classes ("wrong map") and be thrown away and recompiled
    this.t = temps > 0 ? new Array<number | bigint | null>(temps).fill(null).fill(0) as (number | bigint)[] : null;
  }
}

export class Gor {
  frames: Frame[] = [];
  m: Mach | null = null;
  /** Its M's step count (Mach.ran) when it was last scheduled or asked to stop by sysmon: its time slice so far is m.ran − since. */
  since = 0;
  constructor(
    readonly id: number,
    readonly addr: number,
    readonly stackLo: number,
    readonly stackHi: number,
    readonly isG0: boolean,
  ) {}
}

export type BlockReason =
  | { k: 'lock'; addr: number }
  | { k: 'note'; addr: number }
  | { k: 'stw' };

export type MState = 'running' | 'sched' | 'idle' | 'gcstop';

export class Mach {
  curg: Gor | null = null;
  exec: Gor;
  p: Proc | null = null;
  state: MState = 'sched';
  block: BlockReason | null = null;
  lastP: Proc | null = null;
  /** Set while a runtime·lock attempt is waiting (m->locks already counted). */
  lockWait = 0;
  stwPending = false;
  /**
   * The return-value register of this M. A run can end right after a callee's return
   * statement (its step was the last of the slice), before the caller reads the value: the
   * value must survive other Ms running in between.
   */
  rv: number | bigint = 0;
  /** Steps this M has run (at the end of its last run). */
  ran = 0;
  constructor(
    readonly id: number,
    readonly addr: number,
    readonly g0: Gor,
  ) {
    this.exec = g0;
  }
}

export class Proc {
  m: Mach | null = null;
  constructor(
    readonly id: number,
    readonly addr: number,
  ) {}
}

/** Reads and writes the runtime structs' fields. */
export class StructView {
  constructor(
    private readonly mem: Memory,
    readonly off: RuntimeOffsets,
  ) {}
  u32(addr: number): number {
    return this.mem.u32[addr >>> 2];
  }
  i32(addr: number): number {
    return this.mem.i32[addr >>> 2];
  }
  set32(addr: number, v: number): void {
    this.mem.u32[addr >>> 2] = v;
    this.mem.written[addr >>> PAGE_SHIFT] = 1;
  }
  u8(addr: number): number {
    return this.mem.u8[addr];
  }
  set8(addr: number, v: number): void {
    this.mem.u8[addr] = v;
    this.mem.written[addr >>> PAGE_SHIFT] = 1;
  }
  mLocks(m: Mach): number {
    return this.i32(m.addr + this.off.M.locks);
  }
  setGStatus(g: Gor, s: GStatus): void {
    this.set32(g.addr + this.off.G.status, s);
  }
  gStatus(g: Gor): number {
    return this.u32(g.addr + this.off.G.status);
  }
  setPStatus(p: Proc, s: PStatus): void {
    this.set32(p.addr + this.off.P.status, s);
  }
  pStatus(p: Proc): number {
    return this.u32(p.addr + this.off.P.status);
  }
  gcwaiting(): number {
    return this.u32(this.off.sched.addr + this.off.sched.gcwaiting);
  }
  setGcwaiting(v: number): void {
    this.set32(this.off.sched.addr + this.off.sched.gcwaiting, v);
  }
  stopwait(): number {
    return this.i32(this.off.sched.addr + this.off.sched.stopwait);
  }
  setStopwait(v: number): void {
    this.set32(this.off.sched.addr + this.off.sched.stopwait, v);
  }
  preemptRequest(g: Gor): void {
    this.set8(g.addr + this.off.G.preempt, 1);
    this.set32(g.addr + this.off.G.stackguard0, StackPreempt);
  }
}

/** Allocation of M/G/P structs and stacks in simulated memory. */
export class Arena {
  structTop: number;
  stackTop: number;
  freeStacks: number[] = [];
  constructor(
    private readonly mem: Memory,
    private readonly structEnd: number,
    private readonly stackEnd: number,
    structBase: number,
    stackBase: number,
  ) {
    this.structTop = structBase;
    this.stackTop = stackBase;
  }
  allocStruct(size: number): number {
    const a = Math.ceil(this.structTop / 8) * 8;
    if (a + size > this.structEnd) throw new SimFault('out of memory for runtime structures (too many Ms or Gs)');
    this.structTop = a + size;
    this.mem.map(a, size);
    this.mem.u8.fill(0, a, a + size);
    this.mem.markWritten(a, size);
    return a;
  }
  allocStack(): number {
    const reused = this.freeStacks.pop();
    if (reused !== undefined) {
      this.mem.map(reused, STACK_SIZE);
      return reused;
    }
    if (this.stackTop + STACK_SIZE > this.stackEnd) throw new SimFault('out of memory for goroutine stacks (too many goroutines)');
    const a = this.stackTop;
    this.stackTop += STACK_SIZE;
    this.mem.map(a, STACK_SIZE);
    return a;
  }
  freeStack(lo: number): void {
    this.mem.u8.fill(0, lo, lo + STACK_SIZE);
    this.mem.markWritten(lo, STACK_SIZE);
    this.mem.unmap(lo, STACK_SIZE);
    this.freeStacks.push(lo);
  }
}

export const STACK_LIMIT_SLACK = STACK_GUARD;
