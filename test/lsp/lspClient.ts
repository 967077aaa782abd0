// A minimal LSP client for the language-server tests: spawns the real server process
// (dist/server.js --stdio), speaks JSON-RPC to it with vscode-jsonrpc, answers its
// workspace/configuration and registerCapability requests, collects published diagnostics and
// log messages, and can write raw bytes to its stdin to test malformed input.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const SERVER = path.resolve(__dirname, '..', '..', 'dist', 'server.js');
export const MODELS = path.resolve(__dirname, '..', '..', 'debug-adapter', 'models');

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface Diagnostic {
  range: Range;
  message: string;
  severity?: number;
}
export interface Location {
  uri: string;
  range: Range;
}

export const uriOf = (p: string): string => pathToFileURL(p).href;

export interface StartOptions {
  /** The `sweepscope` settings section the client reports (configuration capability on when given). */
  settings?: { runtime?: string };
  workspaceFolder?: string;
}

export class LspClient {
  readonly logs: string[] = [];
  private readonly diagnostics = new Map<string, Diagnostic[][]>();
  private readonly waiters: (() => void)[] = [];
  private exited: number | null | undefined;

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly conn: MessageConnection,
  ) {
    proc.on('exit', (code) => {
      this.exited = code;
      this.wake();
    });
  }

  static async start(opts: StartOptions = {}): Promise<LspClient> {
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
    proc.stderr.on('data', () => undefined);
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const client = new LspClient(proc, conn);
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      const list = client.diagnostics.get(p.uri) ?? [];
      list.push(p.diagnostics);
      client.diagnostics.set(p.uri, list);
      client.wake();
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => {
      client.logs.push(p.message);
      client.wake();
    });
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map((item) => (item.section === 'sweepscope' ? opts.settings ?? {} : null)),
    );
    conn.onRequest('client/registerCapability', () => null);
    conn.onError(() => undefined);
    conn.listen();
    const folder = opts.workspaceFolder;
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folder ? uriOf(folder) : null,
      workspaceFolders: folder ? [{ uri: uriOf(folder), name: path.basename(folder) }] : null,
      capabilities: {
        workspace: { configuration: opts.settings !== undefined, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: { hover: { contentFormat: ['markdown'] }, completion: {} },
      },
    });
    await conn.sendNotification('initialized', {});
    return client;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when `check` returns a value, or rejects after `ms`. */
  private until<T>(what: string, check: () => T | undefined, ms = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
      const attempt = (): void => {
        const v = check();
        if (v !== undefined) {
          clearTimeout(timer);
          resolve(v);
        } else if (this.exited !== undefined) {
          clearTimeout(timer);
          reject(new Error(`server exited (${this.exited}) while waiting for ${what}`));
        } else this.waiters.push(attempt);
      };
      attempt();
    });
  }

  /** The next diagnostics published for a URI after `seen` earlier publications. */
  nextDiagnostics(uri: string, seen = 0): Promise<Diagnostic[]> {
    return this.until(`diagnostics for ${uri}`, () => this.diagnostics.get(uri)?.[seen]);
  }

  publishedCount(uri: string): number {
    return this.diagnostics.get(uri)?.length ?? 0;
  }

  /** Opens a document and waits for its first diagnostics. */
  async open(file: string, text: string): Promise<Diagnostic[]> {
    const uri = uriOf(file);
    const seen = this.publishedCount(uri);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'simc', version: 1, text } });
    return this.nextDiagnostics(uri, seen);
  }

  /** Replaces a document's whole text and waits for the diagnostics that follow. */
  async change(file: string, text: string, version: number): Promise<Diagnostic[]> {
    const uri = uriOf(file);
    const seen = this.publishedCount(uri);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return this.nextDiagnostics(uri, seen);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  at<R>(method: string, file: string, line: number, character: number, extra: Record<string, unknown> = {}): Promise<R> {
    return this.request<R>(method, { textDocument: { uri: uriOf(file) }, position: { line, character }, ...extra });
  }

  /** Writes bytes straight to the server's stdin. */
  raw(bytes: string): void {
    this.proc.stdin.write(bytes);
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  async stop(): Promise<void> {
    if (this.alive) {
      try {
        await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await this.conn.sendNotification('exit');
      } catch {
        // the process may already be gone
      }
    }
    this.conn.dispose();
    if (this.alive) this.proc.kill();
  }
}

/** The 0-based position of the `n`-th (0-based) occurrence of `needle` in `text`, plus `offset` characters. */
export function positionOf(text: string, needle: string, offset = 0, n = 0): Position {
  let idx = -1;
  for (let k = 0; k <= n; k++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`'${needle}' (#${n}) not in text`);
  }
  idx += offset;
  const before = text.slice(0, idx);
  const line = before.split('\n').length - 1;
  return { line, character: idx - (before.lastIndexOf('\n') + 1) };
}

/**
 * A test file's one valid document, opened in a server started before its tests and stopped
 * after them; `hover` gives the hover text at the first occurrence of a needle (plus an offset).
 */
export function openedDocument(fileName: string, text: string): { hover(needle: string, offset?: number): Promise<string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-lsp-'));
  const file = path.join(dir, fileName);
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
    assert.deepEqual(await client.open(file, text), [], 'the test program is valid');
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    async hover(needle: string, offset = 0): Promise<string> {
      const p = positionOf(text, needle, offset);
      const h = await client.at<{ contents: { value: string } } | null>('textDocument/hover', file, p.line, p.character);
      assert.ok(h, `a hover on ${needle}`);
      return h.contents.value;
    },
  };
}
