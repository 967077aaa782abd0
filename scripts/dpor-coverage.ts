// What the dpor strategy misses: over random SimC programs (test/programs/explore/random-
// programs.ts), the bounded search with DPOR against the same search without any reduction, at
// each preemption bound. Prints every (program, bound) where DPOR found fewer distinct outcomes,
// then per bound the programs that lost one and the executions each search took. This is the
// evidence behind the README's "What exhaustive covers"; run it after changing bounded.ts.
//   npm run dpor-coverage -- [--first S] [--programs N] [--bounds 0,1,2] [--gomaxprocs G]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BoundedSearch } from '../debug-adapter/engine/explore/bounded';
import { ExploreTarget } from '../debug-adapter/engine/explore/target';
import { fsLoader } from '../debug-adapter/runtimes';
import { compileScenario } from '../debug-adapter/runSupport';
import { randomProgram } from '../test/programs/explore/random-programs';

interface Options {
  /** The first program's seed; the programs are seeds first … first + programs − 1. */
  first: number;
  programs: number;
  bounds: number[];
  gomaxprocs: number;
}

const USAGE = 'usage: npm run dpor-coverage -- [--first S (seed of the first program, default 1)] [--programs N (1–10000, default 300)] [--bounds 0,1,2,3,4 (each 0–6)] [--gomaxprocs 2|3]';

function parse(argv: string[]): Options | string {
  const o: Options = { first: 1, programs: 300, bounds: [0, 1, 2, 3, 4], gomaxprocs: 2 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) return `${flag}: a value is missing`;
    if (flag === '--first') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 1_000_000) return `--first ${value}: give a whole number from 1 to 1000000`;
      o.first = n;
    } else if (flag === '--programs') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) return `--programs ${value}: give a whole number from 1 to 10000`;
      o.programs = n;
    } else if (flag === '--bounds') {
      const ks = value.split(',').map(Number);
      if (ks.some((k) => !Number.isInteger(k) || k < 0 || k > 6)) return `--bounds ${value}: give comma-separated whole numbers from 0 to 6`;
      o.bounds = ks;
    } else if (flag === '--gomaxprocs') {
      const g = Number(value);
      if (g !== 2 && g !== 3) return `--gomaxprocs ${value}: give 2 or 3`;
      o.gomaxprocs = g;
    } else return `${flag}: unknown option`;
  }
  return o;
}

/** One complete bounded search: its distinct outcomes and executions. */
function search(target: ExploreTarget, bound: number, dpor: boolean): { outcomes: Set<string>; executions: number } {
  const r = new BoundedSearch(target, { bound, por: dpor, dpor, hashing: dpor, stopOnFailure: false, shouldStop: () => false }).run();
  if (!r.complete) throw new Error(`bound ${bound}: the search did not complete`);
  return { outcomes: new Set(r.outcomes.keys()), executions: r.executions };
}

function main(): number {
  const o = parse(process.argv.slice(2));
  if (typeof o === 'string') {
    console.error(`dpor-coverage: ${o}\n${USAGE}`);
    return 2;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-dpor-coverage-'));
  // per bound: the programs that lost an outcome, and each search's executions
  const tallies = o.bounds.map((k) => ({ k, lost: [] as number[], plain: 0, dpor: 0 }));
  const t0 = Date.now();
  try {
    for (let seed = o.first; seed < o.first + o.programs; seed++) {
      const file = path.join(dir, `random-${seed}.simc`);
      writeFileSync(file, randomProgram(seed));
      const c = compileScenario(file, 'none', fsLoader);
      if (!c.ok) throw new Error(`random program ${seed} does not compile: ${c.error}`);
      for (const t of tallies) {
        const k = t.k;
        const plain = search(new ExploreTarget(c.program, { gomaxprocs: o.gomaxprocs }), k, false);
        const dpor = search(new ExploreTarget(c.program, { gomaxprocs: o.gomaxprocs }), k, true);
        t.plain += plain.executions;
        t.dpor += dpor.executions;
        const missed = [...plain.outcomes].filter((x) => !dpor.outcomes.has(x));
        if (missed.length > 0) {
          t.lost.push(seed);
          console.log(`program ${seed}, K = ${k}: DPOR missed ${missed.length} of ${plain.outcomes.size} outcomes (${missed.map((m) => JSON.stringify(m)).join(', ')})`);
        }
      }
      const done = seed - o.first + 1;
      if (done % 50 === 0) console.error(`… ${done} of ${o.programs} programs, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${o.programs} random program(s) from seed ${o.first}, GOMAXPROCS ${o.gomaxprocs}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  for (const t of tallies) {
    console.log(`K = ${t.k}: ${t.lost.length} program(s) lost an outcome${t.lost.length ? ` (${t.lost.join(', ')})` : ''}; executions DPOR ${t.dpor.toLocaleString('en')} / plain ${t.plain.toLocaleString('en')}`);
  }
  return tallies.some((t) => t.lost.length > 0) ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(`dpor-coverage: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
}
