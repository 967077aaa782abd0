// `npm run ide`: builds SweepScope, installs code-server (and Chromium's siblings) if missing,
// and serves the examples/ workspace in a real VS Code on 127.0.0.1 with the extension under
// development loaded, printing the address to open. Settings and state persist in .cache/ide/.
// Ctrl+C stops it.   Options: --port N (default 8080, or the next free one), --folder DIR.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort, startCodeServer, workbenchUrl } from './harness/codeServer';
import { ensureRealVsCode, SetupError } from './harness/install';
import { CACHE_DIR, EXAMPLES_DIR, REPO_ROOT } from './harness/paths';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  const folder = path.resolve(option('folder') ?? EXAMPLES_DIR);
  if (!fs.existsSync(folder)) throw new SetupError(`--folder ${folder}: no such folder`);
  const requested = Number(option('port') ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(requested) || requested < 1 || requested > 65535) throw new SetupError(`--port ${option('port')}: expected a port number`);

  const build = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) throw new SetupError('the build failed (see above): fix it and run `npm run ide` again');
  ensureRealVsCode();

  const port = (await portIsFree(requested)) ? requested : await freePort();
  const runDir = path.join(CACHE_DIR, 'ide');
  const cs = await startCodeServer({ folder, port, runDir, keepRunDir: true });
  const url = workbenchUrl(cs, { folder, extensionDevelopmentPath: REPO_ROOT });
  console.log(`\nSweepScope in VS Code (code-server), workspace ${path.relative(process.cwd(), folder) || folder}:\n\n  ${url}\n`);
  console.log('Open it in a browser on this machine (or forward the port), pick "See the race (schedule A)" in Run and Debug, press F5.');
  console.log('Rebuild with `npm run build` and reload the page to pick up changes. Ctrl+C stops the server.');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void cs.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`npm run ide: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
