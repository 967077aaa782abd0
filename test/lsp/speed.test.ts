// How fast the language server re-analyses a scenario with its runtime model after a
// keystroke, measured over the real process: the server's own front-end and index times
// (sweepscope/analysisStats) and the wall time from didChange to publishDiagnostics (which
// includes the 200 ms debounce). Also checks the caching that makes this fast: requests on an
// unchanged buffer reuse its analysis, and every file of one model shares one analysis.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Timing } from '../../src/server/analysis';
import { LspClient, MODELS, uriOf } from './lspClient';

const DEBOUNCE_MS = 200;
const root = path.resolve(__dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-lsp-speed-'));
const file = path.join(dir, 'race.simc');
const TEXT = readFileSync(path.join(root, 'examples', 'finalizer-race.simc'), 'utf8');
let client: LspClient;

before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const stats = (): Promise<Timing[]> => client.request<Timing[]>('sweepscope/analysisStats', {});

test('re-analysis after a keystroke: scenario + f8e4a2e model', async (t) => {
  assert.deepEqual(await client.open(file, TEXT), []);
  const cold = (await stats()).filter((x) => x.file === file && !x.cached)[0];
  let text = TEXT;
  const wall: number[] = [];
  const KEYSTROKES = 12;
  for (let i = 0; i < KEYSTROKES; i++) {
    text = text.replace('\nenum\n', `\n// typed ${'x'.repeat(i + 1)}\nenum\n`);
    const t0 = performance.now();
    assert.deepEqual(await client.change(file, text, i + 2), []);
    wall.push(performance.now() - t0 - DEBOUNCE_MS);
  }
  const fresh = (await stats()).filter((x) => x.file === file && !x.cached).slice(-KEYSTROKES);
  assert.equal(fresh.length, KEYSTROKES, 'one fresh analysis per keystroke');
  assert.ok(!cold.reusedRuntime, 'the first analysis preprocesses the model');
  assert.ok(fresh.every((x) => x.reusedRuntime && x.reusedIndex), 'every keystroke reuses the model\'s preprocessing and index');
  const fe = median(fresh.map((x) => x.frontEndMs));
  const ix = median(fresh.map((x) => x.indexMs));
  const report = `cold: front end ${cold.frontEndMs.toFixed(1)} ms + index ${cold.indexMs.toFixed(1)} ms; ` +
    `per keystroke (median of ${KEYSTROKES}): front end ${fe.toFixed(1)} ms + index ${ix.toFixed(1)} ms; ` +
    `didChange → diagnostics beyond the debounce ${median(wall).toFixed(1)} ms`;
  t.diagnostic(report);
  console.log(`lsp speed: ${report}`);
  // a generous bound (shared, loaded machines): it catches a pathological slowdown, not a slow machine
  assert.ok(fe + ix < 3000, report);
});

test('requests on an unchanged buffer reuse its analysis', async () => {
  await client.at('textDocument/hover', file, 30, 5);
  await client.at('textDocument/completion', file, 30, 5);
  await client.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(file) } });
  const after = (await stats()).slice(-3);
  assert.deepEqual(after.map((x) => x.cached), [true, true, true]);
});

test('the files of one model share one analysis (the model with the empty scenario)', async () => {
  for (const name of ['malloc.simc', 'mheap.simc', 'mcentral.simc']) {
    const f = path.join(MODELS, 'common', name);
    assert.deepEqual(await client.open(f, readFileSync(f, 'utf8')), []);
  }
  const models = (await stats()).filter((x) => x.file.startsWith(path.join(MODELS, 'common')));
  assert.equal(models.filter((x) => !x.cached).length, 1, JSON.stringify(models));
  assert.ok(models.filter((x) => x.cached).length >= 2);
});
