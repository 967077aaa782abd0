// Completions in the Debug Console and watch inputs: after `.` or `->` the fields of the
// expression's struct type (the expression is evaluated in the selected frame to learn its
// type), otherwise the names visible there — the frame's locals, a builtin's arguments, the
// program's globals and functions, the builtins, and `m`/`g`.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Program } from '../engine';
import { typeToString, type StructType, type Type } from '../engine/lang/types';
import type { Frame } from '../engine/vm/threads';
import type { BuiltinArg } from './builtinCalls';

const NAME_TAIL = /[A-Za-z_\u00b7][\w\u00b7]*$|$/;
const MEMBER = /(\.|->)\s*([A-Za-z_\u00b7][\w\u00b7]*)?$/;

export interface CompletionScope {
  program: Program;
  frame?: Frame;
  args: BuiltinArg[];
  /** The type of an expression in the selected frame, or undefined when it does not evaluate. */
  typeOf(expression: string): Type | undefined;
}

function structOf(t: Type | undefined, arrow: boolean): StructType | undefined {
  if (!t) return undefined;
  const target = arrow ? (t.k === 'ptr' ? t.to : undefined) : t;
  return target && target.k === 'struct' ? target : undefined;
}

/** The longest expression ending at `end` that evaluates (members chain back over names, [] and ()). */
function baseExpression(text: string, end: number, scope: CompletionScope): Type | undefined {
  for (let start = 0; start < end; start++) {
    if (start > 0 && /[\w\u00b7]/.test(text[start - 1]) && /[\w\u00b7]/.test(text[start])) continue;
    const candidate = text.slice(start, end).trim();
    if (candidate === '') continue;
    const t = scope.typeOf(candidate);
    if (t) return t;
  }
  return undefined;
}

/** DAP completion items for `text` with the cursor at `column` (1-based). */
export function complete(text: string, column: number, scope: CompletionScope): DebugProtocol.CompletionItem[] {
  const before = text.slice(0, Math.max(0, Math.min(text.length, column - 1)));
  const member = MEMBER.exec(before);
  if (member) {
    const prefix = member[2] ?? '';
    const opAt = member.index;
    const st = structOf(baseExpression(before, opAt, scope), member[1] === '->');
    if (!st) return [];
    return st.fields
      .filter((f) => f.name.startsWith(prefix))
      .map((f) => ({ label: f.name, type: 'field', detail: typeToString(f.type), start: before.length - prefix.length, length: prefix.length }));
  }
  const prefix = NAME_TAIL.exec(before)?.[0] ?? '';
  const items = new Map<string, DebugProtocol.CompletionItem>();
  const add = (label: string, type: DebugProtocol.CompletionItemType, detail?: string) => {
    if (label.startsWith(prefix) && !items.has(label)) items.set(label, { label, type, detail, start: before.length - prefix.length, length: prefix.length });
  };
  for (const a of scope.args) add(a.name, 'variable', typeToString(a.type));
  if (scope.frame) for (const l of scope.program.code.funcs[scope.frame.fn].locals) add(l.name, 'variable', typeToString(l.type));
  add('m', 'variable', 'M*');
  add('g', 'variable', 'G*');
  for (const gl of scope.program.checked.globals) add(gl.sym.name, 'variable', typeToString(gl.sym.type));
  for (const f of scope.program.code.funcs) add(f.name, 'function');
  for (const b of scope.program.checked.builtins) add(b.name, 'function', 'builtin');
  return [...items.values()].sort((x, y) => (x.type === y.type ? x.label.localeCompare(y.label) : x.type === 'variable' ? -1 : y.type === 'variable' ? 1 : 0));
}
