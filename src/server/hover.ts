// Hover: what the name under the cursor is — the type of a variable, field or function with
// its signature, a struct's layout, a typedef's meaning, an enum constant's or a #define's
// value, the doc comment above the declaration (or after a field) — and, for sweepgen,
// what its values mean relative to H and what the code at that spot does with them.
import type { Analysis } from '../../debug-adapter/engine';
import { check } from '../../debug-adapter/engine/lang/checker';
import { DiagnosticSink } from '../../debug-adapter/engine/lang/diagnostics';
import { parse } from '../../debug-adapter/engine/lang/parser';
import { preprocess } from '../../debug-adapter/engine/lang/preprocessor';
import { sizeOf, typeToString, type StructType, type Type } from '../../debug-adapter/engine/lang/types';
import { virtualPath } from './documents';
import type { Definition, Occurrence, ProgramIndex } from './symbolIndex';
import { exprPathAt, sweepgenHere, SWEEPGEN_LEGEND } from './sweepgen';
import type { SourceFile } from './sourceText';

/** One-line meanings of the VM's builtins (simc-language.md §5). */
const BUILTIN_DOCS: Record<string, string> = {
  'runtime·cas': 'Atomic compare-and-swap: if `*p == old`, stores `new` and returns true. One step.',
  'runtime·casp': 'Atomic compare-and-swap of a pointer. One step.',
  'runtime·xadd': 'Atomic add; returns the new value. One step.',
  'runtime·xchg': 'Atomic exchange; returns the old value. One step.',
  'runtime·atomicload': 'Atomic load. One step.',
  'runtime·atomicloadp': 'Atomic load of a pointer. One step.',
  'runtime·atomicstore': 'Atomic store. One step.',
  'runtime·atomicstorep': 'Atomic store of a pointer. One step.',
  'runtime·lock': 'Mutex lock; `m->locks` + 1. May block.',
  'runtime·unlock': 'Mutex unlock; `m->locks` − 1 (dropping to zero re-arms a pending preemption).',
  'runtime·notesleep': 'Blocks until the note is woken.',
  'runtime·notewakeup': 'Wakes the note (one-shot event).',
  'runtime·noteclear': 'Resets the note.',
  'runtime·park': 'Blocks the goroutine, calling `unlockf(l)` once it is parked.',
  'runtime·ready': 'Makes a parked goroutine runnable.',
  'runtime·gosched': 'Yields the P to another goroutine.',
  'runtime·osyield': 'Yields the thread.',
  'runtime·SysAlloc': 'Maps `n` bytes of address space.',
  'runtime·SysFree': 'Unmaps address space.',
  'runtime·SysMap': 'Commits address space reserved earlier.',
  'runtime·memclr': 'Zeroes `n` bytes.',
  'runtime·memmove': 'Copies `n` bytes (overlap allowed).',
  'runtime·throw': 'Fatal error: the program stops as crashed with this message.',
  'runtime·printf': 'The runtime\'s printf: `%d %x %p %s %D %X`. Output goes to the debug console.',
  'runtime·newproc': 'Starts a goroutine running `fn(arg)` (what `go f(x);` does).',
  'runtime·stoptheworld': 'Stops every other P (GC start).',
  'runtime·starttheworld': 'Restarts the Ps stopped by stoptheworld.',
};

const KIND_LABEL: Record<Definition['kind'], string> = {
  function: 'function', global: 'global', local: 'local', parameter: 'parameter', field: 'field', struct: 'struct',
  typedef: 'typedef', constant: 'enum constant', macro: 'macro', builtin: 'builtin',
};

const fence = (code: string): string => '```simc\n' + code + '\n```';
const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** A declaration as C writes it: `uint32 sweepgen`, `void (*fn)(void*)`, `MSpan *s[4]`. */
export function declare(t: Type | undefined, name: string): string {
  if (!t) return name;
  if (t.k === 'ptr' && t.to.k === 'func') return `${typeToString(t.to.ret)} (*${name})(${t.to.params.map(typeToString).join(', ')})`;
  if (t.k === 'array') return `${declare(t.of, name)}[${t.len}]`;
  return `${typeToString(t)} ${name}`;
}

/** A function's signature with its parameter names. */
export function signature(d: Definition): string {
  const t = d.type;
  if (!t || t.k !== 'func') return declare(t, d.name);
  const params = t.params.map((p, i) => declare(p, d.params?.[i] ?? '').trim());
  if (t.variadic) params.push('...');
  return `${typeToString(t.ret)} ${d.name}(${params.length ? params.join(', ') : 'void'})`;
}

/** A struct as C declares it, with each field's offset and the struct's size. */
function structLayout(t: StructType): string {
  if (!t.complete) return `struct ${t.tag};  // incomplete: declared nowhere`;
  const fields = t.fields.map((f) => `\t${declare(f.type, f.name)};  // +${f.offset}`);
  return `struct ${t.tag}\n{\n${fields.join('\n')}\n};  // size ${t.size}, align ${t.align}`;
}

/** The code line of a hover: how the definition is declared. */
export function headline(d: Definition, index: ProgramIndex, a: Analysis): string {
  switch (d.kind) {
    case 'function':
    case 'builtin':
      return signature(d);
    case 'field':
      return `${declare(d.type, `${d.container}.${d.name}`)}`;
    case 'struct':
      return d.type?.k === 'struct' ? structLayout(d.type) : `struct ${d.name}`;
    case 'typedef':
      return d.type?.k === 'struct' ? `typedef struct ${d.type.tag} ${d.name};\n${structLayout(d.type)}` : `typedef ${declare(d.type, d.name)};`;
    case 'constant':
      return `${d.name} = ${d.value}${d.value !== undefined && (d.value > 9n || d.value < -9n) ? `  // 0x${(BigInt.asUintN(32, d.value)).toString(16)}` : ''}`;
    case 'macro': {
      const value = d.macroText && !/^#define\s+\S+\(/.test(d.macroText) ? macroValue(d.name, a, index) : undefined;
      return `${d.macroText ?? d.name}${value !== undefined ? `\n// = ${value}${value > 9n ? ` (0x${value.toString(16)})` : ''}` : ''}`;
    }
    default:
      return declare(d.type, d.name);
  }
}

/** The markdown of a hover on a definition, seen at an occurrence (for context such as sweepgen). */
export function hoverMarkdown(d: Definition, occ: Occurrence | undefined, index: ProgramIndex, a: Analysis, source: (file: string) => SourceFile | undefined): string {
  const parts: string[] = [fence(headline(d, index, a))];
  const where: string[] = [`*${KIND_LABEL[d.kind]}*`];
  if (d.kind === 'field' && d.offset !== undefined && d.type) where.push(`offset ${d.offset}, size ${sizeOf(d.type)}`);
  if ((d.kind === 'local' || d.kind === 'parameter') && d.container) where.push(`in \`${d.container}\``);
  if (d.loc && d.kind !== 'local' && d.kind !== 'parameter') where.push(`${basename(d.loc.file)}:${d.loc.line}`);
  parts.push(where.join(' · '));
  const struct = d.kind === 'typedef' && d.type?.k === 'struct' ? index.defs.get(`struct:${d.type.tag}`) : undefined;
  const doc = documentation(d, source) ?? (struct ? documentation(struct, source) : undefined);
  if (doc) parts.push(doc);
  if (d.name === 'sweepgen' && (d.kind === 'field' || d.kind === 'local')) parts.push(SWEEPGEN_LEGEND);
  if (occ) {
    const path = exprPathAt(a.unit, occ);
    const here = path ? sweepgenHere(path) : undefined;
    if (here) parts.push(`Here: ${here}`);
  }
  return parts.join('\n\n');
}

/**
 * A definition's doc comment, read from the source: a field's, constant's, variable's or
 * macro's comment after it on its line, else the comment block above the declaration (the
 * lexer's own doc, the comment block above the declaration's first token, is the fallback
 * when the source is not at hand).
 */
export function documentation(d: Definition, source: (file: string) => SourceFile | undefined): string | undefined {
  if (d.kind === 'builtin') return BUILTIN_DOCS[d.name];
  const src = d.loc ? source(d.loc.file) : undefined;
  if (!d.loc || !src) return d.doc;
  if (d.kind !== 'function' && d.kind !== 'struct' && d.kind !== 'typedef') {
    const trailing = src.trailingComment(d.loc.line);
    if (trailing) return trailing;
  }
  if (d.kind === 'field' || d.kind === 'constant' || d.kind === 'macro' || d.kind === 'parameter') return src.commentAbove(d.loc.line);
  const start = src.declarationStart(d.loc);
  if (start && !start.bol) return undefined; // the comment above its line documents the code before it
  return src.commentAbove(start ? start.line : d.loc.line);
}

/** The integer value of an object-like macro, by checking `enum { v = NAME };` under the program's macros and constants. */
function macroValue(name: string, a: Analysis, index: ProgramIndex): bigint | undefined {
  const lines: string[] = [];
  for (const [, m] of a.macros) lines.push(m.text);
  const consts = [...index.checked.consts.values()].map((c) => `${c.name} = ${c.value}`);
  if (consts.length) lines.push(`enum { ${consts.join(', ')} };`);
  lines.push(`enum { sweepscope·value = (${name}) };`);
  const file = virtualPath('macro-value');
  const text = lines.join('\n') + '\n';
  const sink = new DiagnosticSink();
  const pp = preprocess([file], { read: (p) => (p === file ? text : undefined) }, sink);
  const checked = check(parse(pp.tokens, sink), sink);
  if (sink.errorCount > 0) return undefined;
  return checked.consts.get('sweepscope·value')?.value;
}
