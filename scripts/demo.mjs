// `npm run demo`: the race on the command line. Replays schedule A of examples/schedules on
// before-f8e4a2e (the parent's sweep: U is preempted while it owns a span, and the next GC throws
// "gc: unswept span") and on f8e4a2e (the fix: the same scenario runs clean), printing each run's
// output and outcome. Exits 0 when both end as the story says, 1 otherwise.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const scenario = path.join('examples', 'finalizer-race.simc');
const schedule = path.join('examples', 'schedules', 'finalizer-race.A.schedule.json');

const runs = [
  { runtime: 'before-f8e4a2e', expect: 'throw', what: 'the racy sweep: the owner of a span is preempted mid-sweep and the next GC finds the span unswept' },
  { runtime: 'f8e4a2e', expect: 'exit', what: 'the fixed sweep: the owner cannot be preempted between its CAS and publishing the span' },
];
let ok = true;
for (const r of runs) {
  console.log(`\n$ sweepscope run ${scenario} --runtime ${r.runtime} --schedule ${schedule}\n  (${r.what})`);
  const p = spawnSync(process.execPath, [cli, 'run', scenario, '--runtime', r.runtime, '--schedule', schedule], { cwd: root, encoding: 'utf8' });
  process.stdout.write(p.stdout);
  process.stdout.write(p.stderr);
  const outcome = /outcome: (\w+)/.exec(p.stderr)?.[1];
  if (outcome !== r.expect) {
    ok = false;
    console.error(`demo: expected outcome ${r.expect} on ${r.runtime}, got ${outcome ?? 'none'} (exit ${p.status})`);
  }
}
console.log(ok ? '\ndemo: the race breaks the parent and not the fix' : '\ndemo: FAILED');
process.exit(ok ? 0 : 1);
