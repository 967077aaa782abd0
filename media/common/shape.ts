// Tiny runtime shape checkers for messages that cross the webview boundary. A checker takes an
// unknown value and returns it typed, or throws a ShapeError naming the path that is wrong;
// `check` turns that into a result object so callers never see an exception. Used by the
// webviews (host → webview messages) and by the extension host (webview → host messages).

export class ShapeError extends Error {}

export type Checker<T> = (v: unknown, path: string) => T;
export type CheckResult<T> = { ok: true; value: T } | { ok: false; reason: string };

function fail(path: string, want: string, v: unknown): never {
  const got = v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
  throw new ShapeError(`${path || 'message'}: expected ${want}, got ${got}`);
}

export const num: Checker<number> = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'a finite number', v));
export const int: Checker<number> = (v, p) => (Number.isSafeInteger(v) ? (v as number) : fail(p, 'an integer', v));
export const str: Checker<string> = (v, p) => (typeof v === 'string' ? v : fail(p, 'a string', v));
export const bool: Checker<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'a boolean', v));

/** Binary data (postMessage carries typed arrays as they are). */
export const bytes: Checker<Uint8Array> = (v, p) => (v instanceof Uint8Array ? v : fail(p, 'bytes (a Uint8Array)', v));

/** A hexadecimal address such as "0x14f4000". */
export const hexAddr: Checker<string> = (v, p) => (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v) ? v : fail(p, 'an address like "0x1f00"', v));

export function literal<const T extends string>(...values: T[]): Checker<T> {
  return (v, p) => (typeof v === 'string' && (values as string[]).includes(v) ? (v as T) : fail(p, `one of ${values.join(', ')}`, v));
}

export function optional<T>(c: Checker<T>): Checker<T | undefined> {
  return (v, p) => (v === undefined ? undefined : c(v, p));
}

export function nullable<T>(c: Checker<T>): Checker<T | null> {
  return (v, p) => (v === null ? null : c(v, p));
}

export function array<T>(c: Checker<T>, maxLength = 10_000_000): Checker<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) return fail(p, 'an array', v);
    if (v.length > maxLength) throw new ShapeError(`${p}: more than ${maxLength} items`);
    return v.map((x, i) => c(x, `${p}[${i}]`));
  };
}

export function tuple<A, B>(a: Checker<A>, b: Checker<B>): Checker<[A, B]> {
  return (v, p) => (Array.isArray(v) && v.length === 2 ? [a(v[0], `${p}[0]`), b(v[1], `${p}[1]`)] : fail(p, 'a pair', v));
}

type Fields = Record<string, Checker<unknown>>;
export type ShapeOf<F extends Fields> = { [K in keyof F]: F[K] extends Checker<infer T> ? T : never };

/** An object with (at least) these fields; unknown extra fields are dropped. */
export function object<F extends Fields>(fields: F): Checker<ShapeOf<F>> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(fields)) {
      const value = fields[k](src[k], p ? `${p}.${k}` : k);
      if (value !== undefined) out[k] = value;
    }
    return out as ShapeOf<F>;
  };
}

/** One of several object shapes, chosen by a string `type` field. */
export function tagged<M extends Record<string, Checker<unknown>>>(variants: M): Checker<{ [K in keyof M]: M[K] extends Checker<infer T> ? T : never }[keyof M]> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object with a `type`', v);
    const t = (v as { type?: unknown }).type;
    if (typeof t !== 'string' || !Object.prototype.hasOwnProperty.call(variants, t)) {
      throw new ShapeError(`${p ? p + '.' : ''}type: expected one of ${Object.keys(variants).join(', ')}, got ${typeof t === 'string' ? JSON.stringify(t) : typeof t}`);
    }
    return variants[t](v, p) as { [K in keyof M]: M[K] extends Checker<infer T> ? T : never }[keyof M];
  };
}

/** Runs a checker without throwing. */
export function check<T>(c: Checker<T>, v: unknown): CheckResult<T> {
  try {
    return { ok: true, value: c(v, '') };
  } catch (e) {
    return { ok: false, reason: e instanceof ShapeError ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}` };
  }
}
