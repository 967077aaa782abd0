// Panels benchmark: the Heap Bitmap panel's real bundle in headless Chromium on a synthetic
// 16 MiB arena (4M heap words): full repaints of the picture (target: one frame, 16 ms),
// partial repaints after a delta, the draw, and the payload of a full answer against a delta.
// Needs /usr/bin/chromium (installed with apt-get when missing) and the built bundles.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { launch } from '../test/webview/harness';
import { best, describeTimes, measureBitmap, median } from '../test/webview/measure';

export async function run(): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`);
  const h = await launch();
  try {
    const t = await measureBitmap(h, 30, 10, 50);
    console.log(describeTimes(t));
    const ok = best(t.fullFill) < 16;
    console.log(`full repaint of 4M words: best ${best(t.fullFill).toFixed(2)} ms, median ${median(t.fullFill).toFixed(2)} ms — ${ok ? 'within' : 'OVER'} the 16 ms frame`);
  } finally {
    await h.close();
  }
}
