// `npm test` entry of the extension-host suites (test/vscode/host/*.suite.ts), run on what a
// user installs: the extension is packaged (vsce), installed into a clean code-server with
// --install-extension, and the installed copy (its bundles, models and examples) runs every
// suite through @vscode/test-electron and the stand-in executable. Fails when any suite fails or
// the setup cannot be completed. (`npm run test:vscode-host` runs the same suites on the
// working tree, here or in desktop VS Code.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ensureRealVsCode } from './harness/install';
import { REPO_ROOT, RUNS_DIR } from './harness/paths';
import { EXTENSION_ID, installVsix, packageVsix } from './harness/vsix';
import { runHostTests } from './runHostTests';

test('the VSIX installs into a clean code-server and the extension-host suites pass on the installed copy', async () => {
  const t0 = Date.now();
  ensureRealVsCode();
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  const run = fs.mkdtempSync(path.join(RUNS_DIR, 'installed-'));
  try {
    const vsix = path.join(run, 'sweepscope.vsix');
    packageVsix(vsix);
    const { folder, listed } = installVsix(vsix, run);
    const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.match(listed, new RegExp(`^${EXTENSION_ID.replace('.', '\\.')}@${version.replace(/\./g, '\\.')}$`, 'm'), 'code-server lists the installed extension');
    assert.ok(fs.existsSync(path.join(folder, 'dist', 'adapter.js')), 'the installed extension has its adapter');
    const code = await runHostTests({ extensionPath: folder });
    console.log(`  extension-host suites on the installed VSIX: exit ${code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(code, 0, 'every extension-host test passed (their report is above)');
  } finally {
    fs.rmSync(run, { recursive: true, force: true });
  }
});
