// Call stacks of debugger threads: a goroutine's frames innermost first, with a synthetic
// innermost frame when the thread is stopped AT a builtin call (`runtime·cas(p=0x…, old=8,
// new=9)`), and, while an M runs on g0 for a goroutine (runtime·mcall), that goroutine's frames
// below a label. Frame ids are valid until the program moves again.
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Program } from '../engine';
import type { Frame, Gor, Mach } from '../engine/vm/threads';
import type { BuiltinArg } from './builtinCalls';
import { DapError } from './errors';
import { formatScalar } from './expr';
import { builtinAt } from './stops';

export interface FrameRef {
  m: Mach | null;
  g: Gor;
  /** Undefined for label frames. */
  frame?: Frame;
  /** Set for the synthetic frame of a builtin call: its arguments. */
  builtin?: { name: string; args: BuiltinArg[] };
}

export class Frames {
  private refs: FrameRef[] = [];

  constructor(private readonly program: Program) {}

  reset(): void {
    this.refs = [];
  }

  get(id: number): FrameRef {
    const f = this.refs[id - 1];
    if (!f) throw new DapError(`unknown frameId ${id} (frame ids are only valid while the program is stopped where they were made)`);
    return f;
  }

  private add(f: FrameRef): number {
    this.refs.push(f);
    return this.refs.length;
  }

  private source(file: string): DebugProtocol.Source {
    return { name: path.basename(file), path: file };
  }

  private goroutineFrames(m: Mach | null, g: Gor, out: DebugProtocol.StackFrame[]): void {
    for (let i = g.frames.length - 1; i >= 0; i--) {
      const fr = g.frames[i];
      const meta = this.program.code.funcs[fr.fn];
      const label = meta.labels[fr.pc] ?? meta.labels[0];
      if (i === g.frames.length - 1) {
        const b = builtinAt(this.program, fr);
        if (b) {
          const shown = b.args.map((a) => `${a.name}=${formatScalar(a.type, a.value)}`).join(', ');
          out.push({ id: this.add({ m, g, frame: fr, builtin: b }), name: `${b.name}(${shown})`, source: this.source(label.loc.file), line: label.loc.line, column: label.loc.column, presentationHint: 'normal' });
        }
      }
      out.push({ id: this.add({ m, g, frame: fr }), name: meta.name, source: this.source(label.loc.file), line: label.loc.line, column: label.loc.column });
    }
  }

  /** The frames of a thread (an M shows what it executes; a goroutine thread its own stack). */
  stack(m: Mach | null, g: Gor, goid: (g: Gor) => number): DebugProtocol.StackFrame[] {
    const out: DebugProtocol.StackFrame[] = [];
    this.goroutineFrames(m, g, out);
    if (m && g.isG0 && m.curg && m.curg !== g) {
      out.push({ id: this.add({ m, g: m.curg }), name: `g${goid(m.curg)} (on hold while M${m.id} runs on g0)`, line: 0, column: 0, presentationHint: 'label' });
      this.goroutineFrames(m, m.curg, out);
    }
    return out;
  }
}
