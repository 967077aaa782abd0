// The race-window filter over many schedules, on the debugger's own engine side (the Debuggee,
// without DAP messages): on before-f8e4a2e it opens on the first P8 sweep (runtime·SetFinalizer's
// owner reaches MSpan_Sweep's prologue with nothing held), on f8e4a2e it never opens over 100
// random seeds of examples/finalizer-race.simc.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { StrategyName } from '../../debug-adapter/engine';
import { fsLoader } from '../../debug-adapter/runtimes';
import { compileScenario } from '../../debug-adapter/runSupport';
import { Breakpoints } from '../../debug-adapter/session/breakpoints';
import { Debuggee } from '../../debug-adapter/session/debuggee';
import type { Stop } from '../../debug-adapter/session/stops';

const RACE = path.resolve(__dirname, '..', '..', 'examples', 'finalizer-race.simc');

/** Runs the scenario with only the race-window filter on; resolves with the first stop or null at the end. */
function firstRaceWindow(runtime: string, strategy: StrategyName, seed: number): Promise<Stop | null> {
  const compiled = compileScenario(RACE, runtime, fsLoader);
  if (!compiled.ok) throw new Error(compiled.error);
  const bps = new Breakpoints(compiled.program);
  bps.setFilters(['race-window'], []);
  return new Promise((resolve, reject) => {
    const d = new Debuggee(compiled.program, { program: RACE, runtime, gomaxprocs: 2, stopOnEntry: false, strategy, seed, stepping: 'thread' }, { gomaxprocs: 2, strategy, seed }, bps, {
      output: (text, category) => {
        if (category === 'stderr' && text.includes('internal error')) reject(new Error(text));
      },
      stopped: (stop) => {
        d.kill();
        resolve(stop);
      },
      ended: () => resolve(null),
    });
    d.continue();
  });
}

test('before-f8e4a2e: the race window opens at the first P8 sweep', async () => {
  const stop = await firstRaceWindow('before-f8e4a2e', 'roundrobin', 1);
  assert.ok(stop, 'the race window never opened');
  assert.match(stop.description, /^race window: g\d+ owns span 0x[0-9a-f]+ \(H−1\) and reaches a preemption point, the prologue of runtime·MSpan_Sweep, while preemptible/);
});

test('f8e4a2e: the race window never opens over 100 random seeds', { timeout: 600_000 }, async () => {
  for (let seed = 1; seed <= 100; seed++) {
    const stop = await firstRaceWindow('f8e4a2e', 'random', seed);
    assert.equal(stop, null, `seed ${seed}: ${stop?.description}`);
  }
});
