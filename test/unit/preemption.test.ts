// Preemption at function prologues (simc-language.md §4, RUNTIME-INTERFACE.md "Preemption"):
// with one P and the VM's sysmon asking the running goroutine to stop every few dozen steps,
// a goroutine is descheduled only at the entry of a non-NOSPLIT function, and only while
// m->locks, m->mallocing and m->gcing are all zero. runtime·unlock to zero re-arms a pending
// request; dropping m->locks by hand does not (model code re-arms itself where the era did).
//
// Each scenario runs two goroutines, `worker` and `other`, on GOMAXPROCS=1; main waits for
// both with a runtime·gosched loop. Worker starts first, so `other` prints before worker
// finishes only if worker was preempted. The test watches onPreemptRequest / onPreempt and
// the output order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Machine, type RunResult } from '../../debug-adapter/engine';
import { compileOrThrow, goName, topFn } from './simcHarness';

const SYSMON = 50;

/** A complete program: the helpers, `worker` with the given body, `other` and main. */
function scenario(workerBody: string): string {
  return `
uint32 done;
int32 sink;
Lock l;

void f(int32 i) { sink = sink + i; }
void flocked(int32 i) { sink = sink + i; }
void funlocked(int32 i) { sink = sink + i; }
void mark(void) { sink++; }

#pragma textflag NOSPLIT
void
fnosplit(int32 i)
{
	sink = sink + i;
}

void
worker(void)
{
	int32 i;
	int32 pre;
	int32 armed;
	int32 sg;

	i = 0;
	pre = 0;
	armed = 0;
	sg = 0;
${workerBody}
	runtime·xadd(&done, 1);
}

void
other(void)
{
	runtime·printf("other\\n");
	runtime·xadd(&done, 1);
}

void
main(void)
{
	go worker();
	go other();
	while(runtime·atomicload(&done) < 2)
		runtime·gosched();
	runtime·printf("end\\n");
}
`;
}

interface Request {
  g: string;
  by: string;
  locks: number;
  mallocing: number;
  gcing: number;
}

interface Trace {
  result: RunResult;
  /** Every preemption of `worker`: the function whose prologue preempted it. */
  workerPreempts: string[];
  /** Every preemption request for `worker`, with the M's counters at that moment. */
  workerRequests: Request[];
  /** Requests and preemptions of worker in order: `req(locks,mallocing,gcing)` / `preempt@fn`. */
  log: string[];
}

function runScenario(name: string, workerBody: string, sysmonSteps: number): Trace {
  const program = compileOrThrow(`/virtual/preemption/${name}.simc`, scenario(workerBody));
  const vm = new Machine(program, { gomaxprocs: 1, strategy: 'roundrobin', seed: 1, sysmonSteps, maxSteps: 200_000 });
  const o = vm.code.offsets.M;
  const workerPreempts: string[] = [];
  const workerRequests: Request[] = [];
  const log: string[] = [];
  vm.listen({
    onPreemptRequest(g, by) {
      if (goName(vm, g) !== 'worker') return;
      const m = g.m;
      assert.ok(m, 'a preemption request for a goroutine that is not on an M');
      const r: Request = { g: goName(vm, g), by, locks: vm.view.i32(m.addr + o.locks), mallocing: vm.view.i32(m.addr + o.mallocing), gcing: vm.view.i32(m.addr + o.gcing) };
      workerRequests.push(r);
      log.push(`req(${r.locks},${r.mallocing},${r.gcing})`);
    },
    onPreempt(g) {
      if (goName(vm, g) !== 'worker') return;
      workerPreempts.push(topFn(vm, g));
      log.push(`preempt@${topFn(vm, g)}`);
    },
  });
  vm.run();
  const result = vm.result();
  assert.equal(result.outcome, 'exit', `${name}: ${result.outcome} ${result.message}\n${result.output}`);
  return { result, workerPreempts, workerRequests, log };
}

const lines = (...xs: string[]) => xs.map((x) => x + '\n').join('');

test('preemption (a): a loop calling a normal function with m->locks == 0 is preempted at a prologue', () => {
  const body = `
	runtime·printf("w start\\n");
	for(i = 0; i < 100; i++)
		f(i);
	runtime·printf("w done\\n");`;
  const t = runScenario('a', body, SYSMON);
  assert.ok(t.workerRequests.length >= 1, 'sysmon never asked worker to stop');
  assert.ok(t.workerRequests.every((r) => r.by === 'sysmon' && r.locks === 0));
  assert.ok(t.workerPreempts.length >= 1, `worker was never preempted: ${t.log.join(' ')}`);
  assert.deepEqual([...new Set(t.workerPreempts)], ['f'], 'preempted somewhere other than the prologue of f');
  assert.equal(t.result.output, lines('w start', 'other', 'w done', 'end'));

  // control: without sysmon nothing asks worker to stop, so it runs to its end first
  const quiet = runScenario('a-quiet', body, 0);
  assert.deepEqual(quiet.workerRequests, []);
  assert.deepEqual(quiet.workerPreempts, []);
  assert.equal(quiet.result.output, lines('w start', 'w done', 'other', 'end'));
});

for (const field of ['locks', 'mallocing', 'gcing'] as const) {
  test(`preemption (b/d): m->${field} > 0 blocks preemption; after dropping it by hand a later request preempts`, () => {
    const body = `
	runtime·printf("w held\\n");
	m->${field}++;
	for(i = 0; i < 100; i++)
		flocked(i);
	m->${field}--;
	runtime·printf("w released\\n");
	for(i = 0; i < 100; i++)
		funlocked(i);
	runtime·printf("w done\\n");`;
    const t = runScenario(`held-${field}`, body, SYSMON);
    const during = t.workerRequests.filter((r) => r[field] > 0);
    assert.ok(during.length >= 2, `no (or one) preemption request while m->${field} > 0: ${t.log.join(' ')}`);
    assert.ok(!t.workerPreempts.includes('flocked'), `preempted at flocked while m->${field} > 0: ${t.log.join(' ')}`);
    assert.ok(t.workerPreempts.includes('funlocked'), `not preempted after m->${field} dropped to 0: ${t.log.join(' ')}`);
    // other's output comes only after worker released the counter
    assert.equal(t.result.output, lines('w held', 'w released', 'other', 'w done', 'end'));
  });
}

test('preemption (b): runtime·lock holds off preemption; runtime·unlock to zero re-arms the pending request', () => {
  const body = `
	runtime·printf("w locked\\n");
	runtime·lock(&l);
	for(i = 0; i < 100; i++)
		flocked(i);
	pre = g->preempt;
	runtime·unlock(&l);
	armed = g->stackguard0 == 0xfffffade;
	mark();
	runtime·printf("w unlocked %d %d\\n", pre, armed);
	for(i = 0; i < 10; i++)
		f(i);
	runtime·printf("w done\\n");`;
  const t = runScenario('lock-unlock', body, SYSMON);
  const first = t.log.findIndex((x) => x.startsWith('preempt@'));
  assert.ok(first > 0, `worker never preempted: ${t.log.join(' ')}`);
  // every request before the first preemption arrived while the lock was held: the request that
  // preempts at mark() is the pending one that runtime·unlock re-armed, not a fresh one
  assert.ok(t.log.slice(0, first).every((x) => x === 'req(1,0,0)'), t.log.join(' '));
  assert.equal(t.log[first], 'preempt@mark', t.log.join(' '));
  assert.ok(!t.workerPreempts.includes('flocked'));
  // g->preempt stayed set through the blocked prologues; after unlock stackguard0 is StackPreempt
  assert.equal(t.result.output, lines('w locked', 'other', 'w unlocked 1 1', 'w done', 'end'));
});

test('preemption (b): a request made by hand while locked fires at the first call after runtime·unlock', () => {
  // no sysmon: the only request is the one the program makes
  const body = `
	runtime·printf("w start\\n");
	runtime·lock(&l);
	g->preempt = true;
	g->stackguard0 = 0xfffffade;
	flocked(0);
	sg = g->stackguard0 == 0xfffffade;
	pre = g->preempt;
	runtime·unlock(&l);
	armed = g->stackguard0 == 0xfffffade;
	mark();
	runtime·printf("w %d %d %d\\n", sg, pre, armed);`;
  const t = runScenario('hand-request-unlock', body, 0);
  assert.deepEqual(t.workerRequests, []);
  assert.deepEqual(t.workerPreempts, ['mark']);
  // the blocked prologue of flocked restored stackguard0 (sg 0) and kept g->preempt (pre 1);
  // runtime·unlock re-armed it (armed 1)
  assert.equal(t.result.output, lines('w start', 'other', 'w 0 1 1', 'end'));
});

test('preemption (b): dropping m->locks by hand does not re-arm a pending request', () => {
  const body = `
	runtime·printf("w start\\n");
	m->locks++;
	g->preempt = true;
	g->stackguard0 = 0xfffffade;
	flocked(0);
	m->locks--;
	mark();
	runtime·printf("w %d %d\\n", g->preempt, g->stackguard0 == 0xfffffade);`;
  const t = runScenario('hand-request-manual-drop', body, 0);
  assert.deepEqual(t.workerPreempts, []);
  assert.equal(t.result.output, lines('w start', 'w 1 0', 'other', 'end'));
});

test('preemption (c): a loop calling only NOSPLIT functions is never preempted, though requests are pending', () => {
  const body = `
	runtime·printf("w start\\n");
	for(i = 0; i < 150; i++)
		fnosplit(i);
	pre = g->preempt;
	armed = g->stackguard0 == 0xfffffade;
	runtime·printf("w done %d %d\\n", pre, armed);`;
  const t = runScenario('nosplit', body, SYSMON);
  assert.ok(t.workerRequests.length >= 3, `expected several sysmon requests, got ${t.log.join(' ')}`);
  assert.ok(t.workerRequests.every((r) => r.locks === 0 && r.mallocing === 0 && r.gcing === 0));
  assert.deepEqual(t.workerPreempts, []);
  // the request is still pending at the end (no prologue ever consumed it)
  assert.equal(t.result.output, lines('w start', 'w done 1 1', 'other', 'end'));
});

test('preemption (c): a non-NOSPLIT function called from a NOSPLIT one is a preemption point', () => {
  // the NOSPLIT caller has no check, but its callee does
  const src = scenario(`
	runtime·printf("w start\\n");
	for(i = 0; i < 150; i++)
		viaNosplit(i);
	runtime·printf("w done\\n");`).replace(
    'void\nworker(void)',
    '#pragma textflag NOSPLIT\nvoid\nviaNosplit(int32 i)\n{\n\tf(i);\n}\n\nvoid\nworker(void)',
  );
  const program = compileOrThrow('/virtual/preemption/via-nosplit.simc', src);
  const vm = new Machine(program, { gomaxprocs: 1, sysmonSteps: SYSMON });
  const at: string[] = [];
  vm.listen({ onPreempt: (g) => void (goName(vm, g) === 'worker' && at.push(topFn(vm, g))) });
  vm.run();
  const r = vm.result();
  assert.equal(r.outcome, 'exit', r.message);
  assert.ok(at.length >= 1);
  assert.deepEqual([...new Set(at)], ['f']);
  assert.equal(r.output, lines('w start', 'other', 'w done', 'end'));
});
