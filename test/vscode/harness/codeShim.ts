// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }):
// it accepts the desktop flags runTests passes (--extensionDevelopmentPath=, --extensionTestsPath=,
// --extensions-dir=, --user-data-dir=, a folder to open; the sandbox/update/welcome flags are
// irrelevant to a server and ignored), runs the tests in code-server's Node extension host
// through headless Chromium, and exits 0 when they pass, 1 when they fail, 2 on bad usage,
// 3 when code-server or the browser could not run. Bundled to .cache/vscode-host-tests/code-shim.js.
import * as path from 'node:path';
import { startCodeServer } from './codeServer';
import { runExtensionHostTests } from './workbench';

interface ShimArgs {
  developmentPaths: string[];
  testsPath?: string;
  extensionsDir?: string;
  userDataDir?: string;
  folder?: string;
}

function parse(argv: string[]): ShimArgs {
  const out: ShimArgs = { developmentPaths: [] };
  for (const a of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m) {
      const [, key, value] = m;
      if (key === 'extensionDevelopmentPath') out.developmentPaths.push(path.resolve(value));
      else if (key === 'extensionTestsPath') out.testsPath = path.resolve(value);
      else if (key === 'extensions-dir') out.extensionsDir = path.resolve(value);
      else if (key === 'user-data-dir') out.userDataDir = path.resolve(value);
    } else if (!a.startsWith('--') && out.folder === undefined) {
      out.folder = path.resolve(a);
    }
  }
  return out;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (args.testsPath === undefined || args.developmentPaths.length !== 1) {
    console.error('code-shim: expected --extensionTestsPath=FILE and exactly one --extensionDevelopmentPath=DIR');
    return 2;
  }
  const cs = await startCodeServer({ folder: args.folder, extensionsDir: args.extensionsDir, userDataDir: args.userDataDir });
  try {
    const code = await runExtensionHostTests(cs, { folder: args.folder, extensionDevelopmentPath: args.developmentPaths[0], extensionTestsPath: args.testsPath });
    return code === 0 ? 0 : 1;
  } finally {
    await cs.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`code-shim: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(3);
  },
);
