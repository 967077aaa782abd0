// The compiler's back half: gives globals and string literals their addresses in data/bss,
// builds the initial data image from the initialisers, generates every function's code (a fast
// variant and an instrumented one), and records what the VM and the debugger need to know about
// each function and about the runtime's M/G/P structs.
import type { Expr, ExprOf, Initializer } from '../lang/ast';
import { evalConst, type CheckedProgram, type FuncInfo, type LocalSym } from '../lang/checker';
import { alignOf, sizeOf, type StructType, type Type } from '../lang/types';
import { FunctionGen, paramOffsets, type LabelInfo } from './codegen-func';
import { DATA_BASE, FUNC_BASE, FUNC_STRIDE } from './memory';

export interface FuncMeta {
  index: number;
  name: string;
  info: FuncInfo;
  nosplit: boolean;
  frameSize: number;
  paramTypes: Type[];
  paramOffsets: number[];
  labels: LabelInfo[];
  temps: number;
  locals: LocalSym[];
}

/** Field offsets the VM reads and writes natively. */
export interface RuntimeOffsets {
  M: { size: number; g0: number; curg: number; p: number; id: number; locks: number; mallocing: number; gcing: number; mcache: number };
  G: { size: number; stackguard0: number; stackguard: number; stackbase: number; stack0: number; sched_sp: number; goid: number; status: number; preempt: number; waitreason: number; m: number };
  P: { size: number; id: number; status: number; m: number; mcache: number };
  sched: { addr: number; gcwaiting: number; stopwait: number };
}

export interface CompiledCode {
  funcs: FuncMeta[];
  fastSource: string;
  instrumentedSource: string;
  dataSize: number;
  dataImage: Uint8Array;
  offsets: RuntimeOffsets;
  entry: number;
  stringAddrs: Map<ExprOf<'string'>, number>;
}

export class LinkError extends Error {
  constructor(
    readonly at: { file: string; line: number; column: number },
    message: string,
  ) {
    super(message);
  }
}

const REQUIRED: Record<'M' | 'G' | 'P', string[]> = {
  M: ['g0', 'curg', 'p', 'id', 'locks', 'mallocing', 'gcing'],
  G: ['stackguard0', 'stackguard', 'stackbase', 'stack0', 'sched_sp', 'goid', 'status', 'preempt', 'waitreason', 'm'],
  P: ['id', 'status', 'm'],
};

/** Globals and string literals together may take at most this much (the VM maps them all). */
export const MAX_DATA_BYTES = 256 << 20;

export function compile(checked: CheckedProgram): CompiledCode {
  // ---- addresses ----
  let top = DATA_BASE;
  for (const g of checked.globals) {
    const a = Math.max(alignOf(g.sym.type), 4);
    top = Math.ceil(top / a) * a;
    g.sym.addr = top;
    top += Math.max(sizeOf(g.sym.type), 1);
    if (top - DATA_BASE > MAX_DATA_BYTES) {
      throw new LinkError(g.sym.loc, `global '${g.sym.name}' takes data and bss past ${MAX_DATA_BYTES >> 20} MiB, more than the simulated address space holds; make it smaller or allocate it at run time (runtime·SysAlloc)`);
    }
  }
  const stringAddrs = new Map<ExprOf<'string'>, number>();
  const byContent = new Map<string, number>();
  const stringBytes: [number, number[]][] = [];
  for (const s of checked.strings) {
    const key = s.bytes.join(',');
    let addr = byContent.get(key);
    if (addr === undefined) {
      addr = top;
      byContent.set(key, addr);
      stringBytes.push([addr, s.bytes]);
      top += s.bytes.length + 1;
    }
    stringAddrs.set(s, addr);
  }
  const dataSize = Math.ceil((top - DATA_BASE) / 8) * 8 + 8;
  const image = new Uint8Array(dataSize);
  const dv = new DataView(image.buffer);
  for (const [addr, bytes] of stringBytes) image.set(bytes, addr - DATA_BASE);

  // ---- initialisers ----
  const address = (e: Expr): bigint | undefined => {
    switch (e.k) {
      case 'ident':
        if (e.sym?.k === 'global') return BigInt(e.sym.addr);
        if (e.sym?.k === 'func') return BigInt(FUNC_BASE + e.sym.index * FUNC_STRIDE);
        if (e.sym?.k === 'builtin') return BigInt(FUNC_BASE - 4 - e.sym.id * FUNC_STRIDE);
        return undefined;
      case 'string': return BigInt(stringAddrs.get(e) ?? 0);
      case 'member': {
        const base = e.arrow ? evalConst(e.e, checked.lookup, address) : address(e.e);
        return base === undefined ? undefined : base + BigInt(e.offset ?? 0);
      }
      case 'index': {
        const base = e.a.ty?.k === 'array' ? address(e.a) : evalConst(e.a, checked.lookup, address);
        const i = evalConst(e.i, checked.lookup, address);
        return base === undefined || i === undefined ? undefined : base + i * BigInt(sizeOf(e.ty as Type));
      }
      case 'unary': return e.op === '*' ? evalConst(e.e, checked.lookup, address) : undefined;
      default: return undefined;
    }
  };
  const write = (addr: number, t: Type, init: Initializer): void => {
    const off = addr - DATA_BASE;
    if (init.k === 'list') {
      if (t.k === 'array') {
        let next = 0;
        for (const item of init.items) {
          const idx = item.index ? Number(evalConst(item.index, checked.lookup) ?? 0n) : next;
          next = idx + 1;
          if (idx >= t.len) throw new LinkError(item.loc, `excess elements in array initializer (array has ${t.len})`);
          write(addr + idx * sizeOf(t.of), t.of, item.init);
        }
      } else if (t.k === 'struct') {
        let next = 0;
        for (const item of init.items) {
          const fi = item.field ? t.fields.findIndex((f) => f.name === item.field) : next;
          next = fi + 1;
          const f = t.fields[fi];
          if (f) write(addr + f.offset, f.type, item.init);
        }
      } else if (init.items[0]) write(addr, t, init.items[0].init);
      return;
    }
    if (t.k === 'array' && init.e.k === 'string') {
      image.set(init.e.bytes.slice(0, t.len), off);
      return;
    }
    const v = evalConst(init.e, checked.lookup, address);
    if (v === undefined) throw new LinkError(init.loc, 'initializer element is not a compile-time constant');
    const size = t.k === 'int' ? t.size : t.k === 'bool' ? 1 : 4;
    const val = t.k === 'bool' ? (v !== 0n ? 1n : 0n) : v;
    if (size === 8) dv.setBigUint64(off, BigInt.asUintN(64, val), true);
    else if (size === 4) dv.setUint32(off, Number(BigInt.asUintN(32, val)), true);
    else if (size === 2) dv.setUint16(off, Number(BigInt.asUintN(16, val)), true);
    else dv.setUint8(off, Number(BigInt.asUintN(8, val)));
  };
  for (const g of checked.globals) if (g.decl.init) write(g.sym.addr, g.sym.type, g.decl.init);

  // ---- runtime structs ----
  const struct = (name: string): StructType => {
    const t = checked.typedefs.get(name) ?? checked.structs.get(name);
    if (!t || t.k !== 'struct' || !t.complete) throw new LinkError({ file: '', line: 1, column: 1 }, `the runtime does not declare 'struct ${name}'; the VM needs it (see RUNTIME-INTERFACE.md)`);
    return t;
  };
  const field = (s: StructType, f: string, optional = false): number => {
    const x = s.fields.find((y) => y.name === f);
    if (!x) {
      if (optional) return -1;
      throw new LinkError(s.loc, `struct ${s.tag} has no field '${f}', which the VM needs (see RUNTIME-INTERFACE.md)`);
    }
    return x.offset;
  };
  const M = struct('M');
  const G = struct('G');
  const P = struct('P');
  for (const [name, fields] of Object.entries(REQUIRED)) for (const f of fields) field(name === 'M' ? M : name === 'G' ? G : P, f);
  const sched = checked.lookup('runtime·sched');
  if (!sched || sched.k !== 'global' || sched.type.k !== 'struct') throw new LinkError({ file: '', line: 1, column: 1 }, "the runtime does not define the global 'Sched runtime·sched' the VM needs");
  const offsets: RuntimeOffsets = {
    M: { size: M.size, g0: field(M, 'g0'), curg: field(M, 'curg'), p: field(M, 'p'), id: field(M, 'id'), locks: field(M, 'locks'), mallocing: field(M, 'mallocing'), gcing: field(M, 'gcing'), mcache: field(M, 'mcache', true) },
    G: { size: G.size, stackguard0: field(G, 'stackguard0'), stackguard: field(G, 'stackguard'), stackbase: field(G, 'stackbase'), stack0: field(G, 'stack0'), sched_sp: field(G, 'sched_sp'), goid: field(G, 'goid'), status: field(G, 'status'), preempt: field(G, 'preempt'), waitreason: field(G, 'waitreason'), m: field(G, 'm') },
    P: { size: P.size, id: field(P, 'id'), status: field(P, 'status'), m: field(P, 'm'), mcache: field(P, 'mcache', true) },
    sched: { addr: sched.addr, gcwaiting: field(sched.type, 'gcwaiting'), stopwait: field(sched.type, 'stopwait') },
  };

  // ---- code ----
  const entrySym = checked.lookup('runtime·main') ?? checked.lookup('main');
  const entryOnly = checked.funcs.find((f) => f.sym.name === 'runtime·main') ?? checked.funcs.find((f) => f.sym.name === 'main');
  if (!entryOnly || !entrySym) throw new LinkError({ file: '', line: 1, column: 1 }, "the program has no 'void main(void)'");
  const env = {
    stringAddr: (e: ExprOf<'string'>) => stringAddrs.get(e) ?? 0,
    globalAddr: (name: string) => {
      const s = checked.lookup(name);
      return s?.k === 'global' ? s.addr : 0;
    },
    funcIndex: (name: string) => {
      const s = checked.lookup(name);
      return s?.k === 'func' ? s.index : -1;
    },
  };
  const funcs: FuncMeta[] = [];
  const fast: string[] = [];
  const instr: string[] = [];
  for (const f of checked.funcs) {
    const a = new FunctionGen(f, { ...env, instrumented: false }).generate();
    const b = new FunctionGen(f, { ...env, instrumented: true }).generate();
    fast.push(a.source);
    instr.push(b.source);
    const params = f.sym.type.params;
    funcs.push({
      index: f.sym.index, name: f.sym.name, info: f, nosplit: f.decl.nosplit, frameSize: f.frameSize,
      paramTypes: params, paramOffsets: paramOffsets(params), labels: a.labels, temps: Math.max(a.temps, b.temps), locals: f.locals,
    });
  }
  const table = (sources: string[]) => `${sources.join('\n')}\nreturn [${checked.funcs.map((f) => `F${f.sym.index}`).join(',')}];`;
  return {
    funcs, fastSource: table(fast), instrumentedSource: table(instr), dataSize, dataImage: image, offsets, entry: entryOnly.sym.index, stringAddrs,
  };
}
