// Completion: the members of a struct after `.` and `->` (the receiver's type worked out from
// the text before the cursor with the checker's types, since the line being typed rarely
// parses), otherwise the names in scope at the cursor — locals and parameters, globals,
// functions, enum constants, typedefs, macros, builtins — and SimC's keywords and base types.
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver/node';
import type { Analysis } from '../../debug-adapter/engine';
import type { Token } from '../../debug-adapter/engine/lang/lexer';
import { BASE_TYPES, type StructType, type Type } from '../../debug-adapter/engine/lang/types';
import { declare, documentation, signature } from './hover';
import { fieldKey, memberBase, type Definition, type ProgramIndex } from './symbolIndex';
import type { Pos, SourceFile } from './sourceText';

const KEYWORDS = [
  'if', 'else', 'while', 'do', 'for', 'switch', 'case', 'default', 'break', 'continue', 'return', 'go',
  'struct', 'enum', 'typedef', 'static', 'extern', 'sizeof', 'nil', 'true', 'false', 'nelem',
];

const ITEM_KIND: Record<Definition['kind'], CompletionItemKind> = {
  function: CompletionItemKind.Function,
  builtin: CompletionItemKind.Function,
  global: CompletionItemKind.Variable,
  local: CompletionItemKind.Variable,
  parameter: CompletionItemKind.Variable,
  field: CompletionItemKind.Field,
  struct: CompletionItemKind.Struct,
  typedef: CompletionItemKind.Class,
  constant: CompletionItemKind.EnumMember,
  macro: CompletionItemKind.Constant,
};

export interface CompletionContext {
  index: ProgramIndex;
  analysis: Analysis;
  /** The document being edited, as currently typed. */
  src: SourceFile;
  file: string;
  source: (file: string) => SourceFile | undefined;
  /** The character that triggered completion, if one did (`.` or `>`). */
  trigger?: string;
}

/** Completion items at a 1-based position (names carry their key in `data`; see resolveItem). */
export function complete(cx: CompletionContext, p: Pos): CompletionItem[] {
  if (inCommentOrString(cx.src, p)) return [];
  const toks = tokensBefore(cx.src, p);
  let end = toks.length;
  // the word being typed is replaced by the completion, so it is not part of the context
  if (end > 0 && toks[end - 1].kind === 'ident' && toks[end - 1].line === p.line && toks[end - 1].column + toks[end - 1].text.length === p.column) end--;
  const op = toks[end - 1];
  if (op && op.kind === 'punct' && (op.text === '.' || op.text === '->')) {
    const st = memberBase(receiverType(cx, toks.slice(0, end - 1), p), op.text === '->');
    return st ? members(cx, st) : [];
  }
  if (cx.trigger) return []; // `>` of a comparison, `.` of a number
  if (op && op.kind === 'ident' && (op.text === 'struct' || op.text === 'enum')) {
    return [...cx.index.defs.values()].filter((d) => d.kind === 'struct' && !d.name.startsWith('<')).map((d) => item(cx, d));
  }
  return names(cx, p);
}

/** Tokens of the document up to the cursor (the lexer stops nowhere, so take the prefix). */
export function tokensBefore(src: SourceFile, p: Pos): Token[] {
  const out: Token[] = [];
  for (const t of src.tokens) {
    if (t.line > p.line || (t.line === p.line && t.column >= p.column)) break;
    out.push(t);
  }
  return out;
}

function members(cx: CompletionContext, st: StructType): CompletionItem[] {
  return st.fields.map((f, i) => {
    const def = cx.index.defs.get(fieldKey(st.tag, f.name));
    const doc = def ? documentation(def, cx.source) : f.doc;
    return {
      label: f.name,
      kind: CompletionItemKind.Field,
      detail: `${declare(f.type, f.name)}  (${st.tag} +${f.offset})`,
      documentation: doc ? { kind: 'markdown', value: doc } : undefined,
      sortText: String(i).padStart(4, '0'),
    };
  });
}

/** An item for a definition; its documentation comes with completionItem/resolve. */
function item(cx: CompletionContext, d: Definition): CompletionItem {
  const detail = d.kind === 'function' || d.kind === 'builtin' ? signature(d)
    : d.kind === 'macro' ? d.macroText
    : d.kind === 'constant' ? `${d.name} = ${d.value}`
    : d.kind === 'struct' ? `struct ${d.name}`
    : declare(d.type, d.name);
  return { label: d.name, kind: ITEM_KIND[d.kind], detail, data: { key: d.key } };
}

/** Adds the documentation of an item made by `complete` (looked up by the key in its data). */
export function resolveItem(it: CompletionItem, index: ProgramIndex, source: (file: string) => SourceFile | undefined): CompletionItem {
  const data: unknown = it.data;
  const key = typeof data === 'object' && data !== null && 'key' in data && typeof data.key === 'string' ? data.key : undefined;
  const def = key ? index.defs.get(key) : undefined;
  const doc = def ? documentation(def, source) : undefined;
  return doc ? { ...it, documentation: { kind: 'markdown', value: doc } } : it;
}

/** Whether a position is inside a comment, a string or a character constant. */
function inCommentOrString(src: SourceFile, p: Pos): boolean {
  let state: 'code' | 'line' | 'block' | '"' | "'" = 'code';
  const lines = src.lines;
  for (let l = 0; l < Math.min(p.line, lines.length); l++) {
    const text = l === p.line - 1 ? lines[l].slice(0, p.column - 1) : lines[l];
    if (state === 'line' || state === '"' || state === "'") state = 'code';
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (state === 'block') {
        if (c === '*' && text[i + 1] === '/') {
          state = 'code';
          i++;
        }
      } else if (state === '"' || state === "'") {
        if (c === '\\') i++;
        else if (c === state) state = 'code';
      } else if (state === 'code') {
        if (c === '/' && text[i + 1] === '/') state = 'line';
        else if (c === '/' && text[i + 1] === '*') {
          state = 'block';
          i++;
        }
        else if (c === '"' || c === "'") state = c;
      }
      if (state === 'line') break;
    }
  }
  return state !== 'code';
}

function names(cx: CompletionContext, p: Pos): CompletionItem[] {
  const out = new Map<string, CompletionItem>();
  const add = (it: CompletionItem, sort: string): void => {
    if (!out.has(it.label)) out.set(it.label, { ...it, sortText: `${sort}${it.label}` });
  };
  for (const d of cx.index.localsAt(cx.file, p)) add(item(cx, d), '0');
  for (const d of cx.index.defs.values()) {
    if (d.kind === 'local' || d.kind === 'parameter' || d.kind === 'field' || d.kind === 'struct') continue;
    add(item(cx, d), d.kind === 'builtin' ? '3' : d.kind === 'macro' ? '2' : '1');
  }
  for (const t of BASE_TYPES.keys()) add({ label: t, kind: CompletionItemKind.Keyword, detail: 'base type' }, '4');
  for (const k of KEYWORDS) add({ label: k, kind: CompletionItemKind.Keyword }, '4');
  return [...out.values()];
}

/**
 * The type of the postfix expression that ends the token list: a name followed by any of
 * `.f`, `->f`, `[i]` and `(args)`, or `(*p)` / a parenthesised cast `((T*)e)` resolved by
 * its type name. Undefined when it cannot be worked out.
 */
function receiverType(cx: CompletionContext, toks: Token[], p: Pos): Type | undefined {
  // walk back over one postfix chain
  let i = toks.length - 1;
  const skipGroup = (open: string, close: string): boolean => {
    let depth = 0;
    for (; i >= 0; i--) {
      if (toks[i].text === close) depth++;
      else if (toks[i].text === open && --depth === 0) return true;
    }
    return false;
  };
  for (;;) {
    if (i < 0) return undefined;
    const t = toks[i];
    if (t.text === ']') {
      if (!skipGroup('[', ']')) return undefined;
      i--;
      continue;
    }
    if (t.text === ')') {
      const close = i;
      if (!skipGroup('(', ')')) return undefined;
      const prev = toks[i - 1];
      if (prev && (prev.kind === 'ident' || prev.text === ')' || prev.text === ']')) {
        i--; // a call: keep walking back to the callee
        continue;
      }
      return chainType(cx, toks.slice(i, toks.length), p, close - i);
    }
    if (t.kind !== 'ident') return undefined;
    const prev = toks[i - 1];
    if (prev && (prev.text === '.' || prev.text === '->')) {
      i -= 2;
      continue;
    }
    return chainType(cx, toks.slice(i), p, -1);
  }
}

/** Types a postfix chain left to right; `groupEnd` ≥ 0 marks a leading parenthesised group. */
function chainType(cx: CompletionContext, chain: Token[], p: Pos, groupEnd: number): Type | undefined {
  let t: Type | undefined;
  let j: number;
  if (groupEnd >= 0) {
    t = groupType(cx, chain.slice(1, groupEnd), p);
    j = groupEnd + 1;
  } else {
    t = nameType(cx, chain[0].text, p);
    j = 1;
  }
  while (t && j < chain.length) {
    const tok = chain[j];
    if ((tok.text === '.' || tok.text === '->') && chain[j + 1]) {
      const st = memberBase(t, tok.text === '->');
      t = st?.fields.find((f) => f.name === chain[j + 1].text)?.type;
      j += 2;
    } else if (tok.text === '[') {
      t = t.k === 'array' ? t.of : t.k === 'ptr' ? t.to : undefined;
      j = skipForward(chain, j, '[', ']');
    } else if (tok.text === '(') {
      const fn = t.k === 'func' ? t : t.k === 'ptr' && t.to.k === 'func' ? t.to : undefined;
      t = fn?.ret;
      j = skipForward(chain, j, '(', ')');
    } else return undefined;
  }
  return t;
}

function skipForward(toks: Token[], j: number, open: string, close: string): number {
  let depth = 0;
  for (; j < toks.length; j++) {
    if (toks[j].text === open) depth++;
    else if (toks[j].text === close && --depth === 0) return j + 1;
  }
  return toks.length;
}

/** `(*p)` → what p points to; `((T*)e)` → T*; `(e)` → e's type for a simple chain. */
function groupType(cx: CompletionContext, inner: Token[], p: Pos): Type | undefined {
  if (inner[0]?.text === '*') {
    const t = chainType(cx, inner.slice(1), p, -1);
    return t?.k === 'ptr' ? t.to : t?.k === 'array' ? t.of : undefined;
  }
  if (inner[0]?.text === '(') {
    // a cast: (TypeName *…)
    const close = skipForward(inner, 0, '(', ')');
    const typeToks = inner.slice(1, close - 1);
    const name = typeToks[0]?.text === 'struct' ? typeToks[1]?.text : typeToks[0]?.text;
    if (!name) return undefined;
    let t: Type | undefined = typeToks[0]?.text === 'struct' ? cx.index.checked.structs.get(name) : cx.index.checked.typedefs.get(name) ?? BASE_TYPES.get(name);
    for (const x of typeToks) if (t && x.text === '*') t = { k: 'ptr', to: t };
    return t;
  }
  return inner.length ? chainType(cx, inner, p, -1) : undefined;
}

/** The type of a name at a position: a local in scope, else a global (with `runtime·` lookup). */
function nameType(cx: CompletionContext, name: string, p: Pos): Type | undefined {
  const local = cx.index.localsAt(cx.file, p).find((d) => d.name === name);
  if (local) return local.type;
  const sym = cx.index.checked.lookup(name);
  if (!sym || sym.k === 'const') return undefined;
  return sym.type;
}
