// Source text as the language server sees it: the exact text of every file an analysis read,
// lexed on demand with the front end's own lexer (cached by content), with the lookups the
// features need — the token under a position, the token after a location, directive lines,
// the comment above a line and the comment trailing a line, and a brace's match.
import { DiagnosticSink } from '../../debug-adapter/engine/lang/diagnostics';
import { lex, type Token } from '../../debug-adapter/engine/lang/lexer';

/** A 1-based line and column, as the front end counts them (UTF-16 code units). */
export interface Pos {
  line: number;
  column: number;
}

/** One file's text with its tokens and lines, computed once. */
export class SourceFile {
  private tokenList: Token[] | undefined;
  private lineList: string[] | undefined;
  private directives: Set<number> | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  get tokens(): Token[] {
    if (!this.tokenList) this.tokenList = lex(this.path, this.text, new DiagnosticSink()).filter((t) => t.kind !== 'eof');
    return this.tokenList;
  }

  get lines(): string[] {
    if (!this.lineList) this.lineList = this.text.split(/\r?\n/);
    return this.lineList;
  }

  /** The text of a 1-based line ('' past the end). */
  line(n: number): string {
    return this.lines[n - 1] ?? '';
  }

  /** Lines whose first token is `#` (preprocessor directives). */
  get directiveLines(): ReadonlySet<number> {
    if (!this.directives) {
      this.directives = new Set();
      for (const t of this.tokens) if (t.bol && t.text === '#') this.directives.add(t.line);
    }
    return this.directives;
  }

  /** End column (exclusive, 1-based) of a token as written in the source (its text is its spelling). */
  tokenEnd(t: Token): number {
    return t.column + t.text.length;
  }

  /** Index of the token covering a position; at a token's end, the token just before it counts too (cursor after a word). */
  indexAt(p: Pos): number {
    const toks = this.tokens;
    let lo = 0;
    let hi = toks.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = toks[mid];
      if (t.line < p.line || (t.line === p.line && t.column <= p.column)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return -1;
    const t = toks[found];
    if (t.line === p.line && p.column < this.tokenEnd(t)) return found;
    if (t.line === p.line && p.column === this.tokenEnd(t) && t.kind === 'ident') return found;
    return -1;
  }

  tokenAt(p: Pos): Token | undefined {
    const i = this.indexAt(p);
    return i < 0 ? undefined : this.tokens[i];
  }

  /** Index of the token that starts exactly at a location, or -1. */
  indexStartingAt(p: Pos): number {
    const i = this.indexAt(p);
    return i >= 0 && this.tokens[i].line === p.line && this.tokens[i].column === p.column ? i : -1;
  }

  /** The token written right after the one starting at a location (e.g. a struct's tag after `struct`). */
  tokenAfter(p: Pos): Token | undefined {
    const i = this.indexStartingAt(p);
    return i < 0 ? undefined : this.tokens[i + 1];
  }

  /** Location of the `}` matching the first `{` at or after a location (skipping nested braces). */
  matchingBrace(p: Pos): Pos | undefined {
    let i = this.indexStartingAt(p);
    if (i < 0) return undefined;
    const toks = this.tokens;
    while (i < toks.length && toks[i].text !== '{') {
      if (toks[i].text === ';') return undefined;
      i++;
    }
    let depth = 0;
    for (; i < toks.length; i++) {
      if (toks[i].kind !== 'punct') continue;
      if (toks[i].text === '{') depth++;
      else if (toks[i].text === '}' && --depth === 0) return { line: toks[i].line, column: toks[i].column };
    }
    return undefined;
  }

  /**
   * The first token of the declaration whose name is at a location: walk back over the
   * declaration's specifiers to the previous `;`, `}`, `{` or directive line.
   */
  declarationStart(name: Pos): Token | undefined {
    let i = this.indexStartingAt(name);
    if (i < 0) return undefined;
    const toks = this.tokens;
    const stop = new Set([';', '}', '{']);
    while (i > 0) {
      const prev = toks[i - 1];
      if ((prev.kind === 'punct' && stop.has(prev.text)) || this.directiveLines.has(prev.line)) break;
      i--;
    }
    return toks[i];
  }

  /**
   * The comment block directly above a line (`//` lines or one `/* … *\/`, each starting its
   * line: a comment after code belongs to that code's line), skipping `#pragma` lines in
   * between as the runtime writes `#pragma textflag NOSPLIT` there.
   */
  commentAbove(line: number): string | undefined {
    let n = line - 1;
    while (n >= 1 && /^\s*#\s*pragma\b/.test(this.line(n))) n--;
    const collected: string[] = [];
    if (/\*\/\s*$/.test(this.line(n))) {
      for (let k = n; k >= 1; k--) {
        const text = this.line(k);
        collected.unshift(text);
        if (text.includes('/*')) {
          return text.slice(0, text.indexOf('/*')).trim() === '' ? cleanBlockComment(collected.join('\n')) : undefined;
        }
      }
      return undefined;
    }
    while (n >= 1 && /^\s*\/\//.test(this.line(n))) {
      collected.unshift(this.line(n).replace(/^\s*\/\/\s?/, '').trimEnd());
      n--;
    }
    return collected.length ? collected.join('\n').trim() || undefined : undefined;
  }

  /** A `//` comment at the end of a line after code (the runtime documents fields this way). */
  trailingComment(line: number): string | undefined {
    const src = this.line(line);
    let quote: string | null = null;
    for (let i = 0; i < src.length; i++) {
      const c = src[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '/' && src[i + 1] === '/') {
        if (src.slice(0, i).trim() === '') return undefined; // a whole-line comment
        return src.slice(i + 2).trim() || undefined;
      } else if (c === '/' && src[i + 1] === '*') {
        if (src.slice(0, i).trim() === '') return undefined;
        const end = src.indexOf('*/', i + 2);
        return (end < 0 ? src.slice(i + 2) : src.slice(i + 2, end)).trim() || undefined;
      }
    }
    return undefined;
  }

  /** The source lines of a directive starting at a line, joined over backslash continuations. */
  directiveText(line: number): string {
    const out: string[] = [];
    for (let n = line; n <= this.lines.length; n++) {
      const s = this.line(n);
      const continued = /\\[ \t]*$/.exec(s); // a line continuation, as the lexer reads one
      if (continued) out.push(s.slice(0, continued.index));
      else {
        out.push(s);
        break;
      }
    }
    return out.join('\n').trimEnd();
  }
}

function cleanBlockComment(s: string): string | undefined {
  const body = s.slice(s.indexOf('/*') + 2, s.lastIndexOf('*/'));
  const text = body
    .split('\n')
    .map((x) => x.replace(/^\s*\*?\s?/, '').trimEnd())
    .join('\n')
    .trim();
  return text || undefined;
}

/** Source files by path, reused while their text is unchanged. */
export class SourceCache {
  private readonly files = new Map<string, SourceFile>();

  get(path: string, text: string): SourceFile {
    const old = this.files.get(path);
    if (old && old.text === text) return old;
    const f = new SourceFile(path, text);
    this.files.set(path, f);
    return f;
  }
}
