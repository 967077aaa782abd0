// Entry point of the extension-host tests (VS Code's extensionTestsPath contract: export
// run(): Promise<void>). Bundled by test/vscode/harness/hostBundle.ts next to the suites
// (*.suite.js); runs them with mocha inside the extension host of whichever VS Code loaded it
// (code-server through the stand-in executable here, desktop VS Code on a laptop).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  // SWEEPSCOPE_HOST_SUITES=word,word runs only the suites whose file name contains a word
  const words = (process.env.SWEEPSCOPE_HOST_SUITES ?? '').split(',').filter((w) => w !== '');
  const suites = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.suite.js') && (words.length === 0 || words.some((w) => f.includes(w))))
    .sort();
  if (suites.length === 0) return Promise.reject(new Error(`no *.suite.js${words.length ? ` matching ${words.join(', ')}` : ''} next to ${__filename}: build the host tests first`));
  for (const f of suites) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
