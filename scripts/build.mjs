// The one build script: bundles every entry point of SweepScope into dist/ with esbuild.
//   dist/extension.js  extension host (imports vscode, which VS Code provides)
//   dist/adapter.js    the debug adapter as a standalone process (DAP over stdio)
//   dist/server.js     the SimC language server
//   dist/cli.js        the `sweepscope` command (executable, with a node shebang)
//   dist/explore-worker.js  the schedule explorer's worker thread
//   dist/media/*.js    webview scripts (browser, iife), one per media/*.ts
// Exits non-zero with a readable message on any error.
import { build } from 'esbuild';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

/** Options every Node bundle shares. */
const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'silent',
  absWorkingDir: root,
};

const mediaDir = path.join(root, 'media');
const mediaEntries = existsSync(mediaDir)
  ? readdirSync(mediaDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .sort()
      .map((f) => path.join('media', f))
  : [];

const bundles = [
  { ...nodeCommon, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...nodeCommon, entryPoints: ['debug-adapter/adapter.ts'], outfile: 'dist/adapter.js' },
  { ...nodeCommon, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  { ...nodeCommon, entryPoints: ['debug-adapter/engine/explore/worker.ts'], outfile: 'dist/explore-worker.js' },
  {
    ...nodeCommon,
    entryPoints: ['debug-adapter/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
];
if (mediaEntries.length > 0) {
  bundles.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'silent',
    absWorkingDir: root,
    entryPoints: mediaEntries,
    outdir: 'dist/media',
  });
}

/** Formats an esbuild message as `file:line:col: error: text`. */
function formatMessage(kind, m) {
  const where = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
  return `${where}${kind}: ${m.text}`;
}

let failed = false;
const results = await Promise.allSettled(bundles.map((options) => build(options)));
results.forEach((r, i) => {
  const name = bundles[i].outfile ?? bundles[i].outdir;
  if (r.status === 'rejected') {
    failed = true;
    const errors = r.reason && Array.isArray(r.reason.errors) ? r.reason.errors : null;
    console.error(`build: ${name} failed`);
    if (errors) for (const e of errors) console.error('  ' + formatMessage('error', e));
    else console.error('  ' + String(r.reason && r.reason.message ? r.reason.message : r.reason));
  } else {
    for (const w of r.value.warnings) console.error('  ' + formatMessage('warning', w) + ` (${name})`);
  }
});

if (failed) {
  console.error('build: FAILED');
  process.exit(1);
}
chmodSync(path.join(dist, 'cli.js'), 0o755);
console.log(`build: ok (${bundles.length} bundles into ${path.relative(process.cwd(), dist) || 'dist'})`);
