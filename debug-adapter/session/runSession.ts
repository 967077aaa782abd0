// The SweepScope debug session (DAP, on @vscode/debugadapter). This first version launches a
// scenario, reports compile errors on the launch request, runs the program to completion with
// its printf output as output events, reports the outcome and ends. Stepping, breakpoints and
// variables come with later issues; no capability is advertised before it is implemented.
import * as fs from 'node:fs';
import {
  DebugSession,
  ExitedEvent,
  InitializedEvent,
  OutputEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { runProgram, type Program, type RunOptions } from '../engine';
import { errorMessage, fsLoader } from '../runtimes';
import { compileScenario, describeOutcome, parseScheduleRecord } from '../runSupport';
import { validateLaunchArgs, type LaunchSettings } from './launchArgs';

const MAIN_THREAD_ID = 1;
/** Error ids of the failed-launch responses. */
const ERR_LAUNCH = 1001;

export class SweepScopeSession extends DebugSession {
  private configurationDone = false;
  private onConfigurationDone: (() => void) | undefined;
  private finished = false;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected initializeRequest(
    response: DebugProtocol.InitializeResponse,
    _args: DebugProtocol.InitializeRequestArguments,
  ): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsTerminateRequest: true,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected configurationDoneRequest(
    response: DebugProtocol.ConfigurationDoneResponse,
    _args: DebugProtocol.ConfigurationDoneArguments,
  ): void {
    this.configurationDone = true;
    this.sendResponse(response);
    this.onConfigurationDone?.();
  }

  /** Breakpoints are a later issue: answer honestly that none is bound. */
  protected setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    const requested = args.breakpoints ?? [];
    response.body = {
      breakpoints: requested.map((b) => ({
        verified: false,
        line: b.line,
        message: 'SweepScope does not support breakpoints yet',
      })),
    };
    this.sendResponse(response);
  }

  protected launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): void {
    const settings = validateLaunchArgs(args);
    if ('error' in settings) return this.failLaunch(response, settings.error);
    let compiled;
    try {
      compiled = compileScenario(settings.program, settings.runtime, fsLoader);
    } catch (e) {
      return this.failLaunch(response, `internal error while compiling: ${errorMessage(e)}`);
    }
    if (!compiled.ok) return this.failLaunch(response, compiled.error);
    const options = this.runOptions(settings, compiled.program.hash);
    if ('error' in options) return this.failLaunch(response, options.error);
    this.sendResponse(response);
    if (settings.stopOnEntry) {
      this.sendEvent(new OutputEvent('stopOnEntry: stepping is not supported yet; running to completion\n', 'console'));
    }
    const start = () => setImmediate(() => this.run(compiled.program, options));
    // Run once VS Code has sent its configuration (or at once if it already has, or never will).
    if (this.configurationDone) start();
    else {
      const timer = setTimeout(() => this.onConfigurationDone?.(), 1000);
      this.onConfigurationDone = () => {
        clearTimeout(timer);
        this.onConfigurationDone = undefined;
        start();
      };
    }
  }

  private runOptions(s: LaunchSettings, hash: string): RunOptions | { error: string } {
    const options: RunOptions = { gomaxprocs: s.gomaxprocs, strategy: s.strategy, seed: s.seed };
    if (s.maxSteps !== undefined) options.maxSteps = s.maxSteps;
    if (s.scheduleFile !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(s.scheduleFile, 'utf8');
      } catch (e) {
        return { error: `launch attribute "schedule.file": cannot read ${s.scheduleFile}: ${errorMessage(e)}` };
      }
      const record = parseScheduleRecord(text, s.scheduleFile, hash);
      if ('error' in record) return record;
      options.schedule = record;
      options.gomaxprocs = record.gomaxprocs;
    }
    return options;
  }

  private run(program: Program, options: RunOptions): void {
    if (this.finished) return;
    let exitCode = 1;
    try {
      const result = runProgram(program, {
        ...options,
        onOutput: (text: string) => this.sendEvent(new OutputEvent(text, 'stdout')),
      });
      const sep = result.output !== '' && !result.output.endsWith('\n') ? '\n' : '';
      this.sendEvent(new OutputEvent(`${sep}outcome: ${describeOutcome(result)}\n`, result.outcome === 'exit' ? 'console' : 'stderr'));
      exitCode = result.outcome === 'exit' ? 0 : 1;
    } catch (e) {
      this.sendEvent(new OutputEvent(`sweepscope: internal error: ${errorMessage(e)}\n`, 'stderr'));
    }
    this.end(exitCode);
  }

  private end(exitCode: number): void {
    if (this.finished) return;
    this.finished = true;
    this.sendEvent(new ExitedEvent(exitCode));
    this.sendEvent(new TerminatedEvent());
  }

  private failLaunch(response: DebugProtocol.Response, message: string): void {
    // The message goes in as a variable: DAP formats `{name}` placeholders, and ours may hold braces.
    this.sendErrorResponse(response, {
      id: ERR_LAUNCH,
      format: '{_message}',
      variables: { _message: message },
      showUser: true,
    });
  }

  protected threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(MAIN_THREAD_ID, 'M0')] };
    this.sendResponse(response);
  }

  protected terminateRequest(
    response: DebugProtocol.TerminateResponse,
    _args: DebugProtocol.TerminateArguments,
  ): void {
    this.sendResponse(response);
    this.end(0);
  }

  protected disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
    _args: DebugProtocol.DisconnectArguments,
  ): void {
    this.finished = true;
    this.sendResponse(response);
  }
}
