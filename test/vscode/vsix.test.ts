// Packaging: `vsce package` (the same command as `npm run package`) builds a VSIX that holds
// exactly the bundles in dist/, media CSS and icons, the runtime models, the examples workspace,
// the language files package.json points at, README, LICENSE, the icon and the manifest — no
// sources, tests or node_modules — and whose debugger program is inside it. The VSIX then
// installs into a clean code-server.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ensureRealVsCode } from './harness/install';
import { CACHE_DIR, CODE_SERVER_BIN, REPO_ROOT, RUNS_DIR } from './harness/paths';
import { listZip } from './harness/zip';
import { runHostTests } from './runHostTests';

const VSIX = path.join(CACHE_DIR, 'test-package', 'sweepscope.vsix');

/** Files under a repository folder (relative, with /), filtered by a predicate on the name. */
function filesUnder(dir: string, keep: (rel: string) => boolean = () => true): string[] {
  const root = path.join(REPO_ROOT, dir);
  if (!fs.existsSync(root)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(path.relative(REPO_ROOT, p).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.filter(keep);
}

function vsce(args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `vsce ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(() => {
  fs.mkdirSync(path.dirname(VSIX), { recursive: true });
  fs.rmSync(VSIX, { force: true });
  vsce(['package', '--no-dependencies', '--allow-missing-repository', '--out', VSIX]);
});

after(() => fs.rmSync(path.dirname(VSIX), { recursive: true, force: true }));

test('the VSIX holds exactly the shipped files', () => {
  const names = listZip(VSIX).map((e) => e.name);
  const inside = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
  const expected = [
    'package.json', 'readme.md', 'LICENSE.txt', 'images/icon.png', 'language-configuration.json',
    ...filesUnder('syntaxes'),
    ...filesUnder('dist', (f) => /^dist\/(media\/)?[^/]+\.js$/.test(f)),
    ...filesUnder('media', (f) => /\.(css|svg|png)$/.test(f)),
    ...filesUnder('debug-adapter/models'),
    ...filesUnder('examples'),
  ];
  assert.deepEqual([...inside].sort(), [...new Set(expected)].sort());
  assert.deepEqual(names.filter((n) => !n.startsWith('extension/')).sort(), ['[Content_Types].xml', 'extension.vsixmanifest']);
  for (const forbidden of [/^src\//, /node_modules\//, /^test\//, /\.ts$/, /\.map$/, /^scripts\//, /^\.cache\//]) {
    assert.equal(inside.find((n) => forbidden.test(n)), undefined, `nothing matching ${forbidden}`);
  }
  for (const needed of ['dist/extension.js', 'dist/adapter.js', 'dist/server.js', 'examples/.vscode/launch.json', 'debug-adapter/models/before-f8e4a2e/mgc0-sweep.simc', 'debug-adapter/models/common/mheap.simc']) {
    assert.ok(inside.includes(needed), `${needed} is shipped`);
  }
});

test('the debugger program, the icon and the walkthrough media named by package.json are inside the VSIX', () => {
  const manifest: unknown = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  assert.ok(typeof manifest === 'object' && manifest !== null && 'contributes' in manifest && 'icon' in manifest);
  const { contributes, icon } = manifest as { contributes: { debuggers: { program: string }[] }; icon: string };
  const inside = new Set(listZip(VSIX).map((e) => e.name));
  assert.equal(contributes.debuggers[0].program, './dist/adapter.js');
  assert.ok(inside.has('extension/' + path.posix.normalize(contributes.debuggers[0].program)), 'dist/adapter.js is in the VSIX');
  assert.ok(inside.has(`extension/${icon}`), `${icon} is in the VSIX`);
  const walkthroughs = (manifest as { contributes: { walkthroughs?: { steps: { media: { markdown?: string } }[] }[] } }).contributes.walkthroughs ?? [];
  const media = walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown)).filter((m): m is string => m !== undefined);
  assert.ok(media.length > 0, 'a walkthrough is contributed');
  for (const m of media) assert.ok(inside.has(`extension/${m}`), `walkthrough media ${m} is in the VSIX`);
});

test('the VSIX installs into a clean code-server, and its examples debug from the installed copy', async () => {
  ensureRealVsCode();
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  const run = fs.mkdtempSync(path.join(RUNS_DIR, 'vsix-'));
  try {
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(run, 'xdg-config'), XDG_DATA_HOME: path.join(run, 'xdg-data') };
    const common = ['--user-data-dir', path.join(run, 'user-data'), '--extensions-dir', path.join(run, 'extensions')];
    const install = spawnSync(CODE_SERVER_BIN, [...common, '--install-extension', VSIX], { encoding: 'utf8', env });
    assert.equal(install.status, 0, `${install.stdout}\n${install.stderr}`);
    const list = spawnSync(CODE_SERVER_BIN, [...common, '--list-extensions', '--show-versions'], { encoding: 'utf8', env });
    const version = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.match(list.stdout, new RegExp(`^sweepscope\\.sweepscope@${version.replace(/\./g, '\\.')}$`, 'm'));
    const installed = fs.readdirSync(path.join(run, 'extensions')).find((d) => d.startsWith('sweepscope.sweepscope-'));
    assert.ok(installed && fs.existsSync(path.join(run, 'extensions', installed, 'dist', 'adapter.js')), 'the installed extension has its adapter');
    // the debugging suite, run against the installed files (nothing from the repository but the tests)
    const code = await runHostTests({ extensionPath: path.join(run, 'extensions', installed), suites: ['debugging'] });
    assert.equal(code, 0, 'the debugging suite passes on the installed VSIX (its report is above)');
  } finally {
    fs.rmSync(run, { recursive: true, force: true });
  }
});
