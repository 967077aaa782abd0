// Doc comments in the front end: a declaration's documentation is the comment block directly
// above it (`//` lines or a `/* */` that start their line), never the comment trailing the
// previous line's code — `int32 x; // the count` documents x, not the declaration below it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, type Analysis } from '../../debug-adapter/engine';

const FILE = '/virtual/docs.simc';

function analyzeText(text: string): Analysis {
  return analyze({ runtimeFiles: [], scenario: FILE, loader: { read: (p) => (p === FILE ? text : undefined) } });
}

/** The doc of every top-level declaration and struct field of the scenario, by name. */
function docs(text: string): Map<string, string | undefined> {
  const a = analyzeText(text);
  assert.deepEqual(a.diagnostics, [], 'the test program is valid');
  const out = new Map<string, string | undefined>();
  for (const d of a.unit.decls) {
    if (d.loc.file !== FILE) continue;
    if ('name' in d) out.set(d.name, d.doc);
    const t = d.type;
    if (t.k === 'struct' && t.fields) for (const f of t.fields) out.set(`${t.tag}.${f.name}`, f.doc);
  }
  for (const c of a.checked.consts.values()) if (c.loc.file === FILE) out.set(c.name, c.doc);
  return out;
}

test("a code line's trailing // comment is not the doc of the next line's declaration", () => {
  const d = docs('int32 count; // the count\nint32 total;\n\n// the limit\nint32 limit;\nvoid\nmain(void)\n{\n}\n');
  assert.equal(d.get('total'), undefined);
  assert.equal(d.get('limit'), 'the limit');
});

test("a code line's trailing /* */ comment is not the doc of the next line's declaration", () => {
  const d = docs('int32 count; /* the count */\nint32 total;\nint32 a; /* starts here\n   and ends here */\nint32 b;\nvoid\nmain(void)\n{\n}\n');
  assert.equal(d.get('total'), undefined);
  assert.equal(d.get('b'), undefined);
});

test('struct fields and enum constants: a trailing comment does not document the next member', () => {
  const d = docs('struct Pair\n{\n\tint32 a; // first\n\tint32 b;\n\t// the third\n\tint32 c;\n};\nenum\n{\n\tRed, // red\n\tGreen,\n};\nstruct Pair p;\nvoid\nmain(void)\n{\n}\n');
  assert.equal(d.get('Pair.b'), undefined);
  assert.equal(d.get('Pair.c'), 'the third');
  assert.equal(d.get('Green'), undefined);
});

test('a // run or a /* */ block directly above is the doc; a blank line or a directive line breaks it', () => {
  const d = docs('// one\n// two\nint32 x;\n/* block\n * doc */\nint32 y;\n// detached\n\nint32 z;\n#define N 1 // N\nint32 w;\nvoid\nmain(void)\n{\n}\n');
  assert.equal(d.get('x'), 'one\ntwo');
  assert.equal(d.get('y'), 'block\ndoc');
  assert.equal(d.get('z'), undefined);
  assert.equal(d.get('w'), undefined);
});

test('a function after a code line with a trailing comment has no doc; one with a comment above has it', () => {
  const d = docs('int32 x; // x\nvoid\nf(void)\n{\n}\n// Runs f.\nvoid\nmain(void)\n{\n\tf(); // call\n}\n');
  assert.equal(d.get('f'), undefined);
  assert.equal(d.get('main'), 'Runs f.');
});
