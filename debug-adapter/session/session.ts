// The SweepScope debug session: DAP requests ↔ the Debuggee. Every request is dispatched through
// one table with checked arguments; a bad request (unknown command, wrong argument type, an id
// that does not exist, a request that needs a stopped program while it runs) gets an error
// response saying what was wrong, and the session goes on. Per-concern work lives in the
// sibling modules (threads, stack, variables, breakpoints, history, custom requests).
import * as fs from 'node:fs';
import {
  BreakpointEvent, ContinuedEvent, DebugSession, ExitedEvent, InitializedEvent, InvalidatedEvent, MemoryEvent, OutputEvent, Response, StoppedEvent, TerminatedEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Program, RunOptions } from '../engine';
import { sizeOf } from '../engine/lang/types';
import { hex } from '../engine/vm/memory';
import { errorMessage, fsLoader } from '../runtimes';
import { compileScenario, parseScheduleRecord } from '../runSupport';
import { recordedOutcome } from '../engine/explore/schedule-file';
import { Breakpoints, FILTERS, haltFilter } from './breakpoints';
import { complete } from './completions';
import { customRequest } from './custom';
import { Debuggee, type StepKind } from './debuggee';
import {
  DapError, argsOf, int, obj, objArray, optBool, optInt, optStr, parseAddress, str, strArray, type Args,
} from './errors';
import { validateLaunchArgs, type LaunchSettings } from './launchArgs';
import { Frames, type FrameRef } from './stack';
import type { Stop } from './stops';
import { Variables } from './variables';

type Handler = (args: Args, response: DebugProtocol.Response) => void;

const MAX_READ = 1 << 20;

export const CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsFunctionBreakpoints: true,
  supportsConditionalBreakpoints: true,
  supportsHitConditionalBreakpoints: true,
  supportsLogPoints: true,
  supportsEvaluateForHovers: true,
  exceptionBreakpointFilters: FILTERS,
  supportsExceptionFilterOptions: true,
  supportsExceptionInfoRequest: true,
  supportsStepBack: true,
  supportsSetVariable: true,
  supportsSetExpression: true,
  supportsRestartRequest: true,
  supportsTerminateRequest: true,
  supportsDataBreakpoints: true,
  supportsDataBreakpointBytes: true,
  supportsReadMemoryRequest: true,
  supportsWriteMemoryRequest: true,
  supportsBreakpointLocationsRequest: true,
  supportsSingleThreadExecutionRequests: true,
  supportsCompletionsRequest: true,
  completionTriggerCharacters: ['.', '>'],
};

export class SweepScopeSession extends DebugSession {
  private debuggee: Debuggee | null = null;
  private settings: LaunchSettings | null = null;
  private options: RunOptions = {};
  private frames: Frames | null = null;
  private variables: Variables | null = null;
  private configured = false;
  private started = false;
  private linesStartAt1 = true;
  private readonly handlers: Record<string, Handler>;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    const h: Record<string, Handler> = {
      initialize: (a, r) => this.initialize(a, r),
      launch: (a, r) => this.launch(a, r),
      attach: () => {
        throw new DapError('attach is not supported: SweepScope launches its simulated program (use "request": "launch")');
      },
      configurationDone: (_a, r) => this.configurationDone(r),
      setBreakpoints: (a, r) => this.setBreakpoints(a, r),
      breakpointLocations: (a, r) => this.breakpointLocations(a, r),
      setFunctionBreakpoints: (a, r) => this.reply(r, { breakpoints: this.dbg().bps.setFunctions(objArray(a, 'breakpoints', true)) }),
      setExceptionBreakpoints: (a, r) => this.reply(r, { breakpoints: this.dbg().bps.setFilters(strArray(a, 'filters'), objArray(a, 'filterOptions')) }),
      dataBreakpointInfo: (a, r) => this.dataBreakpointInfo(a, r),
      setDataBreakpoints: (a, r) => this.reply(r, { breakpoints: this.dbg().bps.setData(objArray(a, 'breakpoints', true)) }),
      threads: (_a, r) => this.reply(r, { threads: this.debuggee ? this.debuggee.threads.list() : [] }),
      stackTrace: (a, r) => this.stackTrace(a, r),
      scopes: (a, r) => this.scopes(a, r),
      variables: (a, r) => this.stopped() && this.reply(r, { variables: this.vars().children(int(a, 'variablesReference', 1), optInt(a, 'start', 0) ?? 0, optInt(a, 'count', 0) ?? 0) }),
      setVariable: (a, r) => this.setVariable(a, r),
      setExpression: (a, r) => this.setExpression(a, r),
      evaluate: (a, r) => this.evaluate(a, r),
      completions: (a, r) => this.completions(a, r),
      exceptionInfo: (a, r) => this.exceptionInfo(a, r),
      continue: (a, r) => this.resume(a, r, 'continue'),
      next: (a, r) => this.resume(a, r, 'next'),
      stepIn: (a, r) => this.resume(a, r, 'in'),
      stepOut: (a, r) => this.resume(a, r, 'out'),
      stepBack: (a, r) => this.back(a, r, false),
      reverseContinue: (a, r) => this.back(a, r, true),
      pause: (a, r) => {
        int(a, 'threadId');
        this.dbg().pause();
        this.reply(r);
      },
      restart: (a, r) => this.restart(a, r),
      terminate: (_a, r) => this.terminate(r),
      disconnect: (_a, r) => this.disconnect(r),
      readMemory: (a, r) => this.readMemory(a, r),
      writeMemory: (a, r) => this.writeMemory(a, r),
    };
    this.handlers = h;
  }

  /** Every request comes through here: checked, answered, never thrown out of. */
  protected dispatchRequest(request: DebugProtocol.Request): void {
    const response = new Response(request);
    try {
      const command = typeof request.command === 'string' ? request.command : '';
      const args = argsOf(command, request.arguments);
      if (command.startsWith('sweepscope/')) {
        const debuggee = this.dbg();
        this.stopped();
        const answer = customRequest(command, args, { debuggee, thread: (id) => this.thread(id) });
        if (answer.after) this.frames?.reset();
        this.reply(response, answer.body);
        if (answer.after) {
          // the program moves: say so, as continue does, before the next stopped event
          this.sendEvent(new ContinuedEvent(this.dbg().threads.mThreadId(this.dbg().vm.cur), true));
          answer.after();
        }
        return;
      }
      const handler = Object.prototype.hasOwnProperty.call(this.handlers, command) ? this.handlers[command] : undefined;
      if (!handler) throw new DapError(`unknown request '${command}'`);
      handler(args, response);
    } catch (e) {
      const message = e instanceof DapError ? e.message : `internal error in '${request.command}': ${errorMessage(e)}`;
      this.fail(response, message);
    }
  }

  private fail(response: DebugProtocol.Response, message: string): void {
    this.sendErrorResponse(response, { id: 1001, format: '{_message}', variables: { _message: message }, showUser: true });
  }

  private reply(response: DebugProtocol.Response, body?: unknown): true {
    if (body !== undefined) response.body = body;
    this.sendResponse(response);
    return true;
  }

  private dbg(): Debuggee {
    if (!this.debuggee) throw new DapError('no program is being debugged (send launch first)');
    return this.debuggee;
  }

  private vars(): Variables {
    if (!this.variables) throw new DapError('no program is being debugged (send launch first)');
    return this.variables;
  }

  /** Requests that read the program need it stopped. */
  private stopped(): true {
    const d = this.dbg();
    if (d.state === 'running') throw new DapError('the program is running: pause it first');
    if (d.state === 'ended') throw new DapError('the program has ended');
    return true;
  }

  private line(n: number): number {
    return this.linesStartAt1 ? n : n + 1;
  }

  // ---- life cycle ----
  private initialize(a: Args, r: DebugProtocol.Response): void {
    this.linesStartAt1 = optBool(a, 'linesStartAt1') ?? true;
    this.reply(r, CAPABILITIES);
  }

  private launch(a: Args, r: DebugProtocol.Response): void {
    if (this.debuggee) throw new DapError('launch: a program is already being debugged in this session');
    const { settings, program, options } = this.prepare(a);
    this.settings = settings;
    this.options = options;
    this.create(new Breakpoints(program));
    this.reply(r);
    this.sendEvent(new InitializedEvent());
    if (this.configured) this.begin();
    else setTimeout(() => this.begin(), 2000);
  }

  /** Launch attributes validated, the scenario compiled on its runtime, the schedule file read: or a DapError saying what is wrong. */
  private prepare(a: Args): { settings: LaunchSettings; program: Program; options: RunOptions } {
    const settings = validateLaunchArgs(a);
    if ('error' in settings) throw new DapError(settings.error);
    let compiled;
    try {
      compiled = compileScenario(settings.program, settings.runtime, fsLoader);
    } catch (e) {
      throw new DapError(`internal error while compiling: ${errorMessage(e)}`);
    }
    if (!compiled.ok) throw new DapError(compiled.error);
    const options: RunOptions = { gomaxprocs: settings.gomaxprocs, strategy: settings.strategy, seed: settings.seed };
    if (settings.maxSteps !== undefined) options.maxSteps = settings.maxSteps;
    if (settings.scheduleFile !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(settings.scheduleFile, 'utf8');
      } catch (e) {
        throw new DapError(`launch attribute "schedule.file": cannot read ${settings.scheduleFile}: ${errorMessage(e)}`);
      }
      const record = parseScheduleRecord(text, settings.scheduleFile, compiled.program.hash);
      if ('error' in record) throw new DapError(record.error);
      options.schedule = record;
      options.gomaxprocs = record.gomaxprocs;
      const outcome = recordedOutcome(text);
      settings.recordedFailure = outcome === undefined ? undefined : haltFilter(outcome) ?? undefined;
    }
    return { settings, program: compiled.program, options };
  }

  private create(bps: Breakpoints): void {
    const settings = this.settings as LaunchSettings;
    const program = bps.program;
    const d = new Debuggee(program, settings, this.options, bps, {
      output: (text, category) => this.sendEvent(new OutputEvent(text, category)),
      stopped: (stop) => this.onStopped(stop),
      ended: (code) => {
        this.sendEvent(new ExitedEvent(code));
        this.sendEvent(new TerminatedEvent());
      },
    });
    this.debuggee = d;
    this.frames = new Frames(program);
    this.variables = new Variables(d.vm, program, d.sweep);
  }

  private configurationDone(r: DebugProtocol.Response): void {
    this.configured = true;
    this.reply(r);
    if (this.debuggee) this.begin();
  }

  private begin(): void {
    if (this.started || !this.debuggee) return;
    this.started = true;
    if (this.settings?.stopOnEntry) this.debuggee.stopOnEntry();
    else this.debuggee.continue();
  }

  private onStopped(stop: Stop): void {
    const d = this.dbg();
    this.frames?.reset();
    this.variables?.reset();
    const e = new StoppedEvent(stop.reason, this.stoppedThread(stop), stop.text) as DebugProtocol.StoppedEvent;
    e.body.description = stop.description;
    e.body.allThreadsStopped = true;
    if (stop.hitBreakpointIds) e.body.hitBreakpointIds = stop.hitBreakpointIds;
    this.sendEvent(e);
  }

  /**
   * The thread a stop focuses: the goroutine's, when the stop names one that has left the M it
   * stopped on (a race window at the prologue where the runtime preempts the owner: by the
   * time the stop is reported the owner waits on the run queue with its stack); else the M's.
   */
  private stoppedThread(stop: Stop): number {
    const d = this.dbg();
    const m = stop.mId !== undefined ? d.vm.ms[stop.mId] : undefined;
    const g = stop.gIndex !== undefined ? d.vm.gs[stop.gIndex] : undefined;
    if (g && (!m || m.exec !== g) && g.frames.length > 0) return d.threads.threadOfG(g);
    return d.threads.mThreadId(m ?? d.vm.cur);
  }

  /**
   * Runs the program again from the start. With `arguments` (the launch configuration as it
   * is now: VS Code sends it) the scenario is compiled afresh, so an edit takes effect, and the
   * breakpoints are bound to the new program under the ids the client knows. Anything wrong
   * with the new configuration is answered as an error and the current run goes on.
   */
  private restart(a: Args, r: DebugProtocol.Response): void {
    const old = this.dbg();
    const fresh = a.arguments === undefined ? null : this.prepare(obj(a, 'arguments'));
    const rebound = fresh ? old.bps.rebound(fresh.program) : { bps: old.bps, answers: [] };
    old.kill();
    if (fresh) {
      this.settings = fresh.settings;
      this.options = fresh.options;
    }
    this.create(rebound.bps);
    for (const b of rebound.answers) this.sendEvent(new BreakpointEvent('changed', b));
    for (const g of rebound.bps.guards()) g.hits = 0;
    this.started = false;
    this.reply(r);
    this.begin();
  }

  private terminate(r: DebugProtocol.Response): void {
    const d = this.debuggee;
    this.reply(r);
    if (d && d.state !== 'ended') {
      d.kill();
      this.sendEvent(new ExitedEvent(0));
      this.sendEvent(new TerminatedEvent());
    }
  }

  private disconnect(r: DebugProtocol.Response): void {
    this.debuggee?.kill();
    this.reply(r);
  }

  // ---- threads, frames, scopes ----
  private thread(id: number): { m: Mach | null; g: Gor } {
    const d = this.dbg();
    const t = d.threads.resolve(id);
    if (!t) throw new DapError(`unknown threadId ${id} (ask 'threads' for the current ones)`);
    return t.k === 'm' ? { m: t.m, g: t.m.exec } : { m: null, g: t.g };
  }

  private stackTrace(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    const d = this.dbg();
    const { m, g } = this.thread(int(a, 'threadId'));
    const all = (this.frames as Frames).stack(m, g, (x) => d.vm.goid(x)).map((f) => ({ ...f, line: f.line ? this.line(f.line) - (this.linesStartAt1 ? 0 : 2) + (this.linesStartAt1 ? 0 : 1) : f.line }));
    const start = optInt(a, 'startFrame', 0) ?? 0;
    const levels = optInt(a, 'levels', 0) ?? 0;
    const frames = levels > 0 ? all.slice(start, start + levels) : all.slice(start);
    this.reply(r, { stackFrames: frames, totalFrames: all.length });
  }

  private frameRef(a: Args): FrameRef | undefined {
    const id = optInt(a, 'frameId');
    return id === undefined ? undefined : (this.frames as Frames).get(id);
  }

  /** The frame requests without a frameId use: the top of the thread that last stopped. */
  private focus(a: Args): { m: Mach | null; g: Gor; frame?: Frame; builtin?: FrameRef['builtin'] } {
    const f = this.frameRef(a);
    if (f) return f;
    const d = this.dbg();
    const m = d.lastStop?.mId !== undefined ? d.vm.ms[d.lastStop.mId] ?? d.vm.cur : d.vm.cur;
    const g = m.exec;
    return { m, g, frame: g.frames[g.frames.length - 1] };
  }

  private scopes(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    const f = (this.frames as Frames).get(int(a, 'frameId'));
    const v = this.vars();
    const scopes: DebugProtocol.Scope[] = [];
    if (f.frame) scopes.push({ name: f.builtin ? `Arguments of ${f.builtin.name}` : 'Locals', presentationHint: f.builtin ? 'arguments' : 'locals', variablesReference: v.add({ k: 'locals', g: f.g, frame: f.frame, args: f.builtin ? f.builtin.args : [] }), expensive: false });
    scopes.push({ name: 'Globals', variablesReference: v.add({ k: 'globals' }), expensive: false });
    scopes.push({ name: 'Runtime', presentationHint: 'registers', variablesReference: v.add({ k: 'runtime', m: f.m, g: f.g }), expensive: false });
    this.reply(r, { scopes });
  }

  // ---- values ----
  private evaluate(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    const expression = str(a, 'expression');
    const f = this.focus(a);
    const d = this.dbg();
    const { value } = d.evaluate(expression, f.m, f.g, f.frame);
    const v = this.vars().variable({ name: expression, type: value.type, addr: value.addr, value: value.addr === undefined ? value.value : undefined, path: expression });
    this.reply(r, { result: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, memoryReference: v.memoryReference });
  }

  private completions(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    const f = this.focus(a);
    const d = this.dbg();
    const typeOf = (expression: string) => {
      try {
        return d.evaluate(expression, f.m, f.g, f.frame).value.type;
      } catch {
        return undefined;
      }
    };
    const targets = complete(str(a, 'text'), int(a, 'column', 1), { program: d.program, frame: f.frame, args: f.builtin?.args ?? [], typeOf });
    this.reply(r, { targets });
  }

  private afterWrite(addr: number, size: number): void {
    this.dbg().edited();
    this.sendEvent(new MemoryEvent(hex(addr), 0, size));
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  private setVariable(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    const v = this.vars();
    const ref = int(a, 'variablesReference', 1);
    const name = str(a, 'name');
    const text = str(a, 'value');
    const slot = v.slot(ref, name);
    if (slot.addr === undefined) throw new DapError(`'${name}' is a builtin's argument, already evaluated: it cannot be changed`);
    const c = v.get(ref);
    const f = c.k === 'locals' ? { m: null, g: c.g, frame: c.frame } : this.focus({});
    const d = this.dbg();
    const { value, evaluator } = d.evaluate(text, f.m, f.g, f.frame);
    const converted = evaluator.convert(value, slot.type);
    evaluator.store(slot.addr, slot.type, converted.value);
    this.afterWrite(slot.addr, sizeOf(slot.type));
    const shown = v.variable(slot);
    this.reply(r, { value: shown.value, type: shown.type, variablesReference: shown.variablesReference });
  }

  private setExpression(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    const f = this.focus(a);
    const d = this.dbg();
    const target = d.lvalue(str(a, 'expression'), f.m, f.g, f.frame);
    const { value, evaluator } = d.evaluate(str(a, 'value'), f.m, f.g, f.frame);
    evaluator.store(target.addr, target.type, evaluator.convert(value, target.type).value);
    this.afterWrite(target.addr, sizeOf(target.type));
    const shown = this.vars().variable({ name: str(a, 'expression'), type: target.type, addr: target.addr, path: str(a, 'expression') });
    this.reply(r, { value: shown.value, type: shown.type, variablesReference: shown.variablesReference });
  }

  private exceptionInfo(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    this.thread(int(a, 'threadId'));
    const ex = this.dbg().lastStop?.exception;
    if (!ex) throw new DapError('the program is not stopped at an exception');
    this.reply(r, { exceptionId: ex.id, description: ex.description, breakMode: 'always', details: { message: ex.description, stackTrace: ex.details } });
  }

  // ---- breakpoints ----
  private setBreakpoints(a: Args, r: DebugProtocol.Response): void {
    const source = obj(a, 'source');
    const file = str(source, 'path');
    const bps = objArray(a, 'breakpoints').map((b) => ({ ...b, line: this.linesStartAt1 ? b.line : typeof b.line === 'number' ? b.line + 1 : b.line }));
    const result = this.dbg().bps.setLines(file, bps).map((b) => ({ ...b, source: { path: file } }));
    this.reply(r, { breakpoints: result });
  }

  private breakpointLocations(a: Args, r: DebugProtocol.Response): void {
    const source = obj(a, 'source');
    const line = int(a, 'line', 0);
    const end = optInt(a, 'endLine', 0) ?? line;
    this.reply(r, { breakpoints: this.dbg().bps.locations(str(source, 'path'), line, end).map((l) => ({ line: l })) });
  }

  private dataBreakpointInfo(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    const name = str(a, 'name');
    const ref = optInt(a, 'variablesReference', 1);
    const d = this.dbg();
    let addr: number;
    let size: number;
    let what = name;
    if (optBool(a, 'asAddress')) {
      addr = parseAddress(name, 'address');
      size = optInt(a, 'bytes', 1) ?? 4;
      what = hex(addr);
    } else if (ref !== undefined) {
      const slot = this.vars().slot(ref, name);
      if (slot.addr === undefined) return void this.reply(r, { dataId: null, description: `${name} is not in memory (an evaluated argument)` });
      addr = slot.addr;
      size = optInt(a, 'bytes', 1) ?? sizeOf(slot.type);
      what = slot.path;
    } else {
      const f = this.focus(a);
      const lv = d.lvalue(name, f.m, f.g, f.frame);
      addr = lv.addr;
      size = optInt(a, 'bytes', 1) ?? sizeOf(lv.type);
    }
    const description = Breakpoints.describeData(what, addr, size);
    this.reply(r, { dataId: Breakpoints.dataId(addr, size, description), description, accessTypes: ['read', 'write', 'readWrite'], canPersist: false });
  }

  // ---- execution ----
  private resume(a: Args, r: DebugProtocol.Response, how: 'continue' | StepKind): void {
    const d = this.dbg();
    if (d.state === 'running') throw new DapError('the program is already running');
    if (d.state === 'ended') throw new DapError('the program has ended');
    const { m, g } = this.thread(int(a, 'threadId'));
    const single = optBool(a, 'singleThread') ?? false;
    if (how === 'continue') {
      if (single && !m) throw new DapError('singleThread needs an M thread: this goroutine has no M to run it');
      this.reply(r, { allThreadsContinued: !single });
      if (single && m) d.runThread(m);
      else d.continue();
      return;
    }
    if (m && m.state !== 'running') throw new DapError(`M${m.id} is ${m.state}: it runs no goroutine to step`);
    const err = d.step(how, m, g);
    if (err) throw new DapError(err);
    this.reply(r);
  }

  private back(a: Args, r: DebugProtocol.Response, toBreakpoint: boolean): void {
    this.stopped();
    const d = this.dbg();
    const { g } = this.thread(int(a, 'threadId'));
    this.reply(r);
    if (toBreakpoint) d.reverseContinue();
    else d.stepBack(g);
  }

  // ---- memory ----
  private readMemory(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    const base = parseAddress(str(a, 'memoryReference')) + (optInt(a, 'offset') ?? 0);
    const count = int(a, 'count', 0);
    if (count > MAX_READ) throw new DapError(`count ${count} is too large (at most ${MAX_READ} bytes per request)`);
    const mem = this.dbg().vm.mem;
    let n = 0;
    while (n < count && mem.isMapped(base + n, 1)) n++;
    const data = Buffer.from(mem.u8.subarray(base, base + n)).toString('base64');
    this.reply(r, { address: hex(base), data, unreadableBytes: count - n });
  }

  private writeMemory(a: Args, r: DebugProtocol.Response): void {
    this.stopped();
    const base = parseAddress(str(a, 'memoryReference')) + (optInt(a, 'offset') ?? 0);
    const text = str(a, 'data');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new DapError("'data' must be base64");
    const bytes = Buffer.from(text, 'base64');
    const mem = this.dbg().vm.mem;
    let n = 0;
    while (n < bytes.length && mem.isMapped(base + n, 1)) n++;
    if (n < bytes.length && !(optBool(a, 'allowPartial') ?? false)) throw new DapError(`cannot write ${bytes.length} bytes at ${hex(base)}: ${hex(base + n)} is not mapped`);
    mem.u8.set(bytes.subarray(0, n), base);
    mem.markWritten(base, n);
    this.afterWrite(base, n);
    this.reply(r, { offset: 0, bytesWritten: n });
  }
}

import type { Frame, Gor, Mach } from '../engine/vm/threads';
export { optStr };
