// Engine bugs found while bringing up the runtime models, each with the smallest program that
// showed it:
//  - a run that ended right after a callee's return statement let another M overwrite the
//    return value before the caller read it (finalizer-race on f8e4a2e, random seed 1,
//    faulted on a nil result of mallocgc);
//  - a call preempted at its prologue was never reported to listeners, so the oracle missed
//    a runtime·free and reported the freed slot, handed out again, as a double allocation;
//  - under PCT a goroutine waiting in a runtime·gosched loop starved the M it waited for.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { runProgram } from '../../debug-adapter/engine';
import { compileOn, EXAMPLES } from './modelHarness';
import { compileOrThrow } from './simcHarness';

test('return values survive the end of a run between the return and the caller', () => {
  const program = compileOrThrow(
    path.join(EXAMPLES, '..', 'test', 'programs', 'return-across-runs.simc'),
    `
uint32	done;
int32	bad;

int32
twice(int32 x)
{
	return 2*x + 1;
}

void
worker(void *arg)
{
	int32 i;

	for(i = 0; i < 400; i++)
		if(twice(i) != 2*i + 1)
			bad++;
	runtime·xadd(&done, 1);
}

void
main(void)
{
	go worker(nil);
	go worker(nil);
	while(runtime·atomicload(&done) < 2)
		runtime·gosched();
	if(bad != 0)
		runtime·throw("a return value was lost");
}
`,
  );
  for (let seed = 1; seed <= 20; seed++) {
    const r = runProgram(program, { strategy: 'random', seed });
    assert.equal(r.outcome, 'exit', `seed ${seed}: ${r.message}`);
  }
});

test('calls preempted at their prologue are still seen: the oracle stays quiet with sysmon on', () => {
  const program = compileOn('f8e4a2e', path.join(EXAMPLES, 'churn-small.simc'));
  for (const sysmonSteps of [50, 300]) {
    const r = runProgram(program, { sysmonSteps, strategy: 'random', seed: 2, oracle: true });
    assert.equal(r.outcome, 'exit', `sysmon ${sysmonSteps}: ${r.message}`);
  }
});

test('PCT: a goroutine spinning on runtime·gosched does not starve the M it waits for', () => {
  const program = compileOn('f8e4a2e', path.join(EXAMPLES, 'finalizer-race.simc'));
  for (const seed of [1, 2]) {
    const r = runProgram(program, { strategy: 'pct', seed, maxSteps: 2_000_000 });
    assert.equal(r.outcome, 'exit', `seed ${seed}: ${r.message}`);
  }
});
