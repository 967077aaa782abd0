// A minimal DAP client for tests: spawns the standalone adapter (dist/adapter.js), sends
// requests with Content-Length framing, and collects responses and events.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { encodeMessage, FrameParser } from '../support/framing';

export class DapClient {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly parser = new FrameParser();
  private seq = 1;
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  readonly events: DebugProtocol.Event[] = [];
  private readonly eventWaiters: { name: string; resolve: (e: DebugProtocol.Event) => void }[] = [];

  constructor(adapter = path.resolve(__dirname, '..', '..', 'dist', 'adapter.js')) {
    this.proc = spawn(process.execPath, [adapter], { stdio: 'pipe' });
    this.proc.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  private receive(chunk: Buffer): void {
    for (const raw of this.parser.push(chunk)) {
      const msg = raw as DebugProtocol.ProtocolMessage;
      if (msg.type === 'response') {
        const r = msg as DebugProtocol.Response;
        this.pending.get(r.request_seq)?.(r);
        this.pending.delete(r.request_seq);
      } else if (msg.type === 'event') {
        const e = msg as DebugProtocol.Event;
        this.events.push(e);
        const waiting = this.eventWaiters.filter((x) => x.name === e.event);
        this.eventWaiters.splice(0, this.eventWaiters.length, ...this.eventWaiters.filter((x) => x.name !== e.event));
        for (const w of waiting) w.resolve(e);
      }
    }
  }

  request(command: string, args?: unknown): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    this.proc.stdin.write(encodeMessage({ seq, type: 'request', command, arguments: args }));
    return new Promise((resolve) => this.pending.set(seq, resolve));
  }

  /** Resolves with the first event of that name (already received or still to come). */
  waitForEvent(name: string, timeoutMs = 10_000): Promise<DebugProtocol.Event> {
    return this.nextEvent(name, 0, timeoutMs);
  }

  /** The number of events so far: pass it to nextEvent to wait for a later one. */
  mark(): number {
    return this.events.length;
  }

  /** The first event of that name at or after index `from` of the event list. */
  nextEvent(name: string, from: number, timeoutMs = 10_000): Promise<DebugProtocol.Event> {
    const seen = this.events.slice(from).find((e) => e.event === name);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${name}' event within ${timeoutMs} ms`)), timeoutMs);
      this.eventWaiters.push({ name, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  /** Sends a request and fails loudly when the adapter answers with an error. */
  async ok<T = unknown>(command: string, args?: unknown): Promise<T> {
    const r = await this.request(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message}`);
    return r.body as T;
  }

  /** The adapter process's id (the benchmark reads its memory use). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Whether the adapter process is still alive. */
  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  output(category?: string): string {
    return this.events
      .filter((e) => e.event === 'output')
      .map((e) => (e as DebugProtocol.OutputEvent).body)
      .filter((b) => category === undefined || b.category === category)
      .map((b) => b.output)
      .join('');
  }

  close(): void {
    this.proc.kill();
  }
}
