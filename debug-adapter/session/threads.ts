// Debugger threads over the machine's Ms and goroutines (architecture.md, "Debug adapter"):
// one thread per M, named `M1 · g7 runtime·SetFinalizer` after what it runs, and one per
// goroutine that has a stack but no M, named `g5 bgsweep · runnable (preempted)`. Ids are stable
// for the session: M n is thread n+1, goroutine n (goid) is thread 100000+n.
import type { Machine } from '../engine';
import { GStatus } from '../engine/vm/threads';
import type { Gor, Mach } from '../engine/vm/threads';

const G_BASE = 100000;

export type ThreadTarget = { k: 'm'; m: Mach } | { k: 'g'; g: Gor };

const short = (name: string): string => (name.startsWith('runtime·') ? name.slice('runtime·'.length) : name);

export class Threads {
  /** Goroutines (by vm.gs index) preempted at a prologue and not run since. */
  preempted = new Set<number>();

  constructor(private readonly vm: Machine) {}

  mThreadId(m: Mach): number {
    return m.id + 1;
  }

  gThreadId(g: Gor): number {
    return G_BASE + this.vm.goid(g);
  }

  /** The thread that shows goroutine g right now: its M's thread if it has one. */
  threadOfG(g: Gor): number {
    return g.m ? this.mThreadId(g.m) : this.gThreadId(g);
  }

  resolve(id: number): ThreadTarget | undefined {
    if (id >= 1 && id < G_BASE) {
      const m = this.vm.ms[id - 1];
      return m ? { k: 'm', m } : undefined;
    }
    const goid = id - G_BASE;
    const g = this.vm.gs.find((x) => !x.isG0 && this.vm.goid(x) === goid && x.m === null && x.frames.length > 0);
    return g ? { k: 'g', g } : undefined;
  }

  /** The goroutine whose frames a thread shows. */
  goroutineOf(t: ThreadTarget): Gor {
    return t.k === 'g' ? t.g : t.m.exec;
  }

  private fnName(g: Gor, index: number): string {
    const fr = g.frames[index];
    return fr ? this.vm.code.funcs[fr.fn].name : '?';
  }

  mName(m: Mach): string {
    const base = `M${m.id}`;
    if (m.state === 'idle') return `${base} · idle`;
    if (m.state === 'gcstop') return `${base} · stopped for GC`;
    if (m.state === 'sched') return `${base} · starting`;
    const g = m.exec;
    const who = g.isG0 ? 'g0' : `g${this.vm.goid(g)}`;
    const top = g.frames.length ? this.fnName(g, g.frames.length - 1) : 'schedule';
    const blocked = m.block ? ` · blocked (${m.block.k === 'stw' ? 'stopping the world' : `${m.block.k} 0x${m.block.addr.toString(16)}`})` : '';
    return `${base} · ${who} ${top}${blocked}`;
  }

  gName(g: Gor): string {
    const entry = short(this.fnName(g, 0));
    const status = this.vm.view.gStatus(g);
    let what: string;
    if (status === GStatus.Runnable) what = this.preempted.has(g.id) ? 'runnable (preempted)' : 'runnable';
    else if (status === GStatus.Waiting) {
      const reasonAddr = this.vm.view.u32(g.addr + this.vm.code.offsets.G.waitreason);
      let reason = '';
      try {
        reason = reasonAddr ? this.vm.mem.cstring(reasonAddr, 64) : '';
      } catch {
        reason = '';
      }
      what = reason ? `waiting (${reason})` : 'waiting';
    } else what = ['idle', 'runnable', 'running', 'syscall', 'waiting', '?', 'dead'][status] ?? `status ${status}`;
    return `g${this.vm.goid(g)} ${entry} · ${what}`;
  }

  /** Every thread, Ms first, then goroutines that have frames but no M. */
  list(): { id: number; name: string }[] {
    const out = this.vm.ms.map((m) => ({ id: this.mThreadId(m), name: this.mName(m) }));
    for (const g of this.vm.gs) {
      if (g.isG0 || g.m !== null || g.frames.length === 0 || this.vm.view.gStatus(g) === GStatus.Dead) continue;
      out.push({ id: this.gThreadId(g), name: this.gName(g) });
    }
    return out;
  }
}
