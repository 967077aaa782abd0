// Bad input to the SimC language server: requests with missing or wrong-typed parameters,
// positions out of range, unknown documents, unknown methods, a malformed JSON frame, and
// malformed programs (unterminated constructs, stray tokens, binary garbage). Each gets an
// empty answer or an error response, and the server keeps answering afterwards.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LspClient, uriOf } from './lspClient';

const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-lsp-bad-'));
const file = path.join(dir, 'small.simc');
const TEXT = 'int32 x;\n\nvoid\nmain(void)\n{\n\tx = 1;\n}\n';
let client: LspClient;

before(async () => {
  client = await LspClient.start();
  assert.deepEqual(await client.open(file, TEXT), []);
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The server still works: a hover on `x` in the valid document names its type. */
async function stillServing(): Promise<void> {
  assert.ok(client.alive, 'the server process is still running');
  const h = await client.at<{ contents: { value: string } } | null>('textDocument/hover', file, 5, 1);
  assert.match(h?.contents.value ?? '', /int32 x/);
}

const uriOfParams = (p: unknown): unknown =>
  typeof p === 'object' && p !== null && 'textDocument' in p ? (p.textDocument as { uri?: unknown } | null)?.uri : undefined;

const FEATURES = [
  'textDocument/hover', 'textDocument/definition', 'textDocument/references', 'textDocument/completion',
  'textDocument/documentHighlight', 'textDocument/signatureHelp',
];
const LISTS = new Set(['textDocument/references', 'textDocument/completion', 'textDocument/documentHighlight']);

test('positions out of range get empty answers', async () => {
  const empty = (method: string): unknown => (LISTS.has(method) ? [] : null);
  for (const method of FEATURES) {
    for (const [line, character] of [[999, 0], [0, 999], [100000, 100000], [7, 0]]) {
      const r = await client.at<unknown>(method, file, line, character, { context: { includeDeclaration: true } });
      if (method === 'textDocument/completion' && line === 7) continue; // past the last line, names are still offered
      assert.deepEqual(r, empty(method), `${method} at ${line}:${character}`);
    }
  }
  await stillServing();
});

test('requests with missing, negative or wrongly typed parameters get empty answers', async () => {
  const bad: unknown[] = [
    {},
    null,
    { textDocument: {} },
    { textDocument: { uri: 42 }, position: { line: 0, character: 0 } },
    { textDocument: { uri: uriOf(file) } },
    { textDocument: { uri: uriOf(file) }, position: { line: -1, character: -5 } },
    { textDocument: { uri: uriOf(file) }, position: { line: 'one', character: null } },
    { textDocument: { uri: uriOf(file) }, position: { line: 1.5, character: 0 } },
    'garbage',
  ];
  for (const method of [...FEATURES, 'textDocument/documentSymbol']) {
    for (const params of bad) {
      if (method === 'textDocument/documentSymbol' && uriOfParams(params) === uriOf(file)) continue; // needs no position
      const r = await client.request<unknown>(method, params).catch((e: Error) => e);
      assert.ok(r === null || (Array.isArray(r) && r.length === 0) || r instanceof Error, `${method} ${JSON.stringify(params)} → ${JSON.stringify(r)}`);
    }
  }
  await stillServing();
});

test('unknown documents and non-file URIs get empty answers', async () => {
  for (const uri of [uriOf(path.join(dir, 'missing.simc')), 'untitled:Untitled-1', 'https://example.com/x.simc', 'not a uri']) {
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }), null);
    assert.deepEqual(await client.request('textDocument/documentSymbol', { textDocument: { uri } }), []);
  }
  await stillServing();
});

test('a program nested too deeply for the front end gets a located diagnostic, and the rest is served', async () => {
  const f = path.join(dir, 'deep.simc');
  const diags = await client.open(f, `int32 x = ${'('.repeat(20000)}1${')'.repeat(20000)};\nvoid\nmain(void)\n{\n\tx = 1;\n}\n`);
  assert.equal(diags.length, 1, JSON.stringify(diags));
  assert.equal(diags[0].message, 'expression nested too deeply (limit 128); split it using temporaries');
  assert.equal(diags[0].range.start.line, 0);
  const h = await client.at<{ contents: { value: string } } | null>('textDocument/hover', f, 2, 1);
  assert.match(h?.contents.value ?? '', /void main\(void\)/);
  await stillServing();
});

test('a 100,000-term chain, 10,000 nested braces and 10,000 nested #if get located diagnostics', async () => {
  const chain = path.join(dir, 'chain.simc');
  const chainDiags = await client.open(chain, `int32 x;\nvoid\nmain(void)\n{\n\tx = ${Array(100000).fill('1').join('+')};\n}\n`);
  assert.deepEqual(chainDiags.map((d) => [d.range.start.line, d.message]), [[4, 'expression nested too deeply (limit 128); split it using temporaries']]);
  const braces = path.join(dir, 'braces.simc');
  const braceDiags = await client.open(braces, `void\nmain(void)\n${'{'.repeat(10000)}${'}'.repeat(10000)}\n`);
  assert.deepEqual(braceDiags.map((d) => [d.range.start.line, d.message]), [[2, 'statements nested too deeply (limit 128); move the inner part into a function']]);
  const ifs = path.join(dir, 'ifs.simc');
  assert.deepEqual(await client.open(ifs, `${'#if 1\n'.repeat(10000)}int32 x;\n${'#endif\n'.repeat(10000)}void\nmain(void)\n{\n}\n`), []);
  await stillServing();
});

test('an untitled buffer is analysed from its text', async () => {
  const uri = 'untitled:Untitled-7';
  const seen = client.publishedCount(uri);
  await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'simc', version: 1, text: 'void\nmain(void)\n{\n\tMSpan *s;\n\ts->sweepgn = 0;\n}\n' } });
  const diags = await client.nextDiagnostics(uri, seen);
  assert.equal(diags.length, 1);
  assert.match(diags[0].message, /did you mean 'sweepgen'/);
  assert.deepEqual(diags[0].range.start, { line: 4, character: 4 });
  const h = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 2 } });
  assert.match(h.contents.value, /typedef struct MSpan MSpan/);
});

test('an unknown method is an error response, not a crash', async () => {
  await assert.rejects(client.request('sweepscope/noSuchThing', {}), /Unhandled method/);
  await stillServing();
});

test('a malformed JSON frame is logged and the server carries on', async () => {
  const body = '{"jsonrpc":"2.0","id":77,"method":"textDocument/hover","params":{';
  client.raw(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  await new Promise((r) => setTimeout(r, 200));
  await stillServing();
});

test('malformed programs give diagnostics, and every feature still answers on them', async () => {
  const logsBefore = client.logs.length;
  const programs = [
    'void main(void) {\n\tif (x\n',
    'struct S { int32 a; \n',
    '#if 1\nint32 y;\n',
    '#define F(a, \nint32 z = F(1);\n',
    '}}}} ))) ;;; -> . [ ] \u0000\u0001\u00ff\n',
    'void main(void) { go 1; return 3 4; case 1: break; }\n',
    'typedef struct T T; struct T { T t; };\nvoid main(void) { T *p; p->q->r = sizeof(struct Nope); }\n',
    '',
  ];
  for (let i = 0; i < programs.length; i++) {
    const f = path.join(dir, `bad${i}.simc`);
    const diags = await client.open(f, programs[i]);
    if (programs[i] !== '') assert.ok(diags.length > 0, `diagnostics for program ${i}`);
    for (const method of FEATURES) {
      for (let line = 0; line < 3; line++) {
        for (const character of [0, 3, 10]) {
          await client.at(method, f, line, character, { context: { includeDeclaration: true } });
        }
      }
    }
    await client.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(f) } });
  }
  await stillServing();
  const logs = client.logs.slice(logsBefore);
  assert.ok(!logs.some((l) => /failed: /.test(l)), `no handler threw:\n${logs.join('\n')}`);
});
