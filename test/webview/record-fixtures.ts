// Records the payloads the webview tests feed to the panels, from the real debug adapter
// (dist/adapter.js): examples/finalizer-race.simc on the before-f8e4a2e runtime, stopped by the
// `sweepgen-cas` exception filter, then stepped over the CAS (the span is now owned, H−1), then
// continued until a stop whose bitmap delta has changed blocks. At each stop it asks for the
// bitmap (with `since` = the previous answer's generation, so later answers are deltas), the
// span of the CAS and the timeline.
//   node scripts/build.mjs && node --import tsx test/webview/record-fixtures.ts
// writes test/webview/fixtures/finalizer-race.json.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapClient } from '../dap/dapClient';

export interface RecordedStop {
  /** The stopped event's body. */
  stopped: DebugProtocol.StoppedEvent['body'];
  /** The `since` the bitmap request was made with (undefined: full answer). */
  since?: number;
  bitmap: unknown;
  span: unknown;
  timeline: unknown;
}

export interface Recording {
  program: string;
  runtime: string;
  spanAddress: string;
  stops: RecordedStop[];
  /** A later answer for a span that holds a special (a finalizer), or null if none was seen. */
  spanWithSpecial: unknown;
}

const root = path.resolve(__dirname, '..', '..');
export const FIXTURE = path.join(__dirname, 'fixtures', 'finalizer-race.json');

async function body(dap: DapClient, command: string, args: unknown): Promise<unknown> {
  const r = await dap.request(command, args);
  if (!r.success) throw new Error(`${command} failed: ${r.message}`);
  return r.body;
}

async function stop(dap: DapClient, resume: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent['body']> {
  dap.events.length = 0;
  await resume();
  const e = (await dap.waitForEvent('stopped', 30_000)) as DebugProtocol.StoppedEvent;
  return e.body;
}

/** Runs the adapter and returns the recording (does not write it). */
export async function record(): Promise<Recording> {
  const program = 'examples/finalizer-race.simc';
  const runtime = 'before-f8e4a2e';
  const dap = new DapClient(path.join(root, 'dist', 'adapter.js'));
  try {
    await body(dap, 'initialize', { adapterID: 'sweepscope', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    await body(dap, 'launch', { program: path.join(root, program), runtime, stopOnEntry: true });
    await body(dap, 'setExceptionBreakpoints', { filters: ['sweepgen-cas'] });
    const entry = await stop(dap, () => body(dap, 'configurationDone', {}));
    const stops: RecordedStop[] = [];
    let since: number | undefined;
    const snapshot = async (stopped: DebugProtocol.StoppedEvent['body'], spanAddress: string): Promise<RecordedStop> => {
      const bitmap = await body(dap, 'sweepscope/bitmap', since === undefined ? {} : { since });
      const s: RecordedStop = {
        stopped,
        since,
        bitmap,
        span: await body(dap, 'sweepscope/span', { address: spanAddress }),
        timeline: await body(dap, 'sweepscope/timeline', {}),
      };
      since = (bitmap as { generation: number }).generation;
      stops.push(s);
      return s;
    };
    const cas = await stop(dap, () => body(dap, 'continue', { threadId: entry.threadId }));
    const m = /on span (0x[0-9a-f]+)/.exec(cas.text ?? cas.description ?? '');
    if (cas.reason !== 'exception' || !m) throw new Error(`expected a sweepgen-cas stop, got ${JSON.stringify(cas)}`);
    const spanAddress = m[1];
    await snapshot(cas, spanAddress);
    await snapshot(await stop(dap, () => body(dap, 'next', { threadId: cas.threadId })), spanAddress);
    for (let i = 0; i < 20; i++) {
      const s = await snapshot(await stop(dap, () => body(dap, 'continue', { threadId: cas.threadId })), spanAddress);
      if (((s.bitmap as { changed?: unknown[] }).changed ?? []).length > 0) break;
    }
    // Then on until the span of the last CAS holds a special (x's finalizer, set by U).
    const last = /on span (0x[0-9a-f]+)/.exec(stops[stops.length - 1].stopped.text ?? '')?.[1] ?? spanAddress;
    let special: unknown;
    for (let i = 0; i < 40 && special === undefined; i++) {
      await stop(dap, () => body(dap, 'continue', { threadId: cas.threadId }));
      const s = (await body(dap, 'sweepscope/span', { address: last })) as { specials: unknown[] };
      if (s.specials.length > 0) special = s;
    }
    await body(dap, 'disconnect', {});
    return { program, runtime, spanAddress, stops, spanWithSpecial: special ?? null };
  } finally {
    dap.close();
  }
}

if (require.main === module) {
  record().then(
    (r) => {
      writeFileSync(FIXTURE, JSON.stringify(r, null, 1) + '\n');
      console.log(`record-fixtures: ${r.stops.length} stops of ${r.program} (${r.runtime}) written to ${path.relative(root, FIXTURE)}`);
    },
    (e: unknown) => {
      console.error(`record-fixtures: FAILED: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
