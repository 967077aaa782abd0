// The debugger gestures on a plain SimC program through the real adapter process: stop on
// entry, line breakpoints (condition, hit condition, log message, moved lines), stepping in,
// over and out per thread, exact step back and reverse continue, pause of a runaway program,
// restart and terminate.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { byName, dapProgram, evaluate, frames, launch, logpointHits, resumeTo, scopeVariables, stopped, threads } from './helpers';

const COUNTER = dapProgram('counter.simc');
const base = { program: COUNTER, runtime: 'none', gomaxprocs: 2 };

test('stop on entry shows main at its first statement on M0', async () => {
  const dap = await launch({ ...base, stopOnEntry: true });
  try {
    const s = await stopped(dap);
    assert.equal(s.reason, 'entry');
    const [top] = await frames(dap, s.threadId as number);
    assert.equal(top.name, 'main');
    assert.equal(top.line, 43);
    assert.equal(top.source?.path, COUNTER);
    assert.match((await threads(dap))[0].name, /^M0 · g1 main/);
  } finally {
    dap.close();
  }
});

test('line breakpoints: a condition, a hit condition, a log message, and a line moved to the next statement', async () => {
  const dap = await launch(base, {
    lines: [{ file: COUNTER, breakpoints: [{ line: 31, condition: 'i == 3 && id == 2' }, { line: 21, logMessage: 'twice({x})' }] }],
  });
  try {
    const s = await stopped(dap);
    assert.equal(s.reason, 'breakpoint');
    const [f2] = await frames(dap, s.threadId as number);
    assert.equal(f2.line, 31);
    assert.equal(await evaluate(dap, 'i', f2.id), '3');
    assert.equal(await evaluate(dap, 'id', f2.id), '2');
    assert.match(dap.output('console'), /twice\(0\)\ntwice\(1\)\n/);
  } finally {
    dap.close();
  }
});

test('setBreakpoints reports verified lines, moves a blank line and rejects a line outside any function', async () => {
  const dap = await launch({ ...base, stopOnEntry: true });
  try {
    await stopped(dap);
    const r = await dap.ok<{ breakpoints: DebugProtocol.Breakpoint[] }>('setBreakpoints', { source: { path: COUNTER }, breakpoints: [{ line: 32, hitCondition: '>= 4' }, { line: 29 }, { line: 3 }] });
    assert.equal(r.breakpoints[0].verified, true);
    assert.equal(r.breakpoints[0].line, 32);
    assert.equal(r.breakpoints[1].verified, true);
    assert.equal(r.breakpoints[1].line, 30);
    assert.equal(r.breakpoints[2].verified, false);
    assert.ok((r.breakpoints[2].message ?? '').length > 0, 'a rejected breakpoint says why');
    await dap.ok('setBreakpoints', { source: { path: COUNTER }, breakpoints: [{ line: 32, hitCondition: '4' }] });
    const s = await resumeTo(dap, 'continue', { threadId: 1 });
    const [top] = await frames(dap, s.threadId as number);
    assert.equal(top.line, 32);
    // the 4th time line 32 runs (over both goroutines)
    const locs = await dap.ok<{ breakpoints: { line: number }[] }>('breakpointLocations', { source: { path: COUNTER }, line: 28, endLine: 36 });
    assert.deepEqual(locs.breakpoints.map((b) => b.line), [30, 31, 32, 33, 35, 36]);
  } finally {
    dap.close();
  }
});

test('step in, over and out move the stepped thread through lines and calls', async () => {
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 31 }] }] });
  try {
    const s = await stopped(dap);
    const tid = s.threadId as number;
    const into = await resumeTo(dap, 'stepIn', { threadId: tid });
    assert.equal(into.threadId, tid);
    let fs = await frames(dap, tid);
    assert.deepEqual([fs[0].name, fs[0].line], ['twice', 21]);
    assert.equal(fs[1].name, 'adder');
    await resumeTo(dap, 'next', { threadId: tid });
    fs = await frames(dap, tid);
    assert.deepEqual([fs[0].name, fs[0].line], ['twice', 22]);
    // step out finishes the call and stops at the caller's next statement
    await resumeTo(dap, 'stepOut', { threadId: tid });
    fs = await frames(dap, tid);
    assert.deepEqual([fs[0].name, fs[0].line], ['adder', 32]);
    await resumeTo(dap, 'next', { threadId: tid });
    fs = await frames(dap, tid);
    assert.deepEqual([fs[0].name, fs[0].line], ['adder', 33]);
  } finally {
    dap.close();
  }
});

test('step back returns to the previous line with the memory it had, and stepping forward again repeats it exactly', async () => {
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 32 }] }] });
  try {
    const s = await stopped(dap);
    const tid = s.threadId as number;
    let [top] = await frames(dap, tid);
    const before = await evaluate(dap, 'pair.hist[0]', top.id);
    await resumeTo(dap, 'next', { threadId: tid });
    [top] = await frames(dap, tid);
    assert.equal(top.line, 33);
    const after = await evaluate(dap, 'pair.hist[0]', top.id);
    assert.notEqual(after, before);
    const back = await resumeTo(dap, 'stepBack', { threadId: tid });
    assert.equal(back.reason, 'step');
    [top] = await frames(dap, tid);
    assert.equal(top.line, 32);
    assert.equal(await evaluate(dap, 'pair.hist[0]', top.id), before);
    await resumeTo(dap, 'next', { threadId: tid });
    [top] = await frames(dap, tid);
    assert.equal(top.line, 33);
    assert.equal(await evaluate(dap, 'pair.hist[0]', top.id), after);
  } finally {
    dap.close();
  }
});

test('reverse continue stops at the previous breakpoint hit, with that hit\'s values', async () => {
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 31 }] }] });
  try {
    let s = await stopped(dap);
    const seen: string[] = [];
    for (let k = 0; k < 3; k++) {
      const [top] = await frames(dap, s.threadId as number);
      seen.push(`${await evaluate(dap, 'id', top.id)}:${await evaluate(dap, 'i', top.id)}:${await evaluate(dap, 'pair.left', top.id)}`);
      if (k < 2) s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    }
    s = await resumeTo(dap, 'reverseContinue', { threadId: s.threadId });
    assert.equal(s.reason, 'breakpoint');
    const [top] = await frames(dap, s.threadId as number);
    assert.equal(`${await evaluate(dap, 'id', top.id)}:${await evaluate(dap, 'i', top.id)}:${await evaluate(dap, 'pair.left', top.id)}`, seen[1]);
  } finally {
    dap.close();
  }
});

test('pause stops a runaway program within 100 ms', async () => {
  const dap = await launch({ program: dapProgram('forever.simc'), runtime: 'none', gomaxprocs: 1 });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const at = dap.mark();
    const t0 = performance.now();
    await dap.ok('pause', { threadId: 1 });
    const s = await stopped(dap, at);
    const ms = performance.now() - t0;
    assert.equal(s.reason, 'pause');
    assert.ok(ms < 100, `pause took ${ms.toFixed(1)} ms`);
    const [top] = await frames(dap, 1);
    assert.equal(top.name, 'main');
  } finally {
    dap.close();
  }
});

test('restart runs the program again from the start; terminate ends it', async () => {
  const dap = await launch({ ...base, stopOnEntry: true });
  try {
    await stopped(dap);
    await resumeTo(dap, 'next', { threadId: 1 });
    assert.equal((await frames(dap, 1))[0].line, 44);
    const at = dap.mark();
    await dap.ok('restart', {});
    const s = await stopped(dap, at);
    assert.equal(s.reason, 'entry');
    assert.equal((await frames(dap, 1))[0].line, 43);
    const vars = await scopeVariables(dap, (await frames(dap, 1))[0].id, 'Locals');
    assert.ok(byName(vars, 'k'));
    const end = dap.mark();
    await dap.ok('terminate', {});
    await dap.nextEvent('terminated', end);
  } finally {
    dap.close();
  }
});

test('restart with the launch arguments compiles the edited scenario and rebinds breakpoints under their ids; a broken edit is refused and the run goes on', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-restart-'));
  const edit = path.join(dir, 'counter.simc');
  const original = readFileSync(COUNTER, 'utf8');
  writeFileSync(edit, original);
  const args = { ...base, program: edit };
  const dap = await launch(args, { lines: [{ file: edit, breakpoints: [{ line: 43 }] }] });
  try {
    const first = await stopped(dap);
    const id = first.hitBreakpointIds?.[0];
    assert.equal(typeof id, 'number');
    assert.equal((await frames(dap, first.threadId as number))[0].line, 43);
    // the edit: one line more at the top (line 43, k = 7, becomes line 44) and k = 9
    writeFileSync(edit, `// edited\n${original.replace('k = 7;', 'k = 9;')}`);
    const at = dap.mark();
    await dap.ok('restart', { arguments: args });
    const moved = (await dap.nextEvent('breakpoint', at)) as DebugProtocol.BreakpointEvent;
    assert.deepEqual([moved.body.reason, moved.body.breakpoint.id, moved.body.breakpoint.verified, moved.body.breakpoint.line], ['changed', id, true, 44]);
    const s = await stopped(dap, at);
    assert.deepEqual([s.reason, (await frames(dap, s.threadId as number))[0].line], ['breakpoint', 44]);
    // a broken edit: the restart is refused naming the file, and the stopped run is still there
    writeFileSync(edit, `${original.replace('k = 7;', 'k = 9')}`);
    const refused = await dap.request('restart', { arguments: args });
    assert.equal(refused.success, false);
    assert.match(refused.message ?? '', /counter\.simc:\d+:\d+/);
    assert.equal((await frames(dap, s.threadId as number))[0].line, 44);
    // the good edit again: the run ends printing what the edit says
    await dap.ok('setBreakpoints', { source: { path: edit }, breakpoints: [] });
    const end = dap.mark();
    await dap.ok('continue', { threadId: s.threadId });
    await dap.nextEvent('terminated', end);
    assert.match(dap.output(), /k 9\b/);
  } finally {
    dap.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('continue with singleThread: true moves only the chosen M', async () => {
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 32 }] }] });
  try {
    const s = await stopped(dap);
    const fs0 = await frames(dap, s.threadId as number);
    const others = (await dap.ok<{ threads: DebugProtocol.Thread[] }>('threads')).threads.filter((t) => t.id !== s.threadId && t.id < 100000);
    const before = await Promise.all(others.map(async (t) => (await frames(dap, t.id)).map((f) => `${f.name}:${f.line}`).join(' ')));
    const at = dap.mark();
    const r = await dap.ok<{ allThreadsContinued: boolean }>('continue', { threadId: s.threadId, singleThread: true });
    assert.equal(r.allThreadsContinued, false);
    const again = await stopped(dap, at);
    assert.equal(again.threadId, s.threadId);
    const fs1 = await frames(dap, again.threadId as number);
    assert.equal(fs1[0].line, 32);
    assert.notEqual(await evaluate(dap, 'i', fs1[0].id), '0', `still at i == 0 (was at ${fs0[0].line})`);
    const after = await Promise.all(others.map(async (t) => (await frames(dap, t.id)).map((f) => `${f.name}:${f.line}`).join(' ')));
    assert.deepEqual(after, before, 'another M moved');
  } finally {
    dap.close();
  }
});

test('a hit condition stops at exactly the Nth hit (checked against a logpoint\'s record of every hit)', async () => {
  // every hit of line 32, in order, from a logpoint
  const hits = await logpointHits(base, COUNTER, 32, '{id}:{i}');
  assert.equal(hits.length, 10);
  for (const [cond, nth] of [['4', 4], ['== 6', 6], ['> 8', 9]] as const) {
    const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 32, hitCondition: cond }] }] });
    try {
      const s = await stopped(dap);
      const [top] = await frames(dap, s.threadId as number);
      assert.equal(top.line, 32);
      assert.equal(`${await evaluate(dap, 'id', top.id)}:${await evaluate(dap, 'i', top.id)}`, hits[nth - 1], `hitCondition '${cond}'`);
    } finally {
      dap.close();
    }
  }
});

test('stepping "thread" (the default) moves only the stepped M; "all" lets the others run', async () => {
  const moved: Record<string, boolean> = {};
  for (const stepping of [undefined, 'all']) {
    const dap = await launch(stepping ? { ...base, stepping } : base, { lines: [{ file: COUNTER, breakpoints: [{ line: 32 }] }] });
    try {
      const s = await stopped(dap);
      await dap.ok('setBreakpoints', { source: { path: COUNTER }, breakpoints: [] });
      const other = (await threads(dap)).find((t) => t.id !== s.threadId && t.id < 100000) as DebugProtocol.Thread;
      const where = async () => (await frames(dap, other.id)).map((f) => `${f.name}:${f.line}`).join(' < ');
      const before = await where();
      for (let i = 0; i < 20; i++) {
        const st = await resumeTo(dap, 'next', { threadId: s.threadId });
        assert.equal(st.reason, 'step');
      }
      moved[stepping ?? 'thread'] = (await where()) !== before;
    } finally {
      dap.close();
    }
  }
  assert.deepEqual(moved, { thread: false, all: true });
});

test('step back is per thread: it undoes the stepped thread\'s last line, not another thread\'s later steps', async () => {
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 32 }] }] });
  try {
    const s = await stopped(dap);
    const tid = s.threadId as number;
    await dap.ok('setBreakpoints', { source: { path: COUNTER }, breakpoints: [] });
    const main = (await threads(dap)).find((t) => t.id !== tid && t.id < 100000) as DebugProtocol.Thread;
    const mainAt = async () => (await frames(dap, main.id)).map((f) => `${f.name}:${f.line}`).join(' < ');
    const mainBefore = await mainAt();
    // the other M (main) takes a few steps of its own after the stop
    for (let i = 0; i < 2; i++) await resumeTo(dap, 'next', { threadId: main.id });
    assert.notEqual(await mainAt(), mainBefore);
    // stepping back the adder's thread goes before its line 31, so before main's steps too
    const back = await resumeTo(dap, 'stepBack', { threadId: tid });
    assert.equal(back.reason, 'step');
    const [top] = await frames(dap, tid);
    assert.deepEqual([top.name, top.line], ['adder', 31]);
    assert.equal(await mainAt(), mainBefore);
  } finally {
    dap.close();
  }
});

test('sweepscope/runThread runs only the chosen M, and its answer carries the stop generation', async () => {
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: 32 }] }] });
  try {
    const s = await stopped(dap);
    const before = await dap.ok<{ generation: number }>('sweepscope/history', {});
    const other = (await threads(dap)).find((t) => t.id !== s.threadId && t.id < 100000) as DebugProtocol.Thread;
    const where = async () => (await frames(dap, other.id)).map((f) => `${f.name}:${f.line}`).join(' < ');
    const otherBefore = await where();
    const at = dap.mark();
    const r = await dap.ok<{ generation: number }>('sweepscope/runThread', { threadId: s.threadId });
    assert.equal(r.generation, before.generation);
    await dap.nextEvent('continued', at);
    const again = await stopped(dap, at);
    assert.equal(again.threadId, s.threadId);
    assert.equal(await where(), otherBefore, 'another M moved');
    const after = await dap.ok<{ generation: number }>('sweepscope/timeline', { max: 1 });
    assert.equal(after.generation, before.generation + 1);
  } finally {
    dap.close();
  }
});

test('reverse continue stops at data and function breakpoints hit on the way back, at the same position as going forward', async () => {
  const dap = await launch({ ...base, stopOnEntry: true });
  try {
    let s = await stopped(dap);
    const [top] = await frames(dap, 1);
    const info = await dap.ok<{ dataId: string }>('dataBreakpointInfo', { name: 'pair.right', frameId: top.id });
    await dap.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] });
    await dap.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'twice', condition: 'x == 2' }] });
    const position = async () => (await dap.ok<{ position: number }>('sweepscope/timeline', { max: 1 })).position;
    const seen: { reason: string; description: string; position: number; right: string }[] = [];
    for (let k = 0; k < 4; k++) {
      s = await resumeTo(dap, 'continue', { threadId: s.threadId });
      const [f] = await frames(dap, s.threadId as number);
      seen.push({ reason: s.reason, description: s.description ?? '', position: await position(), right: await evaluate(dap, 'pair.right', f.id) });
    }
    const kinds = new Set(seen.map((x) => x.reason));
    assert.deepEqual([...kinds].sort(), ['data breakpoint', 'function breakpoint'], seen.map((x) => x.description).join(' | '));
    for (let k = 2; k >= 0; k--) {
      s = await resumeTo(dap, 'reverseContinue', { threadId: s.threadId });
      const [f] = await frames(dap, s.threadId as number);
      const back = { reason: s.reason, description: s.description ?? '', position: await position(), right: await evaluate(dap, 'pair.right', f.id) };
      assert.deepEqual(back, seen[k], `reverse continue ${3 - k}`);
    }
  } finally {
    dap.close();
  }
});
