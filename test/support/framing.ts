// Content-Length framing shared by the DAP and LSP test clients (both protocols use it).

/** Frames one JSON message for the wire. */
export function encodeMessage(msg: unknown): string {
  const body = JSON.stringify(msg);
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}

/** Accumulates stdout chunks and returns every complete message they finish. */
export class FrameParser {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): unknown[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const messages: unknown[] = [];
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return messages;
      const m = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'));
      if (!m) throw new Error('message without Content-Length');
      const start = headerEnd + 4;
      const end = start + Number(m[1]);
      if (this.buffer.length < end) return messages;
      messages.push(JSON.parse(this.buffer.subarray(start, end).toString('utf8')));
      this.buffer = this.buffer.subarray(end);
    }
  }
}
