// A snapshot of the capabilities the adapter advertises, each tied to the DAP request or
// argument that exercises it; the check reads the DAP test sources, so advertising a new
// capability without a test that uses it fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CAPABILITIES } from '../../debug-adapter/session/session';

/** capability → a string that only a test using it contains. */
const USED_BY: Record<string, string> = {
  supportsConfigurationDoneRequest: "'configurationDone'",
  supportsFunctionBreakpoints: "'setFunctionBreakpoints'",
  supportsConditionalBreakpoints: 'condition:',
  supportsHitConditionalBreakpoints: 'hitCondition:',
  supportsLogPoints: 'logMessage:',
  supportsEvaluateForHovers: "context: 'hover'",
  exceptionBreakpointFilters: "'setExceptionBreakpoints'",
  supportsExceptionFilterOptions: 'filterOptions:',
  supportsExceptionInfoRequest: "'exceptionInfo'",
  supportsStepBack: "'stepBack'",
  supportsSetVariable: "'setVariable'",
  supportsSetExpression: "'setExpression'",
  supportsRestartRequest: "'restart'",
  supportsTerminateRequest: "'terminate'",
  supportsDataBreakpoints: "'setDataBreakpoints'",
  supportsDataBreakpointBytes: 'asAddress: true',
  supportsReadMemoryRequest: "'readMemory'",
  supportsWriteMemoryRequest: "'writeMemory'",
  supportsBreakpointLocationsRequest: "'breakpointLocations'",
  supportsSingleThreadExecutionRequests: 'singleThread: true',
  supportsCompletionsRequest: "'completions'",
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
  for (const k of advertised) assert.ok(sources.includes(USED_BY[k]), `${k}: no DAP test contains ${USED_BY[k]}`);
  assert.deepEqual(CAPABILITIES.exceptionBreakpointFilters?.map((f) => f.filter), ['throw', 'fault', 'sweepgen-cas', 'sweepgen-store', 'race-window', 'invariant']);
  assert.deepEqual(CAPABILITIES.exceptionBreakpointFilters?.filter((f) => f.supportsCondition).map((f) => f.filter), ['sweepgen-cas', 'sweepgen-store']);
});
