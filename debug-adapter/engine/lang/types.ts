// C types on SimC's 32-bit little-endian target: sizes, alignment, struct layout, integer
// promotion and the usual arithmetic conversions, and how types print in messages.
import type { Loc } from './ast';

export interface IntType {
  k: 'int';
  size: 1 | 2 | 4 | 8;
  signed: boolean;
  name: string;
}
export interface StructField {
  name: string;
  type: Type;
  offset: number;
  loc: Loc;
  doc?: string;
}
export interface StructType {
  k: 'struct';
  tag: string;
  fields: StructField[];
  size: number;
  align: number;
  complete: boolean;
  loc: Loc;
  doc?: string;
}
export type Type =
  | { k: 'void' }
  | { k: 'bool' }
  | IntType
  | { k: 'ptr'; to: Type }
  | { k: 'array'; of: Type; len: number }
  | StructType
  | { k: 'func'; ret: Type; params: Type[]; variadic: boolean };

export const VOID: Type = { k: 'void' };
export const BOOL: Type = { k: 'bool' };
const int = (size: 1 | 2 | 4 | 8, signed: boolean, name: string): IntType => ({ k: 'int', size, signed, name });
export const INT8 = int(1, true, 'int8');
export const UINT8 = int(1, false, 'uint8');
export const INT16 = int(2, true, 'int16');
export const UINT16 = int(2, false, 'uint16');
export const INT32 = int(4, true, 'int32');
export const UINT32 = int(4, false, 'uint32');
export const INT64 = int(8, true, 'int64');
export const UINT64 = int(8, false, 'uint64');
export const UINTPTR = int(4, false, 'uintptr');
export const INTPTR = int(4, true, 'intptr');

/** The base type names SimC knows without a typedef. */
export const BASE_TYPES: ReadonlyMap<string, Type> = new Map<string, Type>([
  ['void', VOID], ['bool', BOOL],
  ['int8', INT8], ['uint8', UINT8], ['byte', int(1, false, 'byte')], ['char', int(1, true, 'char')],
  ['int16', INT16], ['uint16', UINT16], ['short', INT16],
  ['int32', INT32], ['uint32', UINT32], ['int', int(4, true, 'int')], ['uint', int(4, false, 'uint')], ['long', INT32],
  ['int64', INT64], ['uint64', UINT64],
  ['uintptr', UINTPTR], ['intptr', INTPTR], ['intgo', int(4, true, 'intgo')], ['uintgo', int(4, false, 'uintgo')],
  ['unsigned', UINT32], ['signed', INT32],
]);

export const ptrTo = (t: Type): Type => ({ k: 'ptr', to: t });
export const VOIDPTR = ptrTo(VOID);

export function sizeOf(t: Type): number {
  switch (t.k) {
    case 'void': return 1; // GNU C: void* arithmetic by bytes
    case 'bool': return 1;
    case 'int': return t.size;
    case 'ptr': return 4;
    case 'func': return 4;
    case 'array': return t.len * sizeOf(t.of);
    case 'struct': return t.size;
  }
}

export function alignOf(t: Type): number {
  switch (t.k) {
    case 'int': return t.size === 8 ? 4 : t.size; // i386 System V aligns 64-bit integers to 4
    case 'array': return alignOf(t.of);
    case 'struct': return t.align;
    case 'bool': return 1;
    default: return 4;
  }
}

/** Lays out a struct's fields as C does: natural alignment, trailing padding to the struct's alignment. */
export function layoutStruct(s: StructType, fields: { name: string; type: Type; loc: Loc; doc?: string }[]): void {
  let offset = 0;
  let align = 1;
  s.fields = [];
  for (const f of fields) {
    const a = alignOf(f.type);
    offset = Math.ceil(offset / a) * a;
    s.fields.push({ name: f.name, type: f.type, offset, loc: f.loc, doc: f.doc });
    offset += sizeOf(f.type);
    align = Math.max(align, a);
  }
  s.align = align;
  s.size = Math.ceil(offset / align) * align;
  s.complete = true;
}

export const isInt = (t: Type): t is IntType => t.k === 'int';
export const isIntegral = (t: Type): boolean => t.k === 'int' || t.k === 'bool';
export const isPtr = (t: Type): t is { k: 'ptr'; to: Type } => t.k === 'ptr';
export const isScalar = (t: Type): boolean => t.k === 'int' || t.k === 'bool' || t.k === 'ptr';
export const isFuncPtr = (t: Type): boolean => t.k === 'ptr' && t.to.k === 'func';

/** Integer promotion: anything narrower than int becomes int32. */
export function promote(t: Type): Type {
  if (t.k === 'bool') return INT32;
  if (t.k === 'int' && t.size < 4) return INT32;
  return t;
}

/** The usual arithmetic conversions on the 32-bit target. */
export function arithmeticType(a: Type, b: Type): IntType {
  const x = promote(a) as IntType;
  const y = promote(b) as IntType;
  if (x.size === 8 || y.size === 8) {
    if (x.size === 8 && y.size === 8) return !x.signed || !y.signed ? UINT64 : INT64;
    const big = x.size === 8 ? x : y;
    return big.signed ? INT64 : UINT64; // a 32-bit operand always fits in int64
  }
  return !x.signed || !y.signed ? UINT32 : INT32;
}

export function sameType(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'int': {
      const o = b as IntType;
      return a.size === o.size && a.signed === o.signed;
    }
    case 'ptr': return sameType(a.to, (b as { to: Type }).to);
    case 'array': {
      const o = b as { of: Type; len: number };
      return a.len === o.len && sameType(a.of, o.of);
    }
    case 'struct': return a === b || a.tag === (b as StructType).tag;
    case 'func': {
      const o = b as { ret: Type; params: Type[]; variadic: boolean };
      return sameType(a.ret, o.ret) && a.params.length === o.params.length && a.params.every((p, i) => sameType(p, o.params[i]));
    }
    default: return true;
  }
}

export function typeToString(t: Type): string {
  switch (t.k) {
    case 'void': return 'void';
    case 'bool': return 'bool';
    case 'int': return t.name;
    case 'struct': return t.tag.startsWith('<') ? 'struct ' + t.tag : t.tag;
    case 'ptr':
      if (t.to.k === 'func') return `${typeToString(t.to.ret)} (*)(${t.to.params.map(typeToString).join(', ')})`;
      return `${typeToString(t.to)}*`;
    case 'array': return `${typeToString(t.of)}[${t.len}]`;
    case 'func': return `${typeToString(t.ret)} (${t.params.map(typeToString).join(', ')}${t.variadic ? ', ...' : ''})`;
  }
}

/** What a name denotes after checking. */
export type Symbol =
  | { k: 'global'; name: string; type: Type; addr: number; loc: Loc; doc?: string; isExtern: boolean }
  | { k: 'local'; name: string; type: Type; offset: number; loc: Loc; id: number }
  | { k: 'func'; name: string; type: Extract<Type, { k: 'func' }>; index: number; loc: Loc; doc?: string; defined: boolean }
  | { k: 'builtin'; name: string; type: Extract<Type, { k: 'func' }>; id: number }
  | { k: 'const'; name: string; value: bigint; loc: Loc; doc?: string }
  | { k: 'threadvar'; name: 'm' | 'g'; type: Type };
