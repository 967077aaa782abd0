// The language server's front end (src/server/frontEnd.ts: the model's preprocessing cached per
// runtime) must give exactly what the engine's analyze() gives — same diagnostics, files,
// macros, declarations and symbols — for example scenarios, conformance programs compiled as
// scenarios, broken programs and scenarios that redefine or #undef the model's macros; and it
// must notice an edited model file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, type Analysis, type SourceLoader } from '../../debug-adapter/engine';
import { fsLoader, resolveRuntime } from '../../debug-adapter/runtimes';
import { FrontEnd } from '../../src/server/frontEnd';

const root = path.resolve(__dirname, '..', '..');
const SCENARIO = path.join(root, 'test', 'lsp', '__scenario__.simc');

/** The facts of an analysis that must match. */
function summary(a: Analysis): unknown {
  return {
    diagnostics: a.diagnostics,
    files: a.files,
    macros: [...a.macros].map(([k, m]) => [k, m.text, `${m.at.file}:${m.at.line}:${m.at.column}`]),
    decls: a.unit.decls.map((d) => `${d.k} ${'name' in d ? d.name : ''} ${d.loc.file}:${d.loc.line}:${d.loc.column}`),
    funcs: a.checked.funcs.map((f) => `${f.sym.name}/${f.frameSize}`),
    globals: a.checked.globals.map((g) => g.sym.name),
    structs: [...a.checked.structs.values()].map((s) => `${s.tag}/${s.size}`),
  };
}

function loaderWith(scenario: string, overrides: Map<string, string> = new Map()): SourceLoader {
  return { read: (p) => (p === SCENARIO ? scenario : overrides.get(p) ?? fsLoader.read(p)) };
}

const scenarios: [string, string][] = [
  ...readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.simc')).map((f): [string, string] => [f, readFileSync(path.join(root, 'examples', f), 'utf8')]),
  ...readdirSync(path.join(root, 'test', 'conformance')).filter((f) => f.endsWith('.simc')).slice(0, 6)
    .map((f): [string, string] => [`conformance/${f}`, readFileSync(path.join(root, 'test', 'conformance', f), 'utf8')]),
  // an #include goes through analyze() itself (the included file could be one of the model's)
  ['conformance/include.simc', readFileSync(path.join(root, 'test', 'conformance', 'include.simc'), 'utf8')],
  ['NOSPLIT and a model macro in a function-like macro', '#define MARKED(w) (((w) & bitMarked) != 0)\n#pragma textflag NOSPLIT\nbool\nmarked(uintptr w)\n{\n\treturn MARKED(w);\n}\nvoid\nmain(void)\n{\n\tmarked(0);\n}\n'],
  ['redefines a model macro', '#undef bitMarked\n#define bitMarked 7\nuintptr x = bitMarked | bitMask;\nvoid\nmain(void)\n{\n}\n'],
  ['undefines a model macro and uses it', '#undef bitMarked\nuintptr x = bitMarked;\nvoid\nmain(void)\n{\n}\n'],
  ['function-like macro of its own', '#define TWICE(a) ((a)+(a))\nuintptr x = TWICE(bitScan);\nvoid\nmain(void)\n{\n}\n'],
  ['syntax errors', 'void\nmain(void)\n{\n\tMSpan *s\n\ts->sweepgn = 1;\n'],
  ['#if on a model macro', '#if defined(bitSpecial) && PageShift > 12\nint32 big;\n#else\nint32 small;\n#endif\nvoid\nmain(void)\n{\n\tsmall = 1;\n}\n'],
  ['empty', ''],
];

for (const runtime of ['f8e4a2e', 'before-f8e4a2e']) {
  const r = resolveRuntime(runtime);
  if ('error' in r) throw new Error(r.error);
  const fe = new FrontEnd();
  for (const [name, text] of scenarios) {
    test(`${runtime}: ${name} analyses as analyze() does`, () => {
      const input = { runtimeFiles: r.files, scenario: SCENARIO, loader: loaderWith(text) };
      assert.deepEqual(summary(fe.analyze(input)), summary(analyze(input)));
    });
  }
}

test('an edited model file is seen on the next analysis', () => {
  const r = resolveRuntime('f8e4a2e');
  if ('error' in r) throw new Error(r.error);
  const fe = new FrontEnd();
  const scenario = 'uintptr x = bitMarked;\nvoid\nmain(void)\n{\n}\n';
  const header = path.join(root, 'debug-adapter', 'models', 'common', 'malloc-h.simc');
  const first = fe.analyze({ runtimeFiles: r.files, scenario: SCENARIO, loader: loaderWith(scenario) });
  assert.deepEqual(first.diagnostics, []);
  const edited = new Map([[header, readFileSync(header, 'utf8').replace(/#define\s+bitMarked\b/, '#define bitMarkedX')]]);
  const input = { runtimeFiles: r.files, scenario: SCENARIO, loader: loaderWith(scenario, edited) };
  const second = fe.analyze(input);
  assert.ok(second.diagnostics.some((d) => d.file === SCENARIO && d.message.includes("'bitMarked'")), JSON.stringify(second.diagnostics));
  assert.deepEqual(summary(second), summary(analyze(input)));
});

test('model macros holding escaped character constants are reused as analyze() reads them', () => {
  const r = resolveRuntime('f8e4a2e');
  if ('error' in r) throw new Error(r.error);
  const fe = new FrontEnd();
  const header = path.join(root, 'debug-adapter', 'models', 'common', 'malloc-h.simc');
  const edited = new Map([[header, `${readFileSync(header, 'utf8')}\n#define NL '\\n'\n#define AP '\\''\n#define BS '\\\\'\n#define Q '"'\n`]]);
  const scenario = 'int32 x = NL + AP + BS + Q;\nvoid\nmain(void)\n{\n}\n';
  const input = { runtimeFiles: r.files, scenario: SCENARIO, loader: loaderWith(scenario, edited) };
  const first = fe.analyze(input);
  assert.deepEqual(first.diagnostics, []);
  assert.deepEqual(summary(first), summary(analyze(input)));
  const again = fe.analyze(input);
  assert.ok(fe.lastReusedRuntime, 'the model prefix is reused');
  assert.deepEqual(summary(again), summary(analyze(input)));
});
