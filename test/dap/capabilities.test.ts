// A snapshot of the capabilities the adapter advertises, each tied to the DAP request or
// argument that exercises it; the check reads the DAP test sources, so advertising a new
// capability without a test that uses it fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CAPABILITIES } from '../../debug-adapter/session/session';

/** A request sent for real (dap.ok / dap.request / resumeTo), not merely named in a list such as the fuzz test's. */
const sent = (command: string): RegExp => new RegExp(`\\b(?:ok|request)(?:<[^>]*>)?\\(\\s*'${command}'|resumeTo\\(\\w+, '${command}'`);

/** capability → what only a test using it contains: a request it sends, or an argument it passes. */
const USED_BY: Record<string, RegExp | string> = {
  supportsConfigurationDoneRequest: sent('configurationDone'),
  supportsFunctionBreakpoints: sent('setFunctionBreakpoints'),
  supportsConditionalBreakpoints: 'condition:',
  supportsHitConditionalBreakpoints: 'hitCondition:',
  supportsLogPoints: 'logMessage:',
  supportsEvaluateForHovers: "context: 'hover'",
  exceptionBreakpointFilters: sent('setExceptionBreakpoints'),
  supportsExceptionFilterOptions: 'filterOptions:',
  supportsExceptionInfoRequest: sent('exceptionInfo'),
  supportsStepBack: sent('stepBack'),
  supportsSetVariable: sent('setVariable'),
  supportsSetExpression: sent('setExpression'),
  supportsRestartRequest: sent('restart'),
  supportsTerminateRequest: sent('terminate'),
  supportsDataBreakpoints: sent('setDataBreakpoints'),
  supportsDataBreakpointBytes: 'asAddress: true',
  supportsReadMemoryRequest: sent('readMemory'),
  supportsWriteMemoryRequest: sent('writeMemory'),
  supportsBreakpointLocationsRequest: sent('breakpointLocations'),
  supportsSingleThreadExecutionRequests: 'singleThread: true',
  supportsCompletionsRequest: sent('completions'),
  completionTriggerCharacters: "text: 'pair.'",
};

test('every advertised capability is exercised by a DAP test', () => {
  const dir = __dirname;
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== path.basename(__filename))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  const advertised = Object.keys(CAPABILITIES).filter((k) => (CAPABILITIES as Record<string, unknown>)[k] !== false);
  assert.deepEqual(advertised.filter((k) => !(k in USED_BY)), [], 'capabilities without an entry in USED_BY');
  for (const k of advertised) {
    const need = USED_BY[k];
    assert.ok(typeof need === 'string' ? sources.includes(need) : need.test(sources), `${k}: no DAP test contains ${String(need)}`);
  }
  // the pattern itself: a name in a list is not a use
  assert.ok(!sent('stepBack').test("const COMMANDS = ['next', 'stepBack'];") && sent('stepBack').test("await resumeTo(dap, 'stepBack', {})"));
  assert.deepEqual(CAPABILITIES.exceptionBreakpointFilters?.map((f) => f.filter), ['throw', 'fault', 'sweepgen-cas', 'sweepgen-store', 'race-window', 'invariant']);
  assert.deepEqual(CAPABILITIES.exceptionBreakpointFilters?.filter((f) => f.supportsCondition).map((f) => f.filter), ['sweepgen-cas', 'sweepgen-store']);
});
