// Packaging helpers the tests share: `vsce package` (as `npm run package` runs it) into a given
// file, and installing a VSIX into a fresh code-server extensions folder, returning where the
// installed extension lives.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODE_SERVER_BIN, REPO_ROOT } from './paths';

export const EXTENSION_ID = 'sweepscope.sweepscope';

function check(what: string, r: ReturnType<typeof spawnSync>): string {
  if (r.error || r.status !== 0) throw new Error(`${what} failed (${r.error?.message ?? `exit ${r.status}`}):\n${String(r.stdout)}\n${String(r.stderr)}`);
  return String(r.stdout);
}

/** Packages the extension (from the current dist/) into `out`. */
export function packageVsix(out: string): void {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.rmSync(out, { force: true });
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  check('vsce package', spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], { cwd: REPO_ROOT, encoding: 'utf8' }));
}

/**
 * `code-server --install-extension` into `<dir>/extensions` (user data and XDG dirs in `dir`);
 * returns the installed extension's folder and what `--list-extensions --show-versions` printed.
 */
export function installVsix(vsix: string, dir: string): { folder: string; listed: string } {
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_DATA_HOME: path.join(dir, 'xdg-data') };
  const extensions = path.join(dir, 'extensions');
  const common = ['--user-data-dir', path.join(dir, 'user-data'), '--extensions-dir', extensions];
  check('code-server --install-extension', spawnSync(CODE_SERVER_BIN, [...common, '--install-extension', vsix], { encoding: 'utf8', env }));
  const listed = check('code-server --list-extensions', spawnSync(CODE_SERVER_BIN, [...common, '--list-extensions', '--show-versions'], { encoding: 'utf8', env }));
  const folder = fs.readdirSync(extensions).find((d) => d.startsWith(`${EXTENSION_ID}-`));
  if (!folder) throw new Error(`no ${EXTENSION_ID}-* folder in ${extensions} after installing ${vsix}`);
  return { folder: path.join(extensions, folder), listed };
}
