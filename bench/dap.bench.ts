// Debug adapter benchmark (the real adapter process over stdio): DAP step round trip (p50, p99
// over 1,000 steps) beside a no-op request's round trip, launch to first stop, step back and
// reverse continue latency with a history of about a million statements, and the memory the
// history holds. Targets (issue 4): step p50 < 2 ms, launch < 500 ms, stepBack p99 < 10 ms,
// history under 200 MB at 10⁶ steps.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapClient } from '../test/dap/dapClient';

const ROOT = path.resolve(__dirname, '..');
const LONG = path.join(ROOT, 'bench', 'programs', 'long.simc');
const COUNTER = path.join(ROOT, 'test', 'programs', 'dap', 'counter.simc');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** The adapter process's resident memory in bytes (Linux /proc), or undefined elsewhere. */
function rss(dap: DapClient): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${dap.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function start(args: Record<string, unknown>, lines: DebugProtocol.SourceBreakpoint[] = []): Promise<{ dap: DapClient; firstStopMs: number; threadId: number }> {
  const dap = new DapClient(path.join(ROOT, 'dist', 'adapter.js'));
  const t0 = performance.now();
  await dap.ok('initialize', { adapterID: 'sweepscope', linesStartAt1: true, columnsStartAt1: true });
  const launched = dap.request('launch', args);
  await dap.waitForEvent('initialized');
  if (lines.length) await dap.ok('setBreakpoints', { source: { path: args.program }, breakpoints: lines });
  await dap.ok('configurationDone');
  await launched;
  const s = (await dap.waitForEvent('stopped', 120_000)) as DebugProtocol.StoppedEvent;
  return { dap, firstStopMs: performance.now() - t0, threadId: s.body.threadId as number };
}

async function timed(dap: DapClient, command: string, args: Record<string, unknown>, waitStop: boolean): Promise<number> {
  const at = dap.mark();
  const t = performance.now();
  await dap.ok(command, args);
  if (waitStop) await dap.nextEvent('stopped', at, 120_000);
  return performance.now() - t;
}

export async function run(): Promise<void> {
  // launch → first stop (stopOnEntry), a small program on the Go runtime model and a plain one
  const onModel = await start({ program: path.join(ROOT, 'examples', 'finalizer-race.simc'), runtime: 'f8e4a2e', stopOnEntry: true });
  onModel.dap.close();
  const plain = await start({ program: COUNTER, runtime: 'none', stopOnEntry: true });
  console.log(`launch to first stop: ${onModel.firstStopMs.toFixed(0)} ms on the f8e4a2e model (target < 500 ms), ${plain.firstStopMs.toFixed(0)} ms on a plain program`);

  // a no-op request's round trip, the baseline of the step round trip
  const noop: number[] = [];
  for (let i = 0; i < 200; i++) noop.push(await timed(plain.dap, 'threads', {}, false));
  plain.dap.close();

  // a long history: stop in the workers' loop about 10⁶ statements in, step, then go back
  // (stopped on entry first: the adapter's memory before any history, for the memory figure below)
  const long = await start({ program: LONG, runtime: 'none', gomaxprocs: 2, stopOnEntry: true }, [{ line: 14, hitCondition: '== 250000' }]);
  const rssAtEntry = rss(long.dap);
  await timed(long.dap, 'continue', { threadId: long.threadId }, true);
  const rssAtStop = rss(long.dap);
  await long.dap.ok('setBreakpoints', { source: { path: LONG }, breakpoints: [] });
  const steps: number[] = [];
  for (let i = 0; i < 1000; i++) steps.push(await timed(long.dap, 'next', { threadId: long.threadId }, true));
  const n50 = pct(noop, 50);
  console.log(`step round trip over ${steps.length} steps: p50 ${pct(steps, 50).toFixed(2)} ms, p99 ${pct(steps, 99).toFixed(2)} ms (target p50 < 2 ms); no-op request p50 ${n50.toFixed(2)} ms → step/no-op ${(pct(steps, 50) / n50).toFixed(1)}×`);
  const tl = await long.dap.ok<{ position: number }>('sweepscope/timeline', { max: 1 });
  const back: number[] = [];
  for (let i = 0; i < 1000; i++) back.push(await timed(long.dap, 'stepBack', { threadId: long.threadId }, true));
  await long.dap.ok('setBreakpoints', { source: { path: LONG }, breakpoints: [{ line: 15 }] });
  const rc: number[] = [];
  for (let i = 0; i < 5; i++) rc.push(await timed(long.dap, 'reverseContinue', { threadId: long.threadId }, true));
  const mem = await long.dap.ok<{ historyBytes: number; snapshots: number; furthest: number }>('sweepscope/history', {});
  long.dap.close();
  console.log(`history of ${tl.position} statements: stepBack p50 ${pct(back, 50).toFixed(1)} ms, p99 ${pct(back, 99).toFixed(1)} ms (target p99 < 10 ms) beside a forward step p50 ${pct(steps, 50).toFixed(1)} ms → ${(pct(back, 50) / pct(steps, 50)).toFixed(1)}×`);
  // the first step back runs code paths not yet compiled: say how it compares with the rest
  console.log(`  first stepBack ${back[0].toFixed(1)} ms; the other ${back.length - 1}: p99 ${pct(back.slice(1), 99).toFixed(1)} ms, worst ${Math.max(...back.slice(1)).toFixed(1)} ms`);
  console.log(`reverseContinue to a breakpoint ~65k statements back: p50 ${pct(rc, 50).toFixed(1)} ms, worst ${Math.max(...rc).toFixed(1)} ms`);
  console.log(`history memory: ${(mem.historyBytes / 1048576).toFixed(1)} MB of memory pages in ${mem.snapshots} snapshots after ${mem.furthest} statements (target < 200 MB at 10⁶)`);
  // the pages are not all a snapshot holds (frames, scheduler state, a copy of the run log): the adapter's growth bounds the whole
  if (rssAtEntry !== undefined && rssAtStop !== undefined) {
    console.log(`  adapter resident memory: ${(rssAtEntry / 1048576).toFixed(0)} MB on entry → ${(rssAtStop / 1048576).toFixed(0)} MB at the stop ${mem.furthest} statements in (+${((rssAtStop - rssAtEntry) / 1048576).toFixed(0)} MB: history plus uncollected garbage, an upper bound)`);
  }
}
