// Runs the extension-host suites (test/vscode/host/*.suite.ts) with @vscode/test-electron's
// runTests, in a fresh copy of examples/. Here it points runTests at the stand-in executable,
// which runs them in code-server; with `--desktop` (or SWEEPSCOPE_VSCODE=desktop) runTests
// downloads and starts desktop VS Code 1.100.3 instead — the suites are the same.
//   npm run test:vscode-host [-- --desktop] [-- --suites=panels,debugging]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runTests } from '@vscode/test-electron';
import { buildHostTests, CODE_SHIM, HOST_TESTS_ENTRY } from './harness/hostBundle';
import { ensureRealVsCode } from './harness/install';
import { EXAMPLES_DIR, REPO_ROOT, RUNS_DIR } from './harness/paths';

const DESKTOP_VERSION = '1.100.3';
/** Read by host/index.ts: a comma-separated list of words selecting suite files. */
const SUITES_ENV = 'SWEEPSCOPE_HOST_SUITES';

export interface HostRunOptions {
  desktop?: boolean;
  /** Build dist/ first (the standalone command does; `npm test` has just built it). */
  buildExtension?: boolean;
  /** The extension to load (default: this repository; the VSIX test passes an installed copy). */
  extensionPath?: string;
  /** Only the suites whose file name contains one of these words (default: all). */
  suites?: string[];
}

/** Resolves with runTests' exit code (0 = every suite passed); setup failures throw. */
export async function runHostTests(options: HostRunOptions = {}): Promise<number> {
  if (options.buildExtension) {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed: fix the build first');
  }
  if (!options.desktop) ensureRealVsCode();
  await buildHostTests();
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  const run = fs.mkdtempSync(path.join(RUNS_DIR, 'host-'));
  const extensionPath = options.extensionPath ?? REPO_ROOT;
  const workspace = path.join(run, 'examples');
  fs.cpSync(options.extensionPath ? path.join(extensionPath, 'examples') : EXAMPLES_DIR, workspace, { recursive: true });
  try {
    return await runTests({
      vscodeExecutablePath: options.desktop ? undefined : CODE_SHIM,
      version: options.desktop ? DESKTOP_VERSION : undefined,
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: HOST_TESTS_ENTRY,
      extensionTestsEnv: options.suites ? { [SUITES_ENV]: options.suites.join(',') } : undefined,
      launchArgs: [workspace, `--extensions-dir=${path.join(run, 'extensions')}`, `--user-data-dir=${path.join(run, 'user-data')}`],
    });
  } catch (e) {
    // runTests rejects with TestRunFailedError on a non-zero exit
    const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'number' ? e.code : undefined;
    if (code !== undefined) return code;
    throw e;
  } finally {
    fs.rmSync(run, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const desktop = process.argv.includes('--desktop') || process.env.SWEEPSCOPE_VSCODE === 'desktop';
  const suites = process.argv.find((a) => a.startsWith('--suites='))?.slice('--suites='.length).split(',');
  runHostTests({ desktop, buildExtension: true, suites }).then(
    (code) => {
      console.log(code === 0 ? 'extension-host tests: passed' : `extension-host tests: FAILED (exit ${code})`);
      process.exit(code);
    },
    (e: unknown) => {
      console.error(`extension-host tests could not run: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
