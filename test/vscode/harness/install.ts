// Installs what the real-VS-Code tests and `npm run ide` need, idempotently, into the ignored
// .cache/ folder: Debian packages (chromium, ripgrep, libkrb5-dev) when absent, code-server from
// npm (with the environment its install scripts need here), and checks playwright-core (a
// devDependency). Anything that cannot be had is an error that says what failed and what to
// do: the tests never skip. Run directly: `node --import tsx test/vscode/harness/install.ts`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, CHROMIUM, CODE_SERVER_BIN, CODE_SERVER_DIR, CODE_SERVER_VERSION } from './paths';

/** @vscode/ripgrep as pinned by code-server 4.100.3, and the asset its postinstall fetches. */
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const APT_PACKAGES: { pkg: string; present: () => boolean }[] = [
  { pkg: 'chromium', present: () => fs.existsSync(CHROMIUM) },
  { pkg: 'ripgrep', present: () => onPath('rg') !== undefined },
  { pkg: 'libkrb5-dev', present: () => fs.existsSync('/usr/include/gssapi/gssapi.h') },
];

export class SetupError extends Error {}

type Log = (line: string) => void;

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Runs a command; throws a SetupError with the tail of its output when it fails. */
function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile?: string; what: string }): void {
  const r = spawnSync(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (options.logFile) fs.writeFileSync(options.logFile, output);
  if (r.error || r.status !== 0) {
    const tail = output.trim().split('\n').slice(-30).join('\n');
    const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new SetupError(`${options.what} failed (${cmd} ${args.join(' ')}: ${why})${options.logFile ? `; full log in ${options.logFile}` : ''}\n${tail}`);
  }
}

/** apt-get installs the Debian packages that are missing (needs root and the Debian mirror). */
export function ensureAptPackages(log: Log): void {
  const missing = APT_PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  log(`setup: installing Debian packages ${missing.join(', ')} (apt-get)`);
  if (onPath('apt-get') === undefined) {
    throw new SetupError(`missing ${missing.join(', ')} and apt-get is not available: install them with your package manager`);
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new SetupError(`missing ${missing.join(', ')}: run \`sudo apt-get install -y ${missing.join(' ')}\` (the setup is not root)`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env, what: 'apt-get update' });
  run('apt-get', ['install', '-y', '-qq', ...missing], { env, what: `apt-get install ${missing.join(' ')}` });
  const still = APT_PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (still.length > 0) throw new SetupError(`apt-get ran but ${still.join(', ')} is still missing`);
}

function installedCodeServerVersion(): string | undefined {
  const manifest = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'package.json');
  const rg = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (!fs.existsSync(CODE_SERVER_BIN) || !fs.existsSync(rg) || !fs.existsSync(manifest)) return undefined;
  const parsed: unknown = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  return typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string' ? parsed.version : undefined;
}

/**
 * code-server from npm into .cache/code-server. Its install scripts need, here: the ripgrep
 * download cache seeded with Debian's rg (GitHub is unreachable), npm_config_unsafe_perm (root),
 * npm_config_yes (node-pty's postinstall runs npx node-gyp) and the krb5 headers (apt).
 */
export function ensureCodeServer(log: Log): { installed: boolean; seconds: number } {
  if (installedCodeServerVersion() === CODE_SERVER_VERSION) return { installed: false, seconds: 0 };
  const t0 = Date.now();
  log(`setup: installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (about a minute)`);
  const rg = onPath('rg');
  if (rg === undefined) throw new SetupError('ripgrep (rg) is not on PATH: it seeds code-server\'s ripgrep download');
  const tmp = path.join(CACHE_DIR, 'tmp');
  const rgCache = path.join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  if (!fs.existsSync(path.join(rgCache, RIPGREP_ASSET))) {
    const staging = fs.mkdtempSync(path.join(CACHE_DIR, 'rg-'));
    try {
      fs.copyFileSync(rg, path.join(staging, 'rg'));
      fs.chmodSync(path.join(staging, 'rg'), 0o755);
      fs.mkdirSync(rgCache, { recursive: true });
      run('tar', ['czf', path.join(rgCache, RIPGREP_ASSET), '-C', staging, 'rg'], { what: 'packing Debian ripgrep for the ripgrep cache' });
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  fs.mkdirSync(CODE_SERVER_DIR, { recursive: true });
  const manifest = path.join(CODE_SERVER_DIR, 'package.json');
  if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: 'sweepscope-code-server', private: true }, null, 2) + '\n');
  const env = { ...process.env, TMPDIR: tmp, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' };
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: CODE_SERVER_DIR,
    env,
    logFile: path.join(CODE_SERVER_DIR, 'install.log'),
    what: `npm install code-server@${CODE_SERVER_VERSION}`,
  });
  const got = installedCodeServerVersion();
  if (got !== CODE_SERVER_VERSION) {
    throw new SetupError(`npm install finished but ${CODE_SERVER_BIN} (with its ripgrep) is not there; see ${path.join(CODE_SERVER_DIR, 'install.log')}`);
  }
  return { installed: true, seconds: (Date.now() - t0) / 1000 };
}

/** playwright-core is a devDependency: `npm install` brings it. */
export function ensurePlaywright(): void {
  try {
    require.resolve('playwright-core');
  } catch {
    throw new SetupError('playwright-core is not installed: run `npm install` in the repository root');
  }
}

/**
 * Runs `body` holding .cache/setup.lock, so test files run in parallel do not install into the
 * same folder at once (the second waits for the first). A lock older than 20 minutes is stale.
 */
function withSetupLock<T>(log: Log, body: () => T): T {
  const lock = path.join(CACHE_DIR, 'setup.lock');
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > 20 * 60_000) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new SetupError(`another setup has held ${lock} for 15 minutes; remove it if no setup is running`);
      if (!told) log('setup: waiting for another setup to finish');
      told = true;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
  try {
    return body();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Everything, in order. Returns how long the code-server part took (0 when already there). */
export function ensureRealVsCode(log: Log = (l) => console.log(l)): { codeServerInstalled: boolean; codeServerSeconds: number } {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  return withSetupLock(log, () => {
    ensureAptPackages(log);
    ensurePlaywright();
    const cs = ensureCodeServer(log);
    if (cs.installed) log(`setup: code-server ${CODE_SERVER_VERSION} installed in ${cs.seconds.toFixed(1)} s`);
    return { codeServerInstalled: cs.installed, codeServerSeconds: cs.seconds };
  });
}

if (require.main === module) {
  try {
    const t0 = Date.now();
    ensureRealVsCode();
    console.log(`setup: ready (code-server ${CODE_SERVER_VERSION}, ${CHROMIUM}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
