// The builtins of simc-language.md §5 and RUNTIME-INTERFACE.md, implemented natively. Each is
// one step (the compiled call site makes it a step of its own). Blocking ones set
// `vm.yielded`: 1 = done, then give up the M's run (resume after the call); 2 = not done, retry
// the call when the M runs again.
import { BUILTIN_SIGNATURES } from '../lang/builtins';
import { ACCESS_ATOMIC, ACCESS_WRITE } from './instantiate';
import type { Machine } from './machine';
import { DATA_BASE, FUNC_BASE, FUNC_STRIDE, SimFault, hex } from './memory';
import { GStatus, PStatus, StackPreempt, type Gor } from './threads';

type Builtin = (...args: never[]) => unknown;

const builtinAddr = (name: string): number => FUNC_BASE - 4 - BUILTIN_SIGNATURES.findIndex((s) => s[0] === name) * FUNC_STRIDE;

/** The runtime's printf: %d %x %p %s %D %X (and %c, %u, %%). */
export function formatPrintf(vm: Machine, fmt: string, args: (number | bigint)[]): string {
  let out = '';
  let ai = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%' || i + 1 >= fmt.length) {
      out += c;
      continue;
    }
    const verb = fmt[++i];
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[ai++];
    switch (verb) {
      case 'd': case 'D': out += BigInt(a).toString(); break;
      case 'u': out += (typeof a === 'bigint' ? BigInt.asUintN(64, a) : a >>> 0).toString(); break;
      case 'x': case 'X': out += (typeof a === 'bigint' ? BigInt.asUintN(64, a) : BigInt(a >>> 0)).toString(16); break;
      case 'p': out += hex(Number(a)); break;
      case 's': out += Number(a) === 0 ? '<nil>' : vm.mem.cstring(Number(a)); break;
      case 'c': out += String.fromCharCode(Number(a) & 255); break;
      default: out += `%!${verb}`;
    }
  }
  return out;
}

export function makeBuiltins(vm: Machine): Builtin[] {
  const mem = vm.mem;
  const view = vm.view;
  const o = vm.code.offsets;
  const atomicAddr = (p: number, what: string): number => {
    if ((p & 3) !== 0) throw new SimFault(`misaligned atomic ${what} at ${hex(p)} (needs 4-byte alignment)`);
    mem.check(p, 4, what);
    return p >>> 2;
  };
  /** Every write a builtin makes passes here (snapshots skip unwritten pages; listeners see it). */
  const report = (addr: number, size: number, flags: number) => {
    if ((flags & ACCESS_WRITE) !== 0) mem.markWritten(addr, size);
    if (vm.listening) vm.access(addr, size, flags);
  };
  const curG = (): Gor => vm.cur.exec;
  const mLocks = () => view.i32(vm.cur.addr + o.M.locks);
  const setLocks = (v: number) => view.set32(vm.cur.addr + o.M.locks, v);
  const rearm = (g: Gor) => {
    if (view.u8(g.addr + o.G.preempt) !== 0) view.set32(g.addr + o.G.stackguard0, StackPreempt);
  };
  const gOf = (addr: number, what: string): Gor => {
    const g = vm.gByAddr.get(addr);
    if (!g) throw new SimFault(`${what}: ${hex(addr)} is not a goroutine`);
    return g;
  };
  const unlock = (l: number): void => {
    const i = atomicAddr(l, 'unlock');
    if (mem.u32[i] === 0) throw new SimFault('unlock of unlocked lock', 'throw');
    mem.u32[i] = 0;
    report(l, 4, ACCESS_WRITE | ACCESS_ATOMIC);
    const n = mLocks() - 1;
    if (n < 0) throw new SimFault('runtime·unlock: lock count', 'throw');
    setLocks(n);
    if (n === 0 && !curG().isG0) rearm(curG());
    vm.othersMayRun();
  };
  const ready = (gp: number): void => {
    const g = gOf(gp, 'runtime·ready');
    if (view.gStatus(g) !== GStatus.Waiting) throw new SimFault(`bad g->status in ready (${view.gStatus(g)})`, 'throw');
    view.setGStatus(g, GStatus.Runnable);
    vm.runq.push(g);
    vm.wakep();
  };
  const yieldG = (status: GStatus): Gor => {
    const m = vm.cur;
    if (m.exec !== m.curg || !m.curg) throw new SimFault('cannot block or yield on g0', 'throw');
    return vm.deschedule(m, status);
  };

  /** Compare-and-swap of a 32-bit word (pointers are 32-bit too, so casp is the same). */
  const cas = (p: number, old: number, nw: number): number => {
    const i = atomicAddr(p, 'cas');
    report(p, 4, ACCESS_ATOMIC);
    if (mem.u32[i] !== old) return 0;
    mem.u32[i] = nw;
    report(p, 4, ACCESS_ATOMIC | ACCESS_WRITE);
    return 1;
  };

  const impl: Record<string, Builtin> = {
    'runtime·cas': cas,
    'runtime·casp': cas,
    'runtime·xadd': (p: number, d: number) => {
      const i = atomicAddr(p, 'xadd');
      const v = (mem.u32[i] + d) >>> 0;
      mem.u32[i] = v;
      report(p, 4, ACCESS_ATOMIC | ACCESS_WRITE);
      return v;
    },
    'runtime·xchg': (p: number, v: number) => {
      const i = atomicAddr(p, 'xchg');
      const old = mem.u32[i];
      mem.u32[i] = v;
      report(p, 4, ACCESS_ATOMIC | ACCESS_WRITE);
      return old;
    },
    'runtime·atomicload': (p: number) => {
      const v = mem.u32[atomicAddr(p, 'atomicload')];
      report(p, 4, ACCESS_ATOMIC);
      return v;
    },
    'runtime·atomicloadp': (p: number) => {
      const v = mem.u32[atomicAddr(p, 'atomicloadp')];
      report(p, 4, ACCESS_ATOMIC);
      return v;
    },
    'runtime·atomicstore': (p: number, v: number) => {
      mem.u32[atomicAddr(p, 'atomicstore')] = v;
      report(p, 4, ACCESS_ATOMIC | ACCESS_WRITE);
      return 0;
    },
    'runtime·atomicstorep': (p: number, v: number) => {
      mem.u32[atomicAddr(p, 'atomicstorep')] = v;
      report(p, 4, ACCESS_ATOMIC | ACCESS_WRITE);
      return 0;
    },
    'runtime·lock': (l: number) => {
      const i = atomicAddr(l, 'lock');
      const m = vm.cur;
      if (m.lockWait !== l) setLocks(mLocks() + 1); // the era counts the lock before acquiring it
      if (mem.u32[i] === 0) {
        mem.u32[i] = 1;
        m.lockWait = 0;
        report(l, 4, ACCESS_ATOMIC | ACCESS_WRITE);
        return 0;
      }
      m.lockWait = l;
      m.block = { k: 'lock', addr: l };
      vm.yielded = 2;
      return 0;
    },
    'runtime·unlock': (l: number) => {
      unlock(l);
      return 0;
    },
    'runtime·notesleep': (n: number) => {
      if (mem.u32[atomicAddr(n, 'notesleep')] !== 0) return 0;
      vm.cur.block = { k: 'note', addr: n };
      vm.yielded = 2;
      return 0;
    },
    'runtime·notewakeup': (n: number) => {
      const i = atomicAddr(n, 'notewakeup');
      if (mem.u32[i] !== 0) throw new SimFault('notewakeup - double wakeup', 'throw');
      mem.u32[i] = 1;
      report(n, 4, ACCESS_ATOMIC | ACCESS_WRITE);
      vm.othersMayRun();
      return 0;
    },
    'runtime·noteclear': (n: number) => {
      mem.u32[atomicAddr(n, 'noteclear')] = 0;
      report(n, 4, ACCESS_ATOMIC | ACCESS_WRITE);
      return 0;
    },
    'runtime·park': (unlockf: number, l: number, reason: number) => {
      const g = curG();
      view.set32(g.addr + o.G.waitreason, reason);
      yieldG(GStatus.Waiting);
      if (unlockf !== 0) {
        if (unlockf !== builtinAddr('runtime·unlock')) throw new SimFault(`runtime·park: unlockf ${hex(unlockf)} must be runtime·unlock or nil`);
        unlock(l);
      }
      vm.schedule(vm.cur);
      vm.yielded = 1;
      return 0;
    },
    'runtime·ready': (gp: number) => {
      ready(gp);
      return 0;
    },
    'runtime·gosched': () => {
      vm.goschedInRun = true;
      const g = yieldG(GStatus.Runnable);
      vm.runq.push(g);
      vm.schedule(vm.cur);
      vm.yielded = 1;
      return 0;
    },
    'runtime·osyield': () => {
      vm.endRun = true;
      vm.cutShort = false; // the yield ends the run where it stands, as it does in a replay
      vm.yielded = 1;
      vm.noteSpin(vm.cur);
      return 0;
    },
    'runtime·SysAlloc': (n: number) => {
      const size = Math.ceil(n / 0x10000) * 0x10000;
      const a = vm.sysAllocTop;
      if (n === 0 || a + size > mem.layout.heapEnd) return 0;
      vm.sysAllocTop += size;
      mem.map(a, size);
      return a;
    },
    'runtime·SysFree': (p: number, n: number) => {
      mem.u8.fill(0, p, p + n);
      mem.markWritten(p, n);
      mem.unmap(p, n);
      return 0;
    },
    'runtime·SysMap': (p: number, n: number) => {
      if (p < mem.layout.heapBase || p + n > mem.layout.heapEnd) throw new SimFault(`runtime·SysMap of ${hex(p)}+${n} outside the SysAlloc region`);
      mem.map(p, n);
      return 0;
    },
    'runtime·memclr': (p: number, n: number) => {
      if (n === 0) return 0;
      mem.check(p, n, 'memclr');
      mem.u8.fill(0, p, p + n);
      report(p, n, ACCESS_WRITE);
      return 0;
    },
    'runtime·memmove': (d: number, s: number, n: number) => {
      if (n === 0) return 0;
      mem.check(s, n, 'memmove read');
      mem.check(d, n, 'memmove write');
      mem.u8.copyWithin(d, s, s + n);
      report(s, n, 0);
      report(d, n, ACCESS_WRITE);
      return 0;
    },
    'runtime·throw': (msg: number) => {
      throw new SimFault(msg === 0 ? '<nil>' : mem.cstring(msg), 'throw');
    },
    'runtime·printf': (fmt: number, args: (number | bigint)[]) => {
      const text = formatPrintf(vm, mem.cstring(fmt), args);
      vm.print(text);
      return text.length;
    },
    'runtime·newproc': (fn: number, arg: number) => vm.spawn(vm.funcIndex(fn), [arg]).addr,
    'runtime·mcall': (fn: number) => {
      const m = vm.cur;
      const g = m.exec;
      if (g.isG0) throw new SimFault('runtime: mcall called on m->g0 stack', 'throw');
      const top = g.frames[g.frames.length - 1];
      view.set32(g.addr + o.G.sched_sp, top ? top.fp : g.stackHi);
      const idx = vm.funcIndex(fn);
      m.exec = m.g0;
      vm.setRegisters(m);
      const fr = vm.call(idx);
      const meta = vm.code.funcs[idx];
      if (meta.paramTypes.length > 0) vm.storeTyped(fr.fp + meta.paramOffsets[0], meta.paramTypes[0], g.addr);
      vm.yielded = 1;
      return 0;
    },
    'runtime·stoptheworld': () => {
      const m = vm.cur;
      if (!m.stwPending) {
        view.setGcwaiting(1);
        view.setStopwait(vm.gomaxprocs);
        const own = m.p;
        for (const p of vm.ps) {
          if (p === own || (p.m === null && view.pStatus(p) === PStatus.Idle)) {
            view.setPStatus(p, PStatus.Gcstop);
            view.setStopwait(view.stopwait() - 1);
          }
        }
        // Ms that were about to schedule stop at once
        for (const x of vm.ms) if (x !== m && x.state === 'sched' && x.p) vm.gcstopm(x);
        m.stwPending = true;
      }
      vm.preemptall(m, 'stoptheworld');
      if (view.stopwait() > 0) {
        m.block = { k: 'stw' };
        vm.yielded = 2;
        return 0;
      }
      m.stwPending = false;
      for (const p of vm.ps) if (view.pStatus(p) !== PStatus.Gcstop) throw new SimFault('stoptheworld: not stopped', 'throw');
      for (const x of vm.ms) {
        const g = x.curg;
        if (g && x !== m) view.set32(g.addr + o.G.sched_sp, g.frames.length ? g.frames[g.frames.length - 1].fp : g.stackHi);
      }
      return 0;
    },
    'runtime·starttheworld': () => {
      const m = vm.cur;
      view.setGcwaiting(0);
      for (const p of vm.ps) {
        if (p === m.p) {
          view.setPStatus(p, PStatus.Running);
          continue;
        }
        const stopped = vm.ms.find((x) => x.state === 'gcstop' && x.lastP === p);
        if (stopped) {
          vm.acquireP(stopped, p);
          stopped.state = 'sched';
          stopped.lastP = null;
        } else if (p.m === null) view.setPStatus(p, PStatus.Idle);
      }
      for (const x of vm.ms) if (x.state === 'gcstop') x.state = 'idle';
      vm.wakep();
      if (mLocks() === 0 && !curG().isG0) rearm(curG());
      return 0;
    },
    'runtime·semacquire': (addr: number) => {
      const i = atomicAddr(addr, 'semacquire');
      if (mem.u32[i] > 0) {
        mem.u32[i]--;
        report(addr, 4, ACCESS_ATOMIC | ACCESS_WRITE);
        return 0;
      }
      const g = yieldG(GStatus.Waiting);
      const list = vm.semaWaiters.get(addr) ?? [];
      list.push(g);
      vm.semaWaiters.set(addr, list);
      vm.schedule(vm.cur);
      vm.yielded = 2;
      return 0;
    },
    'runtime·semrelease': (addr: number) => {
      const i = atomicAddr(addr, 'semrelease');
      mem.u32[i]++;
      report(addr, 4, ACCESS_ATOMIC | ACCESS_WRITE);
      vm.othersMayRun();
      const list = vm.semaWaiters.get(addr);
      const g = list?.shift();
      if (g) ready(g.addr);
      return 0;
    },
    'runtime·nanotime': () => BigInt(vm.stepsNow()) * 1000n,
    'runtime·gcount': () => vm.gs.filter((g) => !g.isG0 && view.gStatus(g) !== GStatus.Dead).length,
    'runtime·breakpoint': () => 0,
    'runtime·getp': (i: number) => vm.ps[i]?.addr ?? 0,
    'runtime·gomaxprocs': () => vm.gomaxprocs,
    'runtime·getg': (i: number) => vm.gs.filter((g) => !g.isG0)[i]?.addr ?? 0,
    'runtime·allglen': () => vm.gs.filter((g) => !g.isG0).length,
    'runtime·getm': (i: number) => vm.ms[i]?.addr ?? 0,
    'runtime·mcount': () => vm.ms.length,
    'runtime·datastart': () => DATA_BASE,
    'runtime·dataend': () => mem.layout.dataEnd,
  };
  return BUILTIN_SIGNATURES.map(([name]) => {
    const f = impl[name];
    if (!f) throw new Error(`builtin ${name} has no implementation`);
    return f;
  });
}
