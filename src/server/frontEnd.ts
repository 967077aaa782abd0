// The front end as the language server runs it after every keystroke: the engine's own
// preprocessor, parser and checker, with the runtime model's preprocessing (reading, lexing and
// macro expansion of every model file) done once per runtime and reused while the model's texts
// are unchanged. The scenario is preprocessed after a synthetic file holding the model's final
// macro table, so it sees exactly the macros it would see after the model; the model's tokens
// and the scenario's are then parsed and checked as one program, as `analyze()` does. A
// scenario with an #include (which could re-include a model file) goes through `analyze()`.
import { analyze, type Analysis, type CompileInput, type Diagnostic } from '../../debug-adapter/engine';
import type { SourceLocation } from '../../debug-adapter/engine/api';
import { check } from '../../debug-adapter/engine/lang/checker';
import { DiagnosticSink } from '../../debug-adapter/engine/lang/diagnostics';
import type { Token } from '../../debug-adapter/engine/lang/lexer';
import { parse } from '../../debug-adapter/engine/lang/parser';
import { preprocess } from '../../debug-adapter/engine/lang/preprocessor';
import { virtualPath } from './documents';

type MacroTable = ReadonlyMap<string, { at: SourceLocation; text: string }>;

/** A runtime model after preprocessing. */
interface RuntimePrefix {
  /** The text of every file it read, to tell whether it still applies. */
  texts: ReadonlyMap<string, string | undefined>;
  files: string[];
  /** Its tokens, without the end-of-file token. */
  tokens: Token[];
  macros: MacroTable;
  diagnostics: Diagnostic[];
  /** `#define` lines recreating its final macro table (tokens keep their source spelling). */
  macroFile: string;
}

const MACRO_FILE = virtualPath('runtime-macros');
const HAS_INCLUDE = /^[ \t]*#[ \t]*include\b/m;

export class FrontEnd {
  private readonly prefixes = new Map<string, RuntimePrefix>();
  /** Whether the last analysis reused a cached runtime prefix (for the timings). */
  lastReusedRuntime = false;

  /** Analyses a program; `input.loader` sees every file read, cached runtime files included. */
  analyze(input: CompileInput): Analysis {
    this.lastReusedRuntime = false;
    if (input.runtimeFiles.length === 0) return analyze(input);
    const scenarioText = input.loader.read(input.scenario);
    if (scenarioText === undefined || HAS_INCLUDE.test(scenarioText)) return analyze(input);
    const prefix = this.prefix(input);
    if (prefix.files.includes(input.scenario)) return analyze(input);

    const sink = new DiagnosticSink();
    for (const d of prefix.diagnostics) sink.error(d, d.message);
    const scenarioLoader = { read: (p: string) => (p === MACRO_FILE ? prefix.macroFile : input.loader.read(p)) };
    const pp = preprocess([MACRO_FILE, input.scenario], scenarioLoader, sink);
    const unit = parse([...prefix.tokens, ...pp.tokens], sink);
    const checked = check(unit, sink);
    const macros = new Map<string, { at: SourceLocation; text: string }>();
    for (const [name, m] of pp.macros) macros.set(name, m.at.file === MACRO_FILE ? prefix.macros.get(name) ?? m : m);
    return {
      unit,
      checked,
      files: [...prefix.files, ...pp.files.filter((f) => f !== MACRO_FILE)],
      diagnostics: sink.list,
      macros,
    };
  }

  forget(): void {
    this.prefixes.clear();
  }

  /** The runtime's preprocessed prefix, rebuilt when any of its files changed. */
  private prefix(input: CompileInput): RuntimePrefix {
    const key = input.runtimeFiles.join('\u0000');
    const old = this.prefixes.get(key);
    if (old && [...old.texts].every(([p, t]) => input.loader.read(p) === t)) {
      this.lastReusedRuntime = true;
      return old;
    }
    const texts = new Map<string, string | undefined>();
    const sink = new DiagnosticSink();
    const pp = preprocess(input.runtimeFiles, { read: (p) => {
      const t = input.loader.read(p);
      texts.set(p, t);
      return t;
    } }, sink);
    const macroFile = [...pp.macros.values()].map((m) => m.text).join('\n') + '\n';
    const prefix: RuntimePrefix = {
      texts,
      files: pp.files,
      tokens: pp.tokens.filter((t) => t.kind !== 'eof'),
      macros: pp.macros,
      diagnostics: sink.list.slice(),
      macroFile,
    };
    this.prefixes.set(key, prefix);
    return prefix;
  }
}
