// Turns generated JavaScript source into callable functions bound to one machine's memory:
// the typed-array views, the load/store helpers (fast ones, or ones that report every access to
// the machine's listeners), arithmetic helpers that fault like the hardware, and the builtins.
import { Memory, SimFault } from './memory';

export type CompiledFn = (vm: unknown, fr: unknown) => void;

/** Access flags reported to listeners. */
export const ACCESS_WRITE = 1;
export const ACCESS_ATOMIC = 2;

export interface AccessSink {
  access(addr: number, size: number, flags: number): void;
}

const HELPERS = `
"use strict";
const U8=mem.u8,I8=mem.i8,U16=mem.u16,I16=mem.i16,U32=mem.u32,I32=mem.i32,PT=mem.mapped;
function DIVS(a,b){if(b===0)throw new SimFault('integer divide by zero');return (a/b)|0;}
function MODS(a,b){if(b===0)throw new SimFault('integer divide by zero (modulo)');return (a%b)|0;}
function DIVU(a,b){if(b===0)throw new SimFault('integer divide by zero');return (a/b)>>>0;}
function MODU(a,b){if(b===0)throw new SimFault('integer divide by zero (modulo)');return (a%b)>>>0;}
function DIV64(a,b){if(b===0n)throw new SimFault('integer divide by zero');return a/b;}
function MOD64(a,b){if(b===0n)throw new SimFault('integer divide by zero (modulo)');return a%b;}
function LD64L(a,s){const v=BigInt(U32[a>>2])|(BigInt(U32[(a>>2)+1])<<32n);return s?BigInt.asIntN(64,v):v;}
function ST64L(a,v){U32[a>>2]=Number(v&0xffffffffn);U32[(a>>2)+1]=Number((v>>32n)&0xffffffffn);}
function F_LD_i8(a){return PT[a>>>12]===1?I8[a]:mem.load(a,1,true);}
function F_LD_u8(a){return PT[a>>>12]===1?U8[a]:mem.load(a,1,false);}
function F_LD_i16(a){return (a&1)===0&&PT[a>>>12]===1?I16[a>>1]:mem.load(a,2,true);}
function F_LD_u16(a){return (a&1)===0&&PT[a>>>12]===1?U16[a>>1]:mem.load(a,2,false);}
function F_LD_i32(a){return (a&3)===0&&PT[a>>>12]===1?I32[a>>2]:mem.load(a,4,true);}
function F_LD_u32(a){return (a&3)===0&&PT[a>>>12]===1?U32[a>>2]:mem.load(a,4,false);}
function F_LD_i64(a){return mem.load64(a,true);}
function F_LD_u64(a){return mem.load64(a,false);}
function F_ST_8(a,v){if(PT[a>>>12]===1)U8[a]=v;else mem.store(a,1,v);}
function F_ST_16(a,v){if((a&1)===0&&PT[a>>>12]===1)U16[a>>1]=v;else mem.store(a,2,v);}
function F_ST_32(a,v){if((a&3)===0&&PT[a>>>12]===1)U32[a>>2]=v;else mem.store(a,4,v);}
function F_ST_64(a,v){mem.store64(a,v);}
function F_COPY(d,s,n){mem.check(s,n,'read');mem.check(d,n,'write');U8.copyWithin(d,s,s+n);}
`;

const FAST = `
const LD_i8=F_LD_i8,LD_u8=F_LD_u8,LD_i16=F_LD_i16,LD_u16=F_LD_u16,LD_i32=F_LD_i32,LD_u32=F_LD_u32,LD_i64=F_LD_i64,LD_u64=F_LD_u64;
const ST_8=F_ST_8,ST_16=F_ST_16,ST_32=F_ST_32,ST_64=F_ST_64,COPY=F_COPY;
`;

const INSTRUMENTED = `
function LD_i8(a){const v=F_LD_i8(a);sink.access(a,1,0);return v;}
function LD_u8(a){const v=F_LD_u8(a);sink.access(a,1,0);return v;}
function LD_i16(a){const v=F_LD_i16(a);sink.access(a,2,0);return v;}
function LD_u16(a){const v=F_LD_u16(a);sink.access(a,2,0);return v;}
function LD_i32(a){const v=F_LD_i32(a);sink.access(a,4,0);return v;}
function LD_u32(a){const v=F_LD_u32(a);sink.access(a,4,0);return v;}
function LD_i64(a){const v=F_LD_i64(a);sink.access(a,8,0);return v;}
function LD_u64(a){const v=F_LD_u64(a);sink.access(a,8,0);return v;}
function ST_8(a,v){F_ST_8(a,v);sink.access(a,1,1);}
function ST_16(a,v){F_ST_16(a,v);sink.access(a,2,1);}
function ST_32(a,v){F_ST_32(a,v);sink.access(a,4,1);}
function ST_64(a,v){F_ST_64(a,v);sink.access(a,8,1);}
function COPY(d,s,n){F_COPY(d,s,n);sink.access(s,n,0);sink.access(d,n,1);}
`;

type Factory = (mem: Memory, fault: typeof SimFault, b: readonly ((...args: never[]) => unknown)[], sink: AccessSink) => CompiledFn[];

/**
 * Factories by generated source (the same string object for every machine of a program, so the
 * lookup does not rehash it), most recently used last. Machines of one program (a seed sweep,
 * the explorer, tests) reuse one factory, so V8 shares the functions' feedback and optimised
 * code between them instead of warming every machine up from scratch.
 */
const factories = new Map<string, Map<string, Factory>>();
const MAX_SOURCES = 8;

export function instantiate(
  source: string,
  instrumented: boolean,
  mem: Memory,
  builtins: readonly ((...args: never[]) => unknown)[],
  sink: AccessSink,
): CompiledFn[] {
  const variant = `${instrumented ? 'i' : 'f'}${builtins.length}`;
  let bySource = factories.get(source);
  if (bySource) factories.delete(source);
  else bySource = new Map();
  factories.set(source, bySource);
  if (factories.size > MAX_SOURCES) factories.delete(factories.keys().next().value as string);
  let factory = bySource.get(variant);
  if (!factory) {
    const bindings = builtins.map((_, i) => `B${i}=B[${i}]`).join(',');
    const body = `${HELPERS}${instrumented ? INSTRUMENTED : FAST}${bindings ? `const ${bindings};` : ''}\n${source}`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    factory = new Function('mem', 'SimFault', 'B', 'sink', body) as Factory;
    bySource.set(variant, factory);
  }
  return factory(mem, SimFault, builtins, sink);
}
