// The Variables view: scopes Locals / Globals / Runtime for a frame, and variable references
// that expand structs, pointers (to what they point at) and arrays (paged). Values are read
// from simulated memory with the checker's types; spans show their sweep state in words and
// their owner, pointers and arrays carry a memoryReference for the memory view. References are
// valid until the program moves again.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Machine, Program } from '../engine';
import { sizeOf, typeToString, type StructType, type Type } from '../engine/lang/types';
import { hex } from '../engine/vm/memory';
import type { Frame, Gor, Mach } from '../engine/vm/threads';
import type { BuiltinArg } from './builtinCalls';
import { DapError } from './errors';
import { formatScalar } from './expr';
import type { SweepTracker } from './spans';

/** What a variables reference stands for. */
export type Container =
  | { k: 'locals'; g: Gor; frame: Frame; args: BuiltinArg[] }
  | { k: 'globals' }
  | { k: 'runtime'; m: Mach | null; g: Gor }
  | { k: 'struct'; addr: number; type: StructType; path: string }
  | { k: 'pointee'; addr: number; type: Type; path: string }
  | { k: 'array'; addr: number; of: Type; len: number; path: string };

/** One child of a container: a name and either an address (a variable) or a bare value. */
interface Slot {
  name: string;
  type: Type;
  addr?: number;
  value?: bigint;
  path: string;
}

const PAGE = 100;

export class Variables {
  private refs: Container[] = [];

  constructor(
    private readonly vm: Machine,
    private readonly program: Program,
    private readonly sweep: SweepTracker,
  ) {}

  /** Forgets every reference (the program moved). */
  reset(): void {
    this.refs = [];
  }

  add(c: Container): number {
    this.refs.push(c);
    return this.refs.length;
  }

  get(ref: number): Container {
    const c = this.refs[ref - 1];
    if (!c) throw new DapError(`unknown variablesReference ${ref} (references are only valid while the program is stopped where they were made)`);
    return c;
  }

  private read(addr: number, t: Type): bigint | undefined {
    const mem = this.vm.mem;
    const size = t.k === 'int' ? t.size : t.k === 'bool' ? 1 : 4;
    if (!mem.isMapped(addr, size)) return undefined;
    if (size === 8) return mem.load64(addr, t.k === 'int' && t.signed);
    return BigInt(mem.load(addr, size as 1 | 2 | 4, t.k === 'int' && t.signed));
  }

  private cstring(addr: number): string | undefined {
    try {
      return JSON.stringify(this.vm.mem.cstring(addr, 80));
    } catch {
      return undefined;
    }
  }

  /** The display value of a scalar or aggregate. */
  describe(t: Type, addr: number | undefined, v: bigint | undefined, parent?: StructType, field?: string): string {
    if (t.k === 'struct') {
      if (t.tag === 'MSpan' && addr !== undefined && this.sweep.isSpan(addr)) return `MSpan · ${this.sweep.describeSweepgen(this.sweep.sweepgenOf(addr), addr)}`;
      return `${typeToString(t)} {…}`;
    }
    if (t.k === 'array') return `${typeToString(t)}`;
    const value = v ?? (addr !== undefined ? this.read(addr, t) : undefined);
    if (value === undefined) return `<unreadable at ${hex(addr ?? 0)}>`;
    let text = formatScalar(t, value);
    if (parent?.tag === 'MSpan' && field === 'sweepgen' && addr !== undefined) {
      const span = addr - (parent.fields.find((f) => f.name === 'sweepgen')?.offset ?? 0);
      if (this.sweep.isSpan(span)) text += ` · ${this.sweep.describeSweepgen(Number(value), span)}`;
    }
    if (t.k === 'ptr' && value !== 0n) {
      const to = t.to;
      if (to.k === 'int' && to.size === 1) {
        const s = this.cstring(Number(value));
        if (s) text += ` ${s}`;
      } else if (to.k === 'struct' && to.tag === 'MSpan' && this.sweep.isSpan(Number(value))) {
        text += ` (span: ${this.sweep.describeSweepgen(this.sweep.sweepgenOf(Number(value)), Number(value))})`;
      } else if (to.k === 'func' || Number(value) < 0x10000) {
        const idx = (Number(value) - 0x1000) / 4;
        const f = this.program.code.funcs[idx];
        if (to.k === 'func' && f) text += ` ${f.name}`;
      }
    }
    return text;
  }

  /** A DAP variable for one slot (expandable when it is a struct, an array or a pointer). */
  variable(s: Slot, parent?: StructType): DebugProtocol.Variable {
    const t = s.type;
    const v: DebugProtocol.Variable = {
      name: s.name,
      value: this.describe(t, s.addr, s.value, parent, s.name),
      type: typeToString(t),
      variablesReference: 0,
      evaluateName: s.path,
    };
    if (s.addr !== undefined) v.memoryReference = hex(s.addr);
    if (t.k === 'struct' && s.addr !== undefined) v.variablesReference = this.add({ k: 'struct', addr: s.addr, type: t, path: s.path });
    else if (t.k === 'array' && s.addr !== undefined) {
      v.variablesReference = this.add({ k: 'array', addr: s.addr, of: t.of, len: t.len, path: s.path });
      v.indexedVariables = t.len;
    } else if (t.k === 'ptr') {
      const p = s.value ?? (s.addr !== undefined ? this.read(s.addr, t) : undefined);
      if (p !== undefined && p !== 0n) {
        v.memoryReference = hex(Number(p));
        const to = t.to;
        if (to.k !== 'void' && to.k !== 'func' && !(to.k === 'struct' && !to.complete) && this.vm.mem.isMapped(Number(p), Math.max(1, Math.min(sizeOf(to), 4)))) {
          v.variablesReference = this.add({ k: 'pointee', addr: Number(p), type: to, path: s.path });
        }
      }
    }
    return v;
  }

  private structSlots(addr: number, t: StructType, path: string): Slot[] {
    return t.fields.map((f) => ({ name: f.name, type: f.type, addr: addr + f.offset, path: `(${path}).${f.name}` }));
  }

  /** The children of a reference (paged for arrays with start/count). */
  children(ref: number, start = 0, count = 0): DebugProtocol.Variable[] {
    const c = this.get(ref);
    switch (c.k) {
      case 'locals': {
        const meta = this.program.code.funcs[c.frame.fn];
        const argSlots: Slot[] = c.args.map((a) => ({ name: a.name, type: a.type, value: a.value, path: a.name }));
        const locals: Slot[] = meta.locals.map((l) => ({ name: l.name, type: l.type, addr: c.frame.fp + l.offset, path: l.name }));
        return [...argSlots, ...locals].map((s) => this.variable(s));
      }
      case 'globals': {
        const scenario = this.program.files[this.program.files.length - 1];
        const gs = this.program.checked.globals.map((g) => g.sym).filter((g) => !g.isExtern);
        const mine = gs.filter((g) => g.loc.file === scenario);
        const rest = gs.filter((g) => g.loc.file !== scenario).sort((a, b) => a.name.localeCompare(b.name));
        return [...mine, ...rest].map((g) => this.variable({ name: g.name, type: g.type, addr: g.addr, path: g.name }));
      }
      case 'runtime': {
        const out: DebugProtocol.Variable[] = [];
        const heap = this.program.checked.lookup('runtime·mheap');
        if (heap?.k === 'global') out.push(this.variable({ name: 'runtime·mheap', type: heap.type, addr: heap.addr, path: 'runtime·mheap' }));
        if (this.sweep.enabled) out.push({ name: 'H', value: `${this.sweep.H} (runtime·mheap.sweepgen)`, variablesReference: 0, evaluateName: 'runtime·mheap.sweepgen' });
        const mType = this.program.checked.structs.get('M');
        const gType = this.program.checked.structs.get('G');
        const pType = this.program.checked.structs.get('P');
        if (c.m && mType) out.push(this.variable({ name: 'm', type: { k: 'ptr', to: mType }, value: BigInt(c.m.addr), path: 'm' }));
        if (gType) out.push(this.variable({ name: 'g', type: { k: 'ptr', to: gType }, value: BigInt(c.g.addr), path: 'g' }));
        if (c.m?.p && pType) out.push(this.variable({ name: 'p', type: { k: 'ptr', to: pType }, value: BigInt(c.m.p.addr), path: 'm->p' }));
        for (const [span, o] of this.sweep.owners) out.push({ name: `owned span ${hex(span)}`, value: `being swept by ${this.sweep.who(o.gIndex, o.mId)} (H−1)`, variablesReference: 0, memoryReference: hex(span) });
        return out;
      }
      case 'struct': return this.structSlots(c.addr, c.type, c.path).map((s) => this.variable(s, c.type));
      case 'pointee':
        if (c.type.k === 'struct') return this.structSlots(c.addr, c.type, `*${c.path}`).map((s) => this.variable(s, c.type as StructType));
        return [this.variable({ name: `*${c.path}`, type: c.type, addr: c.addr, path: `*(${c.path})` })];
      case 'array': {
        const size = sizeOf(c.of);
        const first = Math.max(0, start);
        const n = count > 0 ? Math.min(count, c.len - first) : Math.min(c.len - first, c.len > PAGE * 10 ? PAGE : c.len);
        const out: DebugProtocol.Variable[] = [];
        for (let i = first; i < first + n; i++) out.push(this.variable({ name: `[${i}]`, type: c.of, addr: c.addr + i * size, path: `(${c.path})[${i}]` }));
        return out;
      }
    }
  }

  /** The slot a child name denotes in a container (for setVariable and data breakpoints). */
  slot(ref: number, name: string): Slot {
    const c = this.get(ref);
    let slots: Slot[] = [];
    switch (c.k) {
      case 'locals': {
        const meta = this.program.code.funcs[c.frame.fn];
        slots = meta.locals.map((l) => ({ name: l.name, type: l.type, addr: c.frame.fp + l.offset, path: l.name }));
        slots.push(...c.args.map((a) => ({ name: a.name, type: a.type, value: a.value, path: a.name })));
        break;
      }
      case 'globals':
        slots = this.program.checked.globals.map((g) => ({ name: g.sym.name, type: g.sym.type, addr: g.sym.addr, path: g.sym.name }));
        break;
      case 'struct': slots = this.structSlots(c.addr, c.type, c.path); break;
      case 'pointee':
        slots = c.type.k === 'struct' ? this.structSlots(c.addr, c.type, `*${c.path}`) : [{ name: `*${c.path}`, type: c.type, addr: c.addr, path: `*(${c.path})` }];
        break;
      case 'array': {
        const m = /^\[(\d+)\]$/.exec(name);
        const i = m ? Number(m[1]) : -1;
        if (i < 0 || i >= c.len) throw new DapError(`'${name}' is not an element of ${c.path} (0…${c.len - 1})`);
        return { name, type: c.of, addr: c.addr + i * sizeOf(c.of), path: `(${c.path})[${i}]` };
      }
      case 'runtime': throw new DapError('the Runtime scope is read-only; change a field by expanding runtime·mheap, m, g or p');
    }
    const s = slots.find((x) => x.name === name);
    if (!s) throw new DapError(`no variable named '${name}' in this scope`);
    return s;
  }
}
