// Go to definition, find references and document symbols on top of the symbol index: what
// the cursor is on (an indexed occurrence, or failing that a macro or global name as written,
// e.g. inside a #define body), where it is defined, where it is used across the scenario and
// the runtime model, and the outline of one file.
import * as path from 'node:path';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { Loc } from '../../debug-adapter/engine/lang/ast';
import type { Definition, Occurrence, ProgramIndex } from './symbolIndex';
import { symbolKey } from './symbolIndex';
import type { Pos, SourceFile } from './sourceText';

/** A located span in an original file (1-based line/column, length in UTF-16 units). */
export interface Span extends Loc {
  length: number;
}

export interface Resolved {
  def: Definition;
  occ?: Occurrence;
}

/** What the name at a position denotes. */
export function resolveAt(index: ProgramIndex, src: SourceFile, file: string, p: Pos): Resolved | undefined {
  const occ = index.at(file, p);
  if (occ) {
    const def = index.defs.get(occ.key);
    return def ? { def, occ } : undefined;
  }
  const tok = src.tokenAt(p);
  if (!tok || tok.kind !== 'ident') return undefined;
  const macro = index.defs.get(`macro:${tok.text}`);
  if (macro) return { def: macro };
  const sym = index.checked.lookup(tok.text);
  const def = sym && sym.k !== 'local' ? index.defs.get(symbolKey(sym, new Map())) : undefined;
  return def ? { def } : undefined;
}

/** The file an `#include "…"` names, when the cursor is on its string (resolved as the preprocessor does). */
export function includeTarget(src: SourceFile, file: string, p: Pos): string | undefined {
  const i = src.indexAt(p);
  const tok = i >= 0 ? src.tokens[i] : undefined;
  if (!tok || tok.kind !== 'string' || src.tokens[i - 1]?.text !== 'include' || !src.directiveLines.has(tok.line)) return undefined;
  return path.resolve(path.dirname(file), tok.text.slice(1, -1));
}

/** The typedef of a bare struct (`typedef struct MSpan MSpan;`) and the struct are one thing to a reader. */
export function relatedKeys(index: ProgramIndex, def: Definition): string[] {
  const keys = [def.key];
  if (def.kind === 'typedef' && def.typedefSyntax?.k === 'struct' && !def.typedefSyntax.fields && def.typedefSyntax.tag) {
    keys.push(`struct:${def.typedefSyntax.tag}`);
  }
  if (def.kind === 'struct') {
    for (const d of index.defs.values()) {
      if (d.kind === 'typedef' && d.typedefSyntax?.k === 'struct' && !d.typedefSyntax.fields && d.typedefSyntax.tag === def.name) keys.push(d.key);
    }
  }
  return keys;
}

/** Where to go from a definition: a typedef of a bare struct goes to the struct's body. */
export function definitionTarget(index: ProgramIndex, def: Definition): Span | undefined {
  let target = def;
  if (def.kind === 'typedef' && def.typedefSyntax?.k === 'struct' && !def.typedefSyntax.fields && def.typedefSyntax.tag) {
    target = index.defs.get(`struct:${def.typedefSyntax.tag}`) ?? def;
  }
  return target.loc ? { ...target.loc, length: target.name.length } : undefined;
}

/** Every occurrence of the definition (and its related keys) in the given indexes, deduplicated. */
export function references(indexes: ProgramIndex[], def: Definition, includeDeclaration: boolean): Span[] {
  const seen = new Set<string>();
  const out: Span[] = [];
  for (const ix of indexes) {
    for (const key of relatedKeys(ix, def)) {
      for (const o of ix.references(key)) {
        if (!includeDeclaration && o.isDecl) continue;
        const id = `${o.file}:${o.line}:${o.column}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ file: o.file, line: o.line, column: o.column, length: o.length });
      }
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

const SYMBOL_KIND: Partial<Record<Definition['kind'], SymbolKind>> = {
  function: SymbolKind.Function,
  global: SymbolKind.Variable,
  struct: SymbolKind.Struct,
  typedef: SymbolKind.TypeParameter,
  constant: SymbolKind.EnumMember,
  macro: SymbolKind.Constant,
  field: SymbolKind.Field,
};

/** 0-based LSP range of a 1-based span. */
export function lspRange(from: { line: number; column: number }, to: { line: number; column: number }): DocumentSymbol['range'] {
  return {
    start: { line: Math.max(0, from.line - 1), character: Math.max(0, from.column - 1) },
    end: { line: Math.max(0, to.line - 1), character: Math.max(0, to.column - 1) },
  };
}

/** The outline of one file: functions, globals, structs with their fields, typedefs, enum constants, macros. */
export function documentSymbols(index: ProgramIndex, src: SourceFile, file: string): DocumentSymbol[] {
  const top: { sym: DocumentSymbol; at: Loc }[] = [];
  const structs = new Map<string, DocumentSymbol>();
  const fields: Definition[] = [];
  for (const d of index.defs.values()) {
    const kind = SYMBOL_KIND[d.kind];
    if (kind === undefined || !d.loc || d.loc.file !== file || d.name.startsWith('<')) continue;
    if (d.kind === 'field') {
      fields.push(d);
      continue;
    }
    const nameEnd = { line: d.loc.line, column: d.loc.column + d.name.length };
    const selection = lspRange(d.loc, nameEnd);
    let range = selection;
    if (d.kind === 'function' || d.kind === 'struct') {
      const start = src.declarationStart(d.loc);
      const brace = d.kind === 'function' ? index.scopes.find((s) => s.name === d.name && s.file === file)?.end : src.matchingBrace(start ?? d.loc);
      if (start && brace) range = lspRange(start, { line: brace.line, column: brace.column + 1 });
    }
    const detail = d.kind === 'macro' ? d.macroText : d.kind === 'constant' ? String(d.value) : undefined;
    const sym: DocumentSymbol = { name: d.name, kind, range, selectionRange: selection, detail, children: d.kind === 'struct' ? [] : undefined };
    if (d.kind === 'struct') structs.set(d.name, sym);
    top.push({ sym, at: d.loc });
  }
  for (const f of fields) {
    const parent = f.container ? structs.get(f.container) : undefined;
    if (!parent || !f.loc) continue;
    const r = lspRange(f.loc, { line: f.loc.line, column: f.loc.column + f.name.length });
    parent.children?.push({ name: f.name, kind: SymbolKind.Field, range: r, selectionRange: r });
  }
  return top.sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column).map((x) => x.sym);
}
