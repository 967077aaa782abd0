// Shared steps of the debug adapter tests: start the real adapter process, launch a program
// with breakpoints set during configuration, and read threads, frames, scopes and variables.
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapClient } from './dapClient';

export const ROOT = path.resolve(__dirname, '..', '..');
export const dapProgram = (name: string): string => path.join(ROOT, 'test', 'programs', 'dap', name);
export const example = (name: string): string => path.join(ROOT, 'examples', name);

export interface Configure {
  filters?: string[];
  filterOptions?: DebugProtocol.ExceptionFilterOptions[];
  lines?: { file: string; breakpoints: DebugProtocol.SourceBreakpoint[] }[];
  functions?: DebugProtocol.FunctionBreakpoint[];
}

/** Initializes, launches and configures; resolves once configurationDone was answered. */
export async function launch(launchArgs: Record<string, unknown>, configure: Configure = {}): Promise<DapClient> {
  const dap = new DapClient();
  await dap.ok('initialize', { adapterID: 'sweepscope', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
  const launched = dap.request('launch', launchArgs);
  await dap.waitForEvent('initialized');
  for (const l of configure.lines ?? []) await dap.ok('setBreakpoints', { source: { path: l.file }, breakpoints: l.breakpoints });
  if (configure.functions) await dap.ok('setFunctionBreakpoints', { breakpoints: configure.functions });
  await dap.ok('setExceptionBreakpoints', { filters: configure.filters ?? [], filterOptions: configure.filterOptions });
  await dap.ok('configurationDone');
  const r = await launched;
  if (!r.success) throw new Error(`launch failed: ${r.message}`);
  return dap;
}

export type Stopped = DebugProtocol.StoppedEvent['body'];

/**
 * Every hit of a line over a whole run, in order: a logpoint there logs `hit {what}` and the run
 * goes to its end; each hit is what `what` interpolated to (e.g. '{id}:{i}' gives "1:0").
 */
export async function logpointHits(launchArgs: Record<string, unknown>, file: string, line: number, what: string): Promise<string[]> {
  const log = await launch(launchArgs, { lines: [{ file, breakpoints: [{ line, logMessage: `hit ${what}` }] }] });
  try {
    await log.waitForEvent('terminated');
    return [...log.output('console').matchAll(/^hit (.*)$/gm)].map((m) => m[1]);
  } finally {
    log.close();
  }
}

/** Waits for the next stopped event after `from` (an index from dap.mark()). */
export async function stopped(dap: DapClient, from = 0, timeoutMs = 20_000): Promise<Stopped> {
  return ((await dap.nextEvent('stopped', from, timeoutMs)) as DebugProtocol.StoppedEvent).body;
}

/** Runs a request that resumes the program and waits for the stop it leads to. */
export async function resumeTo(dap: DapClient, command: string, args: Record<string, unknown>): Promise<Stopped> {
  const at = dap.mark();
  await dap.ok(command, args);
  return stopped(dap, at);
}

export async function threads(dap: DapClient): Promise<DebugProtocol.Thread[]> {
  return (await dap.ok<{ threads: DebugProtocol.Thread[] }>('threads')).threads;
}

export async function frames(dap: DapClient, threadId: number): Promise<DebugProtocol.StackFrame[]> {
  return (await dap.ok<{ stackFrames: DebugProtocol.StackFrame[] }>('stackTrace', { threadId })).stackFrames;
}

/** The variables of a frame's scope by scope name ('Locals', 'Globals', 'Runtime'). */
export async function scopeVariables(dap: DapClient, frameId: number, scope: string): Promise<DebugProtocol.Variable[]> {
  const { scopes } = await dap.ok<{ scopes: DebugProtocol.Scope[] }>('scopes', { frameId });
  const s = scopes.find((x) => x.name === scope || x.name.startsWith(scope));
  if (!s) throw new Error(`no scope ${scope} in ${scopes.map((x) => x.name).join(', ')}`);
  return variables(dap, s.variablesReference);
}

export async function variables(dap: DapClient, variablesReference: number, extra: Record<string, unknown> = {}): Promise<DebugProtocol.Variable[]> {
  return (await dap.ok<{ variables: DebugProtocol.Variable[] }>('variables', { variablesReference, ...extra })).variables;
}

export async function evaluate(dap: DapClient, expression: string, frameId?: number): Promise<string> {
  return (await dap.ok<{ result: string }>('evaluate', { expression, frameId, context: 'watch' })).result;
}

export function byName(vars: DebugProtocol.Variable[], name: string): DebugProtocol.Variable {
  const v = vars.find((x) => x.name === name);
  if (!v) throw new Error(`no variable ${name} among ${vars.map((x) => x.name).join(', ')}`);
  return v;
}
