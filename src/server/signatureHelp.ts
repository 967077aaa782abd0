// Signature help while a call is typed: the function whose argument list holds the cursor
// (the innermost open `(` after a name), its signature with parameter names from its
// definition — scenario, model or builtin — and which argument the cursor is in.
import type { SignatureHelp } from 'vscode-languageserver/node';
import { typeToString } from '../../debug-adapter/engine/lang/types';
import { tokensBefore } from './completion';
import { declare, documentation } from './hover';
import { symbolKey, type ProgramIndex } from './symbolIndex';
import type { Pos, SourceFile } from './sourceText';

export function signatureHelp(index: ProgramIndex, src: SourceFile, file: string, p: Pos, source: (file: string) => SourceFile | undefined): SignatureHelp | null {
  const toks = tokensBefore(src, p);
  let depth = 0;
  let commas = 0;
  for (let i = toks.length - 1; i >= 0; i--) {
    const t = toks[i];
    if (t.kind !== 'punct') continue;
    if (t.text === ')' || t.text === ']' || t.text === '}') depth++;
    else if (t.text === '[') depth--;
    else if (t.text === '{' || t.text === ';') return null;
    else if (t.text === ',' && depth === 0) commas++;
    else if (t.text === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const callee = toks[i - 1];
      if (!callee || callee.kind !== 'ident') return null;
      return help(index, file, p, callee.text, commas, source);
    }
  }
  return null;
}

function help(index: ProgramIndex, file: string, p: Pos, name: string, active: number, source: (file: string) => SourceFile | undefined): SignatureHelp | null {
  const local = index.localsAt(file, p).find((d) => d.name === name);
  const sym = local ? undefined : index.checked.lookup(name);
  const def = local ?? (sym ? index.defs.get(symbolKey(sym, new Map())) : undefined);
  const t = def?.type;
  const fn = t?.k === 'func' ? t : t?.k === 'ptr' && t.to.k === 'func' ? t.to : undefined;
  if (!def || !fn) return null;
  const params = fn.params.map((pt, i) => declare(pt, def.kind === 'function' || def.kind === 'builtin' ? def.params?.[i] ?? '' : '').trim());
  if (fn.variadic) params.push('...');
  let label = `${typeToString(fn.ret)} ${def.name}(`;
  const parameters = params.map((text, i) => {
    if (i > 0) label += ', ';
    const start = label.length;
    label += text;
    return { label: [start, label.length] as [number, number] };
  });
  label += ')';
  const doc = documentation(def, source);
  const activeParameter = fn.variadic && active >= params.length - 1 ? params.length - 1 : Math.min(active, Math.max(0, params.length - 1));
  return {
    signatures: [{ label, parameters, documentation: doc ? { kind: 'markdown', value: doc } : undefined }],
    activeSignature: 0,
    activeParameter,
  };
}
