// Compare: one schedule run on two programs (before-f8e4a2e and f8e4a2e of one scenario) and
// where the two runs part — the first VM step whose effect differs: which M ran which function,
// and the values it wrote — and how each run ends. The schedule replays on both as far as it
// applies (ScheduleRecord.ends tells where it stops applying); a seeded scheduler runs the rest.
import type { FunctionLocation, RunResult, ScheduleRecord } from '../api';
import { Oracle, type Program } from '../index';
import { Machine } from '../vm/machine';
import { ACCESS_WRITE } from '../vm/instantiate';
import { EXPLORE_ORACLE, hasHeap } from './target';

export interface StepEffect {
  step: number;
  thread: string;
  function: string;
  location: FunctionLocation | undefined;
  /** Values written by the step (in order). */
  writes: number[];
}

export interface Comparison {
  /** The first step whose effect differs (null: the runs agree step for step). */
  firstDifference: { step: number; a: StepEffect | null; b: StepEffect | null } | null;
  a: RunResult;
  b: RunResult;
}

interface Trace {
  result: RunResult;
  /** Per step: a hash of (M, function name, written values). */
  hashes: Int32Array;
  steps: number;
}

const nameHash = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
};

/** Runs `program` under `record`, hashing every statement's effect; `detail` captures one step. */
function trace(program: Program, record: ScheduleRecord, seed: number, maxSteps: number, detail?: number): Trace & { effect?: StepEffect } {
  const vm = new Machine(program, { gomaxprocs: record.gomaxprocs, schedule: record, strategy: 'random', seed, maxSteps });
  if (hasHeap(program)) vm.listen(new Oracle(vm, EXPLORE_ORACLE));
  let hashes = new Int32Array(1 << 16);
  let n = -1;
  let h = 0;
  let effect: StepEffect | undefined;
  const names = program.code.funcs.map((f) => nameHash(f.name));
  const flush = (): void => {
    if (n < 0) return;
    if (n >= hashes.length) {
      const bigger = new Int32Array(hashes.length * 2);
      bigger.set(hashes);
      hashes = bigger;
    }
    hashes[n] = h;
  };
  vm.listen({
    onStatement: (m, fr) => {
      flush();
      n++;
      h = Math.imul(names[fr.fn] ^ (m.id + 1), 0x9e3779b1);
      if (n === detail) {
        effect = { step: n, thread: `M${m.id}`, function: program.code.funcs[fr.fn].name, location: vm.location(m.exec, fr), writes: [] };
      }
      return false;
    },
    onAccess: (addr, size, flags) => {
      if ((flags & ACCESS_WRITE) === 0) return;
      const v = size === 1 ? vm.mem.u8[addr] : size === 2 ? vm.mem.u16[addr >>> 1] : vm.mem.u32[addr >>> 2];
      h = Math.imul(h ^ v, 0x01000193);
      if (effect && n === detail) effect.writes.push(v);
    },
  });
  vm.run();
  flush();
  return { result: vm.result(), hashes, steps: n + 1, effect };
}

export function compareRuns(a: Program, b: Program, record: ScheduleRecord, options: { seed?: number; maxSteps?: number } = {}): Comparison {
  const seed = options.seed ?? 1;
  const maxSteps = options.maxSteps ?? 2_000_000;
  const ta = trace(a, record, seed, maxSteps);
  const tb = trace(b, record, seed, maxSteps);
  const n = Math.min(ta.steps, tb.steps);
  let k = 0;
  while (k < n && ta.hashes[k] === tb.hashes[k]) k++;
  if (k === n && ta.steps === tb.steps) return { firstDifference: null, a: ta.result, b: tb.result };
  const da = k < ta.steps ? trace(a, record, seed, maxSteps, k).effect ?? null : null;
  const db = k < tb.steps ? trace(b, record, seed, maxSteps, k).effect ?? null : null;
  return { firstDifference: { step: k, a: da, b: db }, a: ta.result, b: tb.result };
}

/** The comparison in a few lines of text. */
export function formatComparison(c: Comparison, nameA: string, nameB: string): string {
  const at = (e: StepEffect | null): string =>
    e ? `${e.thread} in ${e.function}${e.location ? ` (${e.location.file.split('/').pop()}:${e.location.line})` : ''}${e.writes.length ? ` writes ${e.writes.join(', ')}` : ''}` : 'the run had already ended';
  const end = (r: RunResult): string => `${r.outcome}: ${r.message}${r.divergedAt ? ` (schedule stopped applying at switch ${r.divergedAt.switchIndex}, step ${r.divergedAt.step}: ${r.divergedAt.reason})` : ''}`;
  const lines = [];
  if (c.firstDifference) {
    lines.push(`the runs part at step ${c.firstDifference.step}:`);
    lines.push(`  ${nameA}: ${at(c.firstDifference.a)}`);
    lines.push(`  ${nameB}: ${at(c.firstDifference.b)}`);
  } else lines.push('the runs agree step for step');
  lines.push(`${nameA} ends: ${end(c.a)}`);
  lines.push(`${nameB} ends: ${end(c.b)}`);
  return lines.join('\n');
}
