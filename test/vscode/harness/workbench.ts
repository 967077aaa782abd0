// Drives the code-server workbench from Debian's headless Chromium through playwright-core:
// opening the browser with its own profile and temp dirs, running extension-host tests (the
// workbench reports their end through `codeAutomationExit`), and the UI helpers the end-to-end
// tests use. The selectors are VS Code's internal DOM classes as of 1.100.3 (code-server
// 4.100.3), kept here in one place.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type BrowserContext, type Frame, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { workbenchUrl, type CodeServer } from './codeServer';
import { CHROMIUM, RUNS_DIR } from './paths';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const selectors = {
  statusBar: '.monaco-workbench .part.statusbar',
  quickInput: '.quick-input-widget input',
  quickRow: '.quick-input-list .monaco-list-row',
  callStackRows: '.debug-call-stack .monaco-list-row',
  variablesRows: '.debug-variables .monaco-list-row',
  breakpointsRows: '.debug-breakpoints .monaco-list-row',
  problemsRows: '.markers-panel .monaco-list-row',
  toasts: '.notifications-toasts .notification-list-item',
  debugToolbar: '.debug-toolbar',
  webviewOuter: 'iframe.webview.ready',
} as const;

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1600, height: 1000 }): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: run \`node --import tsx test/vscode/harness/install.ts\``);
  fs.mkdirSync(RUNS_DIR, { recursive: true });
  const dir = fs.mkdtempSync(path.join(RUNS_DIR, 'chromium-'));
  fs.mkdirSync(path.join(dir, 'tmp'));
  const env = { ...process.env, TMPDIR: path.join(dir, 'tmp'), XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_CACHE_HOME: path.join(dir, 'cache') };
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport, env });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the workbench with the extension under development and its test entry; resolves with
 * the exit code the tests report (0 = all passed), or rejects after `timeoutMs`.
 */
export async function runExtensionHostTests(
  cs: CodeServer,
  options: { folder?: string; extensionDevelopmentPath: string; extensionTestsPath: string; timeoutMs?: number; log?: (line: string) => void },
): Promise<number> {
  const log = options.log ?? ((l: string) => process.stdout.write(l + '\n'));
  const browser = await openBrowser();
  let timer: NodeJS.Timeout | undefined;
  try {
    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((resolve) => (exited = resolve));
    // must be in place before the workbench loads: it looks for them on startup
    await browser.page.exposeFunction('codeAutomationLog', (_type: unknown, args: unknown) => log(format(...(Array.isArray(args) ? args : [args]))));
    await browser.page.exposeFunction('codeAutomationExit', (code: unknown) => exited(typeof code === 'number' ? code : 1));
    await browser.page.goto(workbenchUrl(cs, options));
    const timeoutMs = options.timeoutMs ?? 300_000;
    const timeout = new Promise<number>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`extension-host tests did not finish within ${timeoutMs} ms; code-server said:\n${cs.output()}`)), timeoutMs);
    });
    return await Promise.race([exit, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
    await browser.close();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A quick-pick row whose label is exactly `label` (a string) or matches it (a RegExp). */
function quickRow(page: Page, label: string | RegExp): Locator {
  const text = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
  return page.locator(selectors.quickRow, { has: page.locator('.label-name', { hasText: text }) }).first();
}

/**
 * Runs a command from the palette by its exact title (`Category: Title`). While the workbench is
 * still starting, contributed commands are missing: it retries until `timeoutMs`.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator(selectors.quickInput);
    await input.waitFor({ state: 'visible' });
    await input.fill('>' + title);
    const row = quickRow(page, title);
    try {
      await row.waitFor({ timeout: 3_000 });
      await row.click();
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > end) throw new Error(`command "${title}" did not appear in the palette within ${timeoutMs} ms (${e instanceof Error ? e.message : String(e)})`);
    }
  }
}

/** Clicks the quick-pick row whose label is `label` (exactly) or matches it (a RegExp). */
export async function pickQuickItem(page: Page, label: string | RegExp): Promise<void> {
  const row = quickRow(page, label);
  await row.waitFor({ timeout: 15_000 });
  await row.click();
}

/** Opens a workspace file through Quick Open. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator(selectors.quickInput);
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await pickQuickItem(page, name);
}

/** The inner texts of the rows of a list view, trimmed. */
export async function rowTexts(locator: Locator): Promise<string[]> {
  return (await locator.allInnerTexts()).map((t) => t.trim());
}

/** The HTML document of the webview panel whose tab is active (two nested iframes). */
export function activeWebview(page: Page): FrameLocator {
  return page.frameLocator(selectors.webviewOuter).frameLocator('#active-frame');
}

/**
 * The document of the webview panel that holds `selector` (e.g. `body[data-panel="span"]`),
 * among all open webviews; waits for it up to `timeoutMs`.
 */
export async function webviewWith(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const outer of await page.locator(selectors.webviewOuter).elementHandles()) {
      try {
        const inner = await (await outer.contentFrame())?.$('#active-frame');
        const frame = await inner?.contentFrame();
        if (frame && (await frame.$(selector))) return frame;
      } catch (e) {
        // a webview's frames are replaced while it loads or moves (another panel opened beside
        // it): a detached frame is not the one we want; look again
        if (!(e instanceof Error && /detached|Target (page, context or browser )?(has been )?closed|Execution context was destroyed/i.test(e.message))) throw e;
      }
    }
    if (Date.now() > end) throw new Error(`no webview holding ${selector} within ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}
