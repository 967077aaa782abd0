// The preprocessor: reads the program's files in order through the caller's SourceLoader,
// follows #include (each file at most once), keeps a macro table shared by all files, expands
// object- and function-like macros, evaluates #if, and turns `#pragma textflag NOSPLIT` into a
// marker token for the parser. Tokens keep the file, line and column they were written at; a
// token produced by a macro carries the position of the macro's use.
import * as path from 'path';
import type { SourceLoader, SourceLocation } from '../api';
import { DiagnosticSink } from './diagnostics';
import { integerOp } from './constants';
import { lex, type Token } from './lexer';
import { MAX_EXPANDED_TOKENS, MAX_INCLUDE_DEPTH, MAX_NESTING, nestedTooDeeply } from './limits';

/** The marker token the parser sees for `#pragma textflag NOSPLIT`. */
export const NOSPLIT_MARKER = '#pragma-nosplit';

interface Macro {
  name: string;
  params: string[] | null; // null: object-like
  body: Token[];
  at: SourceLocation;
}

interface Conditional {
  active: boolean; // this branch is being kept
  parentActive: boolean;
  taken: boolean; // some branch of this #if was taken
  seenElse: boolean;
  at: SourceLocation;
}

export interface PreprocessResult {
  tokens: Token[];
  /** Every file read, in order (for hashing and for the language server). */
  files: string[];
  macros: ReadonlyMap<string, { at: SourceLocation; text: string }>;
}

export function preprocess(entryFiles: string[], loader: SourceLoader, sink: DiagnosticSink): PreprocessResult {
  return new Preprocessor(loader, sink).run(entryFiles);
}

const loc = (t: Token): SourceLocation => ({ file: t.file, line: t.line, column: t.column });

class Preprocessor {
  private readonly macros = new Map<string, Macro>();
  /** Macro expansions in progress inside each other (an argument is expanded inside its macro's). */
  private expansionDepth = 0;
  /** Tokens produced by macro bodies so far. */
  private expandedTokens = 0;
  private readonly included = new Set<string>();
  private readonly out: Token[] = [];
  private readonly files: string[] = [];

  constructor(
    private readonly loader: SourceLoader,
    private readonly sink: DiagnosticSink,
  ) {}

  run(entryFiles: string[]): PreprocessResult {
    for (const f of entryFiles) {
      const full = path.resolve(f);
      if (this.included.has(full)) continue;
      const text = this.loader.read(full);
      if (text === undefined) {
        this.sink.error({ file: f, line: 1, column: 1 }, `cannot read file '${f}'`);
        continue;
      }
      this.processFile(full, text, 0);
    }
    const last = this.out.length ? this.out[this.out.length - 1] : undefined;
    this.out.push({ kind: 'eof', text: '', file: last?.file ?? '', line: last?.line ?? 1, column: last?.column ?? 1, bol: true, space: true });
    const macros = new Map<string, { at: SourceLocation; text: string }>();
    for (const [k, m] of this.macros) {
      const params = m.params ? `(${m.params.join(', ')})` : '';
      macros.set(k, { at: m.at, text: `#define ${k}${params} ${m.body.map((t) => t.text).join(' ')}` });
    }
    return { tokens: this.out, files: this.files, macros };
  }

  private processFile(file: string, text: string, depth: number): void {
    this.included.add(file);
    this.files.push(file);
    const toks = lex(file, text, this.sink);
    const conds: Conditional[] = [];
    let pending: Token[] = [];
    const active = () => conds.length === 0 || conds[conds.length - 1].active;
    let i = 0;
    while (toks[i].kind !== 'eof') {
      const t = toks[i];
      if (t.bol && t.kind === 'punct' && t.text === '#') {
        // a directive: the rest of the line
        const line: Token[] = [];
        i++;
        while (toks[i].kind !== 'eof' && !toks[i].bol) line.push(toks[i++]);
        if (active()) {
          this.emit(pending);
          pending = [];
        }
        this.directive(t, line, conds, file, depth);
        continue;
      }
      if (active()) pending.push(t);
      i++;
    }
    this.emit(pending);
    for (const c of conds) this.sink.error(c.at, 'unterminated conditional directive (missing #endif)');
  }

  private directive(hash: Token, line: Token[], conds: Conditional[], file: string, depth: number): void {
    const name = line[0];
    const active = conds.length === 0 || conds[conds.length - 1].active;
    if (!name) return; // null directive
    const kw = name.text;
    const rest = line.slice(1);
    switch (kw) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        let value = false;
        if (active) {
          if (kw === 'if') value = this.evalCondition(rest, name);
          else {
            if (rest.length === 0 || rest[0].kind !== 'ident') this.sink.error(loc(name), `#${kw} expects a macro name`);
            else value = this.macros.has(rest[0].text) === (kw === 'ifdef');
          }
        }
        conds.push({ active: active && value, parentActive: active, taken: value, seenElse: false, at: loc(hash) });
        return;
      }
      case 'elif':
      case 'else': {
        const top = conds[conds.length - 1];
        if (!top) {
          this.sink.error(loc(name), `#${kw} without #if`);
          return;
        }
        if (top.seenElse) this.sink.error(loc(name), `#${kw} after #else`);
        if (kw === 'else') {
          top.seenElse = true;
          top.active = top.parentActive && !top.taken;
          top.taken = true;
        } else {
          const v = top.parentActive && !top.taken ? this.evalCondition(rest, name) : false;
          top.active = v;
          top.taken = top.taken || v;
        }
        return;
      }
      case 'endif':
        if (!conds.pop()) this.sink.error(loc(name), '#endif without #if');
        return;
    }
    if (!active) return;
    switch (kw) {
      case 'include': {
        const target = rest[0];
        if (!target || target.kind !== 'string') {
          this.sink.error(loc(name), '#include expects "FILENAME"');
          return;
        }
        const rel = target.text.slice(1, -1);
        const full = path.resolve(path.dirname(file), rel);
        if (this.included.has(full)) return;
        if (depth >= MAX_INCLUDE_DEPTH) {
          this.sink.error(loc(target), `#include nested too deeply (limit ${MAX_INCLUDE_DEPTH}); include the inner files from a shallower one`);
          return;
        }
        const text = this.loader.read(full);
        if (text === undefined) {
          this.sink.error(loc(target), `'${rel}' file not found`);
          return;
        }
        this.processFile(full, text, depth + 1);
        return;
      }
      case 'define':
        this.define(name, rest);
        return;
      case 'undef':
        if (rest[0]?.kind !== 'ident') this.sink.error(loc(name), '#undef expects a macro name');
        else this.macros.delete(rest[0].text);
        return;
      case 'pragma':
        if (rest[0]?.text === 'textflag' && rest[1]?.text === 'NOSPLIT') {
          this.out.push({ ...rest[0], kind: 'ident', text: NOSPLIT_MARKER });
        }
        // other pragmas are ignored, as C compilers do
        return;
      case 'error':
        this.sink.error(loc(name), `#error ${rest.map((t) => t.text).join(' ')}`);
        return;
      default:
        this.sink.error(loc(name), `invalid preprocessing directive '#${kw}'`);
    }
  }

  private define(directive: Token, rest: Token[]): void {
    const nameTok = rest[0];
    if (!nameTok || nameTok.kind !== 'ident') {
      this.sink.error(loc(directive), 'macro name missing after #define');
      return;
    }
    let params: string[] | null = null;
    let bodyStart = 1;
    if (rest[1]?.text === '(' && !rest[1].space) {
      params = [];
      let j = 2;
      for (;;) {
        const t = rest[j];
        if (!t) {
          this.sink.error(loc(nameTok), `missing ')' in parameter list of macro '${nameTok.text}'`);
          return;
        }
        if (t.text === ')') break;
        if (t.kind !== 'ident' && t.text !== '...') {
          this.sink.error(loc(t), `invalid token '${t.text}' in macro parameter list`);
          return;
        }
        params.push(t.text);
        j++;
        if (rest[j]?.text === ',') j++;
      }
      bodyStart = j + 1;
    }
    const body = rest.slice(bodyStart);
    const pasteAtEnd = [body[0], body[body.length - 1]].find((t) => t?.text === '##');
    if (pasteAtEnd) {
      this.sink.error(loc(pasteAtEnd), "'##' cannot appear at either end of a macro expansion");
      return;
    }
    const strayHash = params ? body.find((t, k) => t.text === '#' && !(body[k + 1]?.kind === 'ident' && params?.includes(body[k + 1].text))) : undefined;
    if (strayHash) {
      this.sink.error(loc(strayHash), "'#' is not followed by a macro parameter");
      return;
    }
    this.macros.set(nameTok.text, { name: nameTok.text, params, body, at: loc(nameTok) });
  }

  private emit(tokens: Token[]): void {
    if (tokens.length === 0) return;
    for (const t of this.expand(tokens)) this.out.push(t);
  }

  /** Fully macro-expands a token list (an outermost expansion: see `expandNested`). */
  private expand(input: Token[]): Token[] {
    try {
      return this.expandNested(input);
    } catch (e) {
      if (!(e instanceof ExpansionLimit)) throw e;
      this.sink.error(e.at, e.message);
      return [];
    }
  }

  /**
   * Fully macro-expands a token list. Arguments are expanded by a nested call; past the nesting
   * limit, or once the expansion grows past its size limit, the outermost expansion is dropped
   * with one diagnostic at the macro use that went too far.
   */
  private expandNested(input: Token[]): Token[] {
    if (input.length === 0) return [];
    if (this.expansionDepth >= MAX_NESTING) {
      throw new ExpansionLimit(loc(input[0]), nestedTooDeeply('macro arguments', 'expand the inner arguments into a macro of their own'));
    }
    this.expansionDepth++;
    try {
      return this.expandQueue(input);
    } finally {
      this.expansionDepth--;
    }
  }

  private expandQueue(input: Token[]): Token[] {
    const result: Token[] = [];
    const queue = input.slice().reverse(); // pop() from the end = next token
    while (queue.length) {
      const t = queue.pop() as Token;
      const macro = t.kind === 'ident' ? this.macros.get(t.text) : undefined;
      if (!macro || t.hide?.has(macro.name)) {
        result.push(t);
        continue;
      }
      let args: Token[][] | null = null;
      if (macro.params) {
        if (queue.length === 0 || queue[queue.length - 1].text !== '(') {
          result.push(t); // a function-like macro name not followed by ( is not an invocation
          continue;
        }
        args = this.collectArgs(queue, t, macro);
        if (!args) continue;
      }
      const hide = new Set(t.hide ?? []);
      hide.add(macro.name);
      const body = this.substitute(macro, args, t);
      if ((this.expandedTokens += body.length) > MAX_EXPANDED_TOKENS) {
        throw new ExpansionLimit(loc(t), `macro expansion too large (limit ${MAX_EXPANDED_TOKENS} tokens) in '${macro.name}'; check for macros that use each other several times`);
      }
      // a token of the body itself shares the expansion's hide set; one from an argument adds its own
      const placed = body.map((b) => ({ ...b, file: t.file, line: t.line, column: t.column, bol: false, doc: undefined, hide: b.hide ? new Set([...hide, ...b.hide]) : hide }));
      for (let k = placed.length - 1; k >= 0; k--) queue.push(placed[k]);
    }
    return result;
  }

  private collectArgs(queue: Token[], use: Token, macro: Macro): Token[][] | null {
    queue.pop(); // (
    const args: Token[][] = [[]];
    let depth = 0;
    for (;;) {
      const t = queue.pop();
      if (!t) {
        this.sink.error(loc(use), `unterminated argument list invoking macro '${macro.name}'`);
        return null;
      }
      if (t.text === '(') depth++;
      else if (t.text === ')') {
        if (depth === 0) break;
        depth--;
      } else if (t.text === ',' && depth === 0) {
        args.push([]);
        continue;
      }
      args[args.length - 1].push(t);
    }
    const params = macro.params as string[];
    if (params.length === 0 && args.length === 1 && args[0].length === 0) return [];
    if (args.length !== params.length) {
      this.sink.error(loc(use), `macro '${macro.name}' requires ${params.length} argument${params.length === 1 ? '' : 's'}, but ${args.length} given`);
      return null;
    }
    return args;
  }

  /** The macro's body with its arguments in place, `#` stringified and `##` pasted; `use` is the invoking name. */
  private substitute(macro: Macro, args: Token[][] | null, use: Token): Token[] {
    const body = macro.body;
    if (!args || !macro.params) return body;
    const params = macro.params;
    const expanded = new Map<number, Token[]>();
    const argOf = (t: Token | undefined): number => (t && t.kind === 'ident' ? params.indexOf(t.text) : -1);
    const out: Token[] = [];
    for (let k = 0; k < body.length; k++) {
      const t = body[k];
      if (t.text === '#' && argOf(body[k + 1]) >= 0) {
        const a = args[argOf(body[k + 1])];
        const text = a.map((x, idx) => (idx > 0 && x.space ? ' ' : '') + x.text).join('');
        out.push({ ...t, kind: 'string', text: JSON.stringify(text), bytes: [...new TextEncoder().encode(text)] });
        k++;
        continue;
      }
      const idx = argOf(t);
      const pasteNext = body[k + 1]?.text === '##';
      const pastePrev = body[k - 1]?.text === '##';
      if (t.text === '##') {
        const left = out.pop();
        const rightTok = body[k + 1];
        k++;
        if (!rightTok) continue;
        const rIdx = argOf(rightTok);
        const right = rIdx >= 0 ? args[rIdx] : [rightTok];
        for (const x of this.paste(left, right[0], use, macro).concat(right.slice(1))) out.push(x);
        continue;
      }
      if (idx >= 0) {
        if (pasteNext || pastePrev) for (const x of args[idx]) out.push(x);
        else {
          let e = expanded.get(idx);
          if (!e) {
            e = this.expandNested(args[idx]);
            expanded.set(idx, e);
          }
          for (const x of e) out.push(x);
        }
        continue;
      }
      out.push(t);
    }
    return out;
  }

  /** `left ## right`: the token their spellings form together (none when both are empty). */
  private paste(left: Token | undefined, right: Token | undefined, use: Token, macro: Macro): Token[] {
    const joined = (left?.text ?? '') + (right?.text ?? '');
    const relexSink = new DiagnosticSink();
    const relexed = lex(use.file, joined, relexSink).filter((x) => x.kind !== 'eof');
    if (relexSink.errorCount > 0 || relexed.length > 1) {
      this.sink.error(loc(use), `pasting formed '${joined}', an invalid preprocessing token (in macro '${macro.name}')`);
      return [left, right].filter((x): x is Token => x !== undefined);
    }
    return relexed.map((x) => ({ ...x, file: use.file, line: use.line, column: use.column }));
  }

  private evalCondition(rest: Token[], at: Token): boolean {
    // resolve `defined X` / `defined(X)` before expansion
    const pre: Token[] = [];
    for (let k = 0; k < rest.length; k++) {
      const t = rest[k];
      if (t.kind === 'ident' && t.text === 'defined') {
        let nameTok = rest[k + 1];
        let skip = 1;
        if (nameTok?.text === '(') {
          nameTok = rest[k + 2];
          skip = 3;
        }
        const v = nameTok && this.macros.has(nameTok.text) ? 1n : 0n;
        pre.push({ ...t, kind: 'number', text: String(v), value: v });
        k += skip;
        continue;
      }
      pre.push(t);
    }
    const toks = this.expand(pre).map((t) => (t.kind === 'ident' ? { ...t, kind: 'number' as const, text: '0', value: 0n } : t));
    if (toks.length === 0) {
      this.sink.error(loc(at), '#if with no expression');
      return false;
    }
    try {
      const ev = new ConstExprEvaluator(toks);
      const v = ev.parse();
      if (!ev.done()) throw new Error(`unexpected token '${ev.peek()?.text}' in preprocessor expression`);
      return v !== 0n;
    } catch (e) {
      this.sink.error(loc(at), e instanceof Error ? e.message : String(e));
      return false;
    }
  }
}

/** A macro expansion past a limit: the outermost expansion reports it and yields nothing. */
class ExpansionLimit extends Error {
  constructor(
    readonly at: SourceLocation,
    message: string,
  ) {
    super(message);
  }
}

/** Integer constant expressions of #if, evaluated in 64-bit signed arithmetic. */
class ConstExprEvaluator {
  private k = 0;
  private depth = 0;
  constructor(private readonly toks: Token[]) {}
  peek(): Token | undefined {
    return this.toks[this.k];
  }
  done(): boolean {
    return this.k >= this.toks.length;
  }
  private static readonly PREC: Record<string, number> = {
    '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
    '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
  };
  parse(): bigint {
    return this.deeper(() => this.conditional());
  }
  /** Evaluates a nested part; past the nesting limit, the #if reports it. */
  private deeper(evaluate: () => bigint): bigint {
    if (this.depth >= MAX_NESTING) throw new Error(nestedTooDeeply('#if expression'));
    this.depth++;
    try {
      return evaluate();
    } finally {
      this.depth--;
    }
  }
  private conditional(): bigint {
    const c = this.binary(1);
    if (this.peek()?.text === '?') {
      this.k++;
      const a = this.parse();
      if (this.peek()?.text !== ':') throw new Error("expected ':' in preprocessor expression");
      this.k++;
      const b = this.parse();
      return c !== 0n ? a : b;
    }
    return c;
  }
  private binary(minPrec: number): bigint {
    let left = this.unary();
    for (;;) {
      const op = this.peek()?.text ?? '';
      const prec = ConstExprEvaluator.PREC[op];
      if (prec === undefined || prec < minPrec) return left;
      this.k++;
      const right = this.binary(prec + 1);
      left = BigInt.asIntN(64, apply(op, left, right));
    }
  }
  private unary(): bigint {
    const t = this.toks[this.k++];
    if (!t) throw new Error('missing operand in preprocessor expression');
    if (t.text === '(') {
      const v = this.parse();
      if (this.toks[this.k++]?.text !== ')') throw new Error("expected ')' in preprocessor expression");
      return v;
    }
    const operand = (): bigint => this.deeper(() => this.unary());
    if (t.text === '-') return BigInt.asIntN(64, -operand());
    if (t.text === '+') return operand();
    if (t.text === '!') return operand() === 0n ? 1n : 0n;
    if (t.text === '~') return BigInt.asIntN(64, ~operand());
    if ((t.kind === 'number' || t.kind === 'char') && t.value !== undefined) return BigInt.asIntN(64, t.value);
    throw new Error(`unexpected token '${t.text}' in preprocessor expression`);
  }
}

function apply(op: string, a: bigint, b: bigint): bigint {
  const v = integerOp(op, a, b, 64);
  if (v === undefined) {
    if (op === '/' || op === '%') throw new Error('division by zero in preprocessor expression');
    throw new Error(`operator '${op}' not allowed in preprocessor expression`);
  }
  return v;
}
