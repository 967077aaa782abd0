// Records examples/schedules/finalizer-race.{A,B,C}.schedule.json on before-f8e4a2e (run it
// again after a change to the scenario or the models: `node --import tsx
// scripts/record-race-schedules.ts`). A and B are single-preemption schedules found with the
// explorer's single-switch search (explore/single-switch.ts): the default schedule, except that
// U's M is switched away from once, inside MSpan_Sweep — at the first such step after which the run throws "gc: unswept span" (A), and
// at the first after which the heap oracle reports the published, half-finished sweep at G6
// (B). C is GOMAXPROCS=1 with sysmon every 300 steps (V spins in EnsureSwept on U's span).
// Each schedule is checked by a replay from step 0 before it is written.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runProgram, type RunResult, type ScheduleRecord } from '../debug-adapter/engine';
import { encodeSchedule } from '../debug-adapter/engine/explore/schedule-file';
import { findSingleSwitch } from '../debug-adapter/engine/explore/single-switch';
import { fsLoader } from '../debug-adapter/runtimes';
import { compileScenario } from '../debug-adapter/runSupport';

const examples = path.resolve(__dirname, '..', 'examples');
const scenario = path.join(examples, 'finalizer-race.simc');

function fail(message: string): never {
  console.error(`record-race-schedules: ${message}`);
  process.exit(1);
}

const compiled = compileScenario(scenario, 'before-f8e4a2e', fsLoader);
if (!compiled.ok) fail(compiled.error);
const program = compiled.program;
function write(name: 'A' | 'B' | 'C', schedule: ScheduleRecord, check: RunResult, description: string): void {
  writeFileSync(path.join(examples, 'schedules', `finalizer-race.${name}.schedule.json`), encodeSchedule(schedule));
  console.log(`${name}: ${description} → ${check.outcome}: ${check.message}`);
}

function recordSingle(name: 'A' | 'B', fails: (r: RunResult) => boolean): void {
  const found = findSingleSwitch(program, { goroutine: 'U', function: 'runtime·MSpan_Sweep' }, fails);
  if (!found) fail(`no single switch inside U's MSpan_Sweep gives schedule ${name}`);
  write(name, found.schedule, found.replayed, `U's M${found.deviation.from} switched away from after ${found.deviation.at} steps`);
}

recordSingle('A', (r) => r.outcome === 'throw' && r.message === 'gc: unswept span');
recordSingle('B', (r) => r.outcome === 'invariant' && /^I4 \(no sweep in progress at G6\).*the span is published/.test(r.message));
const c = runProgram(program, { gomaxprocs: 1, sysmonSteps: 300 });
if (c.outcome !== 'livelock') fail(`GOMAXPROCS=1 with sysmon every 300 steps ends in ${c.outcome}: ${c.message}`);
write('C', c.schedule, c, 'GOMAXPROCS=1, sysmon every 300 steps');
