// What the three panels share on the extension host side: the webview panel's life (created on
// demand, revealed again, HTML from buildPanelHtml with a fresh nonce, resources limited to the
// extension's media folders), validated messages from the page, and refreshing: only while the
// panel is visible and the session stopped (otherwise it is marked stale and refreshed when it
// shows or the session stops again), each refresh cancelling the one before, so an answer that
// arrives after the program moved on is never posted.
import * as vscode from 'vscode';
import { fromPanel, type FromPanel, type ToPanel } from '../../media/common/protocol';
import { check, type Checker } from '../../media/common/shape';
import { PANEL_RESOURCE_ROOTS, panelAssets, type PanelKind } from './assets';
import { buildPanelHtml, makeNonce } from './html';
import type { SessionWatcher } from './sessions';

/** What every panel needs from registerPanels. */
export interface PanelContext {
  extensionUri: vscode.Uri;
  sessions: SessionWatcher;
  log: vscode.LogOutputChannel;
}

export class Cancelled extends Error {}

export abstract class Panel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private refreshing: vscode.CancellationTokenSource | undefined;
  private stale = true;
  /** The page has loaded and said `ready`: before that a post would be lost. */
  private pageReady = false;

  constructor(
    protected readonly ctx: PanelContext,
    readonly kind: PanelKind,
    private readonly viewType: string,
    private readonly title: string,
    /** Keep the page alive while its tab is hidden (what it holds costs more to send again than to keep). */
    private readonly retainWhenHidden = false,
  ) {}

  /** Reads the session and posts to the page; checks `token` after every await. */
  protected abstract load(session: vscode.DebugSession, token: vscode.CancellationToken): Promise<void>;

  /** A validated message from the page other than `ready`. */
  protected abstract onMessage(m: Exclude<FromPanel, { type: 'ready' }>): void;

  /** The page (re)loaded: it holds nothing; forget what was sent to it before. */
  protected onPageLoaded(): void {}

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /**
   * Focuses a text editor outside this panel's group, so the source VS Code reveals at the next
   * stop opens there and does not cover the panel (a click in the panel made its group active).
   */
  protected async focusSourceGroup(): Promise<void> {
    const mine = this.panel?.viewColumn;
    const editor = vscode.window.visibleTextEditors.find((e) => e.viewColumn !== undefined && e.viewColumn !== mine);
    if (editor) await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  }

  /** Opens the panel, or brings it forward, and refreshes it. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      this.refresh();
      return;
    }
    const roots = PANEL_RESOURCE_ROOTS.map((r) => vscode.Uri.joinPath(this.ctx.extensionUri, r));
    const panel = vscode.window.createWebviewPanel(this.viewType, this.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: roots,
      retainContextWhenHidden: this.retainWhenHidden,
    });
    this.panel = panel;
    this.pageReady = false;
    const web = panel.webview;
    const assets = panelAssets(this.kind);
    const uri = (p: string): string => web.asWebviewUri(vscode.Uri.joinPath(this.ctx.extensionUri, p)).toString();
    web.html = buildPanelHtml({ panel: this.kind, title: this.title, cspSource: web.cspSource, nonce: makeNonce(), scriptUri: uri(assets.script), styleUris: assets.styles.map(uri) });
    web.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    panel.onDidChangeViewState(() => {
      // a page not kept while hidden is loaded again when it shows, and says `ready` then
      if (!panel.visible && !this.retainWhenHidden) this.pageReady = false;
      if (panel.visible && this.stale) this.refresh();
    });
    panel.onDidDispose(() => {
      this.cancel();
      this.panel = undefined;
      this.stale = true;
    });
  }

  private receive(raw: unknown): void {
    const r = check(fromPanel, raw);
    if (!r.ok) {
      this.ctx.log.warn(`${this.title}: ignored a message from the panel: ${r.reason}`);
      return;
    }
    if (r.value.type === 'ready') {
      this.pageReady = true;
      this.onPageLoaded();
      this.stale = true;
      this.refresh();
      return;
    }
    try {
      this.onMessage(r.value);
    } catch (e) {
      this.ctx.log.error(`${this.title}: ${r.value.type} failed: ${errorText(e)}`);
    }
  }

  /** Posts to the page if it is open. */
  protected post(m: ToPanel): void {
    void this.panel?.webview.postMessage(m);
  }

  protected status(state: Extract<ToPanel, { type: 'status' }>['state'], text: string): void {
    this.post({ type: 'status', state, text });
  }

  /** Marks the panel stale and refreshes it now if it is visible and the session stopped. */
  refresh(): void {
    this.stale = true;
    // a page that has not loaded yet asks for its first refresh itself (`ready`)
    if (!this.panel || !this.panel.visible || !this.pageReady) return;
    const session = this.ctx.sessions.current();
    if (!session) {
      this.status('no-session', 'No SweepScope debug session: start one (F5 on a .simc scenario) and stop it.');
      return;
    }
    const state = this.ctx.sessions.state(session);
    if (state !== 'stopped') {
      this.cancel();
      this.status(state, state === 'running' ? 'Running… the panel refreshes when the program stops.' : 'The debug session ended.');
      return;
    }
    this.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.refreshing = cts;
    this.stale = false;
    this.status('stopped', '');
    this.load(session, cts.token).then(
      () => undefined,
      (e: unknown) => {
        if (cts.token.isCancellationRequested || e instanceof Cancelled) return;
        this.stale = true;
        this.ctx.log.warn(`${this.title}: ${errorText(e)}`);
        this.status('error', errorText(e));
      },
    ).finally(() => {
      if (this.refreshing === cts) this.refreshing = undefined;
      cts.dispose();
    });
  }

  /** Cancels a refresh in flight (the program resumed, or a newer refresh started). */
  cancel(): void {
    this.refreshing?.cancel();
    this.refreshing = undefined;
  }

  /**
   * A custom request to the adapter, its answer checked against the protocol; throws Cancelled
   * if the refresh was cancelled (or the program resumed) meanwhile.
   */
  protected async request<T>(session: vscode.DebugSession, command: string, args: object, shape: Checker<T>, token: vscode.CancellationToken): Promise<T> {
    if (token.isCancellationRequested || this.ctx.sessions.state(session) !== 'stopped') throw new Cancelled();
    const body: unknown = await session.customRequest(command, args);
    if (token.isCancellationRequested) throw new Cancelled();
    const r = check(shape, body);
    if (!r.ok) throw new Error(`the adapter's ${command} answer has an unexpected shape: ${r.reason}`);
    return r.value;
  }

  dispose(): void {
    this.cancel();
    this.panel?.dispose();
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
