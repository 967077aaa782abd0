// Why the program stopped, in the words the user reads in the Call Stack and the exception
// widget, and the scope in which breakpoint conditions and watches are evaluated for a frame.
import type { Machine, Program } from '../engine';
import type { Frame, Gor, Mach } from '../engine/vm/threads';
import { builtinArgs, type BuiltinArg } from './builtinCalls';
import type { Scope, ScopeEntry } from './expr';

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'exception' | 'pause' | 'goto';

export interface Stop {
  reason: StopReason;
  description: string;
  /** Longer text (the exception widget, the status line). */
  text?: string;
  /** The M that stopped (its thread gets focus). */
  mId?: number;
  /** The goroutine that stopped when it has no M. */
  gIndex?: number;
  hitBreakpointIds?: number[];
  /** Exception stops: the filter id and details for exceptionInfo. */
  exception?: { id: string; description: string; details?: string };
}

/** The scope of a frame: its locals (in its goroutine's stack), a builtin's arguments, m and g. */
export function frameScope(vm: Machine, program: Program, m: Mach | null, g: Gor, fr: Frame | undefined, args: BuiltinArg[] = []): Scope {
  const meta = fr ? program.code.funcs[fr.fn] : undefined;
  return {
    local(name: string): ScopeEntry | undefined {
      const a = args.find((x) => x.name === name);
      if (a) return { type: a.type, value: a.value };
      const l = meta?.locals.find((x) => x.name === name);
      return l && fr ? { type: l.type, addr: fr.fp + l.offset } : undefined;
    },
    mAddr: m?.addr ?? g.m?.addr ?? 0,
    gAddr: g.addr,
  };
}

/**
 * The builtin a frame is at, with its arguments, if the label is a builtin call. While a
 * statement hook runs, pass the hook's label: the frame's pc is only saved when it suspends.
 */
export function builtinAt(program: Program, fr: Frame, at: number = fr.pc): { name: string; args: BuiltinArg[] } | undefined {
  const label = program.code.funcs[fr.fn].labels[at];
  if (!label || label.kind !== 'builtin' || !label.builtin) return undefined;
  return { name: label.builtin, args: builtinArgs(program, fr, label.builtin, at) };
}
