// Which SweepScope debug session the panels show and whether it is stopped: a debug adapter
// tracker sees every request the UI sends (a resume marks the session running at once, before
// the adapter answers) and every event the adapter sends (stopped, continued, terminated,
// exited). The panels read only from a stopped session, so they never read while it runs.
import * as vscode from 'vscode';

export type RunState = 'running' | 'stopped' | 'ended';

/** Requests after which the program runs (until the next stopped event). */
export const RESUMES: ReadonlySet<string> = new Set([
  'continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restart', 'restartFrame',
  'sweepscope/goto', 'sweepscope/runThread',
]);

interface DapMessage {
  type?: unknown;
  command?: unknown;
  event?: unknown;
  body?: unknown;
}

export interface StopInfo {
  threadId?: number;
  /** The stop's text, e.g. "sweepgen CAS 0→1 on span 0x14f4000 by g2 on M1 (…)". */
  text: string;
}

export class SessionWatcher implements vscode.Disposable {
  private readonly states = new Map<string, RunState>();
  private readonly stops = new Map<string, StopInfo>();
  private readonly order: vscode.DebugSession[] = [];
  private readonly changed = new vscode.EventEmitter<{ session: vscode.DebugSession; state: RunState }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires when a session stops, starts running or ends. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.debug.registerDebugAdapterTrackerFactory('sweepscope', {
        createDebugAdapterTracker: (session) => ({
          onWillReceiveMessage: (m: DapMessage) => {
            if (m.type === 'request' && typeof m.command === 'string' && RESUMES.has(m.command)) this.set(session, 'running');
          },
          onDidSendMessage: (m: DapMessage) => this.onAdapterMessage(session, m),
          onWillStopSession: () => this.set(session, 'ended'),
          onExit: () => this.set(session, 'ended'),
        }),
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.type !== 'sweepscope') return;
        this.set(s, 'ended');
        const i = this.order.indexOf(s);
        if (i >= 0) this.order.splice(i, 1);
        this.states.delete(s.id);
        this.stops.delete(s.id);
      }),
    );
  }

  private onAdapterMessage(session: vscode.DebugSession, m: DapMessage): void {
    if (m.type !== 'event') return;
    if (m.event === 'stopped') {
      const b = (typeof m.body === 'object' && m.body !== null ? m.body : {}) as { threadId?: unknown; text?: unknown; description?: unknown };
      const text = typeof b.text === 'string' ? b.text : typeof b.description === 'string' ? b.description : '';
      this.stops.set(session.id, { threadId: typeof b.threadId === 'number' ? b.threadId : undefined, text });
      this.set(session, 'stopped');
    } else if (m.event === 'continued') this.set(session, 'running');
    else if (m.event === 'terminated' || m.event === 'exited') this.set(session, 'ended');
  }

  private set(session: vscode.DebugSession, state: RunState): void {
    if (!this.order.includes(session)) this.order.push(session);
    const old = this.states.get(session.id);
    this.states.set(session.id, state);
    if (old !== state || state === 'stopped') this.changed.fire({ session, state });
  }

  /** The session the panels show: the active one if it is SweepScope's, else the latest SweepScope session. */
  current(): vscode.DebugSession | undefined {
    const active = vscode.debug.activeDebugSession;
    if (active?.type === 'sweepscope') return active;
    return this.order[this.order.length - 1];
  }

  state(session: vscode.DebugSession): RunState {
    // a session seen by no tracker event yet is starting: treat it as running
    return this.states.get(session.id) ?? 'running';
  }

  lastStop(session: vscode.DebugSession): StopInfo | undefined {
    return this.stops.get(session.id);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
