// `npm test` entry of the extension-host suites (test/vscode/host/*.suite.ts): runs them with
// @vscode/test-electron through the stand-in executable in code-server (runHostTests.ts), after
// installing what is missing. Fails when any suite fails or the setup cannot be completed.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { runHostTests } from './runHostTests';

test('extension-host suites pass inside a real VS Code (code-server via @vscode/test-electron)', async () => {
  const t0 = Date.now();
  const code = await runHostTests();
  console.log(`  extension-host suites: exit ${code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  assert.equal(code, 0, 'every extension-host test passed (their report is above)');
});
