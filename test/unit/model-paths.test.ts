// The eight sweep paths of go-2014-sweep.md §3 on both runtime models: for each path a small
// scenario that makes a goroutine (or g0) win the CAS H-2 → H-1 on that path, and the
// preemption state at that CAS as the sweep observer sees it (the newstack test of §4).
// before-f8e4a2e: only P8 (SetFinalizer) is preemptible; f8e4a2e: none is.
// Each scenario runs on one P with the round-robin strategy, so after its runtime·gc(1) the
// scenario acts on the unswept spans before bgsweep gets to run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Machine } from '../../debug-adapter/engine';
import { SweepObserver, type SweepPath } from '../../debug-adapter/engine/oracle/sweep-observer';
import { compileText, editedModelCopy, MODELS, type ModelName } from './modelHarness';

/** Globals and helpers every path scenario shares: objects kept alive, garbage around them. */
const PRELUDE = `
byte	*keep[8];
int32	nfin;

void
fin(void *p)
{
	nfin++;
}

// Allocate n objects of size bytes, keep the first one in keep[k], drop the rest.
void
fill(int32 k, uintptr size, int32 n)
{
	int32 i;
	byte *p;

	for(i = 0; i < n; i++) {
		p = runtime·mallocgc(size, 0, 0);
		p[0] = i;
		if(i == 0)
			keep[k] = p;
	}
}
`;

/** For each path: the body of main (after PRELUDE), and whether ConcurrentSweep must be 0. */
const SCENARIOS: Record<SweepPath, { main: string; eager?: boolean }> = {
	// bgsweep sweeps once main lets it run
	P1: { main: 'fill(0, 48, 40); runtime·gc(1); for(i = 0; i < 200; i++) runtime·gosched();' },
	// a second GC finds the spans of the first one unswept (G3)
	P2: { main: 'fill(0, 48, 40); runtime·gc(1); runtime·gc(1);' },
	// ConcurrentSweep = 0: gc() sweeps everything in the pause (G7)
	P3: { main: 'fill(0, 48, 40); runtime·gc(1);', eager: true },
	// the class's span is unswept when mallocgc refills its cache list (C3/C4)
	P4: { main: 'fill(0, 48, 40); runtime·gc(1); fill(1, 48, 2);' },
	// a new span for another class: MHeap_Alloc reclaims (sweepone) before growing
	P5: { main: 'fill(0, 48, 40); fill(1, 40000, 3); runtime·gc(1); fill(2, 40000, 1);' },
	// an explicit free of an object in an unswept span (EnsureSwept from runtime·free)
	P6: { main: 'fill(0, 64, 40); runtime·gc(1); runtime·free(keep[0]); keep[0] = nil;' },
	// P7 is checked at its EnsureSwept call: see the test below
	P7: { main: 'runtime·MemProfileRate = 1; fill(0, 48, 40); runtime·gc(1); fill(1, 48, 4);' },
	// SetFinalizer on an object of an unswept span
	P8: { main: 'fill(0, 48, 40); runtime·gc(1); runtime·SetFinalizer(keep[0], fin);' },
};

function scenario(path: SweepPath): string {
	return `${PRELUDE}
void
main(void)
{
	int32 i;

	i = 0;
	${SCENARIOS[path].main}
	runtime·printf("%s done %d\\n", "${path}", i);
}
`;
}

interface Seen {
	/** The newstack test at every CAS won on the path. */
	acquired: boolean[];
	/** The newstack test at every MSpan_EnsureSwept call classified on the path. */
	ensureCalls: boolean[];
	outcome: string;
}

const eagerCopy = new Map<ModelName, string>();
function runtimeFor(model: ModelName, eager: boolean): string {
	if (!eager) return model;
	let dir = eagerCopy.get(model);
	if (!dir) {
		dir = editedModelCopy(model, (s) => s.replace(/^\tConcurrentSweep = 1/m, '\tConcurrentSweep = 0'));
		eagerCopy.set(model, dir);
	}
	return dir;
}

function run(model: ModelName, path: SweepPath): Seen {
	const program = compileText(runtimeFor(model, SCENARIOS[path].eager === true), `sweep-${path}.simc`, scenario(path));
	const vm = new Machine(program, { gomaxprocs: 1, strategy: 'roundrobin' });
	const seen: Seen = { acquired: [], ensureCalls: [], outcome: '' };
	const observer = new SweepObserver(vm, (e) => {
		if (e.kind === 'acquire' && e.path === path) seen.acquired.push(e.preemptible);
	});
	const ensure = vm.code.funcs.findIndex((f) => f.name === 'runtime·MSpan_EnsureSwept');
	vm.listen(observer);
	vm.listen({
		onCall: (m, fr) => {
			if (fr.fn === ensure && m.exec && observer.classify(m.exec) === path) seen.ensureCalls.push(observer.preemptible(m, m.exec));
		},
	});
	vm.run();
	const r = vm.result();
	seen.outcome = `${r.outcome}${r.outcome === 'exit' ? '' : `: ${r.message}`}`;
	return seen;
}

for (const model of MODELS) {
	for (const path of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P8'] as const) {
		const expected = model === 'before-f8e4a2e' && path === 'P8';
		test(`${model}: ${path} is reached and its owner is ${expected ? '' : 'not '}preemptible at the CAS`, () => {
			const seen = run(model, path);
			assert.equal(seen.outcome, 'exit');
			assert.ok(seen.acquired.length > 0, `no CAS won on ${path}`);
			assert.deepEqual([...new Set(seen.acquired)], [expected]);
		});
	}

	// P7's EnsureSwept always finds the span swept: the object was just allocated from it, and
	// a GC cannot start in between (mallocgc holds m->locks). So its state is checked at the
	// EnsureSwept call, where it would CAS.
	test(`${model}: P7 reaches MSpan_EnsureSwept and is not preemptible there`, () => {
		const seen = run(model, 'P7');
		assert.equal(seen.outcome, 'exit');
		assert.ok(seen.ensureCalls.length > 0, 'no EnsureSwept call on P7');
		assert.deepEqual([...new Set(seen.ensureCalls)], [false]);
		assert.equal(seen.acquired.length, 0);
	});
}
