// The parser: recursive descent over preprocessed tokens, producing the syntax tree of ast.ts.
// C declarators are parsed inside-out; typedef names are known before parsing (a pre-scan) so
// that declarations may come in any order. On a syntax error it reports once and resynchronises
// at the next `;` or `}` so that one mistake gives one diagnostic. Input nested past limits.ts's
// limit is such an error (the token cursor of parse-cursor.ts keeps the count).
import type {
  Block, Decl, EnumItem, Expr, FieldSyntax, FuncDecl, Initializer, Loc, ParamSyntax, Stmt, TranslationUnit, TypeSyntax, VarDecl,
} from './ast';
import type { DiagnosticSink } from './diagnostics';
import type { Token } from './lexer';
import { NestingError, TokenCursor } from './parse-cursor';
import { NOSPLIT_MARKER } from './preprocessor';
import { BASE_TYPES } from './types';

const TYPE_QUALIFIERS = new Set(['const', 'volatile', 'register', 'inline']);
const KEYWORD_LIKE = new Set(['struct', 'enum', 'typedef', 'static', 'extern', 'const', 'volatile', 'register', 'inline', 'sizeof']);
const INITIALIZER_END: ReadonlySet<string> = new Set([',', ';']);
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);
const BINARY_PREC: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

/** A declarator wraps a base type: `*p[3]` turns T into array-of-3 pointer-to T. */
interface Declarator {
  name?: string;
  nameLoc: Loc;
  wrap: (base: TypeSyntax) => TypeSyntax;
  /** Parameter names when the outermost derivation is a function. */
  params?: ParamSyntax[];
}

export function parse(tokens: Token[], sink: DiagnosticSink): TranslationUnit {
  return new Parser(tokens, sink).unit();
}

/** Finds every typedef name before parsing, so use before declaration parses. */
function prescanTypedefs(tokens: Token[]): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== 'ident' || tokens[i].text !== 'typedef') continue;
    let depth = 0;
    let last: string | undefined;
    let funcPtrName: string | undefined;
    for (let j = i + 1; j < tokens.length && tokens[j].kind !== 'eof'; j++) {
      const t = tokens[j];
      if (t.text === '{' || t.text === '(' || t.text === '[') depth++;
      else if (t.text === '}' || t.text === ')' || t.text === ']') depth--;
      else if (t.text === ';' && depth <= 0) break;
      else if (t.kind === 'ident' && depth === 0) last = t.text;
      else if (t.kind === 'ident' && depth === 1 && tokens[j - 1]?.text === '*' && tokens[j + 1]?.text === ')' && funcPtrName === undefined) funcPtrName = t.text;
    }
    const name = funcPtrName ?? last;
    if (name) names.add(name);
  }
  return names;
}

class Parser extends TokenCursor {
  private readonly typedefs: Set<string>;

  constructor(toks: Token[], sink: DiagnosticSink) {
    super(toks, sink);
    this.typedefs = prescanTypedefs(toks);
  }

  private isTypeStart(t: Token = this.t): boolean {
    if (t.kind !== 'ident') return false;
    return BASE_TYPES.has(t.text) || this.typedefs.has(t.text) || t.text === 'struct' || t.text === 'enum' || TYPE_QUALIFIERS.has(t.text);
  }

  // ---- top level ----
  unit(): TranslationUnit {
    const decls: Decl[] = [];
    while (this.t.kind !== 'eof') {
      const before = this.pos;
      try {
        this.panicking = false;
        this.externalDecl(decls);
      } catch (e) {
        this.recoverDeclaration(e, before);
      }
    }
    return { decls };
  }

  private externalDecl(out: Decl[]): void {
    let nosplit = false;
    while (this.t.text === NOSPLIT_MARKER) {
      nosplit = true;
      this.pos++;
    }
    if (this.accept(';')) return;
    const first = this.t;
    const doc = first.doc;
    let storage: 'extern' | 'static' | 'typedef' | null = null;
    for (;;) {
      if (this.accept('extern')) storage = 'extern';
      else if (this.accept('static')) storage = 'static';
      else if (this.accept('typedef')) storage = 'typedef';
      else break;
    }
    if (!this.isTypeStart()) this.fail(this.t, `expected a declaration before ${this.describe(this.t)}`);
    const base = this.declSpecifiers();
    if (this.accept(';')) {
      out.push({ k: 'tag', type: base, loc: this.loc(first), doc });
      return;
    }
    let firstDecl = true;
    for (;;) {
      const d = this.declarator(false);
      const type = d.wrap(base);
      if (!d.name) this.fail(this.t, `expected identifier in declaration before ${this.describe(this.t)}`);
      if (storage === 'typedef') {
        this.typedefs.add(d.name);
        out.push({ k: 'typedef', name: d.name, type, loc: d.nameLoc, doc });
      } else if (type.k === 'func') {
        const fn: FuncDecl = { k: 'func', name: d.name, type, body: null, isStatic: storage === 'static', nosplit, loc: d.nameLoc, doc };
        if (firstDecl && this.is('{')) {
          fn.body = this.block();
          fn.endLoc = fn.body.endLoc;
          out.push(fn);
          return;
        }
        out.push(fn);
      } else {
        const init = this.accept('=') ? this.globalInitializer() : null;
        out.push({ k: 'var', name: d.name, type, init, storage, loc: d.nameLoc, doc });
      }
      firstDecl = false;
      if (this.accept(',')) continue;
      this.expect(';', 'after declaration');
      return;
    }
  }

  /** Type specifiers: base names (with C's multi-word spellings), struct, enum, typedef names. */
  private declSpecifiers(): TypeSyntax {
    const start = this.t;
    const words: string[] = [];
    let result: TypeSyntax | undefined;
    for (;;) {
      const t = this.t;
      if (t.kind !== 'ident') break;
      if (TYPE_QUALIFIERS.has(t.text)) {
        this.pos++;
        continue;
      }
      if (result) break;
      if (t.text === 'struct') {
        result = this.nested('struct definition', 'define the inner struct on its own', () => this.structSpecifier());
        continue;
      }
      if (t.text === 'enum') {
        result = this.enumSpecifier();
        continue;
      }
      if (BASE_TYPES.has(t.text)) {
        words.push(t.text);
        this.pos++;
        continue;
      }
      if (this.typedefs.has(t.text) && words.length === 0) {
        this.pos++;
        result = { k: 'named', name: t.text, loc: this.loc(t) };
        continue;
      }
      break;
    }
    if (result) {
      if (words.length) this.fail(start, `two or more data types in declaration`);
      return result;
    }
    if (words.length === 0) this.fail(this.t, `expected a type before ${this.describe(this.t)}`);
    return { k: 'named', name: combineBaseWords(words, () => this.fail(start, `invalid combination of type specifiers '${words.join(' ')}'`)), loc: this.loc(start) };
  }

  private structSpecifier(): TypeSyntax {
    const kw = this.t;
    this.pos++;
    let tag: string | undefined;
    if (this.t.kind === 'ident' && !this.is('{')) tag = this.ident('struct name').text;
    if (!this.is('{')) {
      if (!tag) this.fail(this.t, `expected '{' or a name after 'struct'`);
      return { k: 'struct', tag, loc: this.loc(kw) };
    }
    this.pos++;
    const fields: FieldSyntax[] = [];
    while (!this.is('}')) {
      if (this.t.kind === 'eof') this.fail(this.t, `expected '}' at end of struct`);
      const before = this.pos;
      try {
        const doc = this.t.doc;
        const base = this.declSpecifiers();
        for (;;) {
          const d = this.declarator(false);
          if (!d.name) this.fail(this.t, `expected a field name before ${this.describe(this.t)}`);
          fields.push({ name: d.name, type: d.wrap(base), loc: d.nameLoc, doc });
          if (!this.accept(',')) break;
        }
        this.expect(';', 'after struct field');
      } catch (e) {
        this.recoverInBraces(e, before);
      }
    }
    this.pos++;
    return { k: 'struct', tag, fields, loc: this.loc(kw) };
  }

  private enumSpecifier(): TypeSyntax {
    const kw = this.t;
    this.pos++;
    let tag: string | undefined;
    if (this.t.kind === 'ident' && !this.is('{')) tag = this.ident('enum name').text;
    if (!this.accept('{')) return { k: 'enum', tag, loc: this.loc(kw) };
    const items: EnumItem[] = [];
    while (!this.is('}')) {
      const doc = this.t.doc;
      const name = this.ident('an enumerator name');
      const value = this.accept('=') ? this.conditional() : undefined;
      items.push({ name: name.text, value, loc: this.loc(name), doc });
      if (!this.accept(',')) break;
    }
    this.expect('}', 'at end of enum');
    return { k: 'enum', tag, items, loc: this.loc(kw) };
  }

  /** declarator := '*'* direct-declarator; abstract when no name is allowed/present. */
  private declarator(abstract: boolean): Declarator {
    return this.inDeclarator(() => this.derivedDeclarator(abstract));
  }

  private derivedDeclarator(abstract: boolean): Declarator {
    const stars: Loc[] = [];
    while (this.is('*')) {
      this.derive(this.t);
      stars.push(this.loc());
      this.pos++;
      while (this.t.kind === 'ident' && TYPE_QUALIFIERS.has(this.t.text)) this.pos++;
    }
    let inner: Declarator;
    if (this.is('(') && (this.peek().text === '*' || (this.peek().text === '(' ) || (this.peek().kind === 'ident' && !this.isTypeStart(this.peek()) && !abstract))) {
      this.pos++;
      inner = this.nested('declarator', 'use a typedef for the inner part', () => this.declarator(abstract));
      this.expect(')', 'in declarator');
    } else if (this.t.kind === 'ident' && this.t.text !== NOSPLIT_MARKER && !KEYWORD_LIKE.has(this.t.text) && !BASE_TYPES.has(this.t.text) && (!abstract || !this.isTypeStart())) {
      const n = this.t;
      this.pos++;
      inner = { name: n.text, nameLoc: this.loc(n), wrap: (b) => b };
    } else {
      inner = { nameLoc: this.loc(), wrap: (b) => b };
    }
    // suffixes apply to the base before the inner declarator's wrapping
    const suffixes: ((b: TypeSyntax) => TypeSyntax)[] = [];
    let params: ParamSyntax[] | undefined;
    for (;;) {
      if (this.is('[')) {
        const at = this.loc();
        this.derive(this.t);
        this.pos++;
        const size = this.is(']') ? null : this.conditional();
        this.expect(']', 'after array size');
        suffixes.push((b) => ({ k: 'array', of: b, size, loc: at }));
      } else if (this.is('(')) {
        const at = this.loc();
        this.derive(this.t);
        this.pos++;
        const { list, variadic } = this.paramList();
        if (params === undefined && suffixes.length === 0) params = list;
        suffixes.push((b) => ({ k: 'func', ret: b, params: list, variadic, loc: at }));
      } else break;
    }
    const wrapStars = (b: TypeSyntax): TypeSyntax => stars.reduce<TypeSyntax>((acc, l) => ({ k: 'ptr', to: acc, loc: l }), b);
    return {
      name: inner.name,
      nameLoc: inner.nameLoc,
      params: inner.params ?? params,
      wrap: (b) => {
        let t = wrapStars(b);
        for (let i = suffixes.length - 1; i >= 0; i--) t = suffixes[i](t);
        return inner.wrap(t);
      },
    };
  }

  private paramList(): { list: ParamSyntax[]; variadic: boolean } {
    const list: ParamSyntax[] = [];
    let variadic = false;
    if (this.accept(')')) return { list, variadic };
    if (this.is('void') && this.peek().text === ')') {
      this.pos += 2;
      return { list, variadic };
    }
    for (;;) {
      if (this.accept('...')) {
        variadic = true;
        break;
      }
      const start = this.t;
      const base = this.declSpecifiers();
      const d = this.declarator(true);
      list.push({ name: d.name, type: d.wrap(base), loc: d.name ? d.nameLoc : this.loc(start) });
      if (!this.accept(',')) break;
    }
    this.expect(')', 'after parameters');
    return { list, variadic };
  }

  private typeName(): TypeSyntax {
    const base = this.declSpecifiers();
    const d = this.declarator(true);
    if (d.name) this.fail(d.nameLoc, `unexpected name '${d.name}' in type name`);
    return d.wrap(base);
  }

  /** A global's initializer; one nested too deeply is reported and dropped, keeping the global. */
  private globalInitializer(): Initializer | null {
    const start = this.pos;
    try {
      return this.initializer();
    } catch (e) {
      if (!(e instanceof NestingError)) throw e;
      this.pos = start;
      this.skipToGroupEnd(INITIALIZER_END);
      return null;
    }
  }

  private initializer(): Initializer {
    const at = this.loc();
    if (!this.accept('{')) return { k: 'expr', e: this.assignment(), loc: at };
    const items: { field?: string; index?: Expr; init: Initializer; loc: Loc }[] = [];
    while (!this.is('}')) {
      const itemLoc = this.loc();
      let field: string | undefined;
      let index: Expr | undefined;
      if (this.accept('.')) {
        field = this.ident('a field name').text;
        this.expect('=', 'after designator');
      } else if (this.accept('[')) {
        index = this.conditional();
        this.expect(']', 'after array designator');
        this.expect('=', 'after designator');
      }
      items.push({ field, index, init: this.nested('initializer', 'initialize the inner part by assignments', () => this.initializer()), loc: itemLoc });
      if (!this.accept(',')) break;
    }
    this.expect('}', 'at end of initializer');
    return { k: 'list', items, loc: at };
  }

  // ---- statements ----
  private block(): Block {
    const open = this.expect('{');
    const body: Stmt[] = [];
    while (!this.is('}')) {
      if (this.t.kind === 'eof') this.fail(this.t, `expected '}' to match '{' at line ${open.line}`);
      const before = this.pos;
      try {
        this.panicking = false;
        this.statementInto(body);
      } catch (e) {
        this.recoverInBraces(e, before);
      }
    }
    const close = this.t;
    this.pos++;
    return { k: 'block', body, loc: this.loc(open), endLoc: this.loc(close) };
  }

  /** Parses one statement; `case X: stmt` is split into case labels followed by the statement. */
  private statementInto(out: Stmt[]): void {
    for (;;) {
      const at = this.loc();
      if (this.is('case')) {
        this.pos++;
        const value = this.conditional();
        this.expect(':', 'after case label');
        out.push({ k: 'case', value, loc: at });
      } else if (this.is('default') && this.peek().text === ':') {
        this.pos += 2;
        out.push({ k: 'default', loc: at });
      } else {
        out.push(this.statement());
        return;
      }
      if (this.is('}') || this.is('case') || this.is('default')) return;
    }
  }

  private statement(): Stmt {
    return this.nested('statements', 'move the inner part into a function', () => this.statementHere());
  }

  private statementHere(): Stmt {
    const at = this.loc();
    const t = this.t;
    if (t.kind === 'punct') {
      if (t.text === '{') return this.block();
      if (t.text === ';') {
        this.pos++;
        return { k: 'empty', loc: at };
      }
    }
    if (t.kind === 'ident') {
      switch (t.text) {
        case 'if': {
          this.pos++;
          this.expect('(', "after 'if'");
          const cond = this.expression();
          this.expect(')', 'after if condition');
          const then = this.subStatement();
          const els = this.accept('else') ? this.subStatement() : null;
          return { k: 'if', cond, then, else: els, loc: at };
        }
        case 'while': {
          this.pos++;
          this.expect('(', "after 'while'");
          const cond = this.expression();
          this.expect(')', 'after while condition');
          return { k: 'while', cond, body: this.subStatement(), loc: at };
        }
        case 'do': {
          this.pos++;
          const body = this.subStatement();
          this.expect('while', "after do body");
          this.expect('(', "after 'while'");
          const cond = this.expression();
          this.expect(')', 'after do-while condition');
          this.expect(';', 'after do-while');
          return { k: 'do', body, cond, loc: at };
        }
        case 'for': {
          this.pos++;
          this.expect('(', "after 'for'");
          let init: Stmt | null = null;
          if (!this.accept(';')) {
            if (this.isTypeStart()) init = this.localDecl();
            else {
              const iat = this.loc();
              init = { k: 'expr', e: this.expression(), loc: iat };
              this.expect(';', 'in for header');
            }
          }
          const cond = this.is(';') ? null : this.expression();
          this.expect(';', 'in for header');
          const post = this.is(')') ? null : this.expression();
          this.expect(')', 'after for header');
          return { k: 'for', init, cond, post, body: this.subStatement(), loc: at };
        }
        case 'switch': {
          this.pos++;
          this.expect('(', "after 'switch'");
          const e = this.expression();
          this.expect(')', 'after switch value');
          return { k: 'switch', e, body: this.subStatement(), loc: at };
        }
        case 'break':
        case 'continue':
          this.pos++;
          this.expect(';', `after '${t.text}'`);
          return { k: t.text, loc: at };
        case 'return': {
          this.pos++;
          const e = this.is(';') ? null : this.expression();
          this.expect(';', 'after return');
          return { k: 'return', e, loc: at };
        }
        case 'go': {
          this.pos++;
          const call = this.expression();
          if (call.k !== 'call') this.fail(at, "'go' must be followed by a function call");
          this.expect(';', "after 'go' statement");
          return { k: 'go', call, loc: at };
        }
        case 'goto':
          this.fail(t, "'goto' is not supported in SimC; use a loop with break or continue");
      }
      if (this.isTypeStart() || t.text === 'static' || t.text === 'extern') return this.localDecl();
    }
    const e = this.expression();
    this.expect(';', 'after expression');
    return { k: 'expr', e, loc: at };
  }

  private subStatement(): Stmt {
    if (this.is('case') || this.is('default')) {
      const list: Stmt[] = [];
      this.statementInto(list);
      const at = list[0].loc;
      return { k: 'block', body: list, loc: at, endLoc: at };
    }
    return this.statement();
  }

  private localDecl(): Stmt {
    const at = this.loc();
    let storage: 'static' | 'extern' | null = null;
    if (this.accept('static')) storage = 'static';
    else if (this.accept('extern')) storage = 'extern';
    const base = this.declSpecifiers();
    const decls: VarDecl[] = [];
    if (this.is(';')) {
      this.pos++;
      return { k: 'empty', loc: at };
    }
    for (;;) {
      const d = this.declarator(false);
      if (!d.name) this.fail(this.t, `expected a variable name before ${this.describe(this.t)}`);
      const init = this.accept('=') ? this.initializer() : null;
      decls.push({ k: 'var', name: d.name, type: d.wrap(base), init, storage, loc: d.nameLoc });
      if (!this.accept(',')) break;
    }
    this.expect(';', 'after declaration');
    return { k: 'decl', decls, loc: at };
  }

  // ---- expressions ----
  private expression(): Expr {
    const e = this.assignment();
    if (this.is(',')) this.fail(this.t, 'the comma operator is not supported in SimC; use separate statements');
    return e;
  }

  private assignment(): Expr {
    const l = this.conditional();
    const t = this.t;
    if (t.kind === 'punct' && ASSIGN_OPS.has(t.text)) {
      this.pos++;
      const r = this.nested('expression', 'split it using temporaries', () => this.assignment());
      return this.node({ k: 'assign', op: t.text, l, r, loc: this.loc(t) }, [l, r]);
    }
    return l;
  }

  private conditional(): Expr {
    const c = this.binary(1);
    if (!this.is('?')) return c;
    const q = this.t;
    this.pos++;
    const a = this.nested('expression', 'split it using temporaries', () => this.expression());
    this.expect(':', "in conditional expression");
    const b = this.nested('expression', 'split it using temporaries', () => this.conditional());
    return this.node({ k: 'cond', c, a, b, loc: this.loc(q) }, [c, a, b]);
  }

  private binary(minPrec: number): Expr {
    let l = this.unary();
    for (;;) {
      const t = this.t;
      const prec = t.kind === 'punct' ? BINARY_PREC[t.text] : undefined;
      if (prec === undefined || prec < minPrec) return l;
      this.pos++;
      const r = this.binary(prec + 1);
      l = this.node({ k: 'binary', op: t.text, l, r, loc: this.loc(t) }, [l, r]);
    }
  }

  private unary(): Expr {
    const t = this.t;
    const at = this.loc(t);
    if (t.kind === 'punct') {
      switch (t.text) {
        case '-': case '+': case '!': case '~': case '*': case '&':
        case '++': case '--': {
          this.pos++;
          const e = this.operand();
          return this.node({ k: 'unary', op: t.text, e, loc: at }, [e]);
        }
        case '(':
          if (this.isTypeStart(this.peek())) {
            this.pos++;
            const type = this.typeName();
            this.expect(')', 'after type in cast');
            const e = this.operand();
            return this.node({ k: 'cast', type, e, loc: at }, [e]);
          }
      }
    }
    if (t.kind === 'ident' && t.text === 'sizeof') {
      this.pos++;
      if (this.is('(') && this.isTypeStart(this.peek())) {
        this.pos++;
        const type = this.typeName();
        this.expect(')', 'after type in sizeof');
        return { k: 'sizeofType', type, loc: at };
      }
      const e = this.operand();
      return this.node({ k: 'sizeofExpr', e, loc: at }, [e]);
    }
    return this.postfix(this.primary());
  }

  /** The operand of a prefix operator, a cast or sizeof: one level deeper. */
  private operand(): Expr {
    return this.nested('expression', 'split it using temporaries', () => this.unary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      const t = this.t;
      if (t.kind !== 'punct') return e;
      const at = this.loc(t);
      switch (t.text) {
        case '[': {
          this.pos++;
          const i = this.nested('expression', 'split it using temporaries', () => this.expression());
          this.expect(']', 'after index');
          e = this.node({ k: 'index', a: e, i, loc: at }, [e, i]);
          break;
        }
        case '(': {
          this.pos++;
          const args: Expr[] = [];
          if (!this.is(')')) {
            for (;;) {
              args.push(this.nested('expression', 'split it using temporaries', () => this.assignment()));
              if (!this.accept(',')) break;
            }
          }
          this.expect(')', 'after arguments');
          e = this.node({ k: 'call', callee: e, args, loc: e.loc }, [e, ...args]);
          break;
        }
        case '.':
        case '->': {
          this.pos++;
          const name = this.ident('a field name');
          e = this.node({ k: 'member', e, name: name.text, arrow: t.text === '->', nameLoc: this.loc(name), loc: at }, [e]);
          break;
        }
        case '++':
        case '--':
          this.pos++;
          e = this.node({ k: 'postfix', op: t.text, e, loc: at }, [e]);
          break;
        default:
          return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.t;
    const at = this.loc(t);
    switch (t.kind) {
      case 'number':
        this.pos++;
        return { k: 'int', value: t.value ?? 0n, unsigned: t.unsignedSuffix ?? false, long: t.longSuffix ?? 0, loc: at };
      case 'char':
        this.pos++;
        return { k: 'int', value: t.value ?? 0n, unsigned: false, long: 0, loc: at };
      case 'string': {
        const bytes: number[] = [];
        while (this.t.kind === 'string') for (const b of this.toks[this.pos++].bytes ?? []) bytes.push(b);
        return { k: 'string', bytes, loc: at };
      }
      case 'ident':
        if (t.text === NOSPLIT_MARKER) this.fail(t, '#pragma textflag NOSPLIT must come right before a function definition');
        if (this.isTypeStart(t)) this.fail(t, `unexpected type name '${t.text}' in expression`);
        this.pos++;
        return { k: 'ident', name: t.text, loc: at };
      case 'punct':
        if (t.text === '(') {
          this.pos++;
          const e = this.nested('expression', 'split it using temporaries', () => this.expression());
          this.expect(')', 'to close parenthesis');
          return e;
        }
    }
    this.fail(t, `expected expression before ${this.describe(t)}`);
  }
}

/** Maps C's multi-word base types (`unsigned int`, `long long`, …) to SimC names. */
function combineBaseWords(words: string[], bad: () => never): string {
  if (words.length === 1) return words[0];
  const set = words.filter((w) => w !== 'int');
  const unsigned = set.includes('unsigned');
  const rest = set.filter((w) => w !== 'unsigned' && w !== 'signed');
  const key = rest.join(' ');
  const table: Record<string, [string, string]> = {
    '': ['int32', 'uint32'],
    char: ['int8', 'uint8'],
    short: ['int16', 'uint16'],
    long: ['int32', 'uint32'],
    'long long': ['int64', 'uint64'],
  };
  const pair = table[key];
  if (!pair) bad();
  return unsigned ? pair[1] : pair[0];
}
