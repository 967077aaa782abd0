// Character constants in macro text: a `'"'`, `','`, `'\''` or `'\n'` in a #define body or in a
// macro argument keeps its meaning through expansion, argument splitting, `#` (stringified as
// written, as C does) and `##`; the macro table's text recreates the definition exactly; a
// paste that forms no valid token is reported at the macro's use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, formatDiagnostic, runProgram, type Diagnostic } from '../../debug-adapter/engine';
import { compileOrThrow, tryCompile } from './simcHarness';

const FILE = '/virtual/macros.simc';

/** The output of a plain SimC program, which must compile. */
function output(text: string): string {
  const r = runProgram(compileOrThrow(FILE, text));
  assert.equal(r.outcome, 'exit', r.message);
  return r.output;
}

function diagnostics(text: string): string[] {
  return tryCompile(FILE, { read: (p) => (p === FILE ? text : undefined) }).diagnostics.map((d: Diagnostic) => formatDiagnostic(d));
}

const CHAR_MACROS = `#define Q '"'
#define C ','
#define AP '\\''
#define NL '\\n'
#define BS '\\\\'
#define F(a, b) ((a) * 1000 + (b))
#define S(x) #x
`;

test('character constants as macro values keep their values', () => {
  const out = output(`${CHAR_MACROS}void\nmain(void)\n{\n\truntime·printf("%d %d %d %d %d\\n", Q, C, AP, NL, BS);\n}\n`);
  assert.equal(out, '34 44 39 10 92\n');
});

test('a quote, comma or parenthesis in a character-constant argument does not split or end the arguments', () => {
  const out = output(`${CHAR_MACROS}void\nmain(void)\n{\n\truntime·printf("%d %d %d %d\\n", F(',', ')'), F('(', '"'), F(C, Q), F('\\'', ','));\n}\n`);
  assert.equal(out, `${44 * 1000 + 41} ${40 * 1000 + 34} ${44 * 1000 + 34} ${39 * 1000 + 44}\n`);
});

test('# stringifies a character constant as it is written', () => {
  const out = output(`${CHAR_MACROS}void\nmain(void)\n{\n\truntime·printf("[%s] [%s] [%s] [%s]\\n", S('\\n'), S('\\''), S('"'), S(f(',', 'x')));\n}\n`);
  assert.equal(out, `['\\n'] ['\\''] ['"'] [f(',', 'x')]\n`);
});

test('## pastes the spelling of its operands; a paste that forms no valid token is reported at the use', () => {
  const prelude = '#define CAT(a, b) a##b\n';
  assert.equal(output(`${prelude}int32 x1 = 5;\nvoid\nmain(void)\n{\n\truntime·printf("%d %d\\n", CAT(x, 1), CAT(, '\\''));\n}\n`), '5 39\n');
  const bad = `${prelude}int32 x;\nvoid\nmain(void)\n{\n\tx = CAT(x, +) 1;\n}\n`;
  assert.deepEqual(diagnostics(bad), [`${FILE}:6:6: error: pasting formed 'x+', an invalid preprocessing token (in macro 'CAT')`]);
});

test('a misplaced ## or # in a definition is reported at its line and column', () => {
  assert.deepEqual(diagnostics('#define P(x) ##x\n#define Q(x) x ##\n#define R(x) # 1\nvoid\nmain(void)\n{\n}\n'), [
    `${FILE}:1:14: error: '##' cannot appear at either end of a macro expansion`,
    `${FILE}:2:16: error: '##' cannot appear at either end of a macro expansion`,
    `${FILE}:3:14: error: '#' is not followed by a macro parameter`,
  ]);
});

test("the macro table's text recreates each definition exactly", () => {
  const a = analyze({ runtimeFiles: [], scenario: FILE, loader: { read: (p) => (p === FILE ? `${CHAR_MACROS}void\nmain(void)\n{\n}\n` : undefined) } });
  assert.deepEqual(a.diagnostics, []);
  const text = (name: string) => a.macros.get(name)?.text;
  assert.equal(text('Q'), `#define Q '"'`);
  assert.equal(text('AP'), `#define AP '\\''`);
  assert.equal(text('NL'), `#define NL '\\n'`);
  assert.equal(text('BS'), `#define BS '\\\\'`);
  assert.equal(text('F'), '#define F(a, b) ( ( a ) * 1000 + ( b ) )');
});
