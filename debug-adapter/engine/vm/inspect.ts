// Reading the simulated program's state by name and type, for everything that shows or checks
// it without running it: the debugger's Variables view, the heap oracle, the panels. It reads
// memory directly (no events, no side effects) using the checker's types and the compiler's
// frame layouts.
import type { LocalSym } from '../lang/checker';
import { typeToString, type StructField, type StructType, type Type } from '../lang/types';
import type { FunctionLocation } from '../api';
import type { Machine } from './machine';
import { hex } from './memory';
import type { Frame, Gor } from './threads';

export interface Variable {
  name: string;
  type: Type;
  addr: number;
}

export interface FrameView {
  frame: Frame;
  function: string;
  location: FunctionLocation;
  /** The builtin this frame is stopped in, when it is stopped at a builtin's call site. */
  builtin?: string;
  locals: Variable[];
}

export class Inspector {
  constructor(private readonly vm: Machine) {}

  private get checked() {
    return this.vm.program.checked;
  }

  /** A struct type by typedef name or tag. */
  struct(name: string): StructType | undefined {
    const t = this.checked.typedefs.get(name) ?? this.checked.structs.get(name);
    return t && t.k === 'struct' ? t : undefined;
  }

  field(s: StructType, name: string): StructField | undefined {
    return s.fields.find((f) => f.name === name);
  }

  /** Byte offset and type of a dotted field path inside a struct (`central.lock.key`). */
  fieldPath(structName: string, path: string): { offset: number; type: Type } | undefined {
    let t: Type | undefined = this.struct(structName);
    let offset = 0;
    for (const part of path.split('.')) {
      if (!t || t.k !== 'struct') return undefined;
      const f = this.field(t, part);
      if (!f) return undefined;
      offset += f.offset;
      t = f.type;
    }
    return t ? { offset, type: t } : undefined;
  }

  global(name: string): Variable | undefined {
    const s = this.checked.lookup(name);
    return s && s.k === 'global' ? { name: s.name, type: s.type, addr: s.addr } : undefined;
  }

  globals(): Variable[] {
    return this.checked.globals.map((g) => ({ name: g.sym.name, type: g.sym.type, addr: g.sym.addr }));
  }

  /** A scalar's value (numbers for ≤ 32-bit types and pointers, BigInt for 64-bit). */
  read(addr: number, t: Type): number | bigint {
    const mem = this.vm.mem;
    if (!mem.isMapped(addr, t.k === 'int' ? t.size : t.k === 'bool' ? 1 : 4)) throw new Error(`cannot read ${typeToString(t)} at unmapped address ${hex(addr)}`);
    switch (t.k) {
      case 'bool': return mem.u8[addr];
      case 'ptr': case 'func': return mem.dv.getUint32(addr, true);
      case 'int':
        if (t.size === 8) return mem.load64(addr, t.signed);
        return mem.load(addr, t.size as 1 | 2 | 4, t.signed);
      default: return addr; // aggregates: their address
    }
  }

  /** The value of `structName.fieldPath` in the struct at addr. */
  readField(addr: number, structName: string, path: string): number | bigint {
    const f = this.fieldPath(structName, path);
    if (!f) throw new Error(`struct ${structName} has no field '${path}'`);
    return this.read(addr + f.offset, f.type);
  }

  /** The frames of a goroutine, innermost first. */
  frames(g: Gor): FrameView[] {
    const out: FrameView[] = [];
    for (let i = g.frames.length - 1; i >= 0; i--) {
      const fr = g.frames[i];
      const meta = this.vm.code.funcs[fr.fn];
      const label = meta.labels[fr.pc] ?? meta.labels[0];
      const locals = meta.locals.map((l: LocalSym) => ({ name: l.name, type: l.type, addr: fr.fp + l.offset }));
      out.push({
        frame: fr,
        function: meta.name,
        location: { ...label.loc, function: meta.name },
        builtin: label.kind === 'builtin' ? label.builtin : undefined,
        locals,
      });
    }
    return out;
  }

  /** A short rendering of a value for messages and the debug console. */
  format(addr: number, t: Type): string {
    if (t.k === 'struct' || t.k === 'array') return `${typeToString(t)} @ ${hex(addr)}`;
    const v = this.read(addr, t);
    if (t.k === 'ptr' || t.k === 'func') return Number(v) === 0 ? 'nil' : hex(Number(v));
    if (t.k === 'bool') return v ? 'true' : 'false';
    return String(v);
  }
}
