// Each heap-oracle check fires on a scenario that breaks exactly what it guards, on both
// models, and names what broke: the invariant, the span or slot, the goroutine and M, the
// step, the function and a file:line:col. The scenarios corrupt the runtime's state from
// main (a plain store of sweepgen or H, a slot pushed back on the mcache list while still
// live, a span's ref or freelist edited by hand), so the runtime itself has not noticed yet
// when the oracle stops the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProgram, type RunResult } from '../../debug-adapter/engine';
import { compileText, MODELS } from './modelHarness';

function runMain(model: string, name: string, body: string): RunResult {
  const text = `
byte	*p;
byte	*q;
MSpan	*s;
MCache	*c;
int32	cl;

void
main(void)
{
${body}
	runtime·printf("not reached\\n");
}
`;
  return runProgram(compileText(model, name, text), { oracle: true });
}

/** The run ended with this oracle report, located in `fn` of a .simc file. */
function assertInvariant(r: RunResult, message: RegExp, fn: string): void {
  assert.equal(r.outcome, 'invariant', `${r.outcome}: ${r.message}`);
  assert.match(r.message, message);
  // who, when and where: "(g1 on M0, step 1234, main)"
  assert.match(r.message, /\((g\d+|g0) on M\d+, step \d+, [^)]+\)$/);
  assert.ok(r.location && r.location.line > 0 && r.location.column > 0, 'a report has a file:line:col');
  assert.match(r.location.file, /\.simc$/);
  assert.equal(r.location.function, fn);
  assert.doesNotMatch(r.output, /not reached/);
}

/** Allocates one 64-byte object into p and finds its span s (main's first lines). */
const ALLOC = '\tp = runtime·mallocgc(64, 0, 0);\n\ts = runtime·MHeap_Lookup(&runtime·mheap, p);\n';

for (const model of MODELS) {
  test(`${model}: I1 — H written outside G6, by other than +2 and with the world running`, () => {
    const odd = runMain(model, 'h-odd.simc', '\truntime·mheap.sweepgen += 1;');
    assertInvariant(odd, /^I1 \(H grows by 2\): mheap\.sweepgen went from (\d+) to \d+/, 'main');
    const running = runMain(model, 'h-running.simc', '\truntime·mheap.sweepgen += 2;');
    assertInvariant(running, /^I1 \(H changes only with the world stopped\): H became \d+ while P\d+ is not stopped/, 'main');
  });

  test(`${model}: I2 and I3 — a span's sweepgen set by a plain store to a value outside the protocol`, () => {
    const far = runMain(model, 'sweepgen-far.simc', `${ALLOC}\ts->sweepgen = runtime·mheap.sweepgen + 4;`);
    assertInvariant(far, /^I2 \(sweepgen ∈ \{H−2, H−1, H\}\): span 0x[0-9a-f]+ sweepgen set to \d+ while H = \d+/, 'main');
    const owned = runMain(model, 'sweepgen-owned.simc', `${ALLOC}\ts->sweepgen = runtime·mheap.sweepgen - 1;`);
    assertInvariant(owned, /^I3 \(ownership only by CAS\): span 0x[0-9a-f]+ sweepgen set to H−1 \(\d+\) by a plain store/, 'main');
  });

  test(`${model}: a slot handed out twice — a live object pushed back on the mcache's list`, () => {
    const r = runMain(
      model,
      'double-alloc.simc',
      // pointer-free (FlagNoScan, not tiny), so mallocgc does not set bitScan again (markscan would throw)
      '\tp = runtime·mallocgc(64, 0, FlagNoScan);\n\tcl = runtime·SizeToClass(64);\n\tc = m->mcache;\n' +
        '\t((MLink*)p)->next = c->list[cl].list;\n\tc->list[cl].list = (MLink*)p;\n\tc->list[cl].nlist++;\n' +
        '\tq = runtime·mallocgc(64, 0, FlagNoScan);',
    );
    assertInvariant(r, /^slot handed out twice: mallocgc returned 0x[0-9a-f]+, which is still allocated to a live object/, 'runtime·mallocgc');
  });

  test(`${model}: I8 — a span's ref drifts from its real count, seen at the next G6`, () => {
    const r = runMain(model, 'ref-drift.simc', `${ALLOC}\ts->ref += 1;\n\truntime·gc(1);`);
    assertInvariant(r, /^I8 \(ref = capacity − free slots\): span 0x[0-9a-f]+ \(class \d+\) has ref (\d+) but (\d+) slots are not on its freelist/, 'gc');
    const [, ref, used] = /has ref (\d+) but (\d+) slots/.exec(r.message) ?? [];
    assert.equal(Number(ref), Number(used) + 1);
  });

  test(`${model}: a cycle in a span's freelist, seen at the next G6`, () => {
    // p is live (a global holds it); make it the span's whole freelist, pointing at itself
    const r = runMain(model, 'freelist-cycle.simc', `${ALLOC}\t((MLink*)p)->next = (MLink*)p;\n\ts->freelist = (MLink*)p;\n\truntime·gc(1);`);
    assertInvariant(r, /^freelist cycle: span 0x[0-9a-f]+'s freelist loops back to slot 0x[0-9a-f]+/, 'gc');
  });
}
