// Errors the session answers DAP requests with, and checked access to request arguments: every
// bad argument becomes a DapError naming the argument and what was expected, never a crash.
export class DapError extends Error {
  constructor(message: string) {
    super(message);
  }
}

export type Args = Record<string, unknown>;

/** The request's arguments as an object (a missing body is an empty one). */
export function argsOf(command: string, raw: unknown): Args {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new DapError(`${command}: arguments must be an object`);
  return raw as Args;
}

export function int(a: Args, name: string, min = Number.MIN_SAFE_INTEGER): number {
  const v = a[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw new DapError(`argument '${name}' must be an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''} (got ${JSON.stringify(v) ?? 'nothing'})`);
  }
  return v;
}

export function optInt(a: Args, name: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
  return a[name] === undefined ? undefined : int(a, name, min);
}

export function str(a: Args, name: string): string {
  const v = a[name];
  if (typeof v !== 'string') throw new DapError(`argument '${name}' must be a string (got ${JSON.stringify(v) ?? 'nothing'})`);
  return v;
}

export function optStr(a: Args, name: string): string | undefined {
  return a[name] === undefined ? undefined : str(a, name);
}

export function optBool(a: Args, name: string): boolean | undefined {
  const v = a[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new DapError(`argument '${name}' must be true or false (got ${JSON.stringify(v)})`);
  return v;
}

/** An array argument whose items are objects (breakpoint lists and the like). */
export function objArray(a: Args, name: string, required = false): Args[] {
  const v = a[name];
  if (v === undefined && !required) return [];
  if (!Array.isArray(v)) throw new DapError(`argument '${name}' must be an array`);
  return v.map((x, i) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new DapError(`argument '${name}[${i}]' must be an object`);
    return x as Args;
  });
}

export function strArray(a: Args, name: string): string[] {
  const v = a[name];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new DapError(`argument '${name}' must be an array of strings`);
  return v as string[];
}

export function obj(a: Args, name: string): Args {
  const v = a[name];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DapError(`argument '${name}' must be an object`);
  return v as Args;
}

/** Parses a memory reference or address: decimal or 0x-hex. */
export function parseAddress(text: string, what = 'memoryReference'): number {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new DapError(`${what} '${text}' is not an address (expected 0x… or a decimal number)`);
  return n;
}
