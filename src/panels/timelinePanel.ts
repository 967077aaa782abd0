// Timeline panel, host side: reads the run's events (`sweepscope/timeline`, in pages of the
// adapter's maximum), marks the lane of the selected thread, and travels through history when
// the page asks (`sweepscope/goto`; the adapter then stops there and every panel refreshes).
import * as vscode from 'vscode';
import { timelineAnswer, type FromPanel, type TimelineEvent } from '../../media/common/protocol';
import { errorText, Panel, type PanelContext } from './panel';

/** At most this many events are drawn (the adapter keeps up to 100 000). */
const MAX_EVENTS = 20_000;

export class TimelinePanel extends Panel {
  private lane: string | null = null;

  constructor(ctx: PanelContext) {
    super(ctx, 'timeline', 'sweepscope.timeline', 'SweepScope: Timeline');
  }

  /** Highlights a lane ("M1", "g7"), or none. */
  setFocusLane(lane: string | null): void {
    if (lane === this.lane) return;
    this.lane = lane;
    this.post({ type: 'focusLane', lane });
  }

  protected async load(session: vscode.DebugSession, token: vscode.CancellationToken): Promise<void> {
    let page = await this.request(session, 'sweepscope/timeline', { from: 0 }, timelineAnswer, token);
    const first = page;
    const events: TimelineEvent[] = [...page.events];
    while (page.more && events.length < MAX_EVENTS && page.events.length > 0) {
      const from = page.events[page.events.length - 1].pos + 1;
      page = await this.request(session, 'sweepscope/timeline', { from }, timelineAnswer, token);
      events.push(...page.events);
    }
    this.post({ type: 'timeline', answer: { ...first, events: events.slice(0, MAX_EVENTS), more: page.more || events.length > MAX_EVENTS }, focusLane: this.lane });
  }

  protected onMessage(m: Exclude<FromPanel, { type: 'ready' }>): void {
    if (m.type !== 'goto') {
      this.ctx.log.warn(`Timeline: ignored a ${m.type} message (not for this panel)`);
      return;
    }
    const session = this.ctx.sessions.current();
    if (!session || this.ctx.sessions.state(session) !== 'stopped') {
      this.status('error', 'Travel needs a stopped SweepScope debug session.');
      return;
    }
    this.focusSourceGroup()
      .then(() => session.customRequest('sweepscope/goto', { position: m.position }))
      .then(undefined, (e: unknown) => {
        this.status('error', `Cannot travel to position ${m.position}: ${errorText(e)}`);
        void vscode.window.showErrorMessage(`SweepScope: cannot travel to position ${m.position}: ${errorText(e)}`);
      });
  }
}
