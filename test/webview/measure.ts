// Measures the Heap Bitmap panel's real bundle on a synthetic 16 MiB arena (4M heap words) in
// Chromium: full repaints (a full answer, then repeated theme changes, each refilling the whole
// picture from the nibble buffer), partial repaints after deltas, the draw, and the payload
// sizes of a full answer and of a delta. Shared by panels.test.ts and bench/panels.bench.ts.
import type { Harness, PanelPage } from './harness';
import { bitmapToBytes } from '../../media/common/protocol';
import { openPanel } from './harness';
import { syntheticDelta, syntheticFull, WORDS } from './synthetic';

export interface BitmapTimes {
  words: number;
  /** Full refills of the 4M-word picture (ms), in order. */
  fullFill: number[];
  /** putImageData of the whole picture (ms), in order. */
  put: number[];
  /** Partial repaints after a delta of `deltaWords` changed words (ms). */
  partial: number[];
  /** Handling a whole delta answer in the page: apply, partial repaint, summary, draw (ms). */
  deltaHandle: number[];
  /** One draw of the view (ms). */
  draw: number;
  fullChars: number;
  deltaChars: number;
  /** What the page received (binary), as it counts it: the whole bitmap, and the last delta. */
  fullBytes: number;
  deltaBytes: number;
  deltaWords: number;
  /** The panel's count of changed words after the last delta. */
  changedShown: number;
}

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
export const best = (xs: number[]): number => sorted(xs)[0];
export const median = (xs: number[]): number => sorted(xs)[xs.length >> 1];

async function attr(p: PanelPage, name: string): Promise<number> {
  return Number(await p.page.getAttribute('body', name));
}

export async function measureBitmap(h: Harness, fullRepaints = 20, deltas = 10, deltaWords = 50): Promise<BitmapTimes> {
  const p = await openPanel(h, 'bitmap', { width: 1200, height: 900 });
  try {
    const full = syntheticFull(1);
    await p.send({ type: 'bitmap', base: null, answer: bitmapToBytes(full.answer) });
    await p.page.waitForFunction(`document.body.dataset.generation === '1'`, undefined, { timeout: 30_000 });
    const fullFill = [await attr(p, 'data-fill-ms')];
    const put = [await attr(p, 'data-put-ms')];
    const fullBytes = await attr(p, 'data-payload');
    const partial: number[] = [];
    const deltaHandle: number[] = [];
    let deltaChars = 0;
    let deltaBytes = 0;
    for (let g = 2; g < 2 + deltas; g++) {
      const d = syntheticDelta(full, (g * 997_331) % WORDS, deltaWords, g - 1, g);
      deltaChars = d.answer.changed.reduce((n, [, b]) => n + b.length, 0);
      await p.send({ type: 'bitmap', base: d.base, answer: bitmapToBytes(d.answer) });
      await p.page.waitForFunction(`document.body.dataset.generation === '${g}'`);
      partial.push(await attr(p, 'data-partial-ms'));
      deltaHandle.push(await attr(p, 'data-handle-ms'));
      deltaBytes = await attr(p, 'data-payload');
    }
    // a theme change (VS Code rewrites the CSS variables on <html>) repaints everything
    for (let k = 0; k < fullRepaints; k++) {
      const n = await attr(p, 'data-full-fills');
      await p.page.evaluate(`document.documentElement.style.setProperty('--vscode-charts-yellow', '${k % 2 ? '#cca700' : '#ffcc00'}')`);
      await p.page.waitForFunction(`Number(document.body.dataset.fullFills) > ${n}`);
      fullFill.push(await attr(p, 'data-fill-ms'));
      put.push(await attr(p, 'data-put-ms'));
    }
    await p.page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const errors = p.errors.join('\n');
    if (errors) throw new Error(`page errors while measuring: ${errors}`);
    return {
      words: WORDS, fullFill, put, partial, deltaHandle, draw: await attr(p, 'data-draw-ms'),
      fullChars: full.answer.data.length, deltaChars, fullBytes, deltaBytes, deltaWords,
      changedShown: Number(await p.page.getAttribute('#summary', 'data-changed')),
    };
  } finally {
    await p.page.close();
  }
}

export function describeTimes(t: BitmapTimes): string {
  const f = (x: number): string => x.toFixed(2);
  return [
    `${t.words} words (16 MiB arena): full repaint best ${f(best(t.fullFill))} ms, median ${f(median(t.fullFill))} ms of ${t.fullFill.length} (the first, before the JIT warms up: ${f(t.fullFill[0])} ms)`,
    `putImageData best ${f(best(t.put))} ms; partial repaint after a delta of ${t.deltaWords} words best ${f(best(t.partial))} ms; draw ${f(t.draw)} ms`,
    `a whole delta answer handled (apply, repaint, summary, draw): best ${f(best(t.deltaHandle))} ms, median ${f(median(t.deltaHandle))} ms of ${t.deltaHandle.length}`,
    `payload: adapter → host (base64, DAP is JSON) full ${t.fullChars} chars, delta ${t.deltaChars}; host → page (bytes) full ${t.fullBytes}, delta ${t.deltaBytes}`,
  ].join('\n');
}
