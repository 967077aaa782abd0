// Integer constant expressions: C's operators on BigInt values wrapped to a type's width, the
// evaluation of constant expressions for the checker (array sizes, enum values, case labels),
// for the linker (global initialisers, with addresses) and for the preprocessor's #if.
import type { Expr } from './ast';
import { ptrTo, sizeOf, type IntType, type Symbol, type Type } from './types';

const RELATIONAL = new Set(['==', '!=', '<', '>', '<=', '>=', '&&', '||']);

/** One C binary operator on integers of `bits` width (shift counts masked to it); undefined for x/0. */
export function integerOp(op: string, a: bigint, b: bigint, bits: number): bigint | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0n ? undefined : a / b;
    case '%': return b === 0n ? undefined : a % b;
    case '<<': return a << (b & BigInt(bits - 1));
    case '>>': return a >> (b & BigInt(bits - 1));
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    default: return undefined;
  }
}

export function decay(t: Type): Type {
  if (t.k === 'array') return ptrTo(t.of);
  if (t.k === 'func') return ptrTo(t);
  return t;
}

/** Wraps a bigint to the width and signedness of an integer type. */
export function wrapTo(t: Type | undefined, v: bigint): bigint {
  if (!t) return v;
  if (t.k === 'bool') return v !== 0n ? 1n : 0n;
  if (t.k === 'ptr') return BigInt.asUintN(32, v);
  if (t.k !== 'int') return v;
  return t.signed ? BigInt.asIntN(t.size * 8, v) : BigInt.asUintN(t.size * 8, v);
}

/**
 * Evaluates a constant expression. `address` gives symbols' addresses at link time (global
 * initialisers); without it, only integer constant expressions evaluate.
 */
export function evalConst(
  e: Expr,
  lookup: (name: string) => Symbol | undefined,
  address?: (e: Expr) => bigint | undefined,
): bigint | undefined {
  const ev = (x: Expr): bigint | undefined => evalConst(x, lookup, address);
  const ty = e.ty;
  switch (e.k) {
    case 'int': return wrapTo(ty, e.value);
    case 'ident':
      if (e.name === 'nil' || e.name === 'false') return 0n;
      if (e.name === 'true') return 1n;
      if (e.sym?.k === 'const') return e.sym.value;
      if (address && (e.sym?.k === 'func' || (e.sym?.k === 'global' && e.ty?.k === 'array'))) return address(e);
      return undefined;
    case 'string': return address ? address(e) : undefined;
    case 'sizeofType': case 'sizeofExpr': return BigInt(e.value ?? 0);
    case 'cast': {
      const v = ev(e.e);
      return v === undefined ? undefined : wrapTo(ty, v);
    }
    case 'unary': {
      if (e.op === '&') return address ? address(e.e) : undefined;
      const v = ev(e.e);
      if (v === undefined) return undefined;
      switch (e.op) {
        case '-': return wrapTo(ty, -v);
        case '+': return wrapTo(ty, v);
        case '~': return wrapTo(ty, ~v);
        case '!': return v === 0n ? 1n : 0n;
        default: return undefined;
      }
    }
    case 'cond': {
      const c = ev(e.c);
      if (c === undefined) return undefined;
      const v = c !== 0n ? ev(e.a) : ev(e.b);
      return v === undefined ? undefined : wrapTo(ty, v);
    }
    case 'binary': {
      const l = ev(e.l);
      const r = ev(e.r);
      if (l === undefined || r === undefined) return undefined;
      const lt = e.l.ty ? decay(e.l.ty) : undefined;
      const rt = e.r.ty ? decay(e.r.ty) : undefined;
      if (lt?.k === 'ptr' && (e.op === '+' || e.op === '-') && rt?.k !== 'ptr') return wrapTo(ty, e.op === '+' ? l + r * BigInt(sizeOf(lt.to)) : l - r * BigInt(sizeOf(lt.to)));
      if (rt?.k === 'ptr' && e.op === '+') return wrapTo(ty, r + l * BigInt(sizeOf(rt.to)));
      const opTy = (e.opTy ?? ty) as IntType | undefined;
      const a = wrapTo(opTy, l);
      const b = wrapTo(opTy, r);
      const v = integerOp(e.op, a, b, (opTy?.size ?? 4) * 8);
      if (v === undefined) return undefined;
      if (RELATIONAL.has(e.op)) return v;
      return wrapTo(ty, v);
    }
    case 'member': case 'index':
      return address && e.ty?.k === 'array' ? address(e) : undefined;
    default:
      return undefined;
  }
}

