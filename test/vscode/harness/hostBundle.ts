// Builds what the extension-host tests need into .cache/vscode-host-tests/: the mocha entry
// (index.js) and one bundle per suite (test/vscode/host/*.suite.ts → *.suite.js), with `vscode`
// and `mocha` left to the extension host and node_modules; and the stand-in "VS Code
// executable" (code-shim.js) that @vscode/test-electron starts here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { HOST_TESTS_OUT, REPO_ROOT } from './paths';

export const HOST_TESTS_ENTRY = path.join(HOST_TESTS_OUT, 'index.js');
export const CODE_SHIM = path.join(HOST_TESTS_OUT, 'code-shim.js');

export async function buildHostTests(): Promise<void> {
  const hostDir = path.join(REPO_ROOT, 'test', 'vscode', 'host');
  const suites = fs.readdirSync(hostDir).filter((f) => f.endsWith('.suite.ts')).map((f) => path.join(hostDir, f));
  fs.rmSync(HOST_TESTS_OUT, { recursive: true, force: true });
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'error', absWorkingDir: REPO_ROOT } as const;
  await build({ ...common, entryPoints: [path.join(hostDir, 'index.ts'), ...suites], outdir: HOST_TESTS_OUT, external: ['vscode', 'mocha'] });
  await build({
    ...common,
    entryPoints: [path.join(REPO_ROOT, 'test', 'vscode', 'harness', 'codeShim.ts')],
    outfile: CODE_SHIM,
    external: ['playwright-core'],
    banner: { js: '#!/usr/bin/env node' },
  });
  fs.chmodSync(CODE_SHIM, 0o755);
}
