// Front-end regressions found while hunting crashes: a struct pointing to its own kind through
// `struct Tag *` (not only through a typedef) is a complete, usable type; odd input at the end of
// a file (an unterminated comment, character constant or string, a lone backslash) and a macro
// that names itself give located diagnostics or a working program, never an exception.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, formatDiagnostic, runProgram } from '../../debug-adapter/engine';
import { compileOrThrow } from './simcHarness';

const FILE = '/virtual/regress.simc';

function diagnosticsOf(text: string): string[] {
  return analyze({ runtimeFiles: [], scenario: FILE, loader: { read: (p) => (p === FILE ? text : undefined) } }).diagnostics.map(formatDiagnostic);
}

test('a struct with a `struct Tag *` field to its own kind is complete (a linked list)', () => {
  const text = `struct Node
{
	struct Node *next;
	int32 v;
};
struct Node a;
struct Node b;

void
main(void)
{
	struct Node *p;
	int32 sum;

	a.v = 1;
	b.v = 2;
	a.next = &b;
	b.next = nil;
	sum = 0;
	for(p = &a; p != nil; p = p->next)
		sum += p->v;
	runtime·printf("%d %d\\n", sum, a.next->v);
}
`;
  const r = runProgram(compileOrThrow(FILE, text));
  assert.equal(r.outcome, 'exit', r.message);
  assert.equal(r.output, '3 2\n');
});

test('two structs pointing to each other by tag, in either order, are complete', () => {
  const text = 'struct A { struct B *b; int32 v; };\nstruct B { struct A *a; int32 w; };\nstruct A x;\nstruct B y;\nvoid\nmain(void)\n{\n\tx.b = &y;\n\ty.a = &x;\n\tx.b->a->v = 7;\n}\n';
  assert.deepEqual(diagnosticsOf(text), []);
});

test('a struct that contains itself by value is still an error', () => {
  const diags = diagnosticsOf('struct S { struct S s; };\nvoid\nmain(void)\n{\n}\n');
  assert.ok(diags.some((d) => /:1:12: error: field has incomplete type 'struct S' \(a struct cannot contain itself\)/.test(d)), diags.join('\n'));
});

test('odd input at the end of a file gets located diagnostics', () => {
  const cases: [string, RegExp][] = [
    ['void\nmain(void)\n{\n}\n/* open', /:5:1: error: unterminated comment/],
    ["void\nmain(void)\n{\n\tint32 c;\n\tc = 'a", /:5:6: error: unterminated character constant/],
    ['void\nmain(void)\n{\n\truntime·printf("abc', /:4:17: error: missing terminating " character/],
    ['void\nmain(void)\n{\n}\n\\', /:5:1: error: stray '\\' at end of file; remove it \(a line continuation needs a next line\)/],
    ['#define X X\n#define Y(a) Y(a)\nint32 x;\nvoid\nmain(void)\n{\n\tx = X + Y(1);\n}\n', /:7:6: error: use of undeclared identifier 'X'/],
    ['int32 x = 99999999999999999999999999;\nvoid\nmain(void)\n{\n}\n', /:1:11: error: integer constant '99999999999999999999999999' is too large/],
  ];
  for (const [text, expected] of cases) {
    const diags = diagnosticsOf(text);
    assert.ok(diags.length > 0 && expected.test(diags[0]), `${JSON.stringify(text)}:\n${diags.join('\n')}`);
  }
});

test('a character constant of more than one character says so (was: unterminated)', () => {
  const diags = diagnosticsOf("int8 c = 'ab';\nint8 d = '\u00e9\u00e9';\nint8 e = 'x\nvoid\nmain(void)\n{\n}\n");
  assert.deepEqual(diags.slice(0, 3), [
    `${FILE}:1:10: error: character constant holds more than one character; SimC character constants are one byte`,
    `${FILE}:2:10: error: character constant holds more than one character; SimC character constants are one byte`,
    `${FILE}:3:10: error: unterminated character constant`,
  ]);
});

test('a chain of 60 #include files stops at the include limit with a located error; a cycle is read once', () => {
  const dir = '/virtual/inc';
  const files = new Map<string, string>();
  for (let i = 0; i < 60; i++) files.set(`${dir}/f${i}.simc`, `#include "f${i + 1}.simc"\n`);
  files.set(`${dir}/f60.simc`, '#include "f0.simc"\nint32 deepest;\n');
  files.set(`${dir}/main.simc`, '#include "f0.simc"\nvoid\nmain(void)\n{\n}\n');
  const a = analyze({ runtimeFiles: [], scenario: `${dir}/main.simc`, loader: { read: (p) => files.get(p) } });
  assert.deepEqual(a.diagnostics.map(formatDiagnostic), [`${dir}/f49.simc:1:10: error: #include nested too deeply (limit 50); include the inner files from a shallower one`]);
  const cycle = new Map([[`${dir}/a.simc`, '#include "b.simc"\nint32 a;\n'], [`${dir}/b.simc`, '#include "a.simc"\nint32 b;\n'], [`${dir}/main.simc`, '#include "a.simc"\nvoid\nmain(void)\n{\n\ta = b;\n}\n']]);
  assert.deepEqual(analyze({ runtimeFiles: [], scenario: `${dir}/main.simc`, loader: { read: (p) => cycle.get(p) } }).diagnostics, []);
});

test('a line continuation before CRLF or trailing blanks continues the line (a multi-line macro in a CRLF file)', () => {
  const text = '#define ADD(a, b) \\\r\n\t((a) + (b))\r\n#define SUB(a, b) \\  \n\t((a) - (b))\nint32 x;\r\nvoid\r\nmain(void)\r\n{\r\n\tx = ADD(1, 2) * SUB(5, 1);\r\n\truntime·printf("%d\\n", x);\r\n}\r\n';
  const r = runProgram(compileOrThrow(FILE, text));
  assert.equal(r.outcome, 'exit', r.message);
  assert.equal(r.output, '12\n');
});

test('an octal or hex escape past 255 is an error at the escape (was silently truncated)', () => {
  const diags = diagnosticsOf("int8 a = '\\777';\nint8 b = '\\x100';\nint8 c = '\\377';\nint8 *s = \"\\x41\\400\";\nvoid\nmain(void)\n{\n}\n");
  assert.deepEqual(diags, [
    `${FILE}:1:11: error: octal escape sequence out of range (a byte is at most 255)`,
    `${FILE}:2:11: error: hex escape sequence out of range (a byte is at most 255)`,
    `${FILE}:4:16: error: octal escape sequence out of range (a byte is at most 255)`,
  ]);
});
