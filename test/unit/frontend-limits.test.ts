// Deeply nested and oversized input (issue: RangeError from analyze()): every stage after the
// parser recurses over the syntax tree, so nesting past the front end's limit (limits.ts) is one
// located error `file:line:col: error: … nested too deeply (limit N)` naming what to do, and
// nothing throws. Covers the parser (parentheses, operator chains, statements, declarators,
// initializers, structs), the preprocessor (#if expressions, nested #if, macro arguments,
// exponential macros), the checker (typedef and struct chains, type height, huge arrays) and the
// `sweepscope check` CLI. Input right at the limit still compiles and runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, formatDiagnostic, runProgram } from '../../debug-adapter/engine';
import { MAX_EXPANDED_TOKENS, MAX_NESTING, MAX_TYPE_DEPTH } from '../../debug-adapter/engine/lang/limits';
import { compileOrThrow } from './simcHarness';

const FILE = '/virtual/deep.simc';
const N = MAX_NESTING;

/** The formatted diagnostics of a plain SimC program; analyze() must not throw. */
function diagnosticsOf(text: string): string[] {
  const a = analyze({ runtimeFiles: [], scenario: FILE, loader: { read: (p) => (p === FILE ? text : undefined) } });
  return a.diagnostics.map(formatDiagnostic);
}

/** Exactly one diagnostic, located in the program, matching `message`. */
function assertOneError(text: string, message: RegExp): void {
  const diags = diagnosticsOf(text);
  assert.equal(diags.length, 1, diags.slice(0, 5).join('\n'));
  assert.match(diags[0], /^\/virtual\/deep\.simc:\d+:\d+: error: /);
  assert.match(diags[0], message);
}

const repeat = (s: string, n: number): string => s.repeat(n);
const chain = (term: string, op: string, n: number): string => Array(n).fill(term).join(op);
const inMain = (body: string, globals = 'int32 x;\nint32 a[1];\n'): string => `${globals}void\nmain(void)\n{\n${body}\n}\n`;
const tooDeep = (what: string) => new RegExp(`${what} nested too deeply \\(limit ${N}\\); `);

test('10,000 nested parentheses: one located error', () => {
  assertOneError(inMain(`\tx = ${repeat('(', 10000)}1${repeat(')', 10000)};`), tooDeep('expression'));
});

test('a chain of 100,000 terms: one located error at the operator past the limit', () => {
  const diags = diagnosticsOf(inMain(`\tx = ${chain('1', '+', 100000)};`));
  assert.equal(diags.length, 1, diags.slice(0, 5).join('\n'));
  // the operator whose subtree reaches height N + 1: the N-th `+` (the first term is a leaf)
  assert.equal(diags[0], `${FILE}:6:${6 + 2 * N - 1}: error: expression nested too deeply (limit ${N}); split it using temporaries`);
});

test('prefix operators, casts, sizeof, indexing, member chains, calls and ?: past the limit', () => {
  const cases: [string, string][] = [
    ['unary minus', `\tx = ${repeat('- ', 5000)}x;`],
    ['casts', `\tx = ${repeat('(int32)', 5000)}x;`],
    ['sizeof', `\tx = ${repeat('sizeof ', 5000)}x;`],
    ['index', `\ta[0] = ${repeat('a[', 5000)}0${repeat(']', 5000)};`],
    ['calls', `\tx = ${repeat('f(', 5000)}1${repeat(')', 5000)};`],
    ['assignments', `\t${repeat('x = ', 5000)}1;`],
    ['conditionals', `\tx = ${repeat('x ? 1 : ', 5000)}1;`],
    ['members', `\tn.next${repeat('->next', 5000)} = nil;`],
  ];
  const globals = 'int32 x;\nint32 a[1];\nstruct Node { struct Node *next; };\nstruct Node n;\nint32 f(int32 v) { return v; }\n';
  for (const [name, body] of cases) {
    const diags = diagnosticsOf(inMain(body, globals));
    assert.equal(diags.length, 1, `${name}: ${diags.slice(0, 3).join('\n')}`);
    assert.match(diags[0], tooDeep('expression'), name);
  }
});

test('10,000 nested braces, loops or an else-if chain: one located error', () => {
  assertOneError(inMain(`${repeat('{ ', 10000)}${repeat('} ', 10000)}`), tooDeep('statements'));
  assertOneError(inMain(`\t${repeat('while(x) ', 10000)}x = 0;`), tooDeep('statements'));
  assertOneError(inMain(`\t${repeat('if(x) x = 1; else ', 10000)}x = 2;`), tooDeep('statements'));
});

test('declarators, initializers and struct definitions past the limit: one located error each', () => {
  assertOneError(`int32 ${repeat('*', 10000)}p;\nvoid\nmain(void)\n{\n}\n`, tooDeep('declarator'));
  assertOneError(`int32 p${repeat('[1]', 10000)};\nvoid\nmain(void)\n{\n}\n`, tooDeep('declarator'));
  assertOneError(`int32 ${repeat('(', 10000)}p${repeat(')', 10000)};\nvoid\nmain(void)\n{\n}\n`, tooDeep('declarator'));
  assertOneError(`void f(${repeat('int32 (*)(', 5000)}int32${repeat(')', 5000)});\nvoid\nmain(void)\n{\n}\n`, tooDeep('declarator'));
  assertOneError(`int32 a[1] = ${repeat('{', 10000)}1${repeat('}', 10000)};\nvoid\nmain(void)\n{\n}\n`, tooDeep('initializer'));
  const structs = Array.from({ length: 5000 }, (_, i) => `struct S${i} { `).join('') + 'int32 v;' + Array.from({ length: 5000 }, (_, i) => ` } f${i};`).join('');
  assertOneError(`${structs}\nvoid\nmain(void)\n{\n}\n`, tooDeep('struct definition'));
});

test('the declarations after a too-deep one are still checked', () => {
  const diags = diagnosticsOf(`int32 x = ${repeat('(', 1000)}1${repeat(')', 1000)};\nint32 y = undefinedName;\nvoid\nmain(void)\n{\n}\n`);
  assert.equal(diags.length, 2, diags.join('\n'));
  assert.match(diags[0], tooDeep('expression'));
  assert.match(diags[1], /:2:11: error: use of undeclared identifier 'undefinedName'/);
});

test('a switch with 20,000 consecutive case labels parses (case labels are a list, not a nesting)', () => {
  const labels = Array.from({ length: 20000 }, (_, i) => `case ${i}:`).join(' ');
  assert.deepEqual(diagnosticsOf(inMain(`\tswitch(x) {\n\t${labels}\n\t\tx = 1;\n\t}`)), []);
});

test('preprocessor: a deep #if expression, 10,000 nested #if, deeply nested macro arguments, an exponential macro', () => {
  assertOneError(`#if ${repeat('(', 10000)}1${repeat(')', 10000)}\n#endif\nvoid\nmain(void)\n{\n}\n`, /#if expression nested too deeply \(limit 128\)/);
  assertOneError(`#if ${repeat('!', 10000)}1\n#endif\nvoid\nmain(void)\n{\n}\n`, /#if expression nested too deeply \(limit 128\)/);
  assert.deepEqual(diagnosticsOf(`${repeat('#if 1\n', 10000)}int32 x;\n${repeat('#endif\n', 10000)}void\nmain(void)\n{\n}\n`), []);
  assertOneError(`#define F(a) a\n${inMain(`\tx = ${repeat('F(', 3000)}1${repeat(')', 3000)};`)}`, tooDeep('macro arguments'));
  const doubling = Array.from({ length: 40 }, (_, i) => `#define A${i + 1} A${i} A${i}`).join('\n');
  assertOneError(`#define A0 1\n${doubling}\nint32 x = A40;\nvoid\nmain(void)\n{\n}\n`, new RegExp(`macro expansion too large \\(limit ${MAX_EXPANDED_TOKENS} tokens\\)`));
});

test('checker: typedef and struct chains declared before their parts, a type too tall, arrays too large', () => {
  const depth = MAX_TYPE_DEPTH + 10;
  const typedefs = Array.from({ length: depth }, (_, i) => `typedef T${i + 1} T${i};`).join('\n');
  assertOneError(`${typedefs}\ntypedef int32 T${depth};\nT0 x;\nvoid\nmain(void)\n{\n}\n`, /type definitions nested too deeply \(limit 1024\)/);
  const pointers = Array.from({ length: 20 }, (_, i) => `typedef P${i} ${repeat('*', 100)}P${i + 1};`).join('\n');
  assertOneError(`typedef int32 P0;\n${pointers}\nP20 p;\nvoid\nmain(void)\n{\n}\n`, /type nested too deeply \(limit 1024 pointer, array and function levels\)/);
  assertOneError(inMain('', 'int32 big[4294967296];\n'), /:1:11: error: array is too large \(4294967296 elements of 4 bytes; an object is at most 2147483647 bytes\)/);
  assertOneError(inMain('', 'int32 big[1<<20][1<<20];\n'), /array is too large/);
});

test('input right at the limits compiles and runs', () => {
  const terms = chain('x', '+', N - 1); // N-2 operators, plus the assignment: height N
  const index = `${repeat('a[', N - 2)}0${repeat(']', N - 2)}`;
  const braces = N - 2; // main's body and the inner statement count too
  const text = inMain(`\tx = 1;\n\tx = ${terms};\n${repeat('{ ', braces)}a[0] = ${index};${repeat(' }', braces)}\n\truntime·printf("%d %d\\n", x, a[0]);`);
  const r = runProgram(compileOrThrow(FILE, text));
  assert.equal(r.outcome, 'exit', r.message);
  assert.equal(r.output, `${N - 1} 0\n`);
});

test('`sweepscope check` reports deep input as a located error, exit 1, no stack trace', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-deep-'));
  try {
    const file = path.join(dir, 'deep.simc');
    writeFileSync(file, `int32 x;\nvoid\nmain(void)\n{\n\tx = ${repeat('(', 10000)}1${repeat(')', 10000)};\n}\n`);
    const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'check', file, '--runtime', 'none'], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout.trim(), `${file}:5:${6 + N}: error: expression nested too deeply (limit ${N}); split it using temporaries`);
    assert.doesNotMatch(r.stderr, /RangeError|    at /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('huge but flat input: a 300,000-character string, 50,000 call arguments, 100,000 parameters, 150,000 globals', () => {
  assert.deepEqual(diagnosticsOf(inMain(`\truntime·printf("${'a'.repeat(300000)}");`)), []);
  assert.deepEqual(diagnosticsOf(inMain(`\truntime·printf("%d"${', 1'.repeat(50000)});`)), []);
  const params = Array.from({ length: 100000 }, (_, i) => `int32 a${i}`).join(', ');
  assert.deepEqual(diagnosticsOf(`void\nf(${params})\n{\n}\nvoid\nmain(void)\n{\n}\n`), []);
  const globals = Array.from({ length: 150000 }, (_, i) => `int32 counter${i};`).join('\n');
  const diags = diagnosticsOf(`${globals}\nvoid\nmain(void)\n{\n\tcounterX = 1;\n}\n`);
  assert.equal(diags.length, 1);
  assert.match(diags[0], /:150004:2: error: use of undeclared identifier 'counterX'/);
});
