// The runtime's own throws of go-2014-sweep.md §7 that a scenario can reach by calling into the
// runtime the wrong way, on both models: each run must end with outcome `throw`, the exact
// message, a file:line:col in the model file that holds the throw, and the line(s) the era
// printed before it. MSpan_Sweep called on a span that is already swept shows the fix's
// difference: f8e4a2e refuses an unlocked caller first ("m is not locked", S1), the parent
// goes on to its state check (S3, after its printf).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../debug-adapter/engine';
import { assertThrow, MODELS, runMain } from './modelHarness';

/** runMain with a global `MSpan *s` besides `global` and `p`. */
const runSpanMain = (model: string, name: string, body: string): RunResult => runMain(model, name, body, 'MSpan\t*s;');

/** "MSpan_Sweep: state=%d sweepgen=%d mheap.sweepgen=%d" for a swept, in-use span (sweepgen == H). */
const SWEPT_SPAN_STATE = /^MSpan_Sweep: state=0 sweepgen=(\d+) mheap\.sweepgen=\1$/m;

for (const model of MODELS) {
  test(`${model}: MSpan_Sweep of a span that is already swept throws "bad span state" after its printf`, () => {
    const r = runSpanMain(
      model,
      'sweep-swept-span.simc',
      '\tp = runtime·mallocgc(64, 0, 0);\n\ts = runtime·MHeap_Lookup(&runtime·mheap, p);\n\tm->locks++;\n\truntime·MSpan_Sweep(s);',
    );
    assertThrow(r, 'MSpan_Sweep: bad span state', { file: /mgc0-sweep\.simc$/, printed: SWEPT_SPAN_STATE });
  });

  test(`${model}: MSpan_Sweep called with nothing held`, () => {
    const r = runSpanMain(model, 'sweep-unlocked.simc', '\tp = runtime·mallocgc(64, 0, 0);\n\ts = runtime·MHeap_Lookup(&runtime·mheap, p);\n\truntime·MSpan_Sweep(s);');
    if (model === 'f8e4a2e') {
      assertThrow(r, 'MSpan_Sweep: m is not locked', { file: /f8e4a2e\/mgc0-sweep\.simc$/ });
      assert.doesNotMatch(r.output, /MSpan_Sweep: state=/);
    } else {
      // the parent has no such check: the state check is the first to fire
      assertThrow(r, 'MSpan_Sweep: bad span state', { file: /before-f8e4a2e\/mgc0-sweep\.simc$/, printed: SWEPT_SPAN_STATE });
    }
  });

  test(`${model}: explicit free of an object with a finalizer`, () => {
    const r = runSpanMain(model, 'free-finalized.simc', '\tp = runtime·mallocgc(64, 0, 0);\n\truntime·SetFinalizer(p, fin);\n\truntime·free(p);');
    assertThrow(r, "can't explicitly free an object with a finalizer", { file: /mheap-special\.simc$/ });
  });

  test(`${model}: explicit free of a block smaller than TinySize`, () => {
    // 8 bytes with pointers: size class 1, not the tiny allocator
    const r = runSpanMain(model, 'free-small.simc', '\tp = runtime·mallocgc(8, 0, 0);\n\truntime·free(p);');
    assertThrow(r, 'freeing too small block', { file: /malloc\.simc$/ });
  });

  test(`${model}: mallocgc re-entered while m->mallocing is set`, () => {
    const r = runSpanMain(model, 'malloc-reentry.simc', '\tm->mallocing = 1;\n\tp = runtime·mallocgc(64, 0, 0);');
    assertThrow(r, 'malloc/free - deadlock', { file: /malloc\.simc$/ });
  });

  test(`${model}: a finalizer record added to or removed from a pointer outside the heap`, () => {
    const add = runSpanMain(model, 'addspecial-bad.simc', '\truntime·addfinalizer(&global, fin, 0, nil, nil);');
    assertThrow(add, 'addspecial on invalid pointer', { file: /mheap-special\.simc$/ });
    const remove = runSpanMain(model, 'removespecial-bad.simc', '\truntime·removefinalizer(&global);');
    assertThrow(remove, 'removespecial on invalid pointer', { file: /mheap-special\.simc$/ });
  });

  test(`${model}: MHeap_Free of a small-object span with objects handed out throws after printing the span`, () => {
    // the first allocation of a class hands the span's whole freelist to the mcache: ref > 0
    const r = runSpanMain(model, 'heap-free-live.simc', '\tp = runtime·mallocgc(64, 0, 0);\n\ts = runtime·MHeap_Lookup(&runtime·mheap, p);\n\truntime·MHeap_Free(&runtime·mheap, s, 1);');
    assertThrow(r, 'MHeap_FreeLocked - invalid free', { file: /mheap\.simc$/, printed: /^MHeap_FreeLocked - span 0x[0-9a-f]+ ptr 0x[0-9a-f]+ state 0 ref [1-9]\d* sweepgen (\d+)\/\1$/m });
  });

  test(`${model}: bitmap helpers on pointers outside the arena or unaligned lengths`, () => {
    const freed = runSpanMain(model, 'markfreed-bad.simc', '\truntime·markfreed(&global, 8);');
    assertThrow(freed, 'markfreed: bad pointer', { file: /mbitmap\.simc$/ });
    const unmark = runSpanMain(model, 'unmarkspan-bad.simc', '\tp = runtime·mallocgc(40000, 0, FlagNoScan);\n\truntime·unmarkspan(p, 8);');
    assertThrow(unmark, 'unmarkspan: unaligned length', { file: /mbitmap\.simc$/ });
  });
}
