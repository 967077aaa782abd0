// The SimC conformance suite: every test/conformance/*.simc program is compiled on runtime
// `none` and run; its header (see conformanceSpec.ts) says what must happen. One test per file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { compileProgram, formatDiagnostic, runProgram, type Diagnostic } from '../../debug-adapter/engine';
import { fsLoader, resolveRuntime } from '../../debug-adapter/runtimes';
import { parseSpec, type ConformanceSpec } from './conformanceSpec';

const dir = path.resolve(__dirname, '..', 'conformance');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.simc'))
  .sort();

function runtimeNoneFiles(): string[] {
  const r = resolveRuntime('none');
  if ('error' in r) throw new Error(r.error);
  return r.files;
}

function checkCompileErrors(spec: ConformanceSpec, file: string, diagnostics: Diagnostic[]): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const listing = diagnostics.map(formatDiagnostic).join('\n') || '(none)';
  assert.ok(errors.length > 0, `expected compile errors, got:\n${listing}`);
  for (const want of spec.diagnostics) {
    const hit = errors.find(
      (d) =>
        path.resolve(d.file) === file &&
        d.line === want.line &&
        (want.column === undefined || d.column === want.column) &&
        d.message.includes(want.substring),
    );
    const pos = `${want.line}:${want.column ?? '*'}`;
    assert.ok(hit, `no error at ${pos} containing "${want.substring}"; diagnostics:\n${listing}`);
  }
  if (spec.errorCount !== undefined) {
    assert.equal(errors.length, spec.errorCount, `expected ${spec.errorCount} error(s), got:\n${listing}`);
  }
}

for (const name of files) {
  test(`conformance: ${name}`, () => {
    const file = path.join(dir, name);
    const spec = parseSpec(readFileSync(file, 'utf8'));
    const { program, diagnostics } = compileProgram({ runtimeFiles: runtimeNoneFiles(), scenario: file, loader: fsLoader });
    if (spec.kind === 'compile-error') {
      checkCompileErrors(spec, file, diagnostics);
      return;
    }
    const errors = diagnostics.filter((d) => d.severity === 'error');
    assert.ok(program !== null && errors.length === 0, `compile failed:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    const result = runProgram(program, {
      gomaxprocs: spec.gomaxprocs ?? 2,
      strategy: 'roundrobin',
      seed: 1,
      ...(spec.maxSteps !== undefined ? { maxSteps: spec.maxSteps } : {}),
    });
    const summary = `outcome ${result.outcome} "${result.message}" at ${JSON.stringify(result.location)}\noutput:\n${result.output}`;
    assert.equal(result.outcome, spec.kind, summary);
    if (spec.kind === 'throw') assert.equal(result.message, spec.message, summary);
    if (spec.kind === 'fault') assert.ok(result.message.includes(spec.message ?? ''), `fault message: ${summary}`);
    if (spec.atLine !== undefined) {
      assert.ok(result.location, `no location: ${summary}`);
      assert.equal(path.resolve(result.location.file), file, summary);
      assert.equal(result.location.line, spec.atLine, summary);
    }
    if (spec.output !== undefined) assert.equal(result.output, spec.output);
  });
}

test('conformance: the suite is there', () => {
  assert.ok(files.length >= 40, `only ${files.length} conformance programs in ${dir}`);
});
