// Shared helpers of the runtime-model tests (paths, schedules, seeds, heap bitmap, bad input):
// compile a scenario — a file, or inline text — on a built-in model or a folder, run it with
// or without the oracle, and make an edited copy of a model in a temporary folder.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compileProgram, formatDiagnostic, runProgram, type Program, type RunResult, type SourceLoader } from '../../debug-adapter/engine';
import { fsLoader, modelsRoot, resolveRuntime } from '../../debug-adapter/runtimes';
import { overlayLoader } from './simcHarness';

export const ROOT = path.join(__dirname, '..', '..');
export const EXAMPLES = path.join(ROOT, 'examples');
export const MODELS = ['before-f8e4a2e', 'f8e4a2e'] as const;
export type ModelName = (typeof MODELS)[number];

/** Compiles a scenario on a runtime (name or folder); `text` replaces the file's contents. */
export function compileOn(runtime: string, scenario: string, text?: string): Program {
  const r = resolveRuntime(runtime);
  if ('error' in r) throw new Error(r.error);
  const loader: SourceLoader = text === undefined ? fsLoader : overlayLoader(scenario, text);
  const { program, diagnostics } = compileProgram({ runtimeFiles: r.files, scenario, loader });
  if (!program) throw new Error(`${scenario} does not compile on ${runtime}:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return program;
}

/** Compiles inline scenario text (given a name under test/programs for messages). */
export function compileText(runtime: string, name: string, text: string): Program {
  return compileOn(runtime, path.join(ROOT, 'test', 'programs', name), text);
}

/**
 * Copies a built-in model and `common/` into a fresh temporary folder (so the copy's
 * `#include "../common/…"` still resolves) and applies `edit` to its mgc0-sweep.simc.
 * Returns the copy's folder, to be used as a runtime.
 */
export function editedModelCopy(model: ModelName, edit: (source: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-model-'));
  cpSync(path.join(modelsRoot(), 'common'), path.join(dir, 'common'), { recursive: true });
  const copy = path.join(dir, 'edited');
  cpSync(path.join(modelsRoot(), model), copy, { recursive: true });
  const file = path.join(copy, 'mgc0-sweep.simc');
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${model}/mgc0-sweep.simc changed nothing`);
  writeFileSync(file, after);
  return copy;
}

/** Removes the lines of `source` that match `re` (each must match at least once). */
export function dropLines(source: string, ...res: RegExp[]): string {
  const lines = source.split('\n');
  for (const re of res) if (!lines.some((l) => re.test(l))) throw new Error(`no line matches ${re}`);
  return lines.filter((l) => !res.some((re) => re.test(l))).join('\n');
}

/**
 * Runs `body` as the body of a scenario's main, oracle on: globals `global` and `p`, any
 * `globals` declared after them, and a finalizer `fin` are there to misuse; main prints
 * "not reached" if the body returns. Without `globals` main's body starts on line 13.
 */
export function runMain(model: string, name: string, body: string, globals = ''): RunResult {
  const text = `
uint32	global;
byte	*p;${globals ? `\n${globals}` : ''}

void
fin(void *x)
{
}

void
main(void)
{
${body}
	runtime·printf("not reached\\n");
}
`;
  return runProgram(compileText(model, name, text), { oracle: true });
}

/** The run ended with this throw, at a file:line:col in a model file (`file`), after these printed lines. */
export function assertThrow(r: RunResult, message: string, { file = /\.simc$/, printed }: { file?: RegExp; printed?: RegExp } = {}): void {
  assert.equal(r.outcome, 'throw', `${r.outcome}: ${r.message}`);
  assert.equal(r.message, message);
  assert.ok(r.location && r.location.line > 0 && r.location.column > 0, 'a throw has a file:line:col');
  assert.match(r.location.file, file);
  if (printed) assert.match(r.printed ?? '', printed);
  assert.doesNotMatch(r.output, /not reached/);
}
