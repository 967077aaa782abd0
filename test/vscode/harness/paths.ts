// Where the real-VS-Code harness keeps things: the repository root, the ignored cache folder
// (.cache/) holding code-server, scratch run directories, bundled extension-host tests and
// screenshots. One place, so the installer, the shim, the tests and `npm run ide` agree.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder holding SweepScope's package.json, found upwards from this file (or its bundle). */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && /"name":\s*"sweepscope"/.test(fs.readFileSync(manifest, 'utf8'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find SweepScope's package.json above ${start}`);
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');

/** code-server 4.100.3 is VS Code 1.100.3 and the last 4.x release whose engines.node is 20. */
export const CODE_SERVER_VERSION = '4.100.3';
export const CODE_SERVER_DIR = path.join(CACHE_DIR, 'code-server');
export const CODE_SERVER_BIN = path.join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');

/** Debian's Chromium, driven by playwright-core (no browser download). */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Scratch space for code-server and Chromium runs (user data, XDG dirs, TMPDIR). */
export const RUNS_DIR = path.join(CACHE_DIR, 'runs');
/** The extension-host test bundle and the stand-in executable, built from test/vscode/. */
export const HOST_TESTS_OUT = path.join(CACHE_DIR, 'vscode-host-tests');
export const SCREENSHOTS_DIR = path.join(CACHE_DIR, 'screenshots');

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
