// The panels' entry point for activate(): the commands Show Span, Show Heap Bitmap, Show
// Timeline and Show in Span Panel (Variables context menu), and the wiring that refreshes the
// visible panels on every stop of a SweepScope session, cancels their reads when it resumes,
// and follows the thread and frame selected in the Call Stack.
import * as vscode from 'vscode';
import { BitmapPanel } from './bitmapPanel';
import type { Panel } from './panel';
import { SessionWatcher } from './sessions';
import { SpanPanel } from './spanPanel';
import { TimelinePanel } from './timelinePanel';
import { laneOfThreadName, normaliseAddress, variableAddress } from './selection';

async function threadLane(session: vscode.DebugSession, threadId: number): Promise<string | null> {
  try {
    const r = (await session.customRequest('threads')) as { threads?: { id: number; name: string }[] };
    const t = r.threads?.find((x) => x.id === threadId);
    return t ? laneOfThreadName(t.name) : null;
  } catch {
    return null;
  }
}

export function registerPanels(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('SweepScope Panels', { log: true });
  const sessions = new SessionWatcher();
  const ctx = { extensionUri: context.extensionUri, sessions, log };
  const span = new SpanPanel(ctx);
  const bitmap = new BitmapPanel(ctx);
  const timeline = new TimelinePanel(ctx);
  const panels: Panel[] = [span, bitmap, timeline];
  bitmap.onReveal = (address) => span.showAddress(address);

  const followSelection = async (item: vscode.DebugThread | vscode.DebugStackFrame | undefined): Promise<void> => {
    if (!item || item.session.type !== 'sweepscope' || sessions.state(item.session) !== 'stopped') return;
    if (timeline.visible) timeline.setFocusLane(await threadLane(item.session, item.threadId));
    if ('frameId' in item) await span.followFrame(item.session, item.frameId);
  };

  context.subscriptions.push(
    log,
    sessions,
    ...panels,
    sessions.onDidChange(({ session, state }) => {
      if (session !== sessions.current()) return;
      if (state === 'stopped') span.followStop(session);
      for (const p of panels) p.refresh();
    }),
    vscode.debug.onDidChangeActiveDebugSession(() => {
      for (const p of panels) p.refresh();
    }),
    vscode.debug.onDidChangeActiveStackItem((item) => {
      followSelection(item).catch((e: unknown) => log.warn(`following the selected frame: ${e instanceof Error ? e.message : String(e)}`));
    }),
    vscode.commands.registerCommand('sweepscope.showSpan', (arg?: unknown) => {
      const address = typeof arg === 'string' ? normaliseAddress(arg) : undefined;
      if (address) span.showAddress(address);
      else span.show();
    }),
    vscode.commands.registerCommand('sweepscope.showHeapBitmap', () => bitmap.show()),
    vscode.commands.registerCommand('sweepscope.showTimeline', () => timeline.show()),
    vscode.commands.registerCommand('sweepscope.showInSpanPanel', (arg?: unknown) => {
      const r = variableAddress(arg);
      if ('error' in r) void vscode.window.showWarningMessage(`SweepScope: ${r.error}`);
      else span.showAddress(r.address);
    }),
  );
}
