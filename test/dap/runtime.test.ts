// The debugger on the Go runtime model (examples/finalizer-race.simc): thread names and ids
// across a GC, the sweepgen filters with conditions, a data breakpoint on a span's sweepgen hit
// by the CAS and by the atomic store, a conditional function breakpoint on runtime·atomicstore,
// the span's sweep state in Variables, and the panels' custom requests (span, bitmap with
// deltas, timeline, goto).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { evaluate, example, frames, launch, resumeTo, scopeVariables, stopped, threads } from './helpers';

const RACE = example('finalizer-race.simc');
const H = 'runtime·mheap.sweepgen';

const M_NAME = /^M(\d+) · (idle|stopped for GC|starting|(g0|g\d+) \S+( · blocked \(.+\))?)$/;
const G_NAME = /^g(\d+) \S+ · (runnable|runnable \(preempted\)|waiting( \(.+\))?|idle|syscall)$/;

test('thread names follow the contract and ids stay stable across GCs: Ms stop for GC, goroutines leave and join Ms, bgsweep parks and wakes', async () => {
  const dap = await launch({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2 }, { functions: [{ name: 'gc' }, { name: 'bgsweep' }, { name: 'runtime·starttheworld' }, { name: 'runtime·park' }] });
  try {
    const idOf = new Map<string, number>();
    const perStop: string[][] = [];
    let s = await stopped(dap);
    for (let stop = 0; stop < 10; stop++) {
      const list = await threads(dap);
      for (const t of list) {
        const m = M_NAME.exec(t.name);
        const g = G_NAME.exec(t.name);
        assert.ok(m || g, `thread name '${t.name}' does not follow the contract`);
        const key = m ? `M${m[1]}` : `g${g?.[1]}`;
        if (idOf.has(key)) assert.equal(t.id, idOf.get(key), `${key} changed its id`);
        idOf.set(key, t.id);
      }
      perStop.push(list.map((t) => t.name));
      if (stop < 9) s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    }
    const names = perStop.flat();
    const all = names.join(' | ');
    assert.ok(names.some((n) => /^M\d+ · g0 gc$/.test(n)), `no M running gc on g0 in ${all}`);
    assert.ok(names.some((n) => /^M\d+ · stopped for GC$/.test(n)), `no M stopped for GC in ${all}`);
    assert.ok(names.some((n) => /^M\d+ · g\d+ bgsweep/.test(n)), `bgsweep never shown on an M in ${all}`);
    // a goroutine that ran on an M is later a thread of its own (waiting or runnable), and back
    const onM = (n: string): string | undefined => /^M\d+ · (g[1-9]\d*) /.exec(n)?.[1];
    const offM = (n: string): string | undefined => {
      const g = G_NAME.exec(n);
      return g ? `g${g[1]}` : undefined;
    };
    const moved = [...new Set(names.map(onM).filter((g) => g !== undefined))].filter((g) => names.some((n) => offM(n) === g));
    assert.ok(moved.length > 0, `no goroutine seen both on an M and without one in ${all}`);
    // bgsweep parks (waiting for the next GC's sweep) and is woken by it
    const parked = perStop.findIndex((stop) => stop.some((n) => /^g\d+ bgsweep · waiting \(GC sweep wait\)$/.test(n)));
    assert.ok(parked >= 0, `bgsweep never parked in ${all}`);
    assert.ok(perStop.slice(parked + 1).some((stop) => stop.some((n) => /^g\d+ bgsweep · runnable|^M\d+ · g\d+ bgsweep/.test(n))), `bgsweep never woke after parking in ${all}`);
  } finally {
    dap.close();
  }
});

test('sweepgen CAS filter with a condition stops in sweepone; the span shows "needs sweeping (H−2)"; a data breakpoint on s->sweepgen catches the CAS and the publishing store', async () => {
  const dap = await launch({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2 }, {
    filters: ['sweepgen-cas'],
    filterOptions: [{ filterId: 'sweepgen-cas', condition: `old == ${H} - 2` }],
  });
  try {
    const s = await stopped(dap);
    assert.equal(s.reason, 'exception');
    assert.match(s.description ?? '', /^sweepgen CAS (\d+)→(\d+) on span 0x[0-9a-f]+ by (g\d+|M\d+'s g0)/);
    const fs = await frames(dap, s.threadId as number);
    assert.match(fs[0].name, /^runtime·cas\(p=0x[0-9a-f]+, old=\d+, new=\d+\)$/);
    const caller = fs[1];
    const locals = await scopeVariables(dap, caller.id, 'Locals');
    const span = locals.find((v) => v.name === 's');
    assert.ok(span, `no local s in ${caller.name}`);
    assert.match(span.value, /needs sweeping \(H−2\)/);
    const info = await dap.ok<{ dataId: string; description: string }>('dataBreakpointInfo', { name: 's->sweepgen', frameId: caller.id });
    await dap.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] });
    await dap.ok('setExceptionBreakpoints', { filters: [] });
    const hCas = Number(await evaluate(dap, H, caller.id));
    const afterCas = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(afterCas.reason, 'data breakpoint');
    assert.match(afterCas.description ?? '', /written atomically/);
    const [f1] = await frames(dap, afterCas.threadId as number);
    assert.equal(Number(await evaluate(dap, `*(uint32*)${info.description.match(/0x[0-9a-f]+/)?.[0]}`, f1.id)), hCas - 1);
    const afterStore = await resumeTo(dap, 'continue', { threadId: afterCas.threadId });
    assert.equal(afterStore.reason, 'data breakpoint');
    assert.match(afterStore.description ?? '', /written atomically/);
    const [f2] = await frames(dap, afterStore.threadId as number);
    assert.equal(Number(await evaluate(dap, `*(uint32*)${info.description.match(/0x[0-9a-f]+/)?.[0]}`, f2.id)), hCas);
  } finally {
    dap.close();
  }
});

test('a function breakpoint on runtime·atomicstore with a condition over its arguments', async () => {
  const dap = await launch({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2 }, { functions: [{ name: 'runtime·atomicstore', condition: `v == ${H} && v != 0` }] });
  try {
    const s = await stopped(dap);
    assert.equal(s.reason, 'function breakpoint');
    const [top, caller] = await frames(dap, s.threadId as number);
    assert.match(top.name, /^runtime·atomicstore\(p=0x[0-9a-f]+, v=\d+\)$/);
    assert.equal(await evaluate(dap, `v == ${H}`, top.id), '1');
    assert.ok(caller.name.length > 0);
  } finally {
    dap.close();
  }
});

test('custom requests: span detail, bitmap (full, then only what changed), timeline, and goto', async () => {
  const dap = await launch({ program: RACE, runtime: 'f8e4a2e', gomaxprocs: 2 }, { filters: ['sweepgen-cas'] });
  try {
    const s = await stopped(dap);
    const fs = await frames(dap, s.threadId as number);
    const spanAddr = (await evaluate(dap, 's', fs[1].id)).split(' ')[0];
    const span = await dap.ok<{ generation: number; sweepState: string; slots: unknown[]; H: number; sweepgen: number }>('sweepscope/span', { address: spanAddr });
    assert.equal(span.sweepState, 'needs sweeping (H−2)');
    assert.equal(span.sweepgen, span.H - 2);
    assert.ok(span.slots.length > 0);
    const full = await dap.ok<{ generation: number; delta: boolean; data: string; words: number; spans: unknown[] }>('sweepscope/bitmap', {});
    assert.equal(full.delta, false);
    assert.equal(Buffer.from(full.data, 'base64').length, Math.ceil(full.words / 2));
    assert.ok(full.spans.length > 0);
    await dap.ok('setExceptionBreakpoints', { filters: [] });
    await resumeTo(dap, 'next', { threadId: s.threadId });
    const delta = await dap.ok<{ generation: number; delta: boolean; changed: [number, string][] }>('sweepscope/bitmap', { since: full.generation });
    assert.equal(delta.delta, true);
    assert.ok(delta.generation > full.generation);
    // a client whose read was cancelled still holds the older generation: it gets a delta too,
    // and the same changes (the adapter keeps the last few bitmaps it sent)
    const again = await dap.ok<{ generation: number; delta: boolean; changed: [number, string][] }>('sweepscope/bitmap', { since: full.generation });
    assert.equal(again.delta, true);
    assert.deepEqual(again.changed, delta.changed);
    const nothing = await dap.ok<{ delta: boolean; changed: [number, string][] }>('sweepscope/bitmap', { since: delta.generation });
    assert.deepEqual([nothing.delta, nothing.changed], [true, []], 'a re-read at the same stop changes nothing');
    const tl = await dap.ok<{ events: { pos: number; kind: string; text: string }[]; position: number; lanes: string[] }>('sweepscope/timeline', {});
    const cas = tl.events.filter((e) => e.kind === 'sweepgen-cas');
    assert.ok(cas.length > 0, 'the timeline has the CAS');
    assert.ok(tl.events.some((e) => e.kind === 'gc-start'), 'the timeline has the GC that set H');
    assert.ok(tl.lanes.includes('M0'));
    const target = cas[cas.length - 1].pos;
    const at = dap.mark();
    await dap.ok('sweepscope/goto', { position: target });
    const g = await stopped(dap, at);
    assert.equal(g.reason, 'goto');
    const after = await dap.ok<{ position: number }>('sweepscope/timeline', { max: 1 });
    assert.equal(after.position, target);
    const [top] = await frames(dap, g.threadId as number);
    assert.match(top.name, /^runtime·cas\(/);
  } finally {
    dap.close();
  }
});
