// What the panels take from the debugger's UI selections, with no `vscode` import (unit-tested
// in plain Node): the address "Show in Span Panel" opens, from the Variables context-menu
// argument `{ variable: { memoryReference?, value, evaluateName } }` (the adapter sets
// memoryReference to a pointer's target or a struct's own address), and the timeline lane of
// a Call Stack thread.

/** An address written as 0x… or decimal, normalised to "0x…", or undefined. */
export function normaliseAddress(text: string): string | undefined {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 0xffffffff) return undefined;
  return `0x${n.toString(16)}`;
}

/** The address of a Variables-view variable, or a reason why there is none. */
export function variableAddress(arg: unknown): { address: string } | { error: string } {
  const v = typeof arg === 'object' && arg !== null ? (arg as { variable?: unknown }).variable : undefined;
  if (typeof v !== 'object' || v === null) return { error: 'Show in Span Panel needs a variable from the Variables view.' };
  const { memoryReference, value, evaluateName } = v as { memoryReference?: unknown; value?: unknown; evaluateName?: unknown };
  if (typeof memoryReference === 'string') {
    const a = normaliseAddress(memoryReference);
    if (a) return { address: a };
  }
  if (typeof value === 'string') {
    const m = /\b0x[0-9a-f]+\b/i.exec(value);
    const a = m ? normaliseAddress(m[0]) : undefined;
    if (a) return { address: a };
  }
  const name = typeof evaluateName === 'string' ? evaluateName : 'this variable';
  return { error: `${name} holds no address to show in the Span panel (a pointer, an MSpan or an object in the heap is needed).` };
}

/** "M1 · g7 runtime·SetFinalizer" → "M1"; "g5 bgsweep · runnable" → "g5"; anything else → null. */
export function laneOfThreadName(name: string): string | null {
  return /^(M\d+|g\d+)\b/.exec(name)?.[1] ?? null;
}
