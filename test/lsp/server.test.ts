// Tests of the SimC language server's diagnostics for an open document's unsaved text (it
// need not exist on disk), and of the choice between the default runtime and plain SimC
// (runtime `none`) for a program that is not a scenario.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LspClient } from './lspClient';

const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-lsp-'));
let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('an unknown name in the unsaved text is reported at its position, with a suggestion', async () => {
  const diags = await client.open(path.join(dir, 'typo.simc'), 'int32 counter;\n\nvoid\nmain(void)\n{\n    countr = 1;\n}\n');
  const hit = diags.find((x) => x.message.includes('countr'));
  assert.ok(hit, JSON.stringify(diags));
  assert.equal(hit.message, "use of undeclared identifier 'countr'; did you mean 'counter'?");
  assert.deepEqual(hit.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 10 } });
});

test('a valid plain SimC program has no diagnostics', async () => {
  const diags = await client.open(path.join(dir, 'ok.simc'), 'int32 x;\n\nvoid\nmain(void)\n{\n    x = 1;\n    runtime·printf("%d\\n", x);\n}\n');
  assert.deepEqual(diags, []);
});

test('a program that only fits runtime none is checked as plain SimC', async () => {
  // FlagNoScan is an enum constant of the runtime model; a plain program may use the name itself
  const file = path.join(dir, 'plain.simc');
  const text = 'int32 FlagNoScan;\n\nvoid\nmain(void)\n{\n\tFlagNoScan = 1;\n}\n';
  assert.deepEqual(await client.open(file, text), []);
  const h = await client.at<{ contents: { value: string } }>('textDocument/hover', file, 5, 2);
  assert.match(h.contents.value, /int32 FlagNoScan/);
  assert.match(h.contents.value, /\*global\*/);
});
