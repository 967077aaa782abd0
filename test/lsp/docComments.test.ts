// Hover shows a declaration's own doc comment — the comment block directly above it, or the
// comment trailing its own line — and never the comment trailing the previous line's code
// (`int32 count; /* the count */` documents count, not the declaration below it), nor, for a
// declaration starting after other code on its line, the comment above that line — as clangd.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openedDocument } from './lspClient';

const TEXT = `int32 count; /* the count */
int32 total;
int32 spare; // spare room
int32 extra;

struct Pair
{
	int32 a; /* first */
	int32 b;
	int32 c; // third
};

// Counts things.
int32 first; int32 second;

// Copies the counts.
void
main(void)
{
	struct Pair p;

	total = count + spare + extra + first + second;
	p.b = p.c;
}
`;

const hoverOn = openedDocument('docs.simc', TEXT).hover;

test("a global after a code line with a trailing /* */ comment does not get that comment", async () => {
  const v = await hoverOn('total = count', 0);
  assert.match(v, /int32 total/);
  assert.doesNotMatch(v, /the count/);
});

test("a global after a code line with a trailing // comment does not get that comment", async () => {
  const v = await hoverOn('extra + first', 0);
  assert.match(v, /int32 extra/);
  assert.doesNotMatch(v, /spare room/);
});

test('a trailing comment documents the declaration on its own line', async () => {
  assert.match(await hoverOn('count + spare', 0), /the count/);
  assert.match(await hoverOn('spare + extra', 0), /spare room/);
});

test("a field does not get the previous field's trailing comment; its own trailing comment is its doc", async () => {
  const b = await hoverOn('b = p.c', 0);
  assert.match(b, /int32 Pair\.b/);
  assert.doesNotMatch(b, /first/);
  assert.match(await hoverOn('p.c;', 2), /third/);
});

test('a function keeps the comment block above it', async () => {
  assert.match(await hoverOn('main(void)', 0), /Copies the counts\./);
});

test('a declaration starting after code on the same line does not get the comment above that line', async () => {
  assert.match(await hoverOn('first + second', 0), /Counts things\./);
  const v = await hoverOn('second;\n\tp.b', 0);
  assert.match(v, /int32 second/);
  assert.doesNotMatch(v, /Counts things/);
});
