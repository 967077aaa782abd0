// Packaging: `vsce package` (the same command as `npm run package`) builds a VSIX that holds
// exactly the bundles in dist/, media CSS and icons, the runtime models, the examples workspace,
// the language files package.json points at, README, LICENSE, the icon and the manifest — no
// sources, tests or node_modules — and whose debugger program is inside it. (Installing it into
// a clean code-server and debugging from it: extensionHost.test.ts.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CACHE_DIR, REPO_ROOT } from './harness/paths';
import { packageVsix } from './harness/vsix';
import { listZip } from './harness/zip';

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

before(() => packageVsix(VSIX));

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
