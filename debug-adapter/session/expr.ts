// SimC expressions for watches, hovers, the Debug Console, breakpoint conditions and log
// messages. The text goes through the real lexer and parser (wrapped in a tiny function body,
// with the program's typedef names declared so casts parse); names resolve against the selected
// frame's locals (or a builtin's arguments) and the program's globals; the value is computed by
// reading simulated memory. Nothing is written unless the caller allows assignment.
import type { Expr, TypeSyntax } from '../engine/lang/ast';
import { DiagnosticSink } from '../engine/lang/diagnostics';
import { lex, type Token } from '../engine/lang/lexer';
import { parse } from '../engine/lang/parser';
import {
  BASE_TYPES, BOOL, INT32, INT64, UINT32, UINT64, arithmeticType, isPtr, promote, ptrTo, sizeOf, typeToString, type Type,
} from '../engine/lang/types';
import type { Machine, Program } from '../engine';
import { FUNC_BASE, FUNC_STRIDE, hex } from '../engine/vm/memory';
import { DapError } from './errors';

/** A name visible in the selected frame: a variable in memory, or a value with no address. */
export interface ScopeEntry {
  type: Type;
  addr?: number;
  value?: bigint;
}

export interface Scope {
  local(name: string): ScopeEntry | undefined;
  /** Addresses of the thread's M and G structs (the `m` and `g` of SimC). */
  mAddr: number;
  gAddr: number;
}

/** A computed value: an lvalue has an address; every scalar has a value. */
export interface Value {
  type: Type;
  addr?: number;
  value: bigint;
}

const EVAL_FN = '__sweepscope_eval';
const preludes = new WeakMap<Program, Token[]>();

/** Tokens declaring every typedef name of the program, so that `(MSpan*)p` parses. */
function typedefPrelude(program: Program): Token[] {
  let toks = preludes.get(program);
  if (!toks) {
    const text = [...program.checked.typedefs.keys()].filter((n) => !BASE_TYPES.has(n)).map((n) => `typedef int ${n};`).join('\n');
    toks = lex('<prelude>', text, new DiagnosticSink()).filter((t) => t.kind !== 'eof');
    preludes.set(program, toks);
  }
  return toks;
}

/** Parses an expression; throws a DapError with the parser's message when it is not one. */
export function parseExpression(program: Program, text: string): Expr {
  if (text.trim() === '') throw new DapError('empty expression');
  const sink = new DiagnosticSink();
  const body = lex('<expression>', `void ${EVAL_FN}(void) { (${text}\n); }`, sink);
  const unit = parse([...typedefPrelude(program), ...body], sink);
  if (sink.list.length > 0) throw new DapError(`cannot parse '${text}': ${sink.list[0].message}`);
  const fn = unit.decls.find((d) => d.k === 'func' && d.name === EVAL_FN);
  const stmt = fn && fn.k === 'func' ? fn.body?.body[0] : undefined;
  if (!stmt || stmt.k !== 'expr' || fn?.k !== 'func' || fn.body?.body.length !== 1) throw new DapError(`'${text}' is not a single expression`);
  return stmt.e;
}

const wrap = (t: Type, v: bigint): bigint => {
  if (t.k === 'bool') return v !== 0n ? 1n : 0n;
  if (t.k === 'int') return t.signed ? BigInt.asIntN(t.size * 8, v) : BigInt.asUintN(t.size * 8, v);
  return BigInt.asUintN(32, v);
};

/** Evaluates parsed expressions against a machine's memory in one scope. */
export class Evaluator {
  constructor(
    private readonly vm: Machine,
    private readonly program: Program,
    private readonly scope: Scope,
    private readonly allowWrite = false,
  ) {}

  evaluate(e: Expr): Value {
    return this.rvalue(e);
  }

  /** The expression as an lvalue (for setExpression and data breakpoints). */
  lvalue(e: Expr): Value & { addr: number } {
    const v = this.value(e);
    if (v.addr === undefined) throw new DapError('the expression does not denote a variable in memory');
    return v as Value & { addr: number };
  }

  private load(addr: number, t: Type): bigint {
    const mem = this.vm.mem;
    const size = t.k === 'int' ? t.size : t.k === 'bool' ? 1 : 4;
    if (t.k === 'struct' || t.k === 'array') return BigInt(addr);
    if (!mem.isMapped(addr, size)) throw new DapError(`cannot read ${typeToString(t)} at ${hex(addr)}: address not mapped`);
    if (size === 8) return mem.load64(addr, t.k === 'int' && t.signed);
    return BigInt(mem.load(addr, size as 1 | 2 | 4, t.k === 'int' && t.signed));
  }

  /** Writes a scalar to memory (setVariable, setExpression, `=` in the console when allowed). */
  store(addr: number, t: Type, v: bigint): void {
    const mem = this.vm.mem;
    const size = t.k === 'int' ? t.size : t.k === 'bool' ? 1 : 4;
    if (t.k === 'struct' || t.k === 'array') throw new DapError(`cannot assign to a whole ${typeToString(t)}`);
    if (!mem.isMapped(addr, size)) throw new DapError(`cannot write ${typeToString(t)} at ${hex(addr)}: address not mapped`);
    if (size === 8) mem.store64(addr, BigInt.asUintN(64, v));
    else mem.store(addr, size as 1 | 2 | 4, Number(BigInt.asUintN(size * 8, v)));
  }

  /** The expression's value; arrays and structs keep their address (an lvalue). */
  value(e: Expr): Value {
    switch (e.k) {
      case 'ident': return this.ident(e.name);
      case 'int': {
        const fits32 = e.value <= 0x7fffffffn;
        const t = e.long > 0 || e.value > 0xffffffffn ? (e.unsigned ? UINT64 : INT64) : e.unsigned || !fits32 ? UINT32 : INT32;
        return { type: t, value: wrap(t, e.value) };
      }
      case 'string': throw new DapError('string literals are not supported in debugger expressions');
      case 'unary': return this.unary(e.op, e.e);
      case 'postfix': throw new DapError(`'${e.op}' has a side effect; expressions here only read the program`);
      case 'binary': return this.binary(e.op, e.l, e.r);
      case 'assign': {
        if (!this.allowWrite) throw new DapError('assignment is not allowed here (use the Variables view or setExpression)');
        if (e.op !== '=') throw new DapError(`'${e.op}' is not supported; write 'x = value'`);
        const target = this.lvalue(e.l);
        const v = this.convert(this.rvalue(e.r), target.type);
        this.store(target.addr, target.type, v.value);
        return { type: target.type, addr: target.addr, value: v.value };
      }
      case 'cond': return this.truth(this.rvalue(e.c)) ? this.rvalue(e.a) : this.rvalue(e.b);
      case 'call': throw new DapError('function calls are not allowed in debugger expressions');
      case 'index': {
        const a = this.rvalue(e.a);
        const i = this.rvalue(e.i);
        if (!isPtr(a.type)) throw new DapError(`subscripted value is not an array or pointer (${typeToString(a.type)})`);
        const el = a.type.to;
        const addr = Number(BigInt.asUintN(32, a.value + i.value * BigInt(sizeOf(el))));
        return { type: el, addr, value: this.load(addr, el) };
      }
      case 'member': {
        let base: number;
        let st: Type;
        if (e.arrow) {
          const p = this.rvalue(e.e);
          if (!isPtr(p.type)) throw new DapError(`'->${e.name}' on a non-pointer (${typeToString(p.type)})`);
          base = Number(p.value);
          st = p.type.to;
        } else {
          const s = this.value(e.e);
          if (s.addr === undefined) throw new DapError(`'.${e.name}' needs a struct in memory`);
          base = s.addr;
          st = s.type;
        }
        if (st.k !== 'struct') throw new DapError(`'${e.name}' requested in something that is not a struct (${typeToString(st)})`);
        const f = st.fields.find((x) => x.name === e.name);
        if (!f) throw new DapError(`${typeToString(st)} has no field '${e.name}'`);
        const addr = base + f.offset;
        return { type: f.type, addr, value: this.load(addr, f.type) };
      }
      case 'cast': return this.convert(this.rvalue(e.e), this.resolveType(e.type));
      case 'sizeofType': return { type: UINT32, value: BigInt(sizeOf(this.resolveType(e.type))) };
      case 'sizeofExpr': return { type: UINT32, value: BigInt(sizeOf(this.value(e.e).type)) };
      case 'jsval': throw new DapError('unsupported expression');
    }
  }

  /** An rvalue: arrays decay to a pointer to their first element, functions to their address. */
  rvalue(e: Expr): Value {
    const v = this.value(e);
    if (v.type.k === 'array') return { type: ptrTo(v.type.of), value: BigInt(v.addr ?? 0) };
    return v;
  }

  private ident(name: string): Value {
    const local = this.scope.local(name);
    if (local) {
      if (local.addr !== undefined) return { type: local.type, addr: local.addr, value: this.load(local.addr, local.type) };
      return { type: local.type, value: local.value ?? 0n };
    }
    const s = this.program.checked.lookup(name);
    if (!s) throw new DapError(`unknown name '${name}' in this frame`);
    switch (s.k) {
      case 'global': return { type: s.type, addr: s.addr, value: this.load(s.addr, s.type) };
      case 'const': return { type: INT32, value: s.value };
      case 'func': return { type: ptrTo(s.type), value: BigInt(FUNC_BASE + s.index * FUNC_STRIDE) };
      case 'builtin': return { type: ptrTo(s.type), value: BigInt(FUNC_BASE - 4 - s.id * FUNC_STRIDE) };
      case 'threadvar': return { type: s.type, value: BigInt(s.name === 'm' ? this.scope.mAddr : this.scope.gAddr) };
      case 'local': throw new DapError(`'${name}' is not visible in this frame`);
    }
  }

  private unary(op: string, x: Expr): Value {
    switch (op) {
      case '&': {
        const v = this.value(x);
        if (v.addr === undefined) throw new DapError('cannot take the address of a value that is not in memory');
        return { type: ptrTo(v.type), value: BigInt(v.addr) };
      }
      case '*': {
        const p = this.rvalue(x);
        if (!isPtr(p.type)) throw new DapError(`cannot dereference a ${typeToString(p.type)}`);
        if (p.type.to.k === 'void') throw new DapError('cannot dereference a void*; cast it first');
        const addr = Number(p.value);
        return { type: p.type.to, addr, value: this.load(addr, p.type.to) };
      }
      case '!': return { type: INT32, value: this.truth(this.rvalue(x)) ? 0n : 1n };
      case '-': case '+': case '~': {
        const v = this.rvalue(x);
        if (v.type.k !== 'int' && v.type.k !== 'bool') throw new DapError(`bad operand of unary '${op}' (${typeToString(v.type)})`);
        const t = promote(v.type);
        const r = op === '-' ? -v.value : op === '~' ? ~v.value : v.value;
        return { type: t, value: wrap(t, r) };
      }
      default: throw new DapError(`'${op}' has a side effect; expressions here only read the program`);
    }
  }

  private truth(v: Value): boolean {
    return v.value !== 0n;
  }

  private binary(op: string, l: Expr, r: Expr): Value {
    if (op === '&&') return { type: INT32, value: this.truth(this.rvalue(l)) && this.truth(this.rvalue(r)) ? 1n : 0n };
    if (op === '||') return { type: INT32, value: this.truth(this.rvalue(l)) || this.truth(this.rvalue(r)) ? 1n : 0n };
    const a = this.rvalue(l);
    const b = this.rvalue(r);
    const pa = isPtr(a.type);
    const pb = isPtr(b.type);
    if (['==', '!=', '<', '>', '<=', '>='].includes(op)) {
      const t = pa || pb ? UINT32 : arithmeticType(a.type, b.type);
      const x = wrap(t, a.value);
      const y = wrap(t, b.value);
      const res = op === '==' ? x === y : op === '!=' ? x !== y : op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
      return { type: INT32, value: res ? 1n : 0n };
    }
    if ((op === '+' || op === '-') && (pa || pb)) {
      if (pa && pb && op === '-') {
        const size = BigInt(Math.max(1, sizeOf((a.type as { to: Type }).to)));
        return { type: INT32, value: wrap(INT32, (a.value - b.value) / size) };
      }
      const [p, n] = pa ? [a, b] : [b, a];
      const size = BigInt(sizeOf((p.type as { to: Type }).to));
      return { type: p.type, value: wrap(p.type, op === '+' ? p.value + n.value * size : p.value - n.value * size) };
    }
    if (a.type.k === 'struct' || b.type.k === 'struct' || pa || pb) throw new DapError(`invalid operands to binary '${op}' (${typeToString(a.type)} and ${typeToString(b.type)})`);
    const t = op === '<<' || op === '>>' ? (promote(a.type) as Type) : arithmeticType(a.type, b.type);
    const x = wrap(t, a.value);
    const y = op === '<<' || op === '>>' ? b.value : wrap(t, b.value);
    let v: bigint;
    switch (op) {
      case '+': v = x + y; break;
      case '-': v = x - y; break;
      case '*': v = x * y; break;
      case '/': case '%':
        if (y === 0n) throw new DapError('division by zero');
        v = op === '/' ? x / y : x % y;
        break;
      case '&': v = x & y; break;
      case '|': v = x | y; break;
      case '^': v = x ^ y; break;
      case '<<': v = x << (y & 63n); break;
      case '>>': v = x >> (y & 63n); break;
      default: throw new DapError(`unsupported operator '${op}'`);
    }
    return { type: t, value: wrap(t, v) };
  }

  convert(v: Value, to: Type): Value {
    if (to.k === 'void') return { type: to, value: 0n };
    if (to.k === 'struct' || to.k === 'array') throw new DapError(`cannot convert to ${typeToString(to)}`);
    if (v.type.k === 'struct') throw new DapError(`cannot convert a ${typeToString(v.type)} to ${typeToString(to)}`);
    return { type: to, value: wrap(to.k === 'bool' ? BOOL : to, v.value) };
  }

  resolveType(t: TypeSyntax): Type {
    const checked = this.program.checked;
    switch (t.k) {
      case 'named': {
        const x = BASE_TYPES.get(t.name) ?? checked.typedefs.get(t.name);
        if (!x) throw new DapError(`unknown type name '${t.name}'`);
        return x;
      }
      case 'struct': {
        const s = t.tag ? checked.structs.get(t.tag) : undefined;
        if (!s) throw new DapError(`unknown struct '${t.tag ?? '?'}'`);
        return s;
      }
      case 'enum': return INT32;
      case 'ptr': return ptrTo(this.resolveType(t.to));
      case 'array': throw new DapError('array types are not supported in casts');
      case 'func': return { k: 'func', ret: this.resolveType(t.ret), params: t.params.map((p) => this.resolveType(p.type)), variadic: t.variadic };
    }
  }
}

/** Renders a scalar for the UI: pointers in hex, bools as words, integers in decimal. */
export function formatScalar(t: Type, v: bigint): string {
  if (t.k === 'ptr' || t.k === 'func') return v === 0n ? 'nil' : hex(Number(v));
  if (t.k === 'bool') return v !== 0n ? 'true' : 'false';
  return v.toString();
}
