// 500 random and 500 PCT seeds of the churn workload (test/programs/churn-cycles.simc:
// churn-small's sizes through three GC cycles a run) on both runtime models with the heap
// oracle on: no run may end other than cleanly. On before-f8e4a2e the oracle's I4-at-acquisition check is off (it
// flags every unlocked P8 sweep by design); every consequence check stays on. The runs are
// shared between two worker threads (one per core); the time is reported.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { SeedJob, SeedReport } from './modelSeedsWorker';

const SEEDS = Number(process.env.SEEDS ?? 500);
const WORKERS = 2;

function runWorker(job: SeedJob): Promise<SeedReport> {
  return new Promise((resolve, reject) => {
    // the worker is TypeScript too: load it through tsx's CommonJS hook
    const code = `require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'modelSeedsWorker.ts'))});`;
    const w = new Worker(code, { eval: true, workerData: job });
    w.once('message', (r: SeedReport) => resolve(r));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`seed worker ${job.worker} exited with ${code}`));
    });
  });
}

test(`churn, three GC cycles a run: ${SEEDS} random and ${SEEDS} PCT seeds on both models, oracle on, all clean`, async (t) => {
  const t0 = Date.now();
  const jobs = Array.from({ length: WORKERS }, (_, worker): SeedJob => ({ worker, workers: WORKERS, seeds: SEEDS, strategies: ['random', 'pct'] }));
  const reports = await Promise.all(jobs.map(runWorker));
  const runs = reports.reduce((n, r) => n + r.runs, 0);
  const steps = reports.reduce((n, r) => n + r.steps, 0);
  const ms = Date.now() - t0;
  t.diagnostic(`${runs} runs, ${steps} steps in ${(ms / 1000).toFixed(1)} s (${(steps / ms / 1000).toFixed(2)} M steps/s over ${WORKERS} workers)`);
  assert.equal(runs, SEEDS * 2 * 2);
  const failures = reports.flatMap((r) => r.failures);
  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} runs did not end cleanly`);
});
