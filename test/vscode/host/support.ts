// Helpers for the extension-host suites: the workspace folder, starting a `sweepscope` session
// and watching what its adapter sends (stopped / terminated events) through a debug adapter
// tracker, and ending sessions between tests.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'sweepscope.sweepscope';

export interface DapMessage {
  type: string;
  event?: string;
  body?: Record<string, unknown>;
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
  private readonly waiters: (() => void)[] = [];

  constructor() {
    vscode.debug.registerDebugAdapterTrackerFactory('sweepscope', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: DapMessage) => {
          const list = this.sent.get(session.id) ?? [];
          list.push(m);
          this.sent.set(session.id, list);
          for (const w of this.waiters.splice(0)) w();
        },
      }),
    });
  }

  /** Resolves with the first event of one of these names at index ≥ from (sent or to come). */
  async event(session: vscode.DebugSession, names: string | string[], from = 0, timeoutMs = 30_000): Promise<{ message: DapMessage; index: number }> {
    const wanted = Array.isArray(names) ? names : [names];
    const name = wanted.join('/');
    const end = Date.now() + timeoutMs;
    for (;;) {
      const list = this.sent.get(session.id) ?? [];
      const index = list.findIndex((m, i) => i >= from && m.type === 'event' && m.event !== undefined && wanted.includes(m.event));
      if (index >= 0) return { message: list[index], index };
      if (Date.now() > end) throw new Error(`no '${name}' event from session "${session.name}" within ${timeoutMs} ms; got ${list.map((m) => m.event ?? m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
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

/** Starts a configuration; resolves with the new session, or undefined when it was refused. */
export async function start(config: vscode.DebugConfiguration): Promise<vscode.DebugSession | undefined> {
  adapterMessages();
  let started: vscode.DebugSession | undefined;
  const sub = vscode.debug.onDidStartDebugSession((s) => {
    if (s.name === config.name) started = s;
  });
  try {
    const ok = await vscode.debug.startDebugging(workspaceFolder(), config);
    if (!ok) return undefined;
    for (let i = 0; i < 50 && started === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    if (!started) throw new Error(`startDebugging("${config.name}") returned true but no session started`);
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
