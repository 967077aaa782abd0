// `npm test`: build every bundle, typecheck, then run every test/**/*.test.ts with node's
// built-in test runner (through tsx). Fails on the first failing stage, and fails loudly if no
// test file is found. `npm test -- WORD…` runs only the test files whose path contains a WORD.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);

/** Runs a command in the repo root with inherited stdio; exits with its status on failure. */
function stage(name, command, args) {
  console.log(`\n== ${name}: ${[command, ...args.map((a) => path.relative(root, a) || '.')].join(' ')}`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.error) {
    console.error(`test: ${name} could not start: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) {
    console.error(`test: ${name} FAILED (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

/** Every *.test.ts under dir, recursively, in a stable order. */
function findTests(dir) {
  const found = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) found.push(...findTests(p));
    else if (e.isFile() && e.name.endsWith('.test.ts')) found.push(p);
  }
  return found.sort();
}

stage('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
stage('typecheck', process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', root]);

let files = findTests(path.join(root, 'test'));
if (filters.length > 0) files = files.filter((f) => filters.some((w) => path.relative(root, f).includes(w)));
if (files.length === 0) {
  console.error(`test: FAILED: no test files found under test/${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}
stage(`tests (${files.length} files)`, process.execPath, ['--import', 'tsx', '--test', ...files]);
console.log('\ntest: all stages passed');
