// End to end in a real VS Code (code-server 4.100.3 in headless Chromium): the extension under
// development opens a copy of examples/, starts "See the race (schedule A)", ticks the
// `sweepgen CAS` filter in the Breakpoints view, continues to the CAS, and reads the Call Stack
// thread names and the span's sweep state in Variables from the page; the Span and Heap Bitmap
// panels draw that stop, a click on a span in the bitmap reveals it in the Span panel, Run Only
// This Thread moves one M, a click on an earlier Timeline event travels back there, and the
// Timeline highlights the lane of the M selected in the Call Stack; then a scenario with a
// syntax error shows in Problems and its dynamic configuration refuses to launch, pointing there.
// Installs what is missing first (never skips). Screenshots go to .cache/screenshots/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { startCodeServer, workbenchUrl, type CodeServer } from './harness/codeServer';
import { ensureRealVsCode } from './harness/install';
import { EXAMPLES_DIR, REPO_ROOT, RUNS_DIR, SCREENSHOTS_DIR } from './harness/paths';
import { openBrowser, openFile, pickQuickItem, rowTexts, runCommand, selectors, webviewWith, type Browser } from './harness/workbench';

const RACE = 'See the race (schedule A)';
const BROKEN = 'broken-syntax.simc';
const t0 = Date.now();
const elapsed = (): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

let cs: CodeServer | undefined;
let browser: Browser | undefined;
let workspace = '';

async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = path.join(SCREENSHOTS_DIR, name);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Waits until the webview holding `selector` shows text `ok` accepts (and `also`, when given,
 * holds); webviews are looked up afresh each time, since VS Code replaces a page it hid.
 * Resolves with the text.
 */
async function pollText(page: Page, selector: string, ok: (text: string) => boolean, also?: (frame: Frame) => Promise<boolean>, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const frame = await webviewWith(page, selector, 5_000);
      last = (await frame.innerText(selector)).trim();
      if (ok(last) && (!also || (await also(frame)))) return last;
    } catch (e) {
      if (!(e instanceof Error && /no webview holding|detached|closed|destroyed/i.test(e.message))) throw e;
    }
    if (Date.now() > end) throw new Error(`${selector} did not reach the expected state within ${timeoutMs} ms; last text: ${JSON.stringify(last.slice(0, 300))}`);
    await page.waitForTimeout(250);
  }
}

/** Runs a UI step; on failure saves a screenshot named after it and adds its path to the error. */
async function step<T>(page: Page, name: string, body: () => Promise<T>): Promise<T> {
  try {
    const r = await body();
    console.log(`  e2e: ${name} (${elapsed()})`);
    return r;
  } catch (e) {
    const file = await shot(page, `failed-${name.replace(/\W+/g, '-')}.png`).catch(() => 'no screenshot');
    throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}\n  screenshot: ${file}\n  code-server: ${cs?.output() ?? ''}`);
  }
}

before(async () => {
  const setup = ensureRealVsCode();
  console.log(`  e2e: setup ready${setup.codeServerInstalled ? `, code-server installed in ${setup.codeServerSeconds.toFixed(1)} s` : ''} (${elapsed()})`);
  assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js')), 'dist/extension.js is built (npm run build)');
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  const run = fs.mkdtempSync(path.join(RUNS_DIR, 'e2e-'));
  workspace = path.join(run, 'examples');
  fs.cpSync(EXAMPLES_DIR, workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, BROKEN), '// a scenario with a syntax error (missing semicolon)\nvoid\nmain(void)\n{\n\tint32 x\n\tx = 1;\n}\n');
  cs = await startCodeServer({ folder: workspace });
  browser = await openBrowser();
  await browser.page.goto(workbenchUrl(cs, { folder: workspace, extensionDevelopmentPath: REPO_ROOT }));
  await browser.page.locator(selectors.statusBar).waitFor({ timeout: 60_000 });
  console.log(`  e2e: workbench up (${elapsed()})`);
});

after(async () => {
  await browser?.close();
  await cs?.stop();
  if (workspace) fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  console.log(`  e2e: total ${elapsed()}`);
});

test('the race stops on the sweepgen CAS with M threads in Call Stack and the span state in Variables', async () => {
  assert.ok(browser);
  const { page } = browser;
  await step(page, 'start the race configuration', async () => {
    await runCommand(page, 'Debug: Select and Start Debugging');
    await pickQuickItem(page, RACE);
    // stopOnEntry: one thread, so the Call Stack lists its frames directly
    await page.locator(selectors.callStackRows, { hasText: 'runtime·main' }).first().waitFor({ timeout: 60_000 });
  });
  try {
    await step(page, 'tick "sweepgen CAS" in Breakpoints', async () => {
      let row = page.locator(selectors.breakpointsRows, { hasText: 'sweepgen CAS' }).first();
      if (!(await row.isVisible())) {
        await runCommand(page, 'Run and Debug: Focus on Breakpoints View');
        row = page.locator(selectors.breakpointsRows, { hasText: 'sweepgen CAS' }).first();
      }
      const box = row.locator('input[type="checkbox"]');
      await box.check();
      assert.equal(await box.isChecked(), true);
    });
    const vars = await step(page, 'continue to the CAS', async () => {
      await runCommand(page, 'Debug: Continue');
      const span = page.locator(selectors.variablesRows, { hasText: /span: / }).first();
      await span.waitFor({ timeout: 60_000 });
      return rowTexts(page.locator(selectors.variablesRows));
    });
    const threads = await rowTexts(page.locator(selectors.callStackRows));
    const file = await shot(page, 'e2e-race-sweepgen-cas.png');
    console.log(`  e2e: Call Stack ${JSON.stringify(threads)}\n  e2e: Variables ${JSON.stringify(vars)}\n  e2e: screenshot ${file}`);
    assert.ok(threads.some((t) => /^M0\b/.test(t)) && threads.some((t) => /^M1\b/.test(t)), `M0 and M1 in Call Stack: ${JSON.stringify(threads)}`);
    assert.ok(threads.some((t) => /^M\d+ · g\d+ (runtime·)?\w+\n.*SWEEPGEN CAS/is.test(t)), `the stopped M names its goroutine and function, "M<n> · g<n> runtime·…": ${JSON.stringify(threads)}`);
    const span = vars.find((v) => /span: /.test(v));
    assert.ok(span, JSON.stringify(vars));
    assert.match(span, /^s\s*=\s*0x[0-9a-f]+ \(span: (needs sweeping \(H−2\)|being swept by g\d+ on M\d+ \(H−1\)|swept \(H\))\)/);

    // the panels draw the stopped state: the span the CAS is about, and the arena holding it
    const address = /0x[0-9a-f]+/.exec(span)?.[0] ?? '';
    const state = /\(span: (.*)\)\s*$/.exec(span)?.[1] ?? '';
    const spanPanel = await step(page, 'open the Span panel', async () => {
      await runCommand(page, 'SweepScope: Show Span');
      const frame = await webviewWith(page, 'body[data-panel="span"] #sweepgen .sweep-state');
      return {
        header: (await frame.innerText('#header')).trim(),
        state: (await frame.innerText('#sweepgen .sweep-state')).trim(),
        slots: await frame.locator('button.slot').count(),
      };
    });
    console.log(`  e2e: Span panel ${JSON.stringify(spanPanel)}\n  e2e: screenshot ${await shot(page, 'e2e-span-panel.png')}`);
    assert.match(spanPanel.header, new RegExp(`^Span\\s+${address} \\(MSpan\\)`, 'm'), 'the Span panel shows the span of the stop');
    assert.equal(spanPanel.state, state, 'the Span panel and Variables agree on the sweep state');
    assert.ok(spanPanel.slots > 0, 'the span\'s objects are drawn');
    const bitmap = await step(page, 'open the Heap Bitmap panel', async () => {
      await runCommand(page, 'SweepScope: Show Heap Bitmap');
      const frame = await webviewWith(page, 'body[data-panel="bitmap"] #spans button.span-item');
      const colours = await frame.evaluate(() => {
        const canvas = document.getElementById('view');
        if (!(canvas instanceof HTMLCanvasElement)) return 0;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        const seen = new Set<number>();
        for (let i = 0; data && i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return seen.size;
      });
      return { summary: (await frame.innerText('#summary')).trim(), spans: await frame.locator('#spans button.span-item').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-addr'))), colours };
    });
    const panelsShot = await shot(page, 'e2e-panels.png');
    console.log(`  e2e: Heap Bitmap ${JSON.stringify({ ...bitmap, spans: bitmap.spans.length })}\n  e2e: screenshot ${panelsShot}`);
    assert.match(bitmap.summary, /^arena 0x[0-9a-f]+…0x[0-9a-f]+ · [\d,]+ words · \d+ in-use spans? · H = \d+/);
    assert.ok(bitmap.spans.includes(address), `the bitmap lists the span ${address}`);
    assert.ok(bitmap.colours >= 3, `the canvas draws the bitmap (${bitmap.colours} colours)`);

    // a click on another span in the Heap Bitmap reveals that span in the Span panel
    const other = bitmap.spans.find((a) => a !== null && a !== address) ?? '';
    assert.ok(other, `the bitmap lists a span besides ${address}`);
    const revealed = await step(page, 'click a span in the Heap Bitmap', async () => {
      const frame = await webviewWith(page, 'body[data-panel="bitmap"] #spans button.span-item');
      await frame.locator(`#spans button.span-item[data-addr="${other}"]`).click();
      return pollText(page, 'body[data-panel="span"] #header', (t) => new RegExp(`^Span\\s+${other} \\(MSpan\\)`, 'm').test(t));
    });
    console.log(`  e2e: Span panel after the click: ${JSON.stringify(revealed.split('\n').slice(0, 2).join(' '))}`);

    // Call Stack context menu on the stopped M: Run Only This Thread lets that M (alone) move on
    const stoppedRow = page.locator(selectors.callStackRows, { hasText: /^M\d+ · g\d+/ }).filter({ hasText: /SWEEPGEN CAS/i }).first();
    const before = (await stoppedRow.innerText()).trim();
    const m = /^M\d+/.exec(before)?.[0] ?? 'M?';
    const after = await step(page, 'Run Only This Thread from the Call Stack menu', async () => {
      await stoppedRow.click({ button: 'right' });
      await page.locator('.context-view .action-label', { hasText: /^Run Only This Thread$/ }).first().click();
      // a click that lands while the menu is still settling leaves it open with the item
      // highlighted (seen once here): Enter then runs the highlighted item
      const menu = page.locator('.context-view .monaco-menu');
      if (!(await menu.waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false))) await page.keyboard.press('Enter');
      const moved = page.locator(selectors.callStackRows, { hasText: new RegExp(`^${m}\\b`) }).filter({ hasNotText: before.split('\n').slice(-1)[0] }).first();
      await moved.waitFor({ timeout: 60_000 });
      return (await moved.innerText()).trim();
    });
    // Variables follow the new stop (its frame and values, not the first CAS stop's; the new
    // stop may be the M's next CAS, with the same scope title and other arguments)
    await step(page, 'Variables show the new stop', async () => {
      const shown = async (): Promise<string> => (await rowTexts(page.locator(selectors.variablesRows))).join('\n');
      const old = vars.join('\n');
      for (let i = 0; i < 100 && (await shown()) === old; i++) await page.waitForTimeout(200);
      assert.notEqual(await shown(), old);
    });
    await shot(page, 'e2e-run-only-this-thread.png');
    console.log(`  e2e: Run Only This Thread on ${m}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    assert.notEqual(after, before, `${m} moved and stopped somewhere else`);

    // the Timeline marks where the program stands; a click on an earlier event travels there
    const timeline = await step(page, 'open the Timeline', async () => {
      await runCommand(page, 'SweepScope: Show Timeline');
      const frame = await webviewWith(page, 'body[data-panel="timeline"] g.event');
      const position = Number(await frame.getAttribute('body', 'data-position'));
      const events = await frame.locator('g.event').evaluateAll((gs) => gs.map((g) => ({ pos: Number(g.getAttribute('data-pos')), kind: g.getAttribute('data-kind') })));
      return { position, events };
    });
    const target = timeline.events.find((e) => e.kind === 'sweepgen-cas' && e.pos < timeline.position);
    assert.ok(target, `an earlier sweepgen CAS on the Timeline: ${JSON.stringify(timeline)}`);
    await step(page, 'click an earlier event on the Timeline', async () => {
      const frame = await webviewWith(page, 'body[data-panel="timeline"] g.event');
      await frame.locator(`g.event[data-pos="${target.pos}"]`).first().click();
      await pollText(page, 'body[data-panel="timeline"]', () => true, (f) => f.getAttribute('body', 'data-position').then((v) => v === String(target.pos)));
    });
    await shot(page, 'e2e-timeline-travel.png');
    console.log(`  e2e: Timeline travel from position ${timeline.position} to the CAS at ${target.pos}`);

    // the Timeline follows the thread selected in the Call Stack: its lane is highlighted
    const lane = await step(page, 'select another M in the Call Stack', async () => {
      const frame = await webviewWith(page, 'body[data-panel="timeline"] g.event');
      const focused = await frame.getAttribute('body', 'data-focus-lane');
      const rows = await rowTexts(page.locator(selectors.callStackRows));
      const other = rows.map((r) => /^(M\d+)\b/.exec(r)?.[1]).find((m) => m !== undefined && m !== focused);
      assert.ok(other, `another M in the Call Stack besides ${focused}: ${JSON.stringify(rows)}`);
      await page.locator(selectors.callStackRows, { hasText: new RegExp(`^${other}\\b`) }).first().click();
      await pollText(page, 'body[data-panel="timeline"]', () => true, (f) => f.getAttribute('body', 'data-focus-lane').then((v) => v === other));
      return other;
    });
    console.log(`  e2e: Timeline lane ${lane} highlighted after selecting it in the Call Stack`);
  } finally {
    await step(page, 'stop debugging', async () => {
      await runCommand(page, 'Debug: Stop');
      await page.locator(selectors.debugToolbar).waitFor({ state: 'hidden', timeout: 20_000 });
    });
  }
});

test('a SimC syntax error shows in Problems and its scenario refuses to launch, pointing there', async () => {
  assert.ok(browser);
  const { page } = browser;
  await step(page, 'syntax error in Problems', async () => {
    await openFile(page, BROKEN);
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    await page.locator(selectors.problemsRows, { hasText: /Ln 6/ }).first().waitFor({ timeout: 30_000 });
  });
  const problems = await rowTexts(page.locator(selectors.problemsRows));
  console.log(`  e2e: Problems ${JSON.stringify(problems)}`);
  assert.ok(problems.some((p) => /expected/.test(p) && /Ln 6/.test(p)), JSON.stringify(problems));
  const toast = await step(page, 'launch the broken scenario from its dynamic configuration', async () => {
    await runCommand(page, 'Debug: Select and Start Debugging');
    await pickQuickItem(page, /SweepScope(\.\.\.|…)$/);
    await pickQuickItem(page, `SweepScope: ${BROKEN}`);
    const message = page.locator(selectors.toasts, { hasText: 'does not compile' }).first();
    await message.waitFor({ timeout: 30_000 });
    return (await message.innerText()).trim();
  });
  await shot(page, 'e2e-syntax-error.png');
  console.log(`  e2e: notification ${JSON.stringify(toast)}`);
  assert.match(toast, new RegExp(`${BROKEN.replace('.', '\\.')} does not compile .*Problems view`, 's'));
  assert.equal(await page.locator(selectors.debugToolbar).isVisible(), false, 'no debug session started');
});
