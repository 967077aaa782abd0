// The parser's token cursor: the position in the preprocessed tokens with the look-ahead,
// accept/expect helpers, one-diagnostic-per-mistake error reporting and resynchronisation
// after a syntax error, and the nesting guards of limits.ts — recursion depth of the grammar's
// productions, the height of expression trees (a left-deep chain such as `1+1+…` is built by
// a loop, not by recursion, so heights are measured on the nodes) and the number of pointer,
// array and function derivations in one declarator.
import type { SourceLocation } from '../api';
import type { Expr, Loc } from './ast';
import type { DiagnosticSink } from './diagnostics';
import type { Token } from './lexer';
import { MAX_NESTING, nestedTooDeeply } from './limits';
import { NOSPLIT_MARKER } from './preprocessor';

/** Thrown after a syntax error is reported; caught where parsing can resume. */
export class SyntaxError extends Error {}

/**
 * Thrown after input nested past the limit is reported: parsing resumes after the whole
 * top-level declaration (resuming inside it would report every level of the nesting again).
 */
export class NestingError extends SyntaxError {}

const NO_STOPS: ReadonlySet<string> = new Set();

export abstract class TokenCursor {
  protected pos = 0;
  protected panicking = false;
  /** How many of each kind of production (statements, expression…) are being parsed inside each other. */
  private readonly depths = new Map<string, number>();
  /** Height of each expression node built (a leaf, not recorded, has height 1). */
  private readonly heights = new WeakMap<Expr, number>();
  /** Derivations (`*`, `[]`, `()`) of the outermost declarator being parsed. */
  private derivations = 0;
  private declaratorDepth = 0;

  constructor(
    protected readonly toks: Token[],
    protected readonly sink: DiagnosticSink,
  ) {}

  protected get t(): Token {
    return this.toks[this.pos];
  }
  protected peek(n = 1): Token {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)];
  }
  protected loc(t: Token = this.t): Loc {
    return { file: t.file, line: t.line, column: t.column };
  }
  protected is(text: string): boolean {
    const t = this.t;
    return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }
  protected accept(text: string): boolean {
    if (this.is(text)) {
      this.pos++;
      return true;
    }
    return false;
  }
  protected expect(text: string, what?: string): Token {
    if (this.is(text)) return this.toks[this.pos++];
    this.fail(this.t, `expected '${text}'${what ? ' ' + what : ''} before ${this.describe(this.t)}`);
  }
  protected describe(t: Token): string {
    return t.kind === 'eof' ? 'end of file' : `'${t.text}'`;
  }
  protected fail(at: Token | SourceLocation, message: string): never {
    if (!this.panicking) this.sink.error('kind' in at ? this.loc(at) : at, message);
    this.panicking = true;
    throw new SyntaxError(message);
  }
  protected ident(what: string): Token {
    const t = this.t;
    if (t.kind !== 'ident' || t.text === NOSPLIT_MARKER) this.fail(t, `expected ${what} before ${this.describe(t)}`);
    this.pos++;
    return t;
  }

  /** Skips to just after the next `;` at this nesting level, or stops before an unmatched `}`. */
  protected synchronize(stopAtBrace: boolean): void {
    let depth = 0;
    while (this.t.kind !== 'eof') {
      const x = this.t.text;
      if (this.t.kind === 'punct') {
        if (x === '{' || x === '(' || x === '[') depth++;
        else if (x === ')' || x === ']') depth = Math.max(0, depth - 1);
        else if (x === '}') {
          if (depth === 0) {
            if (stopAtBrace) return;
            this.pos++;
            return;
          }
          depth--;
          if (depth === 0 && !stopAtBrace) {
            this.pos++;
            if (this.is(';')) this.pos++;
            return;
          }
        } else if (x === ';' && depth === 0) {
          this.pos++;
          return;
        }
      }
      this.pos++;
    }
  }

  /**
   * After a syntax error in a statement or struct field that started at `before`: resume at the
   * next one; after input nested too deeply, drop the rest of the braces instead (what the
   * nesting declared would only give follow-on errors). Rethrows anything else.
   */
  protected recoverInBraces(e: unknown, before: number): void {
    if (!(e instanceof SyntaxError)) throw e;
    if (e instanceof NestingError) {
      this.pos = before;
      this.skipToGroupEnd();
    } else this.synchronize(true);
    if (this.pos === before && !this.is('}')) this.pos++;
  }

  /** After a syntax error in a top-level declaration that started at `before`: resume after it. */
  protected recoverDeclaration(e: unknown, before: number): void {
    if (!(e instanceof SyntaxError)) throw e;
    if (e instanceof NestingError) {
      this.pos = before;
      this.skipDeclaration();
    } else this.synchronize(false);
    if (this.pos === before) this.pos++;
  }

  /**
   * Skips a whole top-level declaration from its first token: to just after its `;` outside
   * brackets, or after the `}` closing a function body (a `{` right after a `)`).
   */
  protected skipDeclaration(): void {
    let depth = 0;
    let inBody = false; // in a function's body, which ends the declaration at its closing brace
    while (this.t.kind !== 'eof') {
      const t = this.toks[this.pos++];
      if (t.kind !== 'punct') continue;
      if (t.text === '{' && depth === 0 && this.toks[this.pos - 2]?.text === ')') inBody = true;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        depth = Math.max(0, depth - 1);
        if (depth === 0 && inBody) return;
      } else if (t.text === ';' && depth === 0) return;
    }
  }

  /** Skips to just before the token closing the current group — a `}` or `)` outside brackets — or a `stop` outside brackets. */
  protected skipToGroupEnd(stop: ReadonlySet<string> = NO_STOPS): void {
    let depth = 0;
    while (this.t.kind !== 'eof') {
      const t = this.t;
      if (t.kind === 'punct') {
        if (depth === 0 && (t.text === '}' || t.text === ')' || stop.has(t.text))) return;
        if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
        else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
      }
      this.pos++;
    }
  }

  // ---- nesting guards (limits.ts) ----

  /** Parses a production one level deeper in its kind; past the limit, reports `what` nested too deeply. */
  protected nested<T>(what: string, remedy: string, parse: () => T): T {
    const depth = this.depths.get(what) ?? 0;
    if (depth >= MAX_NESTING) this.tooDeep(this.t, nestedTooDeeply(what, remedy));
    this.depths.set(what, depth + 1);
    try {
      return parse();
    } finally {
      this.depths.set(what, depth);
    }
  }

  private tooDeep(at: Token | SourceLocation, message: string): never {
    if (!this.panicking) this.sink.error('kind' in at ? this.loc(at) : at, message);
    this.panicking = true;
    throw new NestingError(message);
  }

  /** Records a new expression node's height (one more than its tallest operand's); rejects one past the limit. */
  protected node<E extends Expr>(e: E, operands: readonly Expr[]): E {
    let height = 0;
    for (const o of operands) height = Math.max(height, this.heights.get(o) ?? 1);
    height++;
    if (height > MAX_NESTING) this.tooDeep(e.loc, nestedTooDeeply('expression', 'split it using temporaries'));
    this.heights.set(e, height);
    return e;
  }

  /** Parses a declarator; an outermost one starts a new count of derivations. */
  protected inDeclarator<T>(parse: () => T): T {
    if (this.declaratorDepth === 0) this.derivations = 0;
    this.declaratorDepth++;
    try {
      return parse();
    } finally {
      this.declaratorDepth--;
    }
  }

  /** Counts one `*`, `[]` or `()` of the declarator being parsed; rejects one past the limit. */
  protected derive(at: Token): void {
    if (++this.derivations > MAX_NESTING) this.tooDeep(at, nestedTooDeeply('declarator', 'use a typedef for the inner part'));
  }
}
