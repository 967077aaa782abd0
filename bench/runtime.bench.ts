// Runtime-model benchmark: the allocation-churn workload on the f8e4a2e model — steps per second
// and GC cycles per second with the heap oracle off and on (target: the oracle costs at most 2×),
// beside the engine's raw statement rate on the compute program in the same run. Rates are per
// wall-clock second, with the rate per second of this process's CPU time beside (it includes
// V8's background GC and compiler threads, but tells more on a shared machine); each is the
// fastest of three runs after three warm-up runs.
import * as path from 'node:path';
import { attachOracle, compileProgram, Machine, type Program } from '../debug-adapter/engine';
import { Inspector } from '../debug-adapter/engine/vm/inspect';
import { fsLoader, resolveRuntime } from '../debug-adapter/runtimes';

const root = path.join(__dirname, '..');

function load(scenario: string, runtime: string): Program {
  const r = resolveRuntime(runtime);
  if ('error' in r) throw new Error(r.error);
  const { program, diagnostics } = compileProgram({ runtimeFiles: r.files, scenario, loader: fsLoader });
  if (!program) throw new Error(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n'));
  return program;
}

function timed(program: Program, oracle: boolean): { ms: number; wallMs: number; steps: number; gcs: number; outcome: string } {
  const vm = new Machine(program, { gomaxprocs: 2, maxSteps: 50_000_000 });
  if (oracle) attachOracle(vm);
  const t = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  vm.run();
  const cpu = process.cpuUsage(cpu0);
  const ms = (cpu.user + cpu.system) / 1000;
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  const r = vm.result();
  const stats = new Inspector(vm).global('runtime·mstats');
  const gcs = stats ? Number(new Inspector(vm).readField(stats.addr, 'MStats', 'numgc')) : 0;
  return { ms, wallMs, steps: r.steps, gcs, outcome: `${r.outcome}${r.outcome === 'exit' ? '' : ': ' + r.message}` };
}

function row(label: string, value: string, note = ''): void {
  console.log(`${label.padEnd(46)} ${value.padStart(14)}  ${note}`);
}

export function run(): void {
  const raw = load(path.join(root, 'bench', 'programs', 'compute.simc'), 'none');
  const rawRun = timed(raw, false);
  row('engine raw rate (compute program)', `${(rawRun.steps / rawRun.ms / 1000).toFixed(1)} M/s`);
  const churn = load(path.join(root, 'examples', 'churn.simc'), 'f8e4a2e');
  // warm-up runs (V8 tiers the shared code up over several machines), then the fastest of
  // three: the machine may be shared
  const best = (oracle: boolean) => {
    for (let i = 0; i < 3; i++) timed(churn, oracle);
    return [timed(churn, oracle), timed(churn, oracle), timed(churn, oracle)].reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  };
  const off = best(false);
  const on = best(true);
  for (const [label, r] of [['oracle off', off], ['oracle on', on]] as const) {
    row(`churn (${label}): steps/s`, `${(r.steps / r.wallMs / 1000).toFixed(2)} M/s`, `${r.steps} steps in ${r.wallMs.toFixed(0)} ms (per CPU second: ${(r.steps / r.ms / 1000).toFixed(2)} M/s), ${r.outcome}`);
    row(`churn (${label}): GC cycles/s`, `${(r.gcs / (r.wallMs / 1000)).toFixed(1)}`, `${r.gcs} cycles (per CPU second: ${(r.gcs / (r.ms / 1000)).toFixed(1)})`);
  }
  const cost = (t: (r: typeof on) => number) => (t(on) / on.steps / (t(off) / off.steps)).toFixed(2);
  row('oracle cost (time per step, on / off)', `${cost((r) => r.wallMs)}x`, `CPU time: ${cost((r) => r.ms)}x; target <= 2x`);
}
