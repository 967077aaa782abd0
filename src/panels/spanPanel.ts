// Span panel, host side: shows one span (`sweepscope/span`). Which one: the latest of the user's
// choice (Show in Span Panel, a click in the Heap Bitmap, the panel's address box), the span a
// sweepgen stop names ("… on span 0x…"), and the span `s` of the frame selected in the Call
// Stack (the runtime's sweep functions all call it `s`).
import * as vscode from 'vscode';
import { spanAnswer, type FromPanel } from '../../media/common/protocol';
import { Panel, type PanelContext } from './panel';
import { normaliseAddress } from './selection';

export class SpanPanel extends Panel {
  private address: string | undefined;

  constructor(ctx: PanelContext) {
    super(ctx, 'span', 'sweepscope.span', 'SweepScope: Span');
  }

  /** Opens the panel on a span (an MSpan address or any address inside its pages). */
  showAddress(address: string): void {
    this.address = address;
    this.show();
  }

  /** A stop that names a span (the sweepgen filters do) makes it the one shown. */
  followStop(session: vscode.DebugSession): void {
    const m = /\bon span (0x[0-9a-f]+)/i.exec(this.ctx.sessions.lastStop(session)?.text ?? '');
    if (m) this.address = m[1];
  }

  /** The selected frame's `s`, if it points at a span, becomes the one shown. */
  async followFrame(session: vscode.DebugSession, frameId: number): Promise<void> {
    if (!this.visible || this.ctx.sessions.state(session) !== 'stopped') return;
    let reply: { memoryReference?: unknown; result?: unknown };
    try {
      reply = (await session.customRequest('evaluate', { expression: 's', frameId, context: 'watch' })) as typeof reply;
    } catch {
      return; // no `s` in this frame: keep the span shown
    }
    const ref = typeof reply.memoryReference === 'string' ? normaliseAddress(reply.memoryReference) : undefined;
    if (!ref || ref === this.address || this.ctx.sessions.state(session) !== 'stopped') return;
    // follow it only if it is a span (a frame's `s` may be something else)
    try {
      await session.customRequest('sweepscope/span', { address: ref });
    } catch {
      return;
    }
    if (this.ctx.sessions.state(session) !== 'stopped') return;
    this.address = ref;
    this.refresh();
  }

  protected async load(session: vscode.DebugSession, token: vscode.CancellationToken): Promise<void> {
    if (!this.address) {
      this.status('stopped', 'No span chosen: type an address, use "Show in Span Panel" on a variable, or click a span in the Heap Bitmap.');
      return;
    }
    const answer = await this.request(session, 'sweepscope/span', { address: this.address }, spanAnswer, token);
    this.post({ type: 'span', answer });
  }

  protected onMessage(m: Exclude<FromPanel, { type: 'ready' }>): void {
    if (m.type !== 'requestSpan') {
      this.ctx.log.warn(`Span: ignored a ${m.type} message (not for this panel)`);
      return;
    }
    const a = normaliseAddress(m.address);
    if (!a) {
      this.status('error', `'${m.address}' is not an address: type 0x… or a decimal number.`);
      return;
    }
    this.showAddress(a);
  }
}
