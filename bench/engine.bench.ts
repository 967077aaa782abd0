// Engine benchmark: SimC statements per second on a compute-heavy and a memory-heavy program,
// each beside the same algorithm in plain TypeScript in the same run (printed as a ratio), the
// cost of an attached access listener, and snapshot + restore of a 1 MiB heap.
import * as path from 'node:path';
import { compileProgram, Machine, type Program } from '../debug-adapter/engine';
import { fsLoader } from '../debug-adapter/runtimes';

const programs = path.join(__dirname, 'programs');

function load(name: string): Program {
  const { program, diagnostics } = compileProgram({ runtimeFiles: [], scenario: path.join(programs, name), loader: fsLoader });
  if (!program) throw new Error(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n'));
  return program;
}

function best<T>(runs: number, f: () => T): { ms: number; value: T } {
  let ms = Infinity;
  let value = undefined as T;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    value = f();
    ms = Math.min(ms, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms, value };
}

function simc(program: Program, listen = false): { steps: number; output: string } {
  const vm = new Machine(program, { gomaxprocs: 1, maxSteps: 1e9 });
  if (listen) {
    let n = 0;
    vm.listen({ onAccess: () => void n++ });
  }
  vm.run();
  const r = vm.result();
  if (r.outcome !== 'exit') throw new Error(`benchmark program ended with ${r.outcome}: ${r.message}`);
  return { steps: r.steps, output: r.output.trim() };
}

// The same algorithms in plain TypeScript.
function computeTs(n: number): number {
  let x = 12345;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    sum = (sum + ((x >>> 16) & 0x7fff)) >>> 0;
    sum = (sum ^ (sum << 3)) >>> 0;
  }
  return sum;
}
interface TsNode { a: number; b: number; next: TsNode | null; tag: number; flag: number }
function memoryTs(n: number): number {
  const nodes: TsNode[] = Array.from({ length: 1024 }, () => ({ a: 0, b: 0, next: null, tag: 0, flag: 0 }));
  const counts = new Int32Array(256);
  for (let i = 0; i < 1024; i++) {
    nodes[i].a = i;
    nodes[i].b = i * 3;
    nodes[i].next = nodes[(i * 7 + 1) & 1023];
  }
  let p = nodes[0];
  for (let i = 0; i < n; i++) {
    const q = p.next as TsNode;
    p.a = (p.b + q.a) | 0;
    counts[q.a & 255] += p.tag + 1;
    p.tag = (q.tag + 1) & 0xffff;
    p = q;
  }
  let sum = 0;
  for (let i = 0; i < 256; i++) sum = (sum + counts[i]) | 0;
  return sum;
}

function row(label: string, value: string, note = ''): void {
  console.log(`${label.padEnd(46)} ${value.padStart(14)}  ${note}`);
}

export function run(): void {
  const N = 3_000_000;
  for (const [name, file, ts] of [
    ['compute-heavy', 'compute.simc', computeTs],
    ['memory-heavy', 'memory.simc', memoryTs],
  ] as const) {
    const program = load(file);
    const sim = best(5, () => simc(program));
    const base = best(5, () => ts(N));
    if (String(base.value) !== sim.value.output) throw new Error(`${name}: SimC printed ${sim.value.output}, TypeScript computed ${base.value}`);
    const rate = sim.value.steps / (sim.ms / 1000);
    // the TypeScript loop does the same statements per iteration as the SimC loop
    const tsRate = sim.value.steps / (base.ms / 1000);
    row(`${name}: SimC statements/s (no listener)`, `${(rate / 1e6).toFixed(1)} M/s`, `${sim.value.steps} steps in ${sim.ms.toFixed(0)} ms`);
    row(`${name}: same algorithm in TypeScript`, `${(tsRate / 1e6).toFixed(1)} M/s`, `${base.ms.toFixed(0)} ms`);
    row(`${name}: slowdown vs TypeScript`, `${(sim.ms / base.ms).toFixed(2)}x`, 'target <= 8x');
    const listened = best(1, () => simc(program, true));
    row(`${name}: with an access listener`, `${((listened.value.steps / (listened.ms / 1000)) / 1e6).toFixed(1)} M/s`, `${(listened.ms / sim.ms).toFixed(2)}x the unlistened time`);
  }

  // snapshot + restore with a 1 MiB heap mapped and written
  const program = load('compute.simc');
  const vm = new Machine(program, { gomaxprocs: 1 });
  const sysAlloc = 1 << 20;
  const base = vm.sysAllocTop;
  vm.mem.map(base, sysAlloc);
  for (let i = 0; i < sysAlloc; i += 4) vm.mem.u32[(base + i) >>> 2] = i * 2654435761;
  vm.sysAllocTop += sysAlloc;
  const rounds = 200;
  const perRound = (f: (i: number) => void): number => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) f(i);
    return Number(process.hrtime.bigint() - t) / 1e6 / rounds;
  };
  // what step back and the explorer do: snapshot, run a little, restore (the next snapshot
  // shares the pages that did not change with the one restored)
  const repeated = perRound((i) => {
    const s = vm.snapshot();
    vm.mem.u32[(base + 64) >>> 2] = i;
    vm.restore(s);
  });
  row('snapshot + restore, 1 MiB heap mapped', `${repeated.toFixed(3)} ms`, 'target < 1 ms');
  // the first snapshot of a machine copies every mapped page
  const first = perRound((i) => {
    vm.mem.lastSnapshot = undefined;
    const s = vm.snapshot();
    vm.mem.u32[(base + 64) >>> 2] = i;
    vm.restore(s);
  });
  row('same, copying every page (a first snapshot)', `${first.toFixed(3)} ms`, `${((vm.mem.mappedRuns().reduce((n, [a, b]) => n + b - a, 0) * 4096) / 1048576).toFixed(2)} MiB mapped`);
}
