// Tests of the SimC language server (dist/server.js over stdio): diagnostics for the open
// document's (unsaved) text, and none for a valid program.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { encodeMessage, FrameParser } from '../support/framing';

interface Notification {
  method?: string;
  params?: { uri: string; diagnostics: { range: { start: { line: number; character: number } }; message: string }[] };
}

const server = path.resolve(__dirname, '..', '..', 'dist', 'server.js');
const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-lsp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Opens one document (it need not exist on disk) and returns the first diagnostics for it. */
function diagnosticsFor(name: string, text: string): Promise<NonNullable<Notification['params']>> {
  const uri = pathToFileURL(path.join(dir, name)).href;
  const proc = spawn(process.execPath, [server, '--stdio'], { stdio: 'pipe' });
  const parser = new FrameParser();
  const send = (m: unknown): boolean => proc.stdin.write(encodeMessage(m));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (proc.kill(), reject(new Error('no diagnostics within 10 s'))), 10_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      for (const raw of parser.push(chunk)) {
        const n = raw as Notification;
        if (n.method === 'textDocument/publishDiagnostics' && n.params?.uri === uri) {
          clearTimeout(timer);
          proc.kill();
          resolve(n.params);
        }
      }
    });
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    send({ jsonrpc: '2.0', method: 'initialized', params: {} });
    send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'simc', version: 1, text } } });
  });
}

test('an unknown name in the unsaved text is reported at its position', async () => {
  const d = await diagnosticsFor('typo.simc', 'int32 counter;\n\nvoid\nmain(void)\n{\n    countr = 1;\n}\n');
  const hit = d.diagnostics.find((x) => x.message.includes('countr'));
  assert.ok(hit, JSON.stringify(d.diagnostics));
  assert.deepEqual(hit.range.start, { line: 5, character: 4 });
});

test('a valid plain SimC program has no diagnostics', async () => {
  const d = await diagnosticsFor('ok.simc', 'int32 x;\n\nvoid\nmain(void)\n{\n    x = 1;\n    runtime·printf("%d\\n", x);\n}\n');
  assert.deepEqual(d.diagnostics, []);
});
