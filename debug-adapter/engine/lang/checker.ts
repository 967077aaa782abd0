// The checker: resolves names (one global scope for the whole program, `runtime·X` reachable as
// `X`), turns type syntax into types with C layout, types every expression, lays out each
// function's frame (every local lives in the goroutine's simulated stack), evaluates integer
// constant expressions, and reports type errors with "did you mean" suggestions.
import type {
  Block, Decl, Expr, ExprOf, FuncDecl, Initializer, Loc, Stmt, TranslationUnit, TypeSyntax, VarDecl,
} from './ast';
import { BUILTIN_SIGNATURES } from './builtins';
import { ExprChecker } from './check-expr';
import { didYouMean, type DiagnosticSink } from './diagnostics';
import { MAX_OBJECT_SIZE, MAX_TYPE_DEPTH } from './limits';
import {
  BASE_TYPES, INT32, VOID, alignOf, isIntegral, layoutStruct, ptrTo, sameType, sizeOf, typeToString,
  type StructType, type Symbol, type Type,
} from './types';

export type GlobalSym = Extract<Symbol, { k: 'global' }>;
export type LocalSym = Extract<Symbol, { k: 'local' }>;
export type FuncSym = Extract<Symbol, { k: 'func' }>;
export type BuiltinSym = Extract<Symbol, { k: 'builtin' }>;
export type ConstSym = Extract<Symbol, { k: 'const' }>;
type FuncType = Extract<Type, { k: 'func' }>;

export interface FuncInfo {
  decl: FuncDecl;
  sym: FuncSym;
  params: LocalSym[];
  locals: LocalSym[];
  frameSize: number;
}

export interface GlobalInfo {
  sym: GlobalSym;
  decl: VarDecl;
}

export interface CheckedProgram {
  funcs: FuncInfo[];
  globals: GlobalInfo[];
  structs: ReadonlyMap<string, StructType>;
  typedefs: ReadonlyMap<string, Type>;
  consts: ReadonlyMap<string, ConstSym>;
  builtins: readonly BuiltinSym[];
  strings: ExprOf<'string'>[];
  lookup(name: string): Symbol | undefined;
}

const THREAD_VARS = new Set(['m', 'g']);

class CheckError extends Error {}

export function check(unit: TranslationUnit, sink: DiagnosticSink): CheckedProgram {
  return new Checker(sink).run(unit);
}

class Checker {
  private readonly globals = new Map<string, Symbol>();
  private readonly typedefSyntax = new Map<string, TypeSyntax>();
  private readonly typedefs = new Map<string, Type>();
  private readonly structs = new Map<string, StructType>();
  private readonly structSyntax = new Map<string, TypeSyntax & { k: 'struct' }>();
  private readonly consts = new Map<string, ConstSym>();
  private readonly funcs: FuncInfo[] = [];
  private readonly globalInfos: GlobalInfo[] = [];
  private readonly builtins: BuiltinSym[] = [];
  private readonly strings: ExprOf<'string'>[] = [];
  private readonly resolving = new Set<string>();
  /** Typedefs whose type had an error (reported once; a use of one is then skipped quietly). */
  private readonly brokenTypedefs = new Set<string>();
  /** Types being resolved inside each other (a typedef's, a struct's fields'…). */
  private resolveDepth = 0;
  /** Height of each derived type resolved (pointer, array, function levels; others count 1). */
  private readonly typeHeights = new WeakMap<Type, number>();
  private anonCount = 0;
  // per function
  private scopes: Map<string, LocalSym>[] = [];
  private current: FuncInfo | null = null;
  private frameTop = 0;
  private localId = 0;
  private loopDepth = 0;
  private switchDepth = 0;

  private readonly exprs: ExprChecker;

  constructor(private readonly sink: DiagnosticSink) {
    this.exprs = new ExprChecker({
      error: (at, message) => this.error(at, message),
      guard: (fn) => this.guard(fn),
      lookup: (name) => this.lookup(name),
      visibleNames: () => this.visibleNames(),
      resolve: (t) => this.resolve(t),
      noteString: (e) => this.strings.push(e),
      noteUndefinedUse: (name, at) => this.usedUndefined.set(name, [...(this.usedUndefined.get(name) ?? []), at]),
    });
  }

  private error(at: Loc, message: string): never {
    this.sink.error(at, message);
    throw new CheckError(message);
  }
  /** Runs a check, turning a reported error into "skip this piece" so checking goes on. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof CheckError)) throw e;
    }
  }

  run(unit: TranslationUnit): CheckedProgram {
    // 1. collect type names and struct tags
    for (const d of unit.decls) {
      if (d.k === 'typedef') {
        if (this.typedefSyntax.has(d.name) && !BASE_TYPES.has(d.name)) {
          // a repeated identical typedef (as C11 allows) is fine; keep the first
        } else this.typedefSyntax.set(d.name, d.type);
      }
      this.collectTags(d.k === 'func' ? d.type : d.type);
    }
    // 2. enum constants
    for (const d of unit.decls) if (d.k === 'tag' || d.k === 'typedef' || d.k === 'var') this.guard(() => this.collectEnums(d.type));
    // 3. resolve typedefs and structs
    for (const [name] of this.typedefSyntax) this.guard(() => this.typedef(name, { file: '', line: 0, column: 0 }));
    for (const [tag] of this.structSyntax) this.guard(() => this.struct(tag, this.structSyntax.get(tag)?.loc as Loc));
    // 4. builtins
    this.declareBuiltins();
    // 5. globals and functions
    for (const d of unit.decls) {
      if (d.k === 'var') this.guard(() => this.declareGlobal(d));
      else if (d.k === 'func') this.guard(() => this.declareFunc(d));
    }
    // 6. bodies
    for (const f of this.funcs) this.guard(() => this.checkFunc(f));
    for (const gi of this.globalInfos) if (gi.decl.init) this.guard(() => this.checkInitializer(gi.decl.init as Initializer, gi.sym.type));
    // 7. functions used but never defined
    for (const [, s] of this.globals) {
      if (s.k === 'func' && !s.defined && this.usedUndefined.has(s.name)) {
        for (const at of this.usedUndefined.get(s.name) ?? []) this.sink.error(at, `function '${s.name}' is declared but never defined`);
      }
    }
    return {
      funcs: this.funcs,
      globals: this.globalInfos,
      structs: this.structs,
      typedefs: this.typedefs,
      consts: this.consts,
      builtins: this.builtins,
      strings: this.strings,
      lookup: (name) => this.lookupGlobal(name),
    };
  }
  private readonly usedUndefined = new Map<string, Loc[]>();

  // ---- types ----
  private collectTags(t: TypeSyntax): void {
    switch (t.k) {
      case 'struct':
        if (t.fields) {
          const tag = t.tag ?? `<anonymous ${++this.anonCount}>`;
          t.tag = tag;
          if (this.structSyntax.has(tag)) this.sink.error(t.loc, `redefinition of 'struct ${tag}'`);
          else this.structSyntax.set(tag, t);
          for (const f of t.fields) this.collectTags(f.type);
        }
        return;
      case 'ptr': return this.collectTags(t.to);
      case 'array': return this.collectTags(t.of);
      case 'func':
        this.collectTags(t.ret);
        for (const p of t.params) this.collectTags(p.type);
        return;
      default:
    }
  }

  private collectEnums(t: TypeSyntax): void {
    if (t.k === 'enum' && t.items) {
      let next = 0n;
      for (const item of t.items) {
        if (item.value) {
          this.guard(() => {
            this.exprs.expr(item.value as Expr);
            next = this.exprs.constValue(item.value as Expr);
          });
        }
        if (this.globals.has(item.name)) this.sink.error(item.loc, `redefinition of '${item.name}'`);
        const sym: ConstSym = { k: 'const', name: item.name, value: next, loc: item.loc, doc: item.doc };
        this.globals.set(item.name, sym);
        this.consts.set(item.name, sym);
        next = BigInt.asIntN(32, next + 1n);
      }
    } else if (t.k === 'struct' && t.fields) for (const f of t.fields) this.collectEnums(f.type);
  }

  private typedef(name: string, at: Loc): Type {
    const done = this.typedefs.get(name);
    if (done) return done;
    const base = BASE_TYPES.get(name);
    if (base) return base;
    const syn = this.typedefSyntax.get(name);
    if (!syn) this.error(at, `unknown type name '${name}'${didYouMean(name, [...this.typedefSyntax.keys(), ...BASE_TYPES.keys()])}`);
    if (this.resolving.has('typedef ' + name)) this.error(syn.loc, `typedef '${name}' refers to itself`);
    if (this.brokenTypedefs.has(name)) throw new CheckError(`typedef '${name}' is in error`); // reported once
    this.resolving.add('typedef ' + name);
    try {
      const t = this.resolve(syn);
      this.typedefs.set(name, t);
      return t;
    } catch (e) {
      if (e instanceof CheckError) this.brokenTypedefs.add(name);
      throw e;
    } finally {
      this.resolving.delete('typedef ' + name);
    }
  }

  private struct(tag: string, at: Loc): StructType {
    let s = this.structs.get(tag);
    if (s) {
      if (!s.complete && this.resolving.has('struct ' + tag)) this.error(at, `field has incomplete type 'struct ${tag}' (a struct cannot contain itself)`);
      return s;
    }
    const syn = this.structSyntax.get(tag);
    s = { k: 'struct', tag, fields: [], size: 0, align: 1, complete: false, loc: syn?.loc ?? at };
    this.structs.set(tag, s);
    if (!syn?.fields) return s; // incomplete: usable behind a pointer only
    this.resolving.add('struct ' + tag);
    try {
      const fields = syn.fields.map((f) => {
        const ft = this.resolve(f.type);
        if (ft.k === 'struct' && !ft.complete) this.error(f.loc, `field '${f.name}' has incomplete type '${typeToString(ft)}'`);
        if (ft.k === 'void' || ft.k === 'func') this.error(f.loc, `field '${f.name}' has invalid type '${typeToString(ft)}'`);
        return { name: f.name, type: ft, loc: f.loc, doc: f.doc };
      });
      const seen = new Set<string>();
      for (const f of fields) {
        if (seen.has(f.name)) this.sink.error(f.loc, `duplicate member '${f.name}'`);
        seen.add(f.name);
      }
      layoutStruct(s, fields);
      if (BigInt(s.size) > MAX_OBJECT_SIZE) this.error(s.loc, `struct '${tag}' is too large (${s.size} bytes; an object is at most ${MAX_OBJECT_SIZE} bytes)`);
    } finally {
      this.resolving.delete('struct ' + tag);
    }
    return s;
  }

  /** The type a type syntax denotes; past MAX_TYPE_DEPTH types resolved inside each other, an error. */
  private resolve(t: TypeSyntax): Type {
    if (this.resolveDepth >= MAX_TYPE_DEPTH) {
      this.error(t.loc, `type definitions nested too deeply (limit ${MAX_TYPE_DEPTH}); define the structs and typedefs a type uses before it`);
    }
    this.resolveDepth++;
    try {
      return this.resolveHere(t);
    } finally {
      this.resolveDepth--;
    }
  }

  /** Records a derived type's height (1 + its tallest part's); rejects one taller than MAX_TYPE_DEPTH. */
  private measured(t: Type, at: Loc): Type {
    const height = (x: Type): number => this.typeHeights.get(x) ?? 1;
    const h = 1 + (t.k === 'ptr' ? height(t.to) : t.k === 'array' ? height(t.of) : t.k === 'func' ? t.params.reduce((max, p) => Math.max(max, height(p)), height(t.ret)) : 0);
    if (h > MAX_TYPE_DEPTH) this.error(at, `type nested too deeply (limit ${MAX_TYPE_DEPTH} pointer, array and function levels)`);
    this.typeHeights.set(t, h);
    return t;
  }

  private resolveHere(t: TypeSyntax): Type {
    switch (t.k) {
      case 'named': return this.typedef(t.name, t.loc);
      case 'struct': {
        if (!t.tag) this.error(t.loc, 'anonymous struct without fields');
        return this.struct(t.tag, t.loc);
      }
      case 'enum': return INT32;
      case 'ptr': {
        if (t.to.k === 'struct' && t.to.tag && !t.to.fields) {
          // a pointer to a struct named by its tag: the struct may be declared nowhere (an opaque
          // type) or be the one being defined (`struct Node { struct Node *next; }`)
          return ptrTo(this.structs.get(t.to.tag) ?? this.struct(t.to.tag, t.loc));
        }
        if (t.to.k === 'named' && this.typedefSyntax.get(t.to.name)?.k === 'struct') {
          const syn = this.typedefSyntax.get(t.to.name) as TypeSyntax & { k: 'struct' };
          if (syn.tag) return ptrTo(this.structs.get(syn.tag) ?? this.struct(syn.tag, t.loc));
        }
        return this.measured(ptrTo(this.resolve(t.to)), t.loc);
      }
      case 'array': {
        const of = this.resolve(t.of);
        if (of.k === 'void' || of.k === 'func') this.error(t.loc, `array of '${typeToString(of)}' is not allowed`);
        if (of.k === 'struct' && !of.complete) this.error(t.loc, `array has incomplete element type '${typeToString(of)}'`);
        if (!t.size) return this.measured({ k: 'array', of, len: 0 }, t.loc);
        this.exprs.expr(t.size);
        const n = this.exprs.constValue(t.size);
        if (n < 0n) this.error(t.size.loc, 'array size is negative');
        if (n * BigInt(sizeOf(of)) > MAX_OBJECT_SIZE) this.error(t.size.loc, `array is too large (${n} elements of ${sizeOf(of)} bytes; an object is at most ${MAX_OBJECT_SIZE} bytes)`);
        return this.measured({ k: 'array', of, len: Number(n) }, t.loc);
      }
      case 'func': {
        const ret = this.resolve(t.ret);
        if (ret.k === 'struct' || ret.k === 'array') this.error(t.loc, `functions returning '${typeToString(ret)}' by value are not supported in SimC; return a pointer`);
        const params = t.params.map((p) => {
          const pt = this.resolve(p.type);
          if (pt.k === 'struct') this.error(p.loc, `passing structs by value is not supported in SimC; pass a pointer`);
          return pt.k === 'array' ? ptrTo(pt.of) : pt.k === 'func' ? ptrTo(pt) : pt;
        });
        return this.measured({ k: 'func', ret, params, variadic: t.variadic }, t.loc);
      }
    }
  }

  private declareBuiltins(): void {
    const parseSig = (s: string): Type => {
      const fp = /^(\w+)\(\*\)\((.*)\)$/.exec(s);
      if (fp) return ptrTo({ k: 'func', ret: parseSig(fp[1]), params: fp[2] ? fp[2].split(',').map((x) => parseSig(x.trim())) : [], variadic: false });
      let stars = 0;
      let name = s;
      while (name.endsWith('*')) {
        stars++;
        name = name.slice(0, -1);
      }
      let t: Type = BASE_TYPES.get(name) ?? (this.typedefSyntax.has(name) ? this.safeTypedef(name) : VOID);
      for (let i = 0; i < stars; i++) t = ptrTo(t);
      return t;
    };
    BUILTIN_SIGNATURES.forEach((sig, id) => {
      const [name, ret, ...rest] = sig;
      const variadic = rest[rest.length - 1] === '...';
      const params = (variadic ? rest.slice(0, -1) : rest).map(parseSig);
      const sym: BuiltinSym = { k: 'builtin', name, type: { k: 'func', ret: parseSig(ret), params, variadic }, id };
      this.builtins.push(sym);
      this.globals.set(name, sym);
    });
  }
  private safeTypedef(name: string): Type {
    try {
      return this.typedef(name, { file: '', line: 0, column: 0 });
    } catch {
      return VOID;
    }
  }

  // ---- global declarations ----
  private declareGlobal(d: VarDecl): void {
    if (THREAD_VARS.has(d.name)) {
      this.globals.set(d.name, { k: 'threadvar', name: d.name as 'm' | 'g', type: this.resolve(d.type) });
      return;
    }
    let type = this.resolve(d.type);
    if (type.k === 'void') this.error(d.loc, `variable '${d.name}' declared void`);
    const prev = this.globals.get(d.name);
    if (prev) {
      if (prev.k === 'global') {
        if (!sameType(prev.type, type) && !(prev.type.k === 'array' && type.k === 'array' && (prev.type.len === 0 || type.len === 0))) {
          this.error(d.loc, `conflicting types for '${d.name}' ('${typeToString(type)}' vs '${typeToString(prev.type)}' at line ${prev.loc.line})`);
        }
        if (d.storage !== 'extern') {
          if (!prev.isExtern && (d.init || this.globalInfos.find((g) => g.sym === prev)?.decl.init)) this.error(d.loc, `redefinition of '${d.name}'`);
          if (prev.type.k === 'array' && prev.type.len === 0) prev.type = type;
          prev.isExtern = false;
          const info = this.globalInfos.find((g) => g.sym === prev);
          if (info && d.init) info.decl = d;
          prev.loc = d.loc;
          prev.doc = d.doc ?? prev.doc;
        }
        d.sym = prev;
        return;
      }
      if (prev.k !== 'builtin') this.error(d.loc, `redefinition of '${d.name}' as a different kind of symbol`);
    }
    if (type.k === 'array' && type.len === 0 && d.init?.k === 'list') type = { ...type, len: this.initListLength(d.init) };
    if (type.k === 'array' && type.len === 0 && d.init?.k === 'expr' && d.init.e.k === 'string') type = { ...type, len: d.init.e.bytes.length + 1 };
    if (type.k === 'struct' && !type.complete) this.error(d.loc, `variable '${d.name}' has incomplete type '${typeToString(type)}'`);
    const sym: GlobalSym = { k: 'global', name: d.name, type, addr: 0, loc: d.loc, doc: d.doc, isExtern: d.storage === 'extern' };
    this.globals.set(d.name, sym);
    this.globalInfos.push({ sym, decl: d });
    d.sym = sym;
  }

  private initListLength(init: Initializer & { k: 'list' }): number {
    let idx = 0;
    let max = 0;
    for (const item of init.items) {
      if (item.index) {
        this.exprs.expr(item.index);
        idx = Number(this.exprs.constValue(item.index));
      }
      idx++;
      max = Math.max(max, idx);
    }
    return max;
  }

  private declareFunc(d: FuncDecl): void {
    const type = this.resolve(d.type) as FuncType;
    const prev = this.globals.get(d.name);
    if (prev && prev.k === 'func') {
      if (!sameType(prev.type, type)) this.error(d.loc, `conflicting types for '${d.name}' ('${typeToString(type)}' vs '${typeToString(prev.type)}' at ${prev.loc.file.split('/').pop()}:${prev.loc.line})`);
      if (d.body) {
        if (prev.defined) this.error(d.loc, `redefinition of '${d.name}' (first defined at ${prev.loc.file.split('/').pop()}:${prev.loc.line})`);
        prev.defined = true;
        prev.loc = d.loc;
        prev.doc = d.doc ?? prev.doc;
        prev.index = this.funcs.length;
        this.funcs.push({ decl: d, sym: prev, params: [], locals: [], frameSize: 0 });
      }
      return;
    }
    if (prev && prev.k === 'builtin') this.error(d.loc, `'${d.name}' is a builtin of the VM and cannot be redefined`);
    if (prev) this.error(d.loc, `redefinition of '${d.name}' as a different kind of symbol`);
    const sym: FuncSym = { k: 'func', name: d.name, type, index: -1, loc: d.loc, doc: d.doc, defined: !!d.body };
    this.globals.set(d.name, sym);
    if (d.body) {
      sym.index = this.funcs.length;
      this.funcs.push({ decl: d, sym, params: [], locals: [], frameSize: 0 });
    }
  }

  /** Global lookup; `X` finds `runtime·X` and `runtime·X` finds `X` when the exact name is absent. */
  private lookupGlobal(name: string): Symbol | undefined {
    const exact = this.globals.get(name);
    if (exact) return exact;
    if (!name.includes('·')) return this.globals.get('runtime·' + name);
    if (name.startsWith('runtime·')) return this.globals.get(name.slice('runtime·'.length));
    return undefined;
  }

  private lookup(name: string): Symbol | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i].get(name);
      if (s) return s;
    }
    return this.lookupGlobal(name);
  }

  private visibleNames(): string[] {
    const names: string[] = [];
    for (const sc of this.scopes) for (const name of sc.keys()) names.push(name);
    for (const name of this.globals.keys()) names.push(name);
    return names;
  }

  // ---- functions ----
  private checkFunc(f: FuncInfo): void {
    const d = f.decl;
    this.current = f;
    this.scopes = [new Map()];
    this.frameTop = 0;
    this.localId = 0;
    this.loopDepth = 0;
    this.switchDepth = 0;
    const type = f.sym.type;
    d.type.params.forEach((p, i) => {
      if (!p.name) {
        this.sink.error(p.loc, `parameter ${i + 1} of '${d.name}' has no name`);
        return;
      }
      f.params.push(this.declareLocal(p.name, type.params[i], p.loc));
    });
    if (d.body) this.block(d.body, false);
    f.frameSize = Math.ceil(this.frameTop / 8) * 8;
    this.current = null;
  }

  private declareLocal(name: string, type: Type, at: Loc): LocalSym {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope.has(name)) this.sink.error(at, `redefinition of '${name}'`);
    const a = Math.max(alignOf(type), 1);
    this.frameTop = Math.ceil(this.frameTop / a) * a;
    const sym: LocalSym = { k: 'local', name, type, offset: this.frameTop, loc: at, id: this.localId++ };
    this.frameTop += Math.max(sizeOf(type), 1);
    scope.set(name, sym);
    this.current?.locals.push(sym);
    return sym;
  }

  private block(b: Block, newScope = true): void {
    if (newScope) this.scopes.push(new Map());
    for (const s of b.body) this.guard(() => this.stmt(s));
    if (newScope) this.scopes.pop();
  }

  private stmt(s: Stmt): void {
    switch (s.k) {
      case 'block': return this.block(s);
      case 'expr':
        this.exprs.expr(s.e);
        return;
      case 'decl':
        for (const d of s.decls) this.guard(() => this.localVar(d));
        return;
      case 'if':
        this.exprs.condition(s.cond);
        this.guard(() => this.stmt(s.then));
        if (s.else) this.stmt(s.else);
        return;
      case 'while':
      case 'do':
        this.exprs.condition(s.cond);
        this.loopDepth++;
        this.guard(() => this.stmt(s.body));
        this.loopDepth--;
        return;
      case 'for':
        this.scopes.push(new Map());
        if (s.init) this.stmt(s.init);
        if (s.cond) this.exprs.condition(s.cond);
        if (s.post) this.exprs.expr(s.post);
        this.loopDepth++;
        this.guard(() => this.stmt(s.body));
        this.loopDepth--;
        this.scopes.pop();
        return;
      case 'switch': {
        const t = this.exprs.rvalue(s.e);
        if (!isIntegral(t)) this.error(s.e.loc, `switch on a value of type '${typeToString(t)}'; an integer is required`);
        this.switchDepth++;
        const seen = new Map<bigint, Loc>();
        this.collectCases(s.body, seen);
        this.guard(() => this.stmt(s.body));
        this.switchDepth--;
        return;
      }
      case 'case':
        if (this.switchDepth === 0) this.error(s.loc, "'case' label not within a switch statement");
        return;
      case 'default':
        if (this.switchDepth === 0) this.error(s.loc, "'default' label not within a switch statement");
        return;
      case 'break':
        if (this.loopDepth === 0 && this.switchDepth === 0) this.error(s.loc, "'break' statement not in loop or switch statement");
        return;
      case 'continue':
        if (this.loopDepth === 0) this.error(s.loc, "'continue' statement not in loop statement");
        return;
      case 'return': {
        const ret = this.current?.sym.type.ret ?? VOID;
        if (s.e) {
          const t = this.exprs.expr(s.e);
          if (ret.k === 'void') this.error(s.e.loc, `void function '${this.current?.sym.name}' should not return a value`);
          this.exprs.assignable(ret, s.e, t, 'returning');
        } else if (ret.k !== 'void') this.error(s.loc, `non-void function '${this.current?.sym.name}' should return a value`);
        return;
      }
      case 'go': {
        const call = s.call as ExprOf<'call'>;
        this.exprs.expr(call);
        const callee = call.callee.ty;
        if (!(callee && (callee.k === 'func' || (callee.k === 'ptr' && callee.to.k === 'func')))) this.error(call.loc, "'go' needs a call of a function");
        if (call.callee.k === 'ident' && call.callee.sym?.k === 'builtin') this.error(call.loc, "'go' cannot start a builtin");
        return;
      }
      case 'empty': return;
    }
  }

  /** Case labels belong to the nearest switch: collect them (not inside nested switches). */
  private collectCases(s: Stmt, seen: Map<bigint, Loc>): void {
    const visit = (x: Stmt): void => {
      switch (x.k) {
        case 'case':
          this.guard(() => {
            this.exprs.expr(x.value);
            x.constValue = this.exprs.constValue(x.value);
            const prev = seen.get(x.constValue);
            if (prev !== undefined) this.error(x.loc, `duplicate case value '${x.constValue}' (previous at line ${prev.line})`);
            seen.set(x.constValue, x.loc);
          });
          return;
        case 'block': x.body.forEach(visit); return;
        case 'if': visit(x.then); if (x.else) visit(x.else); return;
        case 'while': case 'do': case 'for': visit(x.body); return;
        default:
      }
    };
    visit(s);
  }

  private localVar(d: VarDecl): void {
    let type = this.resolve(d.type);
    if (type.k === 'void') this.error(d.loc, `variable '${d.name}' declared void`);
    if (type.k === 'array' && type.len === 0 && d.init?.k === 'list') type = { ...type, len: this.initListLength(d.init) };
    if (type.k === 'array' && type.len === 0 && d.init?.k === 'expr' && d.init.e.k === 'string') type = { ...type, len: d.init.e.bytes.length + 1 };
    if (type.k === 'struct' && !type.complete) this.error(d.loc, `variable '${d.name}' has incomplete type '${typeToString(type)}'`);
    if (d.storage === 'static' || d.storage === 'extern') {
      // a function-level static is a global with a private name
      const sym: GlobalSym = { k: 'global', name: `${this.current?.sym.name}.${d.name}`, type, addr: 0, loc: d.loc, isExtern: false };
      this.globalInfos.push({ sym, decl: d });
      d.sym = sym;
      if (d.init) this.checkInitializer(d.init, type);
      const scope = this.scopes[this.scopes.length - 1];
      scope.set(d.name, sym as unknown as LocalSym);
      return;
    }
    if (d.init) this.checkInitializer(d.init, type);
    d.sym = this.declareLocal(d.name, type, d.loc);
  }

  private checkInitializer(init: Initializer, type: Type): void {
    if (init.k === 'expr') {
      if (type.k === 'array' && init.e.k === 'string') {
        this.exprs.expr(init.e);
        return;
      }
      if (type.k === 'array') this.error(init.loc, `array must be initialised with a brace-enclosed list`);
      const t = this.exprs.expr(init.e);
      this.exprs.assignable(type, init.e, t, 'initializing');
      return;
    }
    if (type.k === 'array') {
      for (const item of init.items) {
        if (item.field) this.error(item.loc, `field designator '.${item.field}' used for an array`);
        if (item.index) this.exprs.expr(item.index);
        this.guard(() => this.checkInitializer(item.init, type.of));
      }
      return;
    }
    if (type.k === 'struct') {
      let next = 0;
      for (const item of init.items) {
        let field = type.fields[next];
        if (item.field) {
          const idx = type.fields.findIndex((f) => f.name === item.field);
          if (idx < 0) this.error(item.loc, `no member named '${item.field}' in '${typeToString(type)}'${didYouMean(item.field, type.fields.map((f) => f.name))}`);
          field = type.fields[idx];
          next = idx;
        }
        if (!field) this.error(item.loc, `excess elements in initializer of '${typeToString(type)}'`);
        next++;
        this.guard(() => this.checkInitializer(item.init, field.type));
      }
      return;
    }
    if (init.items.length !== 1) this.error(init.loc, `scalar initializer must have exactly one element`);
    this.checkInitializer(init.items[0].init, type);
  }


}

export { decay, evalConst, wrapTo } from './constants';
export type { Decl };
