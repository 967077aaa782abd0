// Helpers for the extension-host suites: the workspace folder, starting a `sweepscope` session
// and watching, through a debug adapter tracker, what its adapter sends (stopped / terminated
// events) and, in one ordered log, both directions (so a suite can tell which requests the
// extension sent while the program ran), and ending sessions between tests.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'sweepscope.sweepscope';

export interface DapMessage {
  type: string;
  event?: string;
  command?: string;
  seq?: number;
  request_seq?: number;
  success?: boolean;
  arguments?: Record<string, unknown>;
  body?: Record<string, unknown>;
}

/** One message of a session in the order the tracker saw it: `in` to the adapter, `out` from it. */
export interface Traffic {
  dir: 'in' | 'out';
  message: DapMessage;
}

export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the extension-host tests need a workspace folder (a copy of examples/)');
  return folder;
}

export function inWorkspace(...parts: string[]): string {
  return path.join(workspaceFolder().uri.fsPath, ...parts);
}

export async function activateExtension(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
}

/** Everything every sweepscope adapter sent, by session id. */
class Recorder {
  readonly sent = new Map<string, DapMessage[]>();
  /** Both directions, in order. */
  readonly traffic = new Map<string, Traffic[]>();
  private readonly waiters: (() => void)[] = [];

  constructor() {
    vscode.debug.registerDebugAdapterTrackerFactory('sweepscope', {
      createDebugAdapterTracker: (session) => ({
        onWillReceiveMessage: (m: DapMessage) => this.log(session, 'in', m),
        onDidSendMessage: (m: DapMessage) => {
          const list = this.sent.get(session.id) ?? [];
          list.push(m);
          this.sent.set(session.id, list);
          this.log(session, 'out', m);
        },
      }),
    });
  }

  private log(session: vscode.DebugSession, dir: Traffic['dir'], message: DapMessage): void {
    const list = this.traffic.get(session.id) ?? [];
    list.push({ dir, message });
    this.traffic.set(session.id, list);
    for (const w of this.waiters.splice(0)) w();
  }

  /** How many messages (both directions) the session has exchanged so far. */
  trafficCount(session: vscode.DebugSession): number {
    return this.traffic.get(session.id)?.length ?? 0;
  }

  /**
   * The first message at traffic index ≥ from that `match` accepts (sent or to come); rejects
   * after timeoutMs naming `what`.
   */
  async firstMessage(session: vscode.DebugSession, what: string, match: (t: Traffic) => boolean, from: number, timeoutMs = 30_000): Promise<{ message: DapMessage; index: number }> {
    const found = await this.first(() => this.traffic.get(session.id) ?? [], match, from, timeoutMs, (seen) => {
      const since = seen.slice(from).map((t) => `${t.dir === 'in' ? '→' : '←'}${t.message.command ?? t.message.event ?? t.message.type}`);
      return `no ${what} in session "${session.name}" within ${timeoutMs} ms after message ${from}; since then: ${since.join(' ') || 'nothing'}`;
    });
    return { message: found.item.message, index: found.index };
  }

  /** The first request `command` the adapter received at traffic index ≥ from. */
  request(session: vscode.DebugSession, command: string, from = 0, timeoutMs = 30_000): Promise<{ message: DapMessage; index: number }> {
    return this.firstMessage(session, `'${command}' request`, (t) => t.dir === 'in' && t.message.type === 'request' && t.message.command === command, from, timeoutMs);
  }

  /** The adapter's answer to a request seen in the traffic. */
  response(session: vscode.DebugSession, request: { message: DapMessage; index: number }, timeoutMs = 30_000): Promise<{ message: DapMessage; index: number }> {
    const seq = request.message.seq;
    return this.firstMessage(session, `answer to ${request.message.command} #${seq}`, (t) => t.dir === 'out' && t.message.type === 'response' && t.message.request_seq === seq, request.index, timeoutMs);
  }

  /** The first event `name` the adapter sent at traffic index ≥ from. */
  trafficEvent(session: vscode.DebugSession, name: string, from = 0, timeoutMs = 30_000): Promise<{ message: DapMessage; index: number }> {
    return this.firstMessage(session, `'${name}' event`, (t) => t.dir === 'out' && t.message.type === 'event' && t.message.event === name, from, timeoutMs);
  }

  /** Resolves when a message arrives or after ms. */
  private changed(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => (clearTimeout(t), resolve()));
    });
  }

  /** Resolves with the first event of one of these names at index ≥ from (sent or to come). */
  async event(session: vscode.DebugSession, names: string | string[], from = 0, timeoutMs = 30_000): Promise<{ message: DapMessage; index: number }> {
    const wanted = Array.isArray(names) ? names : [names];
    const found = await this.first(
      () => this.sent.get(session.id) ?? [],
      (m) => m.type === 'event' && m.event !== undefined && wanted.includes(m.event),
      from,
      timeoutMs,
      (seen) => `no '${wanted.join('/')}' event from session "${session.name}" within ${timeoutMs} ms; got ${seen.map((m) => m.event ?? m.type).join(', ')}`,
    );
    return { message: found.item, index: found.index };
  }

  /**
   * The first element at index ≥ from of a list that grows as messages arrive which `match`
   * accepts; waits for more until timeoutMs, then throws with `failure(what the list holds)`.
   */
  private async first<T>(list: () => readonly T[], match: (x: T) => boolean, from: number, timeoutMs: number, failure: (seen: readonly T[]) => string): Promise<{ item: T; index: number }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const seen = list();
      const index = seen.findIndex((x, i) => i >= from && match(x));
      if (index >= 0) return { item: seen[index], index };
      if (Date.now() > end) throw new Error(failure(seen));
      await this.changed(200);
    }
  }

  count(session: vscode.DebugSession): number {
    return this.sent.get(session.id)?.length ?? 0;
  }
}

let recorder: Recorder | undefined;
export function adapterMessages(): Recorder {
  recorder ??= new Recorder();
  return recorder;
}

/**
 * Starts a configuration; resolves with the new session, or undefined when it was refused.
 * `name`: the session's name when the providers give it one (the configuration has none).
 */
export async function start(config: vscode.DebugConfiguration, name: string = config.name): Promise<vscode.DebugSession | undefined> {
  adapterMessages();
  let started: vscode.DebugSession | undefined;
  const sub = vscode.debug.onDidStartDebugSession((s) => {
    if (s.name === name) started = s;
  });
  try {
    const ok = await vscode.debug.startDebugging(workspaceFolder(), config);
    if (!ok) return undefined;
    for (let i = 0; i < 50 && started === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    if (!started) throw new Error(`startDebugging("${name}") returned true but no session started`);
    return started;
  } finally {
    sub.dispose();
  }
}

export async function stopAll(): Promise<void> {
  if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
  for (let i = 0; i < 50 && vscode.debug.activeDebugSession; i++) await new Promise((r) => setTimeout(r, 100));
}

export interface DapThread {
  id: number;
  name: string;
}

export async function threads(session: vscode.DebugSession): Promise<DapThread[]> {
  const r: unknown = await session.customRequest('threads');
  const list = typeof r === 'object' && r !== null && 'threads' in r && Array.isArray(r.threads) ? r.threads : [];
  return list.filter((t: unknown): t is DapThread => typeof t === 'object' && t !== null && 'id' in t && 'name' in t && typeof t.id === 'number' && typeof t.name === 'string');
}

export function launchConfig(name: string, attributes: Record<string, unknown>): vscode.DebugConfiguration {
  return { type: 'sweepscope', request: 'launch', name, ...attributes };
}
