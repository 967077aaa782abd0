// The lexer: turns one source file's text into tokens that remember their original file, line
// and column, whether they start a line (for preprocessor directives) and the documentation
// comment written directly above them. A documentation comment is a `//` run or a `/* */` that
// starts its line; a comment after code on its line belongs to that line, not to the next
// one. Character constants keep their source spelling (`'\n'`, `'\''`) as their text, so
// macro bodies can be stringified, pasted and written back exactly.
import type { DiagnosticSink } from './diagnostics';

export type TokenKind = 'ident' | 'number' | 'char' | 'string' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  file: string;
  line: number;
  column: number;
  /** First token on its line (after a newline or at file start). */
  bol: boolean;
  /** Preceded by whitespace (needed for function-like macro definitions). */
  space: boolean;
  /** Integer value of number and char tokens. */
  value?: bigint;
  /** Suffix flags of number tokens. */
  unsignedSuffix?: boolean;
  longSuffix?: number;
  /** Decoded bytes of a string literal (without the terminating NUL). */
  bytes?: number[];
  /** The comment directly above this token (or starting its line), when it starts a line. */
  doc?: string;
  /** Names of macros this token came out of (to stop recursive expansion). */
  hide?: ReadonlySet<string>;
}

const UTF8 = new TextEncoder();

const PUNCTUATORS = [
  '>>=', '<<=', '...', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '##',
  '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '=', '<', '>', '?', ':', ';', ',', '.',
  '(', ')', '[', ']', '{', '}', '#',
];

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '·';
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11, '?': 63,
};

export function lex(file: string, text: string, sink: DiagnosticSink): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  let bol = true;
  let space = false;
  let doc: string | undefined;
  let docEndLine = -1;
  let lastTokenLine = 0; // line of the last token made (a comment there trails code)
  const n = text.length;

  const advance = (): void => {
    if (text[i] === '\n') {
      line++;
      col = 1;
      bol = true;
    } else {
      col++;
    }
    i++;
  };
  const error = (l: number, c: number, msg: string) => sink.error({ file, line: l, column: c }, msg);
  const forgetDoc = (): void => {
    doc = undefined;
    docEndLine = -1;
  };

  const readEscape = (): number => {
    // at the backslash
    const escLine = line;
    const escCol = col;
    const byte = (v: number, base: string): number => {
      if (v > 255) error(escLine, escCol, `${base} escape sequence out of range (a byte is at most 255)`);
      return v & 255;
    };
    advance();
    const c = text[i];
    if (c === 'x') {
      advance();
      let v = 0;
      let digits = 0;
      while (i < n && /[0-9a-fA-F]/.test(text[i])) {
        v = v * 16 + parseInt(text[i], 16);
        advance();
        digits++;
      }
      if (digits === 0) error(line, col, '\\x used with no following hex digits');
      return byte(v, 'hex');
    }
    if (c >= '0' && c <= '7') {
      let v = 0;
      let digits = 0;
      while (i < n && digits < 3 && text[i] >= '0' && text[i] <= '7') {
        v = v * 8 + (text.charCodeAt(i) - 48);
        advance();
        digits++;
      }
      return byte(v, 'octal');
    }
    const simple = SIMPLE_ESCAPES[c];
    if (simple === undefined) {
      error(line, col, `unknown escape sequence '\\${c ?? ''}'`);
      if (i < n) advance();
      return 0;
    }
    advance();
    return simple;
  };

  while (i < n) {
    const c = text[i];
    // whitespace and line continuations (a backslash ending a line, also before a CR or
    // trailing blanks, as gcc accepts)
    if (c === '\\') {
      let j = i + 1;
      while (text[j] === ' ' || text[j] === '\t' || text[j] === '\r') j++;
      if (text[j] === '\n') {
        i = j + 1;
        line++;
        col = 1;
        space = true;
        continue;
      }
      if (j >= n) {
        error(line, col, "stray '\\' at end of file; remove it (a line continuation needs a next line)");
        break;
      }
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      advance();
      space = true;
      continue;
    }
    if (c === '\n') {
      advance();
      space = true;
      continue;
    }
    // comments
    if (c === '/' && text[i + 1] === '/') {
      const startLine = line;
      const start = i + 2;
      while (i < n && text[i] !== '\n') advance();
      const body = text.slice(start, i).trim();
      if (lastTokenLine === startLine) forgetDoc();
      else {
        doc = docEndLine === startLine - 1 && doc !== undefined ? `${doc}\n${body}` : body;
        docEndLine = startLine;
      }
      space = true;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const sl = line;
      const sc = col;
      advance();
      advance();
      const start = i;
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) advance();
      if (i >= n) {
        error(sl, sc, 'unterminated comment');
        break;
      }
      const body = text
        .slice(start, i)
        .split('\n')
        .map((s) => s.replace(/^\s*\*?\s?/, '').trimEnd())
        .join('\n')
        .trim();
      advance();
      advance();
      if (lastTokenLine === sl) forgetDoc();
      else {
        doc = body;
        docEndLine = line;
      }
      space = true;
      continue;
    }

    const tokLine = line;
    const tokCol = col;
    const tok = (kind: TokenKind, t: string): Token => {
      const token: Token = { kind, text: t, file, line: tokLine, column: tokCol, bol, space };
      if (bol && doc !== undefined && (docEndLine === tokLine - 1 || docEndLine === tokLine)) token.doc = doc;
      bol = false;
      space = false;
      forgetDoc();
      lastTokenLine = tokLine;
      out.push(token);
      return token;
    };

    if (isIdentStart(c)) {
      const start = i;
      while (i < n && isIdentPart(text[i])) advance();
      tok('ident', text.slice(start, i));
      continue;
    }
    if (isDigit(c)) {
      const start = i;
      while (i < n && (isIdentPart(text[i]) || text[i] === '.')) advance();
      const raw = text.slice(start, i);
      const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(raw);
      const t = tok('number', raw);
      if (!m || !/^(u?(l|ll)?|(l|ll)u)?$/i.test(m[2]) || /lL|Ll/.test(m[2])) {
        error(tokLine, tokCol, `invalid integer constant '${raw}'`);
        t.value = 0n;
        continue;
      }
      const digits = m[1];
      t.value = digits.length > 1 && digits[0] === '0' && !/[xX]/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
      const suffix = m[2].toLowerCase();
      t.unsignedSuffix = suffix.includes('u');
      t.longSuffix = (suffix.match(/l/g) ?? []).length;
      if (t.value >= 1n << 64n) error(tokLine, tokCol, `integer constant '${raw}' is too large`);
      continue;
    }
    if (c === "'") {
      const start = i;
      advance();
      let v = 0;
      if (text[i] === '\\') v = readEscape();
      else if (i < n && text[i] !== '\n' && text[i] !== "'") {
        v = text.charCodeAt(i) & 255;
        advance();
      } else error(tokLine, tokCol, 'empty character constant');
      if (text[i] !== "'") {
        const close = text.indexOf("'", i);
        const lineEnd = text.indexOf('\n', i);
        const closed = close >= 0 && (lineEnd < 0 || close < lineEnd);
        error(tokLine, tokCol, closed ? 'character constant holds more than one character; SimC character constants are one byte' : 'unterminated character constant');
        while (i < n && text[i] !== "'" && text[i] !== '\n') advance();
      }
      if (text[i] === "'") advance();
      const t = tok('char', text.slice(start, i));
      t.value = BigInt(v);
      continue;
    }
    if (c === '"') {
      const start = i;
      advance();
      const bytes: number[] = [];
      let closed = false;
      while (i < n && text[i] !== '\n') {
        if (text[i] === '"') {
          advance();
          closed = true;
          break;
        }
        if (text[i] === '\\') bytes.push(readEscape());
        else {
          const code = text.codePointAt(i) ?? 0;
          for (const b of UTF8.encode(String.fromCodePoint(code))) bytes.push(b);
          const len = code > 0xffff ? 2 : 1;
          for (let k = 0; k < len; k++) advance();
        }
      }
      if (!closed) error(tokLine, tokCol, 'missing terminating " character');
      const t = tok('string', text.slice(start, i));
      t.bytes = bytes;
      continue;
    }
    const p = PUNCTUATORS.find((q) => text.startsWith(q, i));
    if (p) {
      for (let k = 0; k < p.length; k++) advance();
      tok('punct', p);
      continue;
    }
    error(tokLine, tokCol, `unexpected character '${c}'`);
    advance();
  }
  out.push({ kind: 'eof', text: '', file, line, column: col, bol: true, space: true });
  return out;
}
