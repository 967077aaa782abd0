// The engine's facade: compile SimC sources (front end + code generation) into a Program, and
// run a Program on a fresh Machine. Consumers (CLI, debug adapter, language server, explorer)
// use only this module and api.ts.
import * as path from 'node:path';
import type { CompileInput, Diagnostic, RunOptions, RunResult, SourceLoader } from './api';
import { check, type CheckedProgram } from './lang/checker';
import { DiagnosticSink, formatDiagnostic } from './lang/diagnostics';
import { parse } from './lang/parser';
import { preprocess } from './lang/preprocessor';
import type { TranslationUnit } from './lang/ast';
import { compile, LinkError, type CompiledCode } from './vm/compile';
import { Machine } from './vm/machine';
import { Oracle, type OracleOptions } from './oracle/oracle';
import { PRELUDE_PATH, PRELUDE_SOURCE } from './vm/prelude';

export * from './api';
export { formatDiagnostic };
export { Machine, Oracle };
export type { OracleOptions };

export interface Program {
  /**
   * `<program>.<scenario>`: the hash of the whole program's tokens, then of the scenario's own
   * tokens. A schedule recorded on another scenario is refused; one recorded on the same
   * scenario with another runtime model replays until it diverges.
   */
  hash: string;
  code: CompiledCode;
  checked: CheckedProgram;
  unit: TranslationUnit;
  files: string[];
}

export interface Analysis {
  unit: TranslationUnit;
  checked: CheckedProgram;
  files: string[];
  diagnostics: Diagnostic[];
  macros: ReadonlyMap<string, { at: { file: string; line: number; column: number }; text: string }>;
}

/** FNV-1a over the token texts, two 32-bit lanes. */
function hashTokens(texts: string[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const t of texts) {
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
    }
    a = Math.imul(a ^ 0xff, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Runs the front end only (for the language server and `check`). */
export function analyze(input: CompileInput): Analysis & { tokensHash: string } {
  const sink = new DiagnosticSink();
  const usePrelude = input.runtimeFiles.length === 0;
  const loader: SourceLoader = usePrelude ? { read: (p) => (p.endsWith(PRELUDE_PATH) ? PRELUDE_SOURCE : input.loader.read(p)) } : input.loader;
  const files = usePrelude ? [PRELUDE_PATH, input.scenario] : [...input.runtimeFiles, input.scenario];
  const pp = preprocess(files, loader, sink);
  const unit = parse(pp.tokens, sink);
  const checked = check(unit, sink);
  // the scenario's own files: the scenario and what it includes that the runtime did not
  // (the preprocessor lists files by absolute path, the scenario last of the inputs)
  const own = new Set(pp.files.slice(Math.max(0, pp.files.indexOf(path.resolve(input.scenario)))));
  const scenarioHash = hashTokens(pp.tokens.filter((t) => own.has(t.file)).map((t) => t.text));
  const tokensHash = `${hashTokens(pp.tokens.map((t) => t.text))}.${scenarioHash}`;
  return { unit, checked, files: pp.files, diagnostics: sink.list, macros: pp.macros, tokensHash };
}

export function compileProgram(input: CompileInput): { program: Program | null; diagnostics: Diagnostic[] } {
  const a = analyze(input);
  if (a.diagnostics.length > 0) return { program: null, diagnostics: a.diagnostics };
  try {
    const code = compile(a.checked);
    return { program: { hash: a.tokensHash, code, checked: a.checked, unit: a.unit, files: a.files }, diagnostics: [] };
  } catch (e) {
    if (e instanceof LinkError) {
      const at = e.at.file ? e.at : { file: input.scenario, line: 1, column: 1 };
      return { program: null, diagnostics: [{ ...at, severity: 'error', message: e.message }] };
    }
    throw e;
  }
}

/**
 * `oracle`: true (every check) or the oracle's options, e.g. `{ flagUnlockedOwner: false }` to
 * hunt for the consequences of before-f8e4a2e's unlocked P8 sweep rather than stop at it.
 */
export function runProgram(program: Program, options: RunOptions & { oracle?: boolean | OracleOptions } = {}): RunResult {
  const vm = new Machine(program, options);
  if (options.oracle) attachOracle(vm, options.oracle === true ? {} : options.oracle);
  vm.run();
  return vm.result();
}

/** Turns the heap oracle on for a machine running a Go runtime model (every check by default). */
export function attachOracle(vm: Machine, options: OracleOptions = {}): Oracle {
  const oracle = new Oracle(vm, options);
  vm.listen(oracle);
  return oracle;
}
