// Hover on macros of a program whose macros hold character constants (`'\n'`, `'\''`, `'"'`):
// the definition is shown as written and every macro's value is still computed (the macro
// table's text, re-read to compute values, keeps each constant's spelling).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openedDocument } from './lspClient';

const TEXT = `#define NL '\\n'
#define AP '\\''
#define Q '"'
#define TWO 2

int32 x;

void
main(void)
{
	x = TWO + NL + AP + Q;
}
`;

const hoverOn = openedDocument('chars.simc', TEXT).hover;

test('a plain macro keeps its computed value next to macros holding escaped character constants', async () => {
  const v = await hoverOn('TWO +');
  assert.match(v, /#define TWO 2/);
  assert.match(v, /\/\/ = 2/);
});

test('a character-constant macro is shown as written, with its value', async () => {
  const nl = await hoverOn('NL +');
  assert.match(nl, /#define NL '\\n'\n\/\/ = 10 \(0xa\)/);
  assert.match(await hoverOn('AP +'), /#define AP '\\''\n\/\/ = 39/);
  assert.match(await hoverOn('Q;'), /#define Q '"'\n\/\/ = 34/);
});
