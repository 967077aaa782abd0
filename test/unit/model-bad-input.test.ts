// Scenarios that misuse the runtime get the runtime's own throw (with the lines it printed
// before it) or a clear fault with file:line:col — never an exception from the engine:
// free of a non-heap pointer, SetFinalizer on an interior pointer, allocation of 0 bytes
// (the era's shared zero-size block, which cannot be freed) and of more than the arena.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertThrow, MODELS, runMain } from './modelHarness';

for (const model of MODELS) {
  test(`${model}: free of a pointer that is not in the heap`, () => {
    const r = runMain(model, 'bad-free.simc', '\truntime·free(&global);');
    assertThrow(r, 'free runtime·mlookup', { printed: /^free 0x[0-9a-f]+: not an allocated block$/m });
  });

  test(`${model}: SetFinalizer on an interior pointer`, () => {
    const r = runMain(model, 'bad-finalizer.simc', '\tp = runtime·mallocgc(64, 0, 0);\n\truntime·SetFinalizer(p + 8, fin);');
    assertThrow(r, 'runtime.SetFinalizer', { printed: /pointer not at beginning of allocated block/ });
  });

  test(`${model}: allocations of 0 bytes share one block, which cannot be freed`, () => {
    const r = runMain(
      model,
      'malloc-zero.simc',
      '\tp = runtime·mallocgc(0, 0, 0);\n' +
        '\tif(p == nil || p != runtime·mallocgc(0, 0, FlagNoScan))\n\t\truntime·throw("zero-size allocations differ");\n' +
        '\truntime·free(p);',
    );
    assertThrow(r, 'free runtime·mlookup', { printed: /not an allocated block/ });
  });

  test(`${model}: an allocation larger than the arena runs out of memory`, () => {
    const r = runMain(model, 'malloc-huge.simc', '\tp = runtime·mallocgc(ArenaSize + PageSize, 0, FlagNoScan);');
    assertThrow(r, 'out of memory', { printed: /runtime: out of memory: cannot allocate/ });
  });

  test(`${model}: a size that overflows when rounded up to pages runs out of memory`, () => {
    const r = runMain(model, 'malloc-wrap.simc', '\tp = runtime·mallocgc(0xfffff000, 0, FlagNoScan);');
    assertThrow(r, 'out of memory');
  });

  test(`${model}: writing through the nil result of a misuse is a fault at its line`, () => {
    const r = runMain(model, 'nil-write.simc', '\tp = nil;\n\tp[3] = 1;');
    assert.equal(r.outcome, 'fault');
    assert.match(r.message, /nil pointer dereference/);
    assert.equal(r.location?.line, 14);
    assert.equal(r.location?.function, 'main');
  });
}
