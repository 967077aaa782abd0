// Worker thread of model-seeds.test.ts: runs a share of the seeds of the churn workload (test/programs/churn-cycles.simc)
// on both runtime models with the heap oracle, and posts back every run that did not end
// cleanly, with counts and timings. Seeds are split between workers by seed % workers.
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { runProgram, type StrategyName } from '../../debug-adapter/engine';
import { compileOn, EXAMPLES, MODELS, type ModelName } from './modelHarness';

export interface SeedJob {
  worker: number;
  workers: number;
  seeds: number;
  strategies: StrategyName[];
}

export interface SeedFailure {
  model: ModelName;
  strategy: StrategyName;
  seed: number;
  outcome: string;
  message: string;
}

export interface SeedReport {
  runs: number;
  steps: number;
  ms: number;
  failures: SeedFailure[];
}

function work(job: SeedJob): SeedReport {
  const report: SeedReport = { runs: 0, steps: 0, ms: 0, failures: [] };
  const t0 = Date.now();
  for (const model of MODELS) {
    const program = compileOn(model, path.join(EXAMPLES, '..', 'test', 'programs', 'churn-cycles.simc'));
    // before-f8e4a2e: a P8 sweep is an I4 violation by design; look for its consequences
    const oracle = model === 'before-f8e4a2e' ? { flagUnlockedOwner: false } : true;
    for (const strategy of job.strategies) {
      for (let seed = 1 + job.worker; seed <= job.seeds; seed += job.workers) {
        const r = runProgram(program, { strategy, seed, oracle, maxSteps: 4_000_000 });
        report.runs++;
        report.steps += r.steps;
        if (r.outcome !== 'exit') report.failures.push({ model, strategy, seed, outcome: r.outcome, message: r.message });
      }
    }
  }
  report.ms = Date.now() - t0;
  return report;
}

parentPort?.postMessage(work(workerData as SeedJob));
