// The symbol-at-position index the language features stand on, built from one analysis (the
// front end's syntax tree after checking): every definition (functions, globals, locals and
// parameters, struct tags and fields, typedefs, enum constants, macros, builtins) under a
// stable key, and every occurrence of a name in the original sources with its key. An
// occurrence is kept only where the source token at its location really is that name, so
// names produced by macro expansion never point into the wrong text.
import type { Analysis } from '../../debug-adapter/engine';
import type { Decl, Expr, Initializer, Loc, Stmt, TypeSyntax } from '../../debug-adapter/engine/lang/ast';
import type { CheckedProgram, LocalSym } from '../../debug-adapter/engine/lang/checker';
import { BASE_TYPES, type StructType, type Symbol, type Type } from '../../debug-adapter/engine/lang/types';
import { exprChildren, stmtParts } from './astWalk';
import type { Pos, SourceCache, SourceFile } from './sourceText';

export type DefKind =
  | 'function' | 'global' | 'local' | 'parameter' | 'field' | 'struct' | 'typedef' | 'constant' | 'macro' | 'builtin';

export interface Definition {
  key: string;
  name: string;
  kind: DefKind;
  /** Where the name is defined (absent for builtins). */
  loc?: Loc;
  type?: Type;
  doc?: string;
  /** The function of a local or parameter, the struct of a field. */
  container?: string;
  /** Value of an enum constant. */
  value?: bigint;
  /** `#define …` text of a macro. */
  macroText?: string;
  /** Byte offset of a field in its struct. */
  offset?: number;
  /** Last position where a local or parameter is visible (the end of its block). */
  scopeEnd?: Loc;
  /** The syntax a typedef stands for. */
  typedefSyntax?: TypeSyntax;
  /** Parameter names of a function, as its definition (or first prototype) writes them. */
  params?: string[];
}

export interface Occurrence extends Loc {
  key: string;
  length: number;
  /** This occurrence declares or defines the name (a prototype counts). */
  isDecl: boolean;
}

/** One function's extent, for "names in scope". */
export interface FunctionScope {
  name: string;
  file: string;
  start: Loc;
  end: Loc;
  locals: Definition[];
}

const before = (a: Loc, b: { line: number; column: number }): boolean => a.line < b.line || (a.line === b.line && a.column <= b.column);

export class ProgramIndex {
  readonly defs = new Map<string, Definition>();
  private readonly byFile = new Map<string, Occurrence[]>();
  private readonly byKey = new Map<string, Occurrence[]>();
  readonly scopes: FunctionScope[] = [];
  /** The index that answers for the occurrences in some files (see adopt). */
  private base: { index: ProgramIndex; files: ReadonlySet<string> } | undefined;

  constructor(
    readonly checked: CheckedProgram,
    private readonly sources: (file: string) => SourceFile | undefined,
  ) {}

  define(d: Definition): Definition {
    const old = this.defs.get(d.key);
    if (old && old.loc && !d.loc) return old;
    this.defs.set(d.key, old ? { ...old, ...stripUndefined(d) } : d);
    return this.defs.get(d.key) as Definition;
  }

  /** Records an occurrence of `name` at `at` if the source token there is that name. */
  occur(key: string, name: string, at: Loc | undefined, isDecl = false): void {
    if (!at || !at.file) return;
    const src = this.sources(at.file);
    if (!src) return;
    const i = src.indexStartingAt(at);
    if (i < 0 || src.tokens[i].text !== name) return;
    const occ: Occurrence = { key, file: at.file, line: at.line, column: at.column, length: name.length, isDecl };
    push(this.byFile, at.file, occ);
    push(this.byKey, key, occ);
  }

  /**
   * Takes over another index's definitions and scopes in `files` (and its builtins), and
   * answers for the occurrences in those files from it (they are not copied).
   */
  adopt(other: ProgramIndex, files: ReadonlySet<string>): void {
    for (const [key, d] of other.defs) if (!d.loc || files.has(d.loc.file)) this.defs.set(key, { ...d });
    for (const sc of other.scopes) if (files.has(sc.file)) this.scopes.push(sc);
    this.base = { index: other, files };
  }

  /** Sorts the occurrences of files not in `sorted` by position and drops duplicates (a name seen twice at one place). */
  finish(sorted: ReadonlySet<string>): void {
    for (const [file, list] of this.byFile) {
      if (sorted.has(file)) continue;
      list.sort((a, b) => a.line - b.line || a.column - b.column);
      this.byFile.set(file, list.filter((o, i) => i === 0 || o.line !== list[i - 1].line || o.column !== list[i - 1].column));
    }
  }

  /** The occurrence covering a 1-based position (the cursor just after a name counts). */
  at(file: string, p: Pos): Occurrence | undefined {
    if (this.base?.files.has(file)) return this.base.index.at(file, p);
    const list = this.byFile.get(file);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = list[mid];
      if (o.line < p.line || (o.line === p.line && o.column + o.length < p.column)) lo = mid + 1;
      else if (o.line > p.line || o.column > p.column) hi = mid - 1;
      else return o;
    }
    return undefined;
  }

  /** Occurrences of a key, in no particular order; one place may appear twice. */
  references(key: string): readonly Occurrence[] {
    const own = this.byKey.get(key) ?? [];
    const base = this.base;
    if (!base) return own;
    return [...base.index.references(key).filter((o) => base.files.has(o.file)), ...own];
  }

  occurrencesIn(file: string): readonly Occurrence[] {
    if (this.base?.files.has(file)) return this.base.index.occurrencesIn(file);
    return this.byFile.get(file) ?? [];
  }

  /** The function whose body holds a position. */
  scopeAt(file: string, p: Pos): FunctionScope | undefined {
    return this.scopes.find((s) => s.file === file && before(s.start, p) && before({ ...p, file }, s.end));
  }

  /** Locals and parameters visible at a position (declared before it, block not yet closed). */
  localsAt(file: string, p: Pos): Definition[] {
    const scope = this.scopeAt(file, p);
    if (!scope) return [];
    const visible = scope.locals.filter((d) => d.loc && before(d.loc, p) && (!d.scopeEnd || before({ ...p, file }, d.scopeEnd)));
    const byName = new Map<string, Definition>();
    for (const d of visible) byName.set(d.name, d); // later (inner) declarations shadow earlier ones
    return [...byName.values()];
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function stripUndefined(d: Definition): Partial<Definition> {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as Partial<Definition>;
}

/** Key of what a checked symbol denotes. */
export function symbolKey(sym: Symbol, localKeys: ReadonlyMap<LocalSym, string>): string {
  switch (sym.k) {
    case 'global': return `var:${sym.name}`;
    case 'threadvar': return `var:${sym.name}`;
    case 'local': return localKeys.get(sym) ?? `local:?:${sym.name}`;
    case 'func': return `fn:${sym.name}`;
    case 'builtin': return `builtin:${sym.name}`;
    case 'const': return `const:${sym.name}`;
  }
}

export const fieldKey = (tag: string, name: string): string => `field:${tag}.${name}`;
export const structKey = (tag: string): string => `struct:${tag}`;

/** The struct a member access reads from, given the type of the expression left of `.`/`->`. */
export function memberBase(t: Type | undefined, arrow: boolean): StructType | undefined {
  if (!t) return undefined;
  let base: Type = t;
  if (arrow) {
    if (base.k === 'ptr') base = base.to;
    else if (base.k === 'array') base = base.of;
    else return undefined;
  }
  return base.k === 'struct' ? base : undefined;
}

/** An earlier index of the same runtime whose files (`files`) still have the same text. */
export interface PriorIndex {
  index: ProgramIndex;
  files: ReadonlySet<string>;
}

/**
 * Builds the index of one analysis. With a prior index of the same runtime, the runtime's
 * files are taken from it (their names and types cannot depend on the scenario compiled after
 * them) and only the rest is walked.
 */
export function buildIndex(a: Analysis, cache: SourceCache, text: (file: string) => string | undefined, prior?: PriorIndex): ProgramIndex {
  const sources = (file: string): SourceFile | undefined => {
    const t = text(file);
    return t === undefined ? undefined : cache.get(file, t);
  };
  const index = new ProgramIndex(a.checked, sources);
  if (prior) index.adopt(prior.index, prior.files);
  const adopted = prior?.files ?? new Set<string>();
  new IndexBuilder(index, a, sources, adopted).run();
  index.finish(adopted);
  return index;
}

class IndexBuilder {
  private readonly localKeys = new Map<LocalSym, string>();
  private blockEnds: Loc[] = [];
  private currentFunc: FunctionScope | undefined;

  constructor(
    private readonly ix: ProgramIndex,
    private readonly a: Analysis,
    private readonly sources: (file: string) => SourceFile | undefined,
    /** Files already indexed (adopted from a prior index). */
    private readonly done: ReadonlySet<string>,
  ) {}

  run(): void {
    const c = this.a.checked;
    for (const b of c.builtins) this.ix.define({ key: `builtin:${b.name}`, name: b.name, kind: 'builtin', type: b.type });
    for (const [name, s] of c.consts) this.ix.define({ key: `const:${name}`, name, kind: 'constant', loc: s.loc, value: s.value, doc: s.doc });
    for (const [name, m] of this.a.macros) {
      this.ix.define({ key: `macro:${name}`, name, kind: 'macro', loc: m.at, macroText: m.text });
    }
    for (const d of this.a.unit.decls) if (!this.done.has(d.loc.file)) this.decl(d);
    this.macroUses();
  }

  // ---- declarations ----
  private decl(d: Decl): void {
    switch (d.k) {
      case 'func': {
        const sym = this.ix.checked.lookup(d.name);
        const key = `fn:${d.name}`;
        const isDef = d.body !== null;
        if (sym?.k === 'func') {
          const existing = this.ix.defs.get(key);
          if (isDef || !existing) {
            const params = d.type.params.map((p) => p.name ?? '');
            this.ix.define({ key, name: d.name, kind: 'function', loc: d.loc, type: sym.type, doc: d.doc ?? existing?.doc, params });
          } else if (!existing.doc && d.doc) existing.doc = d.doc;
        }
        this.ix.occur(key, d.name, d.loc, true);
        this.typeSyntax(d.type.ret);
        if (!d.body) {
          for (const p of d.type.params) this.typeSyntax(p.type);
          return;
        }
        this.functionBody(d);
        return;
      }
      case 'var': {
        const sym = d.sym ?? this.ix.checked.lookup(d.name);
        const key = `var:${d.name}`;
        if (sym && (sym.k === 'global' || sym.k === 'threadvar')) {
          const existing = this.ix.defs.get(key);
          if (d.storage !== 'extern' || !existing) {
            this.ix.define({ key, name: d.name, kind: 'global', loc: d.loc, type: sym.type, doc: d.doc ?? existing?.doc });
          }
        }
        this.ix.occur(key, d.name, d.loc, true);
        this.typeSyntax(d.type);
        if (d.init && sym && sym.k === 'global') this.initializer(d.init, sym.type);
        return;
      }
      case 'typedef': {
        const key = `type:${d.name}`;
        this.ix.define({ key, name: d.name, kind: 'typedef', loc: d.loc, type: this.ix.checked.typedefs.get(d.name), doc: d.doc, typedefSyntax: d.type });
        this.ix.occur(key, d.name, d.loc, true);
        this.typeSyntax(d.type, d.doc);
        return;
      }
      case 'tag':
        this.typeSyntax(d.type, d.doc);
    }
  }

  private typeSyntax(t: TypeSyntax, doc?: string): void {
    switch (t.k) {
      case 'named':
        if (!BASE_TYPES.has(t.name)) this.ix.occur(`type:${t.name}`, t.name, t.loc);
        return;
      case 'struct': {
        if (!t.tag) return;
        const tagTok = this.sources(t.loc.file)?.tokenAfter(t.loc);
        const tagLoc = tagTok && tagTok.text === t.tag ? { file: t.loc.file, line: tagTok.line, column: tagTok.column } : undefined;
        if (t.fields) {
          const st = this.ix.checked.structs.get(t.tag);
          this.ix.define({ key: structKey(t.tag), name: t.tag, kind: 'struct', loc: tagLoc ?? t.loc, type: st, doc });
          for (const f of t.fields) {
            const field = st?.fields.find((x) => x.name === f.name);
            const key = fieldKey(t.tag, f.name);
            this.ix.define({ key, name: f.name, kind: 'field', loc: f.loc, type: field?.type, doc: f.doc, container: t.tag, offset: field?.offset });
            this.ix.occur(key, f.name, f.loc, true);
            this.typeSyntax(f.type);
          }
        }
        if (tagLoc) this.ix.occur(structKey(t.tag), t.tag, tagLoc, !!t.fields);
        return;
      }
      case 'enum':
        for (const item of t.items ?? []) {
          this.ix.occur(`const:${item.name}`, item.name, item.loc, true);
          if (item.value) this.expr(item.value);
        }
        return;
      case 'ptr': return this.typeSyntax(t.to);
      case 'array':
        this.typeSyntax(t.of);
        if (t.size) this.expr(t.size);
        return;
      case 'func':
        this.typeSyntax(t.ret);
        for (const p of t.params) this.typeSyntax(p.type);
    }
  }

  private functionBody(d: Extract<Decl, { k: 'func' }>): void {
    const info = this.ix.checked.funcs.find((f) => f.decl === d);
    const end = d.endLoc ?? d.loc;
    const start = this.sources(d.loc.file)?.declarationStart(d.loc);
    const scope: FunctionScope = {
      name: d.name,
      file: d.loc.file,
      start: start ? { file: d.loc.file, line: start.line, column: start.column } : d.loc,
      end,
      locals: [],
    };
    this.ix.scopes.push(scope);
    this.currentFunc = scope;
    d.type.params.forEach((p, i) => {
      this.typeSyntax(p.type);
      const sym = info?.params.find((s) => s.loc.line === p.loc.line && s.loc.column === p.loc.column) ?? info?.params[i];
      if (!p.name || !sym) return;
      const def = this.local(sym, 'parameter', end);
      this.ix.occur(def.key, p.name, p.loc, true);
    });
    this.blockEnds = [end];
    if (d.body) this.stmt(d.body);
    this.currentFunc = undefined;
  }

  private local(sym: LocalSym, kind: 'local' | 'parameter', scopeEnd: Loc): Definition {
    const fn = this.currentFunc?.name ?? '?';
    const key = `local:${fn}:${sym.id}`;
    this.localKeys.set(sym, key);
    const def = this.ix.define({ key, name: sym.name, kind, loc: sym.loc, type: sym.type, container: fn, scopeEnd });
    this.currentFunc?.locals.push(def);
    return def;
  }

  // ---- statements ----
  private stmt(s: Stmt): void {
    if (s.k === 'block') {
      this.blockEnds.push(s.endLoc);
      for (const x of s.body) this.stmt(x);
      this.blockEnds.pop();
      return;
    }
    if (s.k === 'decl') {
      for (const d of s.decls) this.localDecl(d);
      return;
    }
    const { exprs, stmts } = stmtParts(s);
    for (const e of exprs) this.expr(e);
    for (const x of stmts) this.stmt(x);
  }

  private localDecl(d: Extract<Decl, { k: 'var' }>): void {
    this.typeSyntax(d.type);
    const sym = d.sym;
    if (sym?.k === 'local') {
      const def = this.local(sym, 'local', this.blockEnds[this.blockEnds.length - 1]);
      def.doc = d.doc;
      this.ix.occur(def.key, d.name, d.loc, true);
    } else if (sym?.k === 'global') {
      // a function-level static: a global under a private name, visible like a local
      const key = `var:${sym.name}`;
      const def = this.ix.define({ key, name: d.name, kind: 'local', loc: d.loc, type: sym.type, container: this.currentFunc?.name, scopeEnd: this.blockEnds[this.blockEnds.length - 1] });
      this.currentFunc?.locals.push(def);
      this.ix.occur(key, d.name, d.loc, true);
    }
    if (d.init) this.initializer(d.init, sym && 'type' in sym ? sym.type : undefined);
  }

  private initializer(init: Initializer, type: Type | undefined): void {
    if (init.k === 'expr') return this.expr(init.e);
    let next = 0;
    for (const item of init.items) {
      let itemType: Type | undefined;
      if (type?.k === 'array') itemType = type.of;
      else if (type?.k === 'struct') {
        const idx = item.field ? type.fields.findIndex((f) => f.name === item.field) : next;
        next = idx + 1;
        itemType = type.fields[idx]?.type;
        if (item.field) {
          const nameTok = this.sources(item.loc.file)?.tokenAfter(item.loc);
          if (nameTok) this.ix.occur(fieldKey(type.tag, item.field), item.field, { file: item.loc.file, line: nameTok.line, column: nameTok.column });
        }
      }
      if (item.index) this.expr(item.index);
      this.initializer(item.init, itemType);
    }
  }

  // ---- expressions ----
  private expr(e: Expr): void {
    if (e.k === 'ident') {
      if (e.sym) this.ix.occur(symbolKey(e.sym, this.localKeys), e.name, e.loc);
      return;
    }
    for (const c of exprChildren(e)) this.expr(c);
    if (e.k === 'member') {
      const st = memberBase(e.e.ty, e.arrow);
      if (st) this.ix.occur(fieldKey(st.tag, e.name), e.name, e.nameLoc);
    } else if (e.k === 'cast' || e.k === 'sizeofType') this.typeSyntax(e.type);
  }

  /** Macro names as written in every file of the program, and in #ifdef/#ifndef/#undef lines. */
  private macroUses(): void {
    if (this.a.macros.size === 0) return;
    for (const file of this.a.files) {
      if (this.done.has(file)) continue;
      const src = this.sources(file);
      if (!src) continue;
      const toks = src.tokens;
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (t.kind !== 'ident' || !this.a.macros.has(t.text)) continue;
        const prev = toks[i - 1];
        const isDefine = prev?.text === 'define' && src.directiveLines.has(t.line);
        this.ix.occur(`macro:${t.text}`, t.text, { file, line: t.line, column: t.column }, isDefine);
      }
    }
  }
}
