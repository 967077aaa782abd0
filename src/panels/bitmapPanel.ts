// Heap Bitmap panel, host side: asks the adapter for `sweepscope/bitmap`, with `since` = the
// generation the page already holds, so after the first stop only the 256-byte blocks that
// changed travel (adapter → host as base64, the only way through DAP's JSON; host → page as
// bytes, which postMessage carries binary); the page applies them to its buffer. A page that
// reloaded, or could not apply a delta, gets the whole bitmap again.
import type * as vscode from 'vscode';
import { bitmapAnswer, bitmapToBytes, type FromPanel } from '../../media/common/protocol';
import { Panel, type PanelContext } from './panel';

export class BitmapPanel extends Panel {
  /** The generation of the bitmap the page holds (undefined: it holds none). */
  private held: number | undefined;
  /** Called with the span address the user clicked. */
  onReveal: (address: string) => void = () => undefined;

  constructor(ctx: PanelContext) {
    // kept alive while hidden: a reloaded page would need the whole bitmap (2 MiB for a 16 MiB
    // arena) and would lose what changed since the stop it last showed
    super(ctx, 'bitmap', 'sweepscope.heapBitmap', 'SweepScope: Heap Bitmap', true);
  }

  protected onPageLoaded(): void {
    this.held = undefined;
  }

  protected async load(session: vscode.DebugSession, token: vscode.CancellationToken): Promise<void> {
    const since = this.held;
    const body = await this.request(session, 'sweepscope/bitmap', since === undefined ? {} : { since }, bitmapAnswer, token);
    const answer = bitmapToBytes(body);
    const delta = answer.delta;
    const sent = delta ? (answer.changed ?? []).reduce((n, [, b]) => n + b.length, 0) : (answer.data?.length ?? 0);
    this.ctx.log.trace(`Heap Bitmap: generation ${answer.generation}: ${delta ? `delta of ${answer.changed?.length ?? 0} blocks` : 'full bitmap'}, ${sent} bytes`);
    this.post({ type: 'bitmap', base: delta ? (since ?? null) : null, answer });
    this.held = body.generation;
  }

  protected onMessage(m: Exclude<FromPanel, { type: 'ready' }>): void {
    switch (m.type) {
      case 'resync':
        this.held = undefined;
        this.refresh();
        return;
      case 'revealSpan':
        this.onReveal(m.address);
        return;
      default:
        this.ctx.log.warn(`Heap Bitmap: ignored a ${m.type} message (not for this panel)`);
    }
  }
}
