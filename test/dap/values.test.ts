// Values through the real adapter: scopes and variables (structs expand, arrays page, pointers
// carry a memoryReference), evaluate for watch/hover/REPL, setVariable and setExpression with
// memory and invalidated events, Debug Console completions, readMemory/writeMemory, function
// breakpoints with conditions over arguments (SimC functions and builtins) and data breakpoints
// by variable and by address, hit by plain and atomic accesses alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { byName, dapProgram, evaluate, example, frames, launch, resumeTo, scopeVariables, stopped, variables } from './helpers';

const COUNTER = dapProgram('counter.simc');
const base = { program: COUNTER, runtime: 'none', gomaxprocs: 2 };

test('variables: locals, globals with structs expanded and arrays paged, Runtime scope with m and g', async () => {
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 33, condition: 'i == 2' }] }] });
  try {
    const s = await stopped(dap);
    const [top] = await frames(dap, s.threadId as number);
    const locals = await scopeVariables(dap, top.id, 'Locals');
    assert.equal(byName(locals, 'i').value, '2');
    assert.equal(byName(locals, 'i').type, 'int32');
    const globals = await scopeVariables(dap, top.id, 'Globals');
    const pair = byName(globals, 'pair');
    assert.ok(pair.variablesReference > 0);
    const fields = await variables(dap, pair.variablesReference);
    assert.deepEqual(fields.map((f) => f.name), ['left', 'right', 'hist']);
    const hist = byName(fields, 'hist');
    assert.equal(hist.indexedVariables, 8);
    assert.ok(hist.memoryReference);
    const page = await variables(dap, hist.variablesReference, { filter: 'indexed', start: 2, count: 3 });
    assert.deepEqual(page.map((v) => v.name), ['[2]', '[3]', '[4]']);
    const runtime = await scopeVariables(dap, top.id, 'Runtime');
    assert.ok(runtime.some((v) => v.name === 'm' && /^0x/.test(v.value)));
    assert.ok(runtime.some((v) => v.name === 'g'));
  } finally {
    dap.close();
  }
});

test('evaluate, setVariable and setExpression change memory and announce it', async () => {
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 33 }] }] });
  try {
    const s = await stopped(dap);
    const [top] = await frames(dap, s.threadId as number);
    assert.equal(await evaluate(dap, 'pair.hist[0] + 40', top.id), '41');
    assert.match(await evaluate(dap, '&pair.right', top.id), /^0x[0-9a-f]+/);
    const hover = await dap.ok<{ result: string }>('evaluate', { expression: 'id', frameId: top.id, context: 'hover' });
    assert.equal(hover.result, '1');
    const { scopes } = await dap.ok<{ scopes: DebugProtocol.Scope[] }>('scopes', { frameId: top.id });
    const at = dap.mark();
    const set = await dap.ok<{ value: string }>('setVariable', { variablesReference: scopes[0].variablesReference, name: 'i', value: '3 + 1' });
    assert.equal(set.value, '4');
    await dap.nextEvent('memory', at);
    await dap.nextEvent('invalidated', at);
    assert.equal(await evaluate(dap, 'i', top.id), '4');
    const expr = await dap.ok<{ value: string }>('setExpression', { expression: 'pair.left', value: '100', frameId: top.id });
    assert.equal(expr.value, '100');
    assert.equal(await evaluate(dap, 'pair.left', top.id), '100');
    const bad = await dap.request('evaluate', { expression: 'pair.nosuch', frameId: top.id });
    assert.equal(bad.success, false);
    assert.match(bad.message ?? '', /nosuch/);
  } finally {
    dap.close();
  }
});

test('completions offer fields after . and names in scope', async () => {
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 21 }] }] });
  try {
    const s = await stopped(dap);
    const [top] = await frames(dap, s.threadId as number);
    const fields = await dap.ok<{ targets: DebugProtocol.CompletionItem[] }>('completions', { text: 'pair.h', column: 7, frameId: top.id });
    assert.deepEqual(fields.targets.map((t) => t.label), ['hist']);
    const all = await dap.ok<{ targets: DebugProtocol.CompletionItem[] }>('completions', { text: 'pair.', column: 6, frameId: top.id });
    assert.deepEqual(all.targets.map((t) => t.label), ['left', 'right', 'hist']);
    const names = await dap.ok<{ targets: DebugProtocol.CompletionItem[] }>('completions', { text: 'x + tw', column: 7, frameId: top.id });
    assert.ok(names.targets.some((t) => t.label === 'twice'));
    const local = await dap.ok<{ targets: DebugProtocol.CompletionItem[] }>('completions', { text: 'y', column: 2, frameId: top.id });
    assert.ok(local.targets.some((t) => t.label === 'y' && t.type === 'variable'));
  } finally {
    dap.close();
  }
});

test('readMemory and writeMemory work on the simulated address space; unmapped bytes are reported', async () => {
  const dap = await launch({ ...base, stopOnEntry: true });
  try {
    await stopped(dap);
    const [top] = await frames(dap, 1);
    const addr = await evaluate(dap, '&pair.right', top.id);
    const ref = addr.split(' ')[0];
    const at = dap.mark();
    const w = await dap.ok<{ bytesWritten: number }>('writeMemory', { memoryReference: ref, data: Buffer.from([7, 0, 0, 0]).toString('base64') });
    assert.equal(w.bytesWritten, 4);
    await dap.nextEvent('memory', at);
    assert.equal(await evaluate(dap, 'pair.right', top.id), '7');
    const r = await dap.ok<{ data: string; unreadableBytes: number }>('readMemory', { memoryReference: ref, count: 4 });
    assert.deepEqual([...Buffer.from(r.data, 'base64')], [7, 0, 0, 0]);
    const nil = await dap.ok<{ data: string; unreadableBytes: number }>('readMemory', { memoryReference: '0x10', count: 8 });
    assert.equal(nil.unreadableBytes, 8);
  } finally {
    dap.close();
  }
});

test('function breakpoints on a SimC function and on a builtin, with conditions over their arguments', async () => {
  const dap = await launch(base, { functions: [{ name: 'twice', condition: 'x == 3' }, { name: 'runtime·xadd', condition: 'p == &finished' }] });
  try {
    let s = await stopped(dap);
    assert.equal(s.reason, 'function breakpoint');
    let [top] = await frames(dap, s.threadId as number);
    assert.equal(top.name, 'twice');
    assert.equal(await evaluate(dap, 'x', top.id), '3');
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    [top] = await frames(dap, s.threadId as number);
    assert.match(top.name, /^runtime·xadd\(p=0x[0-9a-f]+, delta=1\)$/);
    assert.equal(await evaluate(dap, 'p == &finished', top.id), '1');
  } finally {
    dap.close();
  }
});

test('data breakpoints by variable and by address stop on plain and atomic writes', async () => {
  const dap = await launch({ ...base, stopOnEntry: true });
  try {
    await stopped(dap);
    const [top] = await frames(dap, 1);
    const globals = await scopeVariables(dap, top.id, 'Globals');
    const pairRef = byName(globals, 'pair').variablesReference;
    const info = await dap.ok<{ dataId: string; accessTypes: string[] }>('dataBreakpointInfo', { variablesReference: pairRef, name: 'right' });
    assert.ok(info.dataId);
    assert.deepEqual(info.accessTypes, ['read', 'write', 'readWrite']);
    const set = await dap.ok<{ breakpoints: DebugProtocol.Breakpoint[] }>('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] });
    assert.equal(set.breakpoints[0].verified, true);
    let s = await resumeTo(dap, 'continue', { threadId: 1 });
    assert.equal(s.reason, 'data breakpoint');
    assert.match(s.description ?? s.text ?? '', /written atomically/);
    // by address, a plain write: pair.left
    const addr = (await evaluate(dap, '&pair.left', (await frames(dap, s.threadId as number))[0].id)).split(' ')[0];
    const byAddr = await dap.ok<{ dataId: string }>('dataBreakpointInfo', { name: addr, asAddress: true, bytes: 4 });
    await dap.ok('setDataBreakpoints', { breakpoints: [{ dataId: byAddr.dataId, accessType: 'write' }] });
    s = await resumeTo(dap, 'continue', { threadId: 1 });
    assert.equal(s.reason, 'data breakpoint');
    assert.match(s.description ?? s.text ?? '', /written by g\d+/);
    const [f] = await frames(dap, s.threadId as number);
    assert.equal(f.name, 'adder');
  } finally {
    dap.close();
  }
});

test('data breakpoints: "read" stops on a read and not on a write; "readWrite" on both', async () => {
  const dap = await launch({ ...base, stopOnEntry: true });
  try {
    await stopped(dap);
    const [top] = await frames(dap, 1);
    // finished: main only reads it (runtime·atomicload); each adder writes it once (runtime·xadd reads and writes)
    const info = await dap.ok<{ dataId: string }>('dataBreakpointInfo', { name: 'finished', frameId: top.id });
    await dap.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'read' }] });
    let s = await resumeTo(dap, 'continue', { threadId: 1 });
    assert.equal(s.reason, 'data breakpoint');
    assert.match(s.description ?? '', /^finished \(4 bytes at 0x[0-9a-f]+\) read atomically by g1 on M\d+$/);
    // write only: the reader (main) never stops it, the first xadd does
    await dap.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] });
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.match(s.description ?? '', /written atomically by g[23] on M\d+$/);
    await dap.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'readWrite' }] });
    const kinds = new Set<string>();
    for (let i = 0; i < 40 && kinds.size < 2; i++) {
      s = await resumeTo(dap, 'continue', { threadId: s.threadId });
      if (s.reason !== 'data breakpoint') break;
      kinds.add(/ (read|written) /.exec(s.description ?? '')?.[1] ?? '?');
    }
    assert.deepEqual([...kinds].sort(), ['read', 'written']);
  } finally {
    dap.close();
  }
});

test('on the runtime model: Runtime scope has mheap, H, m, g and p; a span pointer expands, carries a memoryReference and its memory reads', async () => {
  const dap = await launch({ program: example('finalizer-race.simc'), runtime: 'f8e4a2e', gomaxprocs: 2 }, { filters: ['sweepgen-cas'] });
  try {
    const s = await stopped(dap);
    const [, caller] = await frames(dap, s.threadId as number);
    const runtime = await scopeVariables(dap, caller.id, 'Runtime');
    assert.deepEqual(runtime.slice(0, 5).map((v) => v.name), ['runtime·mheap', 'H', 'm', 'g', 'p']);
    const mheap = byName(runtime, 'runtime·mheap');
    assert.ok((await variables(dap, mheap.variablesReference)).some((v) => v.name === 'sweepgen'));
    const p = byName(runtime, 'p');
    assert.ok(p.variablesReference > 0 && p.memoryReference === p.value.split(' ')[0]);
    const sVar = byName(await scopeVariables(dap, caller.id, 'Locals'), 's');
    const addr = sVar.value.split(' ')[0];
    assert.equal(sVar.memoryReference, addr);
    const fields = await variables(dap, sVar.variablesReference);
    const sg = byName(fields, 'sweepgen');
    assert.match(sg.value, /^\d+ · needs sweeping \(H−2\)$/);
    assert.equal(sg.evaluateName, '(*s).sweepgen');
    const mem = await dap.ok<{ data: string; unreadableBytes: number; address: string }>('readMemory', { memoryReference: sVar.memoryReference, offset: 0, count: 64 });
    assert.equal(mem.unreadableBytes, 0);
    const off = Number(await evaluate(dap, '(uint32)&s->sweepgen - (uint32)s', caller.id));
    assert.equal(Buffer.from(mem.data, 'base64').readUInt32LE(off), Number(sg.value.split(' ')[0]));
  } finally {
    dap.close();
  }
});
