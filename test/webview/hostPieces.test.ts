// The panels' host-side pieces that need no VS Code, in plain Node: the page builder (CSP,
// nonce, escaping), the address "Show in Span Panel" takes from a Variables context argument,
// the thread-name → timeline-lane mapping, the message checkers both sides use, and the Heap
// Bitmap's model applying the recorded deltas.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bitmapToBytes, fromPanel, toPanel } from '../../media/common/protocol';
import { check } from '../../media/common/shape';
import { buildPanelHtml, makeNonce, panelCsp } from '../../src/panels/html';
import { laneOfThreadName, normaliseAddress, variableAddress } from '../../src/panels/selection';

test('nonces are fresh, long and safe in an attribute', () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_-]{22}$/);
});

test('the page: CSP with the nonce and the webview source, nonced script and styles, escaped title', () => {
  const nonce = makeNonce();
  const html = buildPanelHtml({ panel: 'span', title: 'Span <"x">', cspSource: 'vscode-webview://abc', nonce, scriptUri: 'vscode-webview://abc/dist/media/span.js', styleUris: ['vscode-webview://abc/media/panels.css'] });
  assert.equal(panelCsp('vscode-webview://abc', nonce), `default-src 'none'; script-src 'nonce-${nonce}'; style-src vscode-webview://abc 'nonce-${nonce}'; img-src vscode-webview://abc data:`);
  assert.ok(html.includes(`content="default-src &#39;none&#39;; script-src &#39;nonce-${nonce}&#39;;`));
  assert.ok(html.includes(`<script nonce="${nonce}" src="vscode-webview://abc/dist/media/span.js"></script>`));
  assert.ok(html.includes(`<link rel="stylesheet" nonce="${nonce}" href="vscode-webview://abc/media/panels.css">`));
  assert.ok(html.includes('<title>Span &#60;&#34;x&#34;&#62;</title>'));
  assert.equal((html.match(/<script/g) ?? []).length, 1, 'exactly one script');
  assert.throws(() => buildPanelHtml({ panel: 'span', title: 't', cspSource: 's', nonce: 'short', scriptUri: 'u', styleUris: [] }), /nonce/);
});

test('Show in Span Panel: memoryReference first, then an address in the value, else a reason', () => {
  assert.deepEqual(variableAddress({ variable: { memoryReference: '0x14F4000', value: '(MSpan*) 0x1', evaluateName: 's' } }), { address: '0x14f4000' });
  assert.deepEqual(variableAddress({ variable: { value: '(byte*) 0x10e4000', evaluateName: 'x' } }), { address: '0x10e4000' });
  assert.deepEqual(variableAddress({ variable: { memoryReference: '17711104', value: '', evaluateName: 'p' } }), { address: '0x10e4000' });
  const none = variableAddress({ variable: { value: '42', evaluateName: 'i' } });
  assert.ok('error' in none && /^i holds no address/.test(none.error));
  assert.ok('error' in variableAddress(undefined));
  assert.ok('error' in variableAddress({ variable: null }));
  assert.equal(normaliseAddress('0x0'), undefined);
  assert.equal(normaliseAddress('0x1ffffffff'), undefined);
  assert.equal(normaliseAddress(' 4096 '), '0x1000');
});

test('a Call Stack thread name gives its timeline lane', () => {
  assert.equal(laneOfThreadName('M1 · g7 runtime·SetFinalizer'), 'M1');
  assert.equal(laneOfThreadName('g5 bgsweep · runnable (preempted)'), 'g5');
  assert.equal(laneOfThreadName('M12'), 'M12');
  assert.equal(laneOfThreadName('Mx'), null);
  assert.equal(laneOfThreadName('goroutine 5'), null);
});

test('panel → host messages are checked: good ones pass typed, bad ones get a reason', () => {
  assert.deepEqual(check(fromPanel, { type: 'goto', position: 12, extra: 'dropped' }), { ok: true, value: { type: 'goto', position: 12 } });
  assert.deepEqual(check(fromPanel, { type: 'revealSpan', address: '0x14f4000' }), { ok: true, value: { type: 'revealSpan', address: '0x14f4000' } });
  const bad: [unknown, RegExp][] = [
    [{ type: 'goto', position: 1.5 }, /^position: expected an integer, got number$/],
    [{ type: 'goto' }, /^position: expected an integer, got undefined$/],
    [{ type: 'revealSpan', address: 'here' }, /^address: expected an address like "0x1f00", got string$/],
    [{ type: 'steal' }, /^type: expected one of ready, resync, revealSpan, requestSpan, goto, got "steal"$/],
    [[1, 2], /^message: expected an object with a `type`, got an array$/],
  ];
  for (const [m, reason] of bad) {
    const r = check(fromPanel, m);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, reason);
  }
  const deep = check(toPanel, { type: 'timeline', focusLane: null, answer: { generation: 1, position: 0, furthest: 0, lanes: [], events: [{ pos: 0, kind: 'halt', text: 't', m: 'M0' }], more: false } });
  assert.equal(deep.ok, false);
  if (!deep.ok) assert.equal(deep.reason, 'answer.events[0].m: expected an integer, got string');
});

test('the Heap Bitmap model applies the recorded deltas (in place) to exactly the recorded bitmaps; a refused delta changes nothing', async () => {
  const { BitmapModel } = await import('../../media/common/bitmapModel');
  const { changedWords, loadFixtures } = await import('./fixtures');
  const fx = loadFixtures();
  const model = new BitmapModel();
  fx.stops.forEach((s, i) => {
    assert.equal(model.apply(s.bitmap.delta ? (s.since ?? null) : null, bitmapToBytes(s.bitmap)), null, `stop ${i}`);
    assert.deepEqual(model.nibbles, fx.nibbles[i], `stop ${i}: the bitmap held`);
    const changed = i === 0 ? [] : changedWords(fx.nibbles[i - 1], fx.nibbles[i]);
    assert.equal(model.changedWords, changed.length, `stop ${i}: changed words`);
    const set = new Set(changed);
    for (let w = 0; w < model.words; w++) if (model.changedAt(w) !== set.has(w)) assert.fail(`stop ${i}: word ${w} changed ${model.changedAt(w)}, expected ${set.has(w)}`);
    // the changed blocks are exactly the 256-byte blocks holding a changed word
    assert.deepEqual(model.changedBlocks, [...new Set(changed.map((w) => (w >>> 1) - ((w >>> 1) % 256)))], `stop ${i}: changed blocks`);
  });
  const held = Uint8Array.from(model.nibbles);
  const diff = Uint8Array.from(model.diff);
  const last = bitmapToBytes(fx.stops[fx.stops.length - 1].bitmap);
  // a delta whose second block lies outside the bitmap: refused before anything is written
  const bad = { ...last, generation: last.generation + 1, changed: [[0, Uint8Array.of(0xff)], [last.bytes, Uint8Array.of(0)]] as [number, Uint8Array][] };
  assert.match(model.apply(last.generation, bad) ?? '', /lies outside/);
  assert.deepEqual(model.nibbles, held);
  assert.deepEqual(model.diff, diff);
  assert.equal(model.generation, last.generation);
  // one more step that changes one word elsewhere: the last stop's changes are no longer changes
  const before = model.changedBlocks;
  const block = [...Array(last.bytes / 256).keys()].map((k) => k * 256).find((off) => !before.includes(off));
  assert.ok(block !== undefined && before.length > 0);
  const bytes = Uint8Array.from(model.nibbles.subarray(block, block + 256));
  bytes[0] ^= 0x01;
  const step = { ...last, generation: last.generation + 2, changed: [[block, bytes]] as [number, Uint8Array][] };
  assert.equal(model.apply(last.generation, step), null);
  assert.equal(model.changedWords, 1);
  assert.deepEqual(model.changedBlocks, [block]);
  assert.deepEqual(model.dirtyBlocks, [...new Set([...before, block])].sort((x, y) => x - y), 'the old highlights are repainted too');
  for (let w = 0; w < model.words; w++) if (model.changedAt(w) !== (w === block * 2)) assert.fail(`word ${w} changed ${model.changedAt(w)}`);
});
