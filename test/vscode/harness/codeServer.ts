// Starts and stops code-server (VS Code 1.100.3 served to a browser) for one test run: loopback
// only, no auth, telemetry and update checks off, a fresh user-data / extensions / XDG / TMPDIR
// tree under .cache/runs/, and its own process group so stopping it also ends the extension
// host and watchers it forks. Builds the workbench URL that loads the extension under
// development (and optionally runs extension-host tests) through the `payload` parameter.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { CODE_SERVER_BIN, RUNS_DIR } from './paths';

export interface CodeServer {
  url: string;
  /** host:port, as extension paths in the payload name it (vscode-remote://HOST/abs/path). */
  authority: string;
  runDir: string;
  /** The last lines code-server printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  folder?: string;
  port?: number;
  userDataDir?: string;
  extensionsDir?: string;
  settings?: Record<string, unknown>;
  /** Keep the run directory after stop (for `npm run ide`, whose user settings persist). */
  keepRunDir?: boolean;
  runDir?: string;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'git.enabled': false,
};

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function waitForHttp(url: string, timeoutMs: number, child: ChildProcess, output: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (child.exitCode !== null) {
        reject(new Error(`code-server exited with ${child.exitCode} before answering ${url}:\n${output()}`));
        return;
      }
      http
        .get(url, (r) => {
          r.resume();
          resolve();
        })
        .on('error', (e) => (Date.now() > end ? reject(new Error(`code-server did not answer ${url} within ${timeoutMs} ms (${e.message}):\n${output()}`)) : setTimeout(tick, 200)));
    };
    tick();
  });
}

export async function startCodeServer(options: StartOptions = {}): Promise<CodeServer> {
  if (!fs.existsSync(CODE_SERVER_BIN)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}: run \`node --import tsx test/vscode/harness/install.ts\``);
  }
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  const runDir = options.runDir ?? fs.mkdtempSync(path.join(RUNS_DIR, 'cs-'));
  const userDataDir = options.userDataDir ?? path.join(runDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(runDir, 'extensions');
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, path.join(runDir, 'tmp')]) fs.mkdirSync(d, { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile) || options.settings !== undefined) {
    fs.writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2));
  }
  const port = options.port ?? (await freePort());
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
  ];
  if (options.folder) args.push(options.folder);
  // XDG_* keep config.yaml and coder-logs out of $HOME; TMPDIR keeps sockets and temp files in the run dir
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'), XDG_DATA_HOME: path.join(runDir, 'xdg-data'), TMPDIR: path.join(runDir, 'tmp') };
  const child = spawn(CODE_SERVER_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines: string[] = [];
  const collect = (d: Buffer): void => {
    lines.push(...String(d).trimEnd().split('\n'));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const output = (): string => lines.slice(-40).join('\n');
  const url = `http://127.0.0.1:${port}`;
  const group = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  const stop = async (): Promise<void> => {
    group('SIGTERM');
    if (child.exitCode === null && child.signalCode === null) {
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
    }
    await new Promise((r) => setTimeout(r, 300));
    group('SIGKILL'); // an extension host still shutting down
    if (!options.keepRunDir) fs.rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}/healthz`, 60_000, child, output);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, authority: `127.0.0.1:${port}`, runDir, output, stop };
}

/** The workbench URL opening `folder`, with the extension under development and optional tests. */
export function workbenchUrl(cs: CodeServer, options: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string }): string {
  const query = new URLSearchParams();
  if (options.folder) query.set('folder', options.folder);
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${cs.authority}${options.extensionDevelopmentPath}`]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${cs.authority}${options.extensionTestsPath}`]);
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${cs.url}/?${query.toString()}`;
}
