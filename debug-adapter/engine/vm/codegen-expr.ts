// Expression code generation: turns a checked SimC expression into a JavaScript expression over
// the VM's typed-array views. Values are JS numbers normalised to their C type (int32 via |0,
// uint32 and pointers via >>>0, narrower types masked) and BigInts for 64-bit types. Calls are
// not handled here: an expression containing a call is linearised by codegen-func.ts, which
// uses this module for every call-free piece.
import type { Expr, ExprOf } from '../lang/ast';
import { decay, wrapTo, type LocalSym } from '../lang/checker';
import {
  BOOL, INT32, UINT32, arithmeticType, promote, sizeOf, type IntType, type Type,
} from '../lang/types';
import { FUNC_BASE, FUNC_STRIDE } from './memory';

export const is64 = (t: Type): boolean => t.k === 'int' && t.size === 8;

/** Where an lvalue lives: a local's frame offset, or a computed/constant address. */
export type LValue =
  | { k: 'local'; off: number; ty: Type; reg?: string }
  | { k: 'mem'; addr: string; ty: Type; constAddr?: number };

interface Range {
  lo: number;
  hi: number;
}
function rangeOf(t: Type): Range | undefined {
  if (t.k === 'bool') return { lo: 0, hi: 1 };
  if (t.k === 'ptr' || t.k === 'func' || t.k === 'array') return { lo: 0, hi: 0xffffffff };
  if (t.k !== 'int' || t.size === 8) return undefined;
  const bits = t.size * 8;
  return t.signed ? { lo: -(2 ** (bits - 1)), hi: 2 ** (bits - 1) - 1 } : { lo: 0, hi: 2 ** bits - 1 };
}

const p = (s: string) => (/^[\w.$[\]]+$/.test(s) ? s : `(${s})`);

function narrow(code: string, to: Type): string {
  if (to.k === 'ptr' || to.k === 'func' || to.k === 'array') return `(${p(code)}>>>0)`;
  if (to.k === 'bool') return `(${p(code)}!==0?1:0)`;
  const t = to as IntType;
  switch (t.size) {
    case 1: return t.signed ? `(${p(code)}<<24>>24)` : `(${p(code)}&255)`;
    case 2: return t.signed ? `(${p(code)}<<16>>16)` : `(${p(code)}&65535)`;
    default: return t.signed ? `(${p(code)}|0)` : `(${p(code)}>>>0)`;
  }
}

/** Converts a value of type `from` to type `to` (C conversion rules, wrapping). */
export function conv(code: string, from: Type, to: Type): string {
  from = decay(from);
  to = decay(to);
  if (to.k === 'void' || to.k === 'struct') return code;
  if (to.k === 'bool') {
    if (from.k === 'bool') return code;
    return is64(from) ? `(${p(code)}!==0n?1:0)` : `(${p(code)}!==0?1:0)`;
  }
  if (is64(to)) {
    const signed = (to as IntType).signed;
    if (is64(from)) return (from as IntType).signed === signed ? code : `BigInt.as${signed ? 'Int' : 'Uint'}N(64,${code})`;
    const fromSigned = from.k === 'int' && from.signed;
    return !signed && fromSigned ? `BigInt.asUintN(64,BigInt(${code}))` : `BigInt(${code})`;
  }
  if (is64(from)) return narrow(`Number(${p(code)}&0xffffffffn)`, to);
  const fr = rangeOf(from);
  const tr = rangeOf(to);
  if (fr && tr && fr.lo >= tr.lo && fr.hi <= tr.hi) return code;
  return narrow(code, to);
}

/** Arithmetic on operands already converted to the operation type t. */
export function arith(op: string, a: string, b: string, t: IntType): string {
  a = p(a);
  b = p(b);
  if (t.size === 8) {
    const w = `BigInt.as${t.signed ? 'Int' : 'Uint'}N(64,`;
    switch (op) {
      case '+': return `${w}${a}+${b})`;
      case '-': return `${w}${a}-${b})`;
      case '*': return `${w}${a}*${b})`;
      case '/': return `${w}DIV64(${a},${b}))`;
      case '%': return `MOD64(${a},${b})`;
      case '&': return `(${a}&${b})`;
      case '|': return `(${a}|${b})`;
      case '^': return `(${a}^${b})`;
      case '<<': return `${w}${a}<<(${b}&63n))`;
      case '>>': return `(${a}>>(${b}&63n))`;
    }
  } else if (t.signed) {
    switch (op) {
      case '+': return `((${a}+${b})|0)`;
      case '-': return `((${a}-${b})|0)`;
      case '*': return `Math.imul(${a},${b})`;
      case '/': return `DIVS(${a},${b})`;
      case '%': return `MODS(${a},${b})`;
      case '&': return `(${a}&${b})`;
      case '|': return `(${a}|${b})`;
      case '^': return `(${a}^${b})`;
      case '<<': return `(${a}<<${b})`;
      case '>>': return `(${a}>>${b})`;
    }
  } else {
    switch (op) {
      case '+': return `((${a}+${b})>>>0)`;
      case '-': return `((${a}-${b})>>>0)`;
      case '*': return `(Math.imul(${a},${b})>>>0)`;
      case '/': return `DIVU(${a},${b})`;
      case '%': return `MODU(${a},${b})`;
      case '&': return `((${a}&${b})>>>0)`;
      case '|': return `((${a}|${b})>>>0)`;
      case '^': return `((${a}^${b})>>>0)`;
      case '<<': return `((${a}<<${b})>>>0)`;
      case '>>': return `(${a}>>>${b})`;
    }
  }
  throw new Error(`codegen: unknown operator ${op}`);
}

/** Shift counts: a 64-bit shift needs a BigInt count, a 32-bit one a number. */
function shiftCount(code: string, from: Type, left: IntType): string {
  if (left.size === 8) return is64(from) ? code : `BigInt(${p(code)}&63)`;
  return is64(from) ? `Number(${p(code)}&31n)` : code;
}

/** `p + i` / `p - i` on a pointer to elements of `size` bytes. */
export function ptrOffset(ptr: string, idx: string, idxTy: Type, size: number, minus: boolean): string {
  const i = is64(idxTy) ? `Number(BigInt.asIntN(32,${idx}))` : idx;
  const scaled = size === 1 ? p(i) : `Math.imul(${p(i)},${size})`;
  return `((${p(ptr)}${minus ? '-' : '+'}${scaled})>>>0)`;
}

export interface ExprContext {
  /** A fresh JS temporary (function-level `let`), valid until the end of the statement. */
  vtemp(): string;
  /** Instrumented code reports accesses; fast code uses typed arrays directly for globals. */
  instrumented: boolean;
  /** Address of a string literal. */
  stringAddr(e: ExprOf<'string'>): number;
  globalAddr(name: string): number;
  /** The JS variable holding a local kept in a register, if it is one. */
  register?(sym: LocalSym): string | undefined;
}

const LOAD_HELPER = (t: Type): string => {
  t = t.k === 'bool' ? { k: 'int', size: 1, signed: false, name: 'bool' } : t;
  if (t.k === 'ptr' || t.k === 'func') return 'LD_u32';
  const it = t as IntType;
  return `LD_${it.signed ? 'i' : 'u'}${it.size * 8}`;
};
const STORE_HELPER = (t: Type): string => {
  const size = t.k === 'int' ? t.size : t.k === 'bool' ? 1 : 4;
  return `ST_${size * 8}`;
};
function viewFor(t: Type): { view: string; shift: number } {
  if (t.k === 'bool') return { view: 'U8', shift: 0 };
  if (t.k === 'ptr' || t.k === 'func') return { view: 'U32', shift: 2 };
  const it = t as IntType;
  const base = it.signed ? 'I' : 'U';
  return { view: `${base}${it.size * 8}`, shift: it.size === 1 ? 0 : it.size === 2 ? 1 : 2 };
}

/** Generates call-free expressions. */
export class ExprGen {
  constructor(private readonly cx: ExprContext) {}

  /** The expression's value as JS (arrays and functions decay to addresses). */
  value(e: Expr): string {
    const t = e.ty as Type;
    switch (e.k) {
      case 'int': {
        const v = wrapTo(t, e.value);
        return is64(t) ? `${v}n` : String(v);
      }
      case 'string':
        return String(this.cx.stringAddr(e));
      case 'ident': {
        if (e.name === 'nil' || e.name === 'false') return '0';
        if (e.name === 'true') return '1';
        const s = e.sym;
        if (!s) throw new Error(`codegen: unresolved ${e.name}`);
        switch (s.k) {
          case 'const': return String(s.value);
          case 'func': return String(FUNC_BASE + s.index * FUNC_STRIDE);
          case 'threadvar': return s.name === 'm' ? 'vm.mAddr' : 'vm.gAddr';
          case 'builtin': return String(FUNC_BASE - 4 - s.id * FUNC_STRIDE);
          default: return this.load(this.lvalue(e));
        }
      }
      case 'unary': return this.unary(e);
      case 'postfix': return this.incDec(e.e, e.op, false, false);
      case 'binary': return this.binary(e);
      case 'assign': return this.assign(e, false);
      case 'cond': {
        const rt = t;
        return `(${this.cond(e.c)}?${conv(this.value(e.a), e.a.ty as Type, rt)}:${conv(this.value(e.b), e.b.ty as Type, rt)})`;
      }
      case 'index': case 'member':
        return this.load(this.lvalue(e));
      case 'cast': return conv(this.value(e.e), e.e.ty as Type, t);
      case 'sizeofType': case 'sizeofExpr': return String(e.value ?? 0);
      case 'jsval': return e.code;
      case 'call': {
        const arr = e.args[0]?.ty;
        if (e.callee.k === 'ident' && e.callee.name === 'nelem' && arr?.k === 'array') return String(arr.len);
        throw new Error('codegen: call in a call-free expression');
      }
    }
  }

  /** A JS expression usable as a condition (truthy iff the C value is non-zero). */
  cond(e: Expr): string {
    if (e.k === 'binary') {
      const rel = this.relational(e);
      if (rel) return rel;
      if (e.op === '&&') return `(${this.cond(e.l)}&&${this.cond(e.r)})`;
      if (e.op === '||') return `(${this.cond(e.l)}||${this.cond(e.r)})`;
    }
    if (e.k === 'unary' && e.op === '!') return `!${p(this.cond(e.e))}`;
    return this.value(e);
  }

  /** The expression evaluated for its side effects only. */
  effect(e: Expr): string {
    if (e.k === 'assign') return this.assign(e, true);
    if (e.k === 'postfix') return this.incDec(e.e, e.op, false, true);
    if (e.k === 'unary' && (e.op === '++' || e.op === '--')) return this.incDec(e.e, e.op, true, true);
    return this.value(e);
  }

  private relational(e: ExprOf<'binary'>): string | undefined {
    const ops: Record<string, string> = { '==': '===', '!=': '!==', '<': '<', '>': '>', '<=': '<=', '>=': '>=' };
    const js = ops[e.op];
    if (!js) return undefined;
    const t = (e.opTy ?? UINT32) as Type;
    const a = conv(this.value(e.l), e.l.ty as Type, t);
    const b = conv(this.value(e.r), e.r.ty as Type, t);
    return `(${a}${js}${b})`;
  }

  private binary(e: ExprOf<'binary'>): string {
    const rel = this.relational(e);
    if (rel) return `(${rel}?1:0)`;
    if (e.op === '&&' || e.op === '||') return `(${this.cond(e)}?1:0)`;
    const lt = decay(e.l.ty as Type);
    const rt = decay(e.r.ty as Type);
    if ((e.op === '+' || e.op === '-') && lt.k === 'ptr' && rt.k !== 'ptr') {
      return ptrOffset(this.value(e.l), this.value(e.r), rt, sizeOf(lt.to), e.op === '-');
    }
    if (e.op === '+' && rt.k === 'ptr') return ptrOffset(this.value(e.r), this.value(e.l), lt, sizeOf(rt.to), false);
    if (e.op === '-' && lt.k === 'ptr' && rt.k === 'ptr') {
      const size = sizeOf(lt.to);
      return `((((${this.value(e.l)})-(${this.value(e.r)}))|0)/${size}|0)`;
    }
    const t = e.opTy as IntType;
    if (e.op === '<<' || e.op === '>>') {
      return arith(e.op, conv(this.value(e.l), lt, t), shiftCount(this.value(e.r), rt, t), t);
    }
    return arith(e.op, conv(this.value(e.l), lt, t), conv(this.value(e.r), rt, t), t);
  }

  private unary(e: ExprOf<'unary'>): string {
    const ot = decay(e.e.ty as Type);
    switch (e.op) {
      case '&': {
        if (e.e.k === 'ident' && (e.e.sym?.k === 'func' || e.e.sym?.k === 'builtin')) return this.value(e.e);
        return this.address(this.lvalue(e.e));
      }
      case '*': return this.load(this.lvalue(e));
      case '!': return `(${this.cond(e.e)}?0:1)`;
      case '++': case '--': return this.incDec(e.e, e.op, true, false);
      case '+': return conv(this.value(e.e), ot, promote(ot));
      case '-': {
        const t = promote(ot) as IntType;
        const a = conv(this.value(e.e), ot, t);
        if (t.size === 8) return `BigInt.as${t.signed ? 'Int' : 'Uint'}N(64,-${p(a)})`;
        return t.signed ? `(-${p(a)}|0)` : `((-${p(a)})>>>0)`;
      }
      case '~': {
        const t = promote(ot) as IntType;
        const a = conv(this.value(e.e), ot, t);
        if (t.size === 8) return `BigInt.as${t.signed ? 'Int' : 'Uint'}N(64,~${p(a)})`;
        return t.signed ? `(~${p(a)})` : `((~${p(a)})>>>0)`;
      }
    }
  }

  // ---- lvalues ----
  lvalue(e: Expr): LValue {
    const ty = e.ty as Type;
    switch (e.k) {
      case 'ident': {
        const s = e.sym;
        if (s?.k === 'local') return { k: 'local', off: s.offset, ty, reg: this.cx.register?.(s) };
        if (s?.k === 'global') return { k: 'mem', addr: String(s.addr), ty, constAddr: s.addr };
        throw new Error(`codegen: '${e.name}' is not an lvalue`);
      }
      case 'unary': {
        if (e.op !== '*') break;
        return { k: 'mem', addr: this.value(e.e), ty };
      }
      case 'index': {
        const at = decay(e.a.ty as Type);
        const [base, idx] = at.k === 'ptr' ? [e.a, e.i] : [e.i, e.a];
        const bt = decay(base.ty as Type) as { k: 'ptr'; to: Type };
        const size = sizeOf(bt.to);
        if (idx.k === 'int' && base.ty?.k === 'array') {
          const inner = this.lvalue(base);
          return this.offsetLValue(inner, Number(idx.value) * size, ty);
        }
        return { k: 'mem', addr: ptrOffset(this.value(base), this.value(idx), idx.ty as Type, size, false), ty };
      }
      case 'member': {
        const off = e.offset ?? 0;
        if (e.arrow) {
          const base = this.value(e.e);
          return { k: 'mem', addr: off === 0 ? base : `((${base})+${off})`, ty };
        }
        return this.offsetLValue(this.lvalue(e.e), off, ty);
      }
      case 'string': {
        const a = this.cx.stringAddr(e);
        return { k: 'mem', addr: String(a), ty, constAddr: a };
      }
      default:
    }
    throw new Error(`codegen: expression of kind ${e.k} is not an lvalue`);
  }

  private offsetLValue(lv: LValue, off: number, ty: Type): LValue {
    if (lv.k === 'local') return { k: 'local', off: lv.off + off, ty };
    if (lv.constAddr !== undefined) return { k: 'mem', addr: String(lv.constAddr + off), ty, constAddr: lv.constAddr + off };
    return { k: 'mem', addr: off === 0 ? lv.addr : `((${lv.addr})+${off})`, ty };
  }

  address(lv: LValue): string {
    if (lv.k === 'local' && lv.reg) throw new Error('codegen: address of a register local');
    return lv.k === 'local' ? `(fp+${lv.off})` : lv.addr;
  }

  /** Reads an lvalue; aggregates evaluate to their address. */
  load(lv: LValue): string {
    const t = lv.ty;
    if (t.k === 'array' || t.k === 'struct' || t.k === 'func') return this.address(lv);
    if (lv.k === 'local' && lv.reg) return lv.reg;
    if (lv.k === 'local') {
      if (is64(t)) return `LD64L(fp+${lv.off},${(t as IntType).signed})`;
      const { view, shift } = viewFor(t);
      const base = shift === 0 ? 'fp' : shift === 1 ? 'f2' : 'f4';
      return `${view}[${base}+${lv.off >> shift}]`;
    }
    if (lv.constAddr !== undefined && !this.cx.instrumented && !is64(t) && lv.constAddr % sizeOf(t) === 0) {
      const { view, shift } = viewFor(t);
      return `${view}[${lv.constAddr >> shift}]`;
    }
    // the checked helpers take the page table and the view from the function's locals
    return is64(t) ? `${LOAD_HELPER(t)}(${lv.addr})` : `${LOAD_HELPER(t)}(PT,${viewFor(t).view},${lv.addr})`;
  }

  /** Writes an lvalue (as a JS expression whose own value is unspecified). */
  store(lv: LValue, value: string): string {
    const t = lv.ty;
    if (t.k === 'struct') return `COPY(${this.address(lv)},${value},${sizeOf(t)})`;
    if (lv.k === 'local' && lv.reg) return `${lv.reg}=${value}`;
    if (lv.k === 'local') {
      if (is64(t)) return `ST64L(fp+${lv.off},${value})`;
      const { view, shift } = viewFor(t);
      const base = shift === 0 ? 'fp' : shift === 1 ? 'f2' : 'f4';
      return `${view}[${base}+${lv.off >> shift}]=${value}`;
    }
    if (lv.constAddr !== undefined && !this.cx.instrumented && !is64(t) && lv.constAddr % sizeOf(t) === 0) {
      const { view, shift } = viewFor(t);
      return `${view}[${lv.constAddr >> shift}]=${value}`;
    }
    if (is64(t)) return `${STORE_HELPER(t)}(${lv.addr},${value})`;
    const size = sizeOf(t);
    return `${STORE_HELPER(t)}(PT,${size === 1 ? 'U8' : size === 2 ? 'U16' : 'U32'},${lv.addr},${value})`;
  }

  /** An lvalue whose address is computed once into a temporary (for read-modify-write). */
  private stableLValue(lv: LValue): { lv: LValue; setup: string } {
    if (lv.k === 'local' || lv.constAddr !== undefined) return { lv, setup: '' };
    const tmp = this.cx.vtemp();
    return { lv: { k: 'mem', addr: tmp, ty: lv.ty }, setup: `${tmp}=${lv.addr},` };
  }

  assign(e: ExprOf<'assign'>, discard: boolean): string {
    const lt = e.l.ty as Type;
    if (e.op === '=') {
      const lv = this.lvalue(e.l);
      const v = conv(this.value(e.r), e.r.ty as Type, lt);
      if (discard || lt.k === 'struct') return this.store(lv, v);
      const tmp = this.cx.vtemp();
      return `(${tmp}=${v},${this.store(lv, tmp)},${tmp})`;
    }
    const { lv, setup } = this.stableLValue(this.lvalue(e.l));
    const op = e.op.slice(0, -1);
    const rt = decay(e.r.ty as Type);
    let result: string;
    if (lt.k === 'ptr') result = ptrOffset(this.load(lv), this.value(e.r), rt, sizeOf(lt.to), op === '-');
    else {
      const t = e.opTy as IntType;
      const rhs = op === '<<' || op === '>>' ? shiftCount(this.value(e.r), rt, t) : conv(this.value(e.r), rt, t);
      result = conv(arith(op, conv(this.load(lv), lt, t), rhs, t), t, lt);
    }
    if (discard) return `(${setup}${this.store(lv, result)})`;
    const tmp = this.cx.vtemp();
    return `(${setup}${tmp}=${result},${this.store(lv, tmp)},${tmp})`;
  }

  incDec(target: Expr, op: '++' | '--', prefix: boolean, discard: boolean): string {
    const t = target.ty as Type;
    const { lv, setup } = this.stableLValue(this.lvalue(target));
    const minus = op === '--';
    const next = (cur: string): string => {
      if (t.k === 'ptr') return ptrOffset(cur, '1', INT32, sizeOf(t.to), minus);
      if (is64(t)) return `BigInt.as${(t as IntType).signed ? 'Int' : 'Uint'}N(64,${p(cur)}${minus ? '-' : '+'}1n)`;
      if (t.k === 'bool') return minus ? `(${p(cur)}===1?0:1)` : '1';
      const wide = arithmeticType(t, INT32);
      return conv(arith(minus ? '-' : '+', conv(cur, t, wide), '1', wide), wide, t);
    };
    if (discard) return `(${setup}${this.store(lv, next(this.load(lv)))})`;
    const old = this.cx.vtemp();
    if (prefix) return `(${setup}${old}=${next(this.load(lv))},${this.store(lv, old)},${old})`;
    return `(${setup}${old}=${this.load(lv)},${this.store(lv, next(old))},${old})`;
  }
}

export { BOOL };
