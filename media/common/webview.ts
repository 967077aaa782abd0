// What every panel script shares: the VS Code webview API (posting to the host), validated
// message intake (a message of the wrong shape is ignored with a logged reason, a handler that
// fails is logged, nothing throws out of the listener), stale-answer dropping by generation,
// a DOM builder and address formatting.
import { fromPanel, toPanel, type FromPanel, type ToPanel } from './protocol';
import { check } from './shape';

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** Posts a message to the extension host (checked against the protocol first). */
export function post(message: FromPanel): void {
  const ok = check(fromPanel, message);
  if (!ok.ok) {
    log(`not posting a malformed message: ${ok.reason}`);
    return;
  }
  api ??= acquireVsCodeApi();
  api.postMessage(message);
}

/** Logs to the webview console with the panel prefix (the tests read these lines). */
export function log(text: string): void {
  console.warn(`[sweepscope] ${text}`);
}

/**
 * Listens for host messages: each is validated, then handed to `handle`. Answers that carry a
 * generation older than the newest one seen since the program last ran are dropped (they
 * belong to an earlier stop).
 */
export function listen(panel: string, handle: (m: ToPanel) => void): void {
  let newest = -1;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const r = check(toPanel, event.data);
    if (!r.ok) {
      log(`${panel}: ignored a message: ${r.reason}`);
      return;
    }
    const m = r.value;
    // the program moved on (or restarted, with generations from 0 again): what comes next is newer
    if (m.type === 'status' && m.state !== 'stopped') newest = -1;
    if ('answer' in m) {
      const g = m.answer.generation;
      if (g < newest) {
        log(`${panel}: dropped a stale ${m.type} answer (generation ${g} < ${newest})`);
        return;
      }
      newest = g;
    }
    try {
      handle(m);
    } catch (e) {
      log(`${panel}: ignored a ${m.type} message that could not be shown: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  post({ type: 'ready' });
}

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/** Creates an HTML element with attributes (`class`, `aria-*`, `data-*`, …) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes and children. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  setAttrs(e, attrs);
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

function setAttrs(e: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
}

/** An address as the runtime prints it: 0x…, lower case. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Shows the session state in a status element (running, ended, errors). */
export function showStatus(target: HTMLElement, m: Extract<ToPanel, { type: 'status' }>): void {
  target.textContent = m.text;
  target.dataset.state = m.state;
  target.hidden = m.text === '';
}

/** Data arrived before any status from the host: the "waiting…" line has nothing more to say. */
export function dataArrived(target: HTMLElement): void {
  if (target.dataset.state === undefined) target.hidden = true;
}

/** Activation keys of a button-like element. */
export function isActivate(e: KeyboardEvent): boolean {
  return e.key === 'Enter' || e.key === ' ';
}
