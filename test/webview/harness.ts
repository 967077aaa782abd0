// Renders a panel's real bundle (dist/media/NAME.js) in real headless Chromium (Debian's
// /usr/bin/chromium through playwright-core), inside the page the extension host builds
// (src/panels/html.ts: same CSP, nonce, stylesheets). The page is served from a fake origin
// (https://sweepscope.test) by request interception; `acquireVsCodeApi` is stubbed before any
// page script runs, so the messages a panel posts to the host are captured; console lines are
// collected. Chromium is installed with apt-get when missing, or the run fails loudly.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPanelHtml, makeNonce, type PanelHtmlOptions } from '../../src/panels/html';
import { panelAssets } from '../../src/panels/assets';

export const CHROMIUM = '/usr/bin/chromium';
export const ORIGIN = 'https://sweepscope.test';
const root = path.resolve(__dirname, '..', '..');

/** Installs Debian's chromium if it is missing (idempotent); throws with the apt output if that fails. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // wait for the dpkg lock rather than fail when another test file installs at the same time
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  for (const args of [[...lock, 'update', '-qq'], [...lock, 'install', '-y', '-qq', 'chromium']]) {
    const r = spawnSync('apt-get', args, { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`webview tests need ${CHROMIUM}: apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`webview tests need ${CHROMIUM}: apt-get install chromium did not provide it`);
}

/** Fails loudly when the bundles are missing (run `node scripts/build.mjs` first). */
export function ensureBundles(): void {
  for (const p of ['span', 'bitmap', 'timeline']) {
    const f = path.join(root, 'dist', 'media', `${p}.js`);
    if (!existsSync(f)) throw new Error(`${path.relative(root, f)} is missing: run node scripts/build.mjs first`);
  }
}

export interface Harness {
  browser: Browser;
  close(): Promise<void>;
}

export async function launch(): Promise<Harness> {
  ensureChromium();
  ensureBundles();
  const scratch = mkdtempSync(path.join(tmpdir(), 'sweepscope-webview-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    env: { ...process.env, TMPDIR: scratch, XDG_CONFIG_HOME: scratch, XDG_CACHE_HOME: scratch, HOME: scratch },
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export interface PanelPage {
  page: Page;
  /** Console lines of the page, in order. */
  console: string[];
  /** Uncaught page errors. */
  errors: string[];
  /** The page's HTML as served (for CSP checks). */
  html: string;
  nonce: string;
  /** Messages the panel posted to the host so far. */
  posted(): Promise<unknown[]>;
  /** Delivers a message as the host's webview.postMessage does. */
  send(message: unknown): Promise<void>;
  /** Waits until a console line (from index `from` on) matches; returns it. */
  waitForConsole(re: RegExp, timeoutMs?: number, from?: number): Promise<string>;
}

/** The stand-in for VS Code's webview API: records what the panel posts in window.__posted. */
const STUB_VSCODE_API = `
  window.__posted = [];
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => undefined,
      setState: () => undefined,
    };
  };
`;

export type PanelName = PanelHtmlOptions['panel'];

/** Opens a panel page; `extraBody` is injected HTML (the CSP test adds an inline script). */
export async function openPanel(h: Harness, panel: PanelName, opts: { width?: number; height?: number; extraBody?: string } = {}): Promise<PanelPage> {
  const page = await h.browser.newPage({ viewport: { width: opts.width ?? 1000, height: opts.height ?? 700 } });
  const nonce = makeNonce();
  const assets = panelAssets(panel);
  let html = buildPanelHtml({
    panel,
    title: `SweepScope ${panel}`,
    cspSource: ORIGIN,
    nonce,
    scriptUri: `${ORIGIN}/${assets.script}`,
    styleUris: assets.styles.map((s) => `${ORIGIN}/${s}`),
  });
  if (opts.extraBody) html = html.replace('</body>', `${opts.extraBody}\n</body>`);
  const consoleLines: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  // A string, not a function: tsx's transform would add helpers the page does not have.
  await page.addInitScript(STUB_VSCODE_API);
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/panel.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    const file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root + path.sep) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
    return route.fulfill({ status: 200, contentType: type, body: readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/panel.html`);
  try {
    await page.waitForFunction(() => (window as unknown as { __posted: { type?: string }[] }).__posted.some((m) => m.type === 'ready'), undefined, { timeout: 10_000 });
  } catch (e) {
    throw new Error(`the ${panel} panel never posted 'ready': ${e instanceof Error ? e.message : String(e)}\nconsole:\n${consoleLines.join('\n')}\nerrors:\n${errors.join('\n')}`);
  }
  return {
    page,
    console: consoleLines,
    errors,
    html,
    nonce,
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    async waitForConsole(re, timeoutMs = 5000, from = 0) {
      const t0 = Date.now();
      for (;;) {
        const hit = consoleLines.slice(from).find((l) => re.test(l));
        if (hit) return hit;
        if (Date.now() - t0 > timeoutMs) throw new Error(`no console line matching ${re} within ${timeoutMs} ms; got:\n${consoleLines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
