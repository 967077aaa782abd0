// Expression typing for the checker: the type of every expression under C's rules on the
// 32-bit target (promotion, usual arithmetic conversions, pointer arithmetic, lvalues), call
// checking against prototypes and builtins, and SimC's stricter pointer compatibility.
import type { Expr, ExprOf, Loc, TypeSyntax } from './ast';
import { decay, evalConst } from './constants';
import { didYouMean } from './diagnostics';
import {
  BASE_TYPES, BOOL, INT32, UINT32, UINT64, INT64, UINTPTR, VOID, VOIDPTR, arithmeticType, isIntegral, isPtr,
  isScalar, promote, ptrTo, sameType, sizeOf, typeToString, type Symbol, type Type,
} from './types';

/** What expression checking needs from the declaration checker around it. */
export interface CheckContext {
  error(at: Loc, message: string): never;
  guard(fn: () => void): void;
  lookup(name: string): Symbol | undefined;
  visibleNames(): string[];
  resolve(t: TypeSyntax): Type;
  noteString(e: ExprOf<'string'>): void;
  noteUndefinedUse(name: string, at: Loc): void;
}

export class ExprChecker {
  constructor(private readonly cx: CheckContext) {}

  // ---- expressions ----
  condition(e: Expr): void {
    const t = this.rvalue(e);
    if (!isScalar(t)) this.cx.error(e.loc, `used type '${typeToString(t)}' where a scalar is required`);
  }

  /** The type of e after array→pointer and function→pointer decay. */
  rvalue(e: Expr): Type {
    return decay(this.expr(e));
  }

  private isNullConstant(e: Expr): boolean {
    if (e.k === 'ident' && e.name === 'nil') return true;
    if (e.k === 'cast' && e.ty && isPtr(e.ty) && e.ty.to.k === 'void') return this.isNullConstant(e.e);
    if (e.ty && isIntegral(e.ty)) {
      try {
        return this.constValue(e) === 0n;
      } catch {
        return false;
      }
    }
    return false;
  }

  /** C's assignment compatibility, with SimC's stricter pointer rules. */
  assignable(to: Type, e: Expr, from: Type, what: string): void {
    from = decay(from);
    if (to.k === 'struct' || from.k === 'struct') {
      if (!sameType(to, from)) this.cx.error(e.loc, `incompatible types when ${what} '${typeToString(to)}' from '${typeToString(from)}'`);
      return;
    }
    if (isIntegral(to) && isIntegral(from)) return;
    if (to.k === 'ptr') {
      if (this.isNullConstant(e)) return;
      if (from.k === 'ptr') {
        if (to.to.k === 'void' || from.to.k === 'void' || sameType(to.to, from.to)) return;
        this.cx.error(e.loc, `incompatible pointer types ${what} '${typeToString(to)}' from '${typeToString(from)}'; add a cast if this is intended`);
      }
      this.cx.error(e.loc, `${what} '${typeToString(to)}' from '${typeToString(from)}' makes a pointer from an integer without a cast`);
    }
    if (isIntegral(to) && from.k === 'ptr') {
      this.cx.error(e.loc, `${what} '${typeToString(to)}' from '${typeToString(from)}' makes an integer from a pointer without a cast`);
    }
    this.cx.error(e.loc, `incompatible types when ${what} '${typeToString(to)}' from '${typeToString(from)}'`);
  }

  private isLvalue(e: Expr): boolean {
    switch (e.k) {
      case 'ident': return e.sym?.k === 'global' || e.sym?.k === 'local';
      case 'unary': return e.op === '*';
      case 'index': return true;
      case 'member': return e.arrow || this.isLvalue(e.e);
      default: return false;
    }
  }

  expr(e: Expr): Type {
    const t = this.exprInner(e);
    e.ty = t;
    return t;
  }

  private exprInner(e: Expr): Type {
    switch (e.k) {
      case 'int': {
        const v = e.value;
        if (e.long >= 2 || v > 0xffffffffn) return e.unsigned || v > 0x7fffffffffffffffn ? UINT64 : INT64;
        if (e.unsigned || v > 0x7fffffffn) return UINT32;
        return INT32;
      }
      case 'string':
        this.cx.noteString(e);
        return { k: 'array', of: BASE_TYPES.get('int8') as Type, len: e.bytes.length + 1 };
      case 'ident': {
        if (e.name === 'nil') return VOIDPTR;
        if (e.name === 'true' || e.name === 'false') return BOOL;
        const sym = this.cx.lookup(e.name);
        if (!sym) this.cx.error(e.loc, `use of undeclared identifier '${e.name}'${didYouMean(e.name, this.cx.visibleNames())}`);
        e.sym = sym;
        switch (sym.k) {
          case 'const': return INT32;
          case 'func':
            if (!sym.defined) this.cx.noteUndefinedUse(sym.name, e.loc);
            return sym.type;
          default: return sym.type;
        }
      }
      case 'unary': return this.unary(e);
      case 'postfix': {
        const t = this.expr(e.e);
        this.checkIncDec(e.e, t, e.op);
        return t;
      }
      case 'binary': return this.binary(e);
      case 'assign': return this.assign(e);
      case 'cond': {
        this.condition(e.c);
        const a = this.rvalue(e.a);
        const b = this.rvalue(e.b);
        if (isIntegral(a) && isIntegral(b)) return arithmeticType(a, b);
        if (a.k === 'ptr' && (b.k === 'ptr' || this.isNullConstant(e.b))) return a.k === 'ptr' && a.to.k === 'void' && b.k === 'ptr' ? b : a;
        if (b.k === 'ptr' && this.isNullConstant(e.a)) return b;
        if (sameType(a, b)) return a;
        this.cx.error(e.loc, `incompatible operand types ('${typeToString(a)}' and '${typeToString(b)}') in conditional expression`);
      }
      // eslint-disable-next-line no-fallthrough
      case 'call': return this.call(e);
      case 'index': {
        const a = this.rvalue(e.a);
        const i = this.rvalue(e.i);
        if (a.k === 'ptr' && isIntegral(i)) return this.elementType(a.to, e.loc);
        if (i.k === 'ptr' && isIntegral(a)) return this.elementType(i.to, e.loc);
        this.cx.error(e.loc, `subscripted value of type '${typeToString(a)}' is not an array or pointer`);
      }
      // eslint-disable-next-line no-fallthrough
      case 'member': {
        let t = this.expr(e.e);
        if (e.arrow) {
          t = decay(t);
          if (t.k !== 'ptr') this.cx.error(e.loc, `member reference type '${typeToString(t)}' is not a pointer; use '.'`);
          t = t.to;
        } else if (t.k === 'ptr' && t.to.k === 'struct') {
          this.cx.error(e.loc, `member reference type '${typeToString(t)}' is a pointer; did you mean to use '->'?`);
        }
        if (t.k !== 'struct') this.cx.error(e.loc, `member reference base type '${typeToString(t)}' is not a struct`);
        if (!t.complete) this.cx.error(e.loc, `incomplete type '${typeToString(t)}' has no members (its struct is declared nowhere)`);
        const f = t.fields.find((x) => x.name === e.name);
        if (!f) this.cx.error(e.nameLoc, `no member named '${e.name}' in '${typeToString(t)}'${didYouMean(e.name, t.fields.map((x) => x.name))}`);
        e.offset = f.offset;
        return f.type;
      }
      case 'cast': {
        const to = this.cx.resolve(e.type);
        const from = this.rvalue(e.e);
        if (to.k === 'void') return to;
        if (!isScalar(to)) this.cx.error(e.loc, `cast to non-scalar type '${typeToString(to)}'`);
        if (!isScalar(from)) this.cx.error(e.loc, `cast of non-scalar type '${typeToString(from)}'`);
        if ((to.k === 'ptr' && from.k === 'int' && from.size === 8) || (from.k === 'ptr' && to.k === 'int' && to.size < 4)) {
          // allowed as in C (truncating/extending), nothing to say
        }
        return to;
      }
      case 'sizeofType': {
        const t = this.cx.resolve(e.type);
        if (t.k === 'struct' && !t.complete) this.cx.error(e.loc, `invalid application of 'sizeof' to an incomplete type '${typeToString(t)}'`);
        e.value = sizeOf(t);
        return UINTPTR;
      }
      case 'sizeofExpr': {
        const t = this.expr(e.e);
        e.value = sizeOf(t);
        return UINTPTR;
      }
      case 'jsval':
        return e.ty ?? VOID;
    }
  }

  private elementType(t: Type, at: Loc): Type {
    if (t.k === 'void') this.cx.error(at, 'subscript of a pointer to void');
    if (t.k === 'struct' && !t.complete) this.cx.error(at, `subscript of a pointer to incomplete type '${typeToString(t)}'`);
    return t;
  }

  /** Pointer arithmetic scales by the pointee's size: void* counts bytes, functions and incomplete structs are refused. */
  private arithmeticPointee(t: Type, at: Loc): void {
    if (t.k === 'func') this.cx.error(at, 'arithmetic on a pointer to a function');
    if (t.k === 'struct' && !t.complete) this.cx.error(at, `arithmetic on a pointer to incomplete type '${typeToString(t)}'`);
  }

  private checkIncDec(target: Expr, t: Type, op: string): void {
    if (!this.isLvalue(target)) this.cx.error(target.loc, `expression is not assignable (operand of '${op}')`);
    if (!isScalar(t)) this.cx.error(target.loc, `cannot increment or decrement a value of type '${typeToString(t)}'`);
  }

  private unary(e: ExprOf<'unary'>): Type {
    switch (e.op) {
      case '&': {
        const t = this.expr(e.e);
        if (e.e.k === 'ident' && e.e.sym?.k === 'func') return ptrTo(t);
        if (e.e.k === 'ident' && e.e.sym?.k === 'threadvar') this.cx.error(e.loc, `cannot take the address of '${e.e.name}'`);
        if (!this.isLvalue(e.e)) this.cx.error(e.loc, 'cannot take the address of an rvalue');
        return ptrTo(t);
      }
      case '*': {
        const t = this.rvalue(e.e);
        if (t.k !== 'ptr') this.cx.error(e.loc, `indirection requires pointer operand ('${typeToString(t)}' invalid)`);
        if (t.to.k === 'void') this.cx.error(e.loc, `dereference of a 'void*'; cast it to a typed pointer first`);
        return t.to;
      }
      case '++':
      case '--': {
        const t = this.expr(e.e);
        this.checkIncDec(e.e, t, e.op);
        return t;
      }
      case '!': {
        this.condition(e.e);
        return INT32;
      }
      default: {
        const t = this.rvalue(e.e);
        if (!isIntegral(t)) this.cx.error(e.loc, `invalid argument type '${typeToString(t)}' to unary '${e.op}'`);
        return promote(t);
      }
    }
  }

  private binary(e: ExprOf<'binary'>): Type {
    const l = this.rvalue(e.l);
    const r = this.rvalue(e.r);
    const op = e.op;
    const bad = (): never => this.cx.error(e.loc, `invalid operands to binary '${op}' ('${typeToString(l)}' and '${typeToString(r)}')`);
    if (op === '&&' || op === '||') {
      if (!isScalar(l) || !isScalar(r)) bad();
      return INT32;
    }
    if (op === '==' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=') {
      if (isIntegral(l) && isIntegral(r)) {
        e.opTy = arithmeticType(l, r);
        return INT32;
      }
      if (l.k === 'ptr' && r.k === 'ptr') {
        if (!(l.to.k === 'void' || r.to.k === 'void' || sameType(l.to, r.to))) this.cx.error(e.loc, `comparison of distinct pointer types ('${typeToString(l)}' and '${typeToString(r)}')`);
        e.opTy = UINT32;
        return INT32;
      }
      if ((l.k === 'ptr' && this.isNullConstant(e.r)) || (r.k === 'ptr' && this.isNullConstant(e.l))) {
        e.opTy = UINT32;
        return INT32;
      }
      bad();
    }
    if (op === '+' || op === '-') {
      if (l.k === 'ptr' && isIntegral(r)) {
        this.arithmeticPointee(l.to, e.loc);
        return l;
      }
      if (op === '+' && r.k === 'ptr' && isIntegral(l)) {
        this.arithmeticPointee(r.to, e.loc);
        return r;
      }
      if (op === '-' && l.k === 'ptr' && r.k === 'ptr') {
        if (!sameType(l.to, r.to)) this.cx.error(e.loc, `'${typeToString(l)}' and '${typeToString(r)}' are not pointers to compatible types`);
        return INT32;
      }
    }
    if (!isIntegral(l) || !isIntegral(r)) bad();
    if (op === '<<' || op === '>>') {
      e.opTy = promote(l);
      return e.opTy;
    }
    e.opTy = arithmeticType(l, r);
    return e.opTy;
  }

  private assign(e: ExprOf<'assign'>): Type {
    const l = this.expr(e.l);
    if (e.l.k === 'ident' && e.l.sym?.k === 'threadvar') this.cx.error(e.loc, `'${e.l.name}' is set by the VM and cannot be assigned`);
    if (!this.isLvalue(e.l)) this.cx.error(e.loc, 'expression is not assignable');
    if (l.k === 'array') this.cx.error(e.loc, `array type '${typeToString(l)}' is not assignable`);
    const r = this.rvalue(e.r);
    if (e.op === '=') {
      this.assignable(l, e.r, r, 'assigning to');
      return l;
    }
    const op = e.op.slice(0, -1);
    if ((op === '+' || op === '-') && l.k === 'ptr' && isIntegral(r)) return l;
    if (!isIntegral(l) || !isIntegral(r)) this.cx.error(e.loc, `invalid operands to '${e.op}' ('${typeToString(l)}' and '${typeToString(r)}')`);
    e.opTy = op === '<<' || op === '>>' ? promote(l) : arithmeticType(l, r);
    return l;
  }

  private call(e: ExprOf<'call'>): Type {
    if (e.callee.k === 'ident' && e.callee.name === 'nelem' && !this.cx.lookup('nelem')) {
      if (e.args.length !== 1) this.cx.error(e.loc, `'nelem' takes exactly one array argument`);
      const t = this.expr(e.args[0]);
      if (t.k !== 'array') this.cx.error(e.args[0].loc, `'nelem' needs an array, not '${typeToString(t)}'`);
      e.callee.ty = VOID;
      return UINTPTR;
    }
    const ct = this.expr(e.callee);
    const ft: Type | undefined = ct.k === 'func' ? ct : ct.k === 'ptr' && ct.to.k === 'func' ? ct.to : undefined;
    if (!ft || ft.k !== 'func') this.cx.error(e.loc, `called object of type '${typeToString(ct)}' is not a function or function pointer`);
    const name = e.callee.k === 'ident' ? e.callee.name : 'function';
    const isBuiltin = e.callee.k === 'ident' && e.callee.sym?.k === 'builtin';
    const n = ft.params.length;
    if (e.args.length < n || (e.args.length > n && !ft.variadic)) {
      this.cx.error(e.loc, `too ${e.args.length < n ? 'few' : 'many'} arguments to '${name}': expected ${n}${ft.variadic ? ' or more' : ''}, have ${e.args.length}`);
    }
    e.args.forEach((a, i) => {
      this.cx.guard(() => {
        const at = this.rvalue(a);
        if (i >= n) {
          if (!isScalar(at)) this.cx.error(a.loc, `cannot pass a value of type '${typeToString(at)}' to '${name}'`);
          return;
        }
        const pt = ft.params[i];
        if (isBuiltin && pt.k === 'ptr' && at.k === 'ptr') return; // builtins take any pointer where they take one
        this.assignable(pt, a, at, `passing argument ${i + 1} of '${name}': converting to`);
      });
    });
    return ft.ret;
  }

  // ---- constants ----
  /** Evaluates an integer constant expression (already typed), in the expression's own type. */
  constValue(e: Expr): bigint {
    const v = evalConst(e, (name) => this.cx.lookup(name));
    if (v === undefined) this.cx.error(e.loc, 'expression is not an integer constant');
    return v;
  }}
