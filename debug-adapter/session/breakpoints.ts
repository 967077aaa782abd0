// Breakpoints of every kind, bound to the compiled program: source lines (moved to the nearest
// statement line or rejected with a reason), functions and builtins, exception filters with the
// contract's ids, and data breakpoints by variable or address. This module decides *whether* a
// statement or an access should stop; the session's listener asks it, and it asks back for
// conditions to be evaluated in the right scope.
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Program } from '../engine';
import type { Expr } from '../engine/lang/ast';
import { hex } from '../engine/vm/memory';
import { DapError, int, optStr, type Args } from './errors';
import { parseExpression } from './expr';

export const FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  { filter: 'throw', label: 'runtime·throw', description: 'Stop where the runtime throws, with its printed lines', default: true },
  { filter: 'fault', label: 'Faults', description: 'Stop on a nil or unmapped access, a misaligned atomic, a division by zero, a deadlock or the step budget', default: true },
  { filter: 'sweepgen-cas', label: 'sweepgen CAS', description: 'Stop before any runtime·cas on a span\'s sweepgen', supportsCondition: true, conditionDescription: 'e.g. old == runtime·mheap.sweepgen - 2' },
  { filter: 'sweepgen-store', label: 'sweepgen store', description: 'Stop on any store (atomic or plain) to a span\'s sweepgen', supportsCondition: true, conditionDescription: 'e.g. v == runtime·mheap.sweepgen' },
  { filter: 'race-window', label: 'race window', description: 'A goroutine owning a span (H−1) reaches a preemption point while preemptible, or stop-the-world begins while such an owner runs' },
  { filter: 'invariant', label: 'heap invariant', description: 'Stop when an invariant of the sweep protocol breaks (go-2014-sweep.md §7)' },
];
const FILTER_IDS = new Set(FILTERS.map((f) => f.filter));
export type FilterId = 'throw' | 'fault' | 'sweepgen-cas' | 'sweepgen-store' | 'race-window' | 'invariant';

/** The filter that stops a program which ended with `outcome` (null: a clean exit stops nowhere). */
export function haltFilter(outcome: string): FilterId | null {
  if (outcome === 'throw') return 'throw';
  if (outcome === 'invariant') return 'invariant';
  if (outcome === 'exit') return null;
  return 'fault';
}

/** What a condition, hit condition and log message look like once parsed. */
export interface Guard {
  condition?: Expr;
  conditionText?: string;
  hitCondition?: (hits: number) => boolean;
  hitConditionText?: string;
  logMessage?: string;
  /** Times the breakpoint's condition held, counted from statement `countsFrom` on. */
  hits: number;
  /**
   * The first statement whose check (line and function breakpoints) or whose accesses (data
   * breakpoints) the count includes: those still to come when the breakpoint was set. Time
   * travel re-counts from a snapshot, and must not count what ran before the breakpoint existed.
   */
  countsFrom: number;
}

/** Where the program stands, for the count of a breakpoint set now (see Guard.countsFrom). */
export interface BreakpointClock {
  /** The first statement whose breakpoints are not checked yet. */
  firstUnchecked(): number;
  /** The first statement not begun yet. */
  firstUnbegun(): number;
}

export interface LineBp extends Guard {
  id: number;
  file: string;
  line: number;
  fn: number;
  label: number;
}

export interface FunctionBp extends Guard {
  id: number;
  name: string;
  /** A SimC function's index, or the builtin's name. */
  fn?: number;
  builtin?: string;
}

export interface DataBp extends Guard {
  id: number;
  addr: number;
  size: number;
  access: 'read' | 'write' | 'readWrite';
  description: string;
}

let nextId = 1;

/** Parses a hit condition: `N`, `>= N`, `> N`, `== N`, `% N`. */
export function parseHitCondition(text: string): (hits: number) => boolean {
  const m = /^\s*(>=|>|==|=|%|<=|<)?\s*(\d+)\s*$/.exec(text);
  if (!m) throw new DapError(`hit condition '${text}' is not understood (use N, >= N, > N, == N or % N)`);
  const n = Number(m[2]);
  switch (m[1]) {
    case '>': return (h) => h > n;
    case '%': return (h) => n > 0 && h % n === 0;
    case '==': case '=': return (h) => h === n;
    case '<': return (h) => h < n;
    case '<=': return (h) => h <= n;
    default: return (h) => h >= n;
  }
}

function guardOf(program: Program, a: Args, countsFrom: number): Guard {
  const g: Guard = { hits: 0, countsFrom };
  const cond = optStr(a, 'condition');
  if (cond !== undefined && cond.trim() !== '') {
    g.condition = parseExpression(program, cond);
    g.conditionText = cond;
  }
  const hit = optStr(a, 'hitCondition');
  if (hit !== undefined && hit.trim() !== '') {
    g.hitCondition = parseHitCondition(hit);
    g.hitConditionText = hit;
  }
  const log = optStr(a, 'logMessage');
  if (log !== undefined && log !== '') g.logMessage = log;
  return g;
}

/** Same condition, hit condition and log message. */
function sameGuard(a: Guard, b: Guard): boolean {
  return a.conditionText === b.conditionText && a.logMessage === b.logMessage && a.hitConditionText === b.hitConditionText;
}

export class Breakpoints {
  /** fn → label → line breakpoint. */
  readonly byLabel = new Map<number, Map<number, LineBp>>();
  private readonly byFile = new Map<string, LineBp[]>();
  /** fn index → function breakpoint (stops at its first statement). */
  readonly byFunction = new Map<number, FunctionBp>();
  readonly byBuiltin = new Map<string, FunctionBp>();
  readonly filters = new Map<FilterId, { condition?: Expr; conditionText?: string }>();
  data: DataBp[] = [];
  /** Where the program stands (the debuggee sets it; before it does, nothing has run). */
  clock: BreakpointClock = { firstUnchecked: () => 0, firstUnbegun: () => 0 };
  /**
   * What the client asked for and the ids it was answered with, per request kind (line
   * breakpoints per file): a restart on an edited program binds the same breakpoints again
   * under the same ids, since the client knows them by id.
   */
  private readonly asked = {
    lines: new Map<string, { args: Args[]; ids: number[] }>(),
    functions: { args: [] as Args[], ids: [] as number[] },
    filters: { ids: [] as string[], options: [] as Args[] },
    data: { args: [] as Args[], ids: [] as number[] },
  };
  /** Lines with statements, per file, per function (computed once). */
  private readonly stmtLines = new Map<string, Map<number, { fn: number; label: number }>>();
  private readonly fnRanges: { fn: number; file: string; start: number; end: number }[] = [];

  /** Every breakpoint with a hit count: lines, functions, builtins and data. */
  guards(): Guard[] {
    const out: Guard[] = [];
    for (const per of this.byLabel.values()) out.push(...per.values());
    out.push(...this.byFunction.values(), ...this.byBuiltin.values(), ...this.data);
    return out;
  }

  constructor(readonly program: Program) {
    program.code.funcs.forEach((meta) => {
      let lo = Infinity;
      let hi = -Infinity;
      meta.labels.forEach((l, label) => {
        if (l.kind !== 'stmt' && l.kind !== 'builtin') return;
        const file = path.resolve(l.loc.file);
        let lines = this.stmtLines.get(file);
        if (!lines) this.stmtLines.set(file, (lines = new Map()));
        if (!lines.has(l.loc.line) && l.kind === 'stmt') lines.set(l.loc.line, { fn: meta.index, label });
        lo = Math.min(lo, l.loc.line);
        hi = Math.max(hi, l.loc.line);
      });
      const decl = meta.info.decl;
      if (lo <= hi) this.fnRanges.push({ fn: meta.index, file: path.resolve(decl.loc.file), start: Math.min(decl.loc.line, lo), end: Math.max(decl.body?.endLoc.line ?? hi, hi) });
    });
  }

  /**
   * The same breakpoints, filters and data breakpoints bound to another program (the scenario
   * or model was edited and the session restarts), with the ids the client knows; answers every
   * breakpoint with its new binding (its line may have moved, or it may no longer bind).
   * Throws a DapError when a filter's condition does not compile in the new program.
   */
  rebound(program: Program): { bps: Breakpoints; answers: DebugProtocol.Breakpoint[] } {
    const bps = new Breakpoints(program);
    const answers: DebugProtocol.Breakpoint[] = [];
    for (const [file, { args, ids }] of this.asked.lines) answers.push(...bps.setLines(file, args, ids).map((b) => ({ ...b, source: { path: file } })));
    answers.push(...bps.setFunctions(this.asked.functions.args, this.asked.functions.ids));
    bps.setFilters(this.asked.filters.ids, this.asked.filters.options);
    answers.push(...bps.setData(this.asked.data.args, this.asked.data.ids));
    return { bps, answers };
  }

  /** Replaces a file's line breakpoints; answers each with verified/moved/rejected (`ids`: the ones to keep). */
  setLines(file: string, requested: Args[], ids: number[] = []): DebugProtocol.Breakpoint[] {
    const abs = path.resolve(file);
    const before = this.byFile.get(abs) ?? [];
    for (const old of before) this.byLabel.get(old.fn)?.delete(old.label);
    const bound: LineBp[] = [];
    const lines = this.stmtLines.get(abs);
    const known = this.program.files.some((f) => path.resolve(f) === abs);
    const out = requested.map((a, i): DebugProtocol.Breakpoint => {
      const line = int(a, 'line', 1);
      const id = ids[i] ?? nextId++;
      if (!known || !lines) return { id, verified: false, line, message: `${path.basename(file)} is not part of the program being debugged` };
      const range = this.fnRanges.find((r) => r.file === abs && r.start <= line && line <= r.end);
      if (!range) return { id, verified: false, line, message: `line ${line} is not inside a function: no code to stop at` };
      let at: { fn: number; label: number } | undefined;
      let actual = line;
      for (let l = line; l <= range.end && !at; l++) {
        const x = lines.get(l);
        if (x && x.fn === range.fn) {
          at = x;
          actual = l;
        }
      }
      if (!at) return { id, verified: false, line, message: `no statement on or after line ${line} in this function` };
      let guard: Guard;
      try {
        guard = guardOf(this.program, a, this.clock.firstUnchecked());
      } catch (e) {
        return { id, verified: false, line: actual, message: e instanceof Error ? e.message : String(e) };
      }
      // VS Code sends all of a file's breakpoints whenever one changes: one that did not change keeps its count
      const same = ids[i] === undefined ? before.find((old) => old.line === actual && old.fn === at.fn && sameGuard(old, guard)) : undefined;
      if (same) {
        guard.hits = same.hits;
        guard.countsFrom = same.countsFrom;
      }
      const bp: LineBp = { ...guard, id: same ? same.id : id, file: abs, line: actual, fn: at.fn, label: at.label };
      let perFn = this.byLabel.get(at.fn);
      if (!perFn) this.byLabel.set(at.fn, (perFn = new Map()));
      perFn.set(at.label, bp);
      bound.push(bp);
      return { id: bp.id, verified: true, line: actual, message: actual !== line ? `moved from line ${line} to the next statement, line ${actual}` : undefined };
    });
    this.byFile.set(abs, bound);
    this.asked.lines.set(file, { args: requested, ids: out.map((b) => b.id as number) });
    return out;
  }

  /** Lines of a file where a breakpoint would bind (breakpointLocations). */
  locations(file: string, line: number, endLine: number): number[] {
    const lines = this.stmtLines.get(path.resolve(file));
    if (!lines) return [];
    return [...lines.keys()].filter((l) => l >= line && l <= endLine).sort((a, b) => a - b);
  }

  setFunctions(requested: Args[], ids: number[] = []): DebugProtocol.Breakpoint[] {
    this.byFunction.clear();
    this.byBuiltin.clear();
    const out = requested.map((a, i): DebugProtocol.Breakpoint => {
      const id = ids[i] ?? nextId++;
      const name = typeof a.name === 'string' ? a.name.trim() : '';
      if (name === '') return { id, verified: false, message: "a function breakpoint needs a function name in 'name'" };
      const sym = this.program.checked.lookup(name);
      let guard: Guard;
      try {
        guard = guardOf(this.program, a, this.clock.firstUnchecked());
      } catch (e) {
        return { id, verified: false, message: e instanceof Error ? e.message : String(e) };
      }
      if (sym?.k === 'builtin') {
        this.byBuiltin.set(sym.name, { ...guard, id, name: sym.name, builtin: sym.name });
        return { id, verified: true, message: `stops at every call of the builtin ${sym.name}` };
      }
      if (sym?.k === 'func' && sym.defined && sym.index >= 0) {
        this.byFunction.set(sym.index, { ...guard, id, name: sym.name, fn: sym.index });
        const meta = this.program.code.funcs[sym.index];
        const first = meta.labels.find((l) => l.kind === 'stmt');
        return { id, verified: true, line: first?.loc.line, source: first ? { path: first.loc.file, name: path.basename(first.loc.file) } : undefined };
      }
      return { id, verified: false, message: `no function or builtin named '${name}' in this program` };
    });
    this.asked.functions = { args: requested, ids: out.map((b) => b.id as number) };
    return out;
  }

  setFilters(filters: string[], options: Args[]): DebugProtocol.Breakpoint[] {
    this.filters.clear();
    const out: DebugProtocol.Breakpoint[] = [];
    const add = (id: string, condition: string | undefined): void => {
      if (!FILTER_IDS.has(id)) throw new DapError(`unknown exception filter '${id}' (known: ${[...FILTER_IDS].join(', ')})`);
      const entry: { condition?: Expr; conditionText?: string } = {};
      if (condition !== undefined && condition.trim() !== '') {
        entry.condition = parseExpression(this.program, condition);
        entry.conditionText = condition;
      }
      this.filters.set(id as FilterId, entry);
      out.push({ verified: true });
    };
    for (const f of filters) add(f, undefined);
    for (const o of options) {
      if (typeof o.filterId !== 'string') throw new DapError("filterOptions[].filterId must be a string");
      add(o.filterId, optStr(o, 'condition'));
    }
    this.asked.filters = { ids: filters, options };
    return out;
  }

  has(f: FilterId): boolean {
    return this.filters.has(f);
  }

  setData(requested: Args[], ids: number[] = []): DebugProtocol.Breakpoint[] {
    this.data = [];
    const out = requested.map((a, i): DebugProtocol.Breakpoint => {
      const id = ids[i] ?? nextId++;
      const dataId = typeof a.dataId === 'string' ? a.dataId : '';
      const m = /^(\d+):(\d+):(.*)$/s.exec(dataId);
      if (!m) return { id, verified: false, message: `unknown dataId '${dataId}' (ask dataBreakpointInfo for one)` };
      const access = a.accessType === undefined ? 'write' : a.accessType;
      if (access !== 'read' && access !== 'write' && access !== 'readWrite') return { id, verified: false, message: `accessType must be read, write or readWrite` };
      let guard: Guard;
      try {
        guard = guardOf(this.program, a, this.clock.firstUnbegun());
      } catch (e) {
        return { id, verified: false, message: e instanceof Error ? e.message : String(e) };
      }
      const bp: DataBp = { ...guard, id, addr: Number(m[1]), size: Number(m[2]), access, description: m[3] };
      this.data.push(bp);
      return { id, verified: true, message: `${access} of ${bp.description}` };
    });
    this.asked.data = { args: requested, ids: out.map((b) => b.id as number) };
    return out;
  }

  /** The data breakpoint an access hits, if any (flags: 1 write, 2 atomic). */
  dataHit(addr: number, size: number, flags: number): DataBp | undefined {
    const write = (flags & 1) !== 0;
    for (const bp of this.data) {
      if (addr < bp.addr + bp.size && addr + size > bp.addr && (bp.access === 'readWrite' || (bp.access === 'write') === write)) return bp;
    }
    return undefined;
  }

  static dataId(addr: number, size: number, description: string): string {
    return `${addr}:${size}:${description}`;
  }

  static describeData(name: string, addr: number, size: number): string {
    return `${name} (${size} byte${size === 1 ? '' : 's'} at ${hex(addr)})`;
  }
}
