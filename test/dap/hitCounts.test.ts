// Breakpoint hit counts follow the execution, not the user's travels: after step back or reverse
// continue a breakpoint's count is what it was when the program last stood there, so a hit
// condition stops at the same hit going forward again; a breakpoint set while the program stands
// back in time counts from there; re-sending a file's unchanged breakpoint keeps its count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dapProgram, evaluate, frames, launch, logpointHits, resumeTo, stopped, type Stopped } from './helpers';
import type { DapClient } from './dapClient';

const COUNTER = dapProgram('counter.simc');
const base = { program: COUNTER, runtime: 'none', gomaxprocs: 2 };
/** The loop body line of adder() in counter.simc, run ten times (five per goroutine). */
const BODY = 32;

/** Which hit of the loop body the program stands at: the goroutine's id and i, as "id:i". */
async function where(dap: DapClient, s: Stopped): Promise<string> {
  const [top] = await frames(dap, s.threadId as number);
  return `${await evaluate(dap, 'id', top.id)}:${await evaluate(dap, 'i', top.id)}`;
}

async function position(dap: DapClient): Promise<number> {
  return (await dap.ok<{ position: number }>('sweepscope/timeline', { max: 1 })).position;
}

/** Every hit of the loop body in order, as "id:i". */
const allHits = (): Promise<string[]> => logpointHits(base, COUNTER, BODY, '{id}:{i}');

test('after reverse continue and step back, a hit condition stops at the same hit going forward again', async () => {
  const hits = await allHits();
  assert.equal(hits.length, 10);
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: BODY, hitCondition: '% 3' }] }] });
  try {
    let s = await stopped(dap);
    assert.equal(await where(dap, s), hits[2], 'first stop: the 3rd hit');
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(await where(dap, s), hits[5], 'second stop: the 6th hit');
    const sixth = await position(dap);
    // back to the 3rd hit: forward again must stop at the 6th (a count not rewound would reach 9 first)
    s = await resumeTo(dap, 'reverseContinue', { threadId: s.threadId });
    assert.equal(await where(dap, s), hits[2], 'reverse continue: back at the 3rd hit');
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(await where(dap, s), hits[5], 'forward again: the 6th hit');
    assert.equal(await position(dap), sixth);
    // two step backs from the 6th hit (its goroutine's first lines), then forward: the 6th hit again, at the same position
    for (let k = 0; k < 2; k++) s = await resumeTo(dap, 'stepBack', { threadId: s.threadId });
    const back = await position(dap);
    assert.ok(back > 0 && back < sixth, `stepped back to ${back}`);
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(await where(dap, s), hits[5], 'after step back: the 6th hit again');
    assert.equal(await position(dap), sixth);
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(await where(dap, s), hits[8], 'and then the 9th');
  } finally {
    dap.close();
  }
});

test('a data breakpoint\'s hit condition counts the same writes after step back', async () => {
  const dap = await launch({ ...base, stopOnEntry: true });
  try {
    let s = await stopped(dap);
    const [top] = await frames(dap, s.threadId as number);
    const info = await dap.ok<{ dataId: string }>('dataBreakpointInfo', { name: 'pair.right', frameId: top.id });
    await dap.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write', hitCondition: '== 4' }] });
    const right = async () => evaluate(dap, 'pair.right', (await frames(dap, s.threadId as number))[0].id);
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(s.reason, 'data breakpoint');
    assert.equal(await right(), '4');
    const fourth = await position(dap);
    for (let k = 0; k < 2; k++) s = await resumeTo(dap, 'stepBack', { threadId: s.threadId });
    assert.equal(await right(), '3', 'stepped back before the 4th write');
    // a count not rewound would stand at 4 (or count the replayed writes again) and never equal 4 at the 4th write
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(s.reason, 'data breakpoint');
    assert.equal(await right(), '4', 'forward again: the 4th write');
    assert.equal(await position(dap), fourth);
  } finally {
    dap.close();
  }
});

test('a breakpoint set while standing back in time counts from there, also after stepping back past later snapshots', async () => {
  const hits = await allHits();
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: BODY, hitCondition: '% 3' }] }] });
  try {
    let s = await stopped(dap);
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(await where(dap, s), hits[5]);
    s = await resumeTo(dap, 'reverseContinue', { threadId: s.threadId });
    assert.equal(await where(dap, s), hits[2], 'back at the 3rd hit');
    // a new breakpoint here: its 2nd hit from now is the 5th of the run
    await dap.ok('setBreakpoints', { source: { path: COUNTER }, breakpoints: [{ line: BODY, hitCondition: '== 2' }] });
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(await where(dap, s), hits[4], 'the new breakpoint\'s 2nd hit');
    const fifth = await position(dap);
    for (let k = 0; k < 2; k++) s = await resumeTo(dap, 'stepBack', { threadId: s.threadId });
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(s.reason, 'breakpoint', `counting from the start of the run would have passed its 2nd hit long ago: ${s.description}`);
    assert.equal(await where(dap, s), hits[4]);
    assert.equal(await position(dap), fifth);
  } finally {
    dap.close();
  }
});

test('re-sending a file\'s breakpoints (as VS Code does when another one changes) keeps an unchanged breakpoint\'s id and count', async () => {
  const hits = await allHits();
  const dap = await launch(base, { lines: [{ file: COUNTER, breakpoints: [{ line: BODY, hitCondition: '>= 2' }] }] });
  try {
    let s = await stopped(dap);
    assert.equal(await where(dap, s), hits[1]);
    const firstId = s.hitBreakpointIds?.[0];
    const answer = await dap.ok<{ breakpoints: { id?: number; line?: number }[] }>('setBreakpoints', { source: { path: COUNTER }, breakpoints: [{ line: BODY, hitCondition: '>= 2' }, { line: 48 }] });
    assert.equal(answer.breakpoints[0].id, firstId, 'the unchanged breakpoint keeps its id');
    s = await resumeTo(dap, 'continue', { threadId: s.threadId });
    assert.equal(await where(dap, s), hits[2], 'its count went on (3 >= 2), not back to 1');
  } finally {
    dap.close();
  }
});
