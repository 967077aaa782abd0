// Turns generated JavaScript source into callable functions, created once per program and
// shared by its machines, each call bound to the calling machine's memory: the typed-array
// views, the load/store helpers (fast ones, or ones that report every access to the machine's
// listeners), arithmetic helpers that fault like the hardware, and the builtins.
import { Memory, SimFault } from './memory';

export type CompiledFn = (vm: unknown, fr: unknown) => void;

/** Access flags reported to listeners. */
export const ACCESS_WRITE = 1;
export const ACCESS_ATOMIC = 2;

export interface AccessSink {
  access(addr: number, size: number, flags: number): void;
}

const HELPERS = `
function DIVS(a,b){if(b===0)throw new SimFault('integer divide by zero');return (a/b)|0;}
function MODS(a,b){if(b===0)throw new SimFault('integer divide by zero (modulo)');return (a%b)|0;}
function DIVU(a,b){if(b===0)throw new SimFault('integer divide by zero');return (a/b)>>>0;}
function MODU(a,b){if(b===0)throw new SimFault('integer divide by zero (modulo)');return (a%b)>>>0;}
function DIV64(a,b){if(b===0n)throw new SimFault('integer divide by zero');return a/b;}
function MOD64(a,b){if(b===0n)throw new SimFault('integer divide by zero (modulo)');return a%b;}
function LD64L(a,s){const v=BigInt(U32[a>>2])|(BigInt(U32[(a>>2)+1])<<32n);return s?BigInt.asIntN(64,v):v;}
function ST64L(a,v){U32[a>>2]=Number(v&0xffffffffn);U32[(a>>2)+1]=Number((v>>32n)&0xffffffffn);}
function F_LD_i8(pt,v,a){return pt[a>>>12]===1?v[a]:mem.load(a,1,true);}
function F_LD_u8(pt,v,a){return pt[a>>>12]===1?v[a]:mem.load(a,1,false);}
function F_LD_i16(pt,v,a){return (a&1)===0&&pt[a>>>12]===1?v[a>>1]:mem.load(a,2,true);}
function F_LD_u16(pt,v,a){return (a&1)===0&&pt[a>>>12]===1?v[a>>1]:mem.load(a,2,false);}
function F_LD_i32(pt,v,a){return (a&3)===0&&pt[a>>>12]===1?v[a>>2]:mem.load(a,4,true);}
function F_LD_u32(pt,v,a){return (a&3)===0&&pt[a>>>12]===1?v[a>>2]:mem.load(a,4,false);}
function F_LD_i64(a){return mem.load64(a,true);}
function F_LD_u64(a){return mem.load64(a,false);}
function F_ST_8(pt,w,a,v){if(pt[a>>>12]===1){w[a]=v;DW[a>>>12]=1;}else mem.store(a,1,v);}
function F_ST_16(pt,w,a,v){if((a&1)===0&&pt[a>>>12]===1){w[a>>1]=v;DW[a>>>12]=1;}else mem.store(a,2,v);}
function F_ST_32(pt,w,a,v){if((a&3)===0&&pt[a>>>12]===1){w[a>>2]=v;DW[a>>>12]=1;}else mem.store(a,4,v);}
function F_ST_64(a,v){mem.store64(a,v);}
function F_COPY(d,s,n){mem.check(s,n,'read');mem.check(d,n,'write');U8.copyWithin(d,s,s+n);mem.markWritten(d,n);}
`;

const FAST = `
const LD_i8=F_LD_i8,LD_u8=F_LD_u8,LD_i16=F_LD_i16,LD_u16=F_LD_u16,LD_i32=F_LD_i32,LD_u32=F_LD_u32,LD_i64=F_LD_i64,LD_u64=F_LD_u64;
const ST_8=F_ST_8,ST_16=F_ST_16,ST_32=F_ST_32,ST_64=F_ST_64,COPY=F_COPY;
`;

const INSTRUMENTED = `
function LD_i8(pt,w,a){const v=F_LD_i8(pt,w,a);sink.access(a,1,0);return v;}
function LD_u8(pt,w,a){const v=F_LD_u8(pt,w,a);sink.access(a,1,0);return v;}
function LD_i16(pt,w,a){const v=F_LD_i16(pt,w,a);sink.access(a,2,0);return v;}
function LD_u16(pt,w,a){const v=F_LD_u16(pt,w,a);sink.access(a,2,0);return v;}
function LD_i32(pt,w,a){const v=F_LD_i32(pt,w,a);sink.access(a,4,0);return v;}
function LD_u32(pt,w,a){const v=F_LD_u32(pt,w,a);sink.access(a,4,0);return v;}
function LD_i64(a){const v=F_LD_i64(a);sink.access(a,8,0);return v;}
function LD_u64(a){const v=F_LD_u64(a);sink.access(a,8,0);return v;}
function ST_8(pt,w,a,v){F_ST_8(pt,w,a,v);sink.access(a,1,1);}
function ST_16(pt,w,a,v){F_ST_16(pt,w,a,v);sink.access(a,2,1);}
function ST_32(pt,w,a,v){F_ST_32(pt,w,a,v);sink.access(a,4,1);}
function ST_64(a,v){F_ST_64(a,v);sink.access(a,8,1);}
function COPY(d,s,n){F_COPY(d,s,n);sink.access(s,n,0);sink.access(d,n,1);}
`;

type Builtins = readonly ((...args: never[]) => unknown)[];

/** What one machine binds the shared functions to. */
interface Binding {
  mem: Memory;
  builtins: Builtins;
  sink: AccessSink;
}

/** One program's functions, created once and shared by every machine that runs it. */
interface Instance {
  fns: CompiledFn[];
  /** Which machine (its access sink) the functions currently read and write. */
  bindings: WeakMap<object, Binding>;
}

type Factory = (fault: typeof SimFault, lookup: (vm: object) => Binding) => CompiledFn[];

/**
 * Instances by generated source (the same string object for every machine of a program, so the
 * lookup does not rehash it), most recently used last. The machines of one program (a seed
 * sweep, the explorer, the benchmark, tests) run the very same function objects: V8 optimises
 * them once — including the on-stack-replaced code of a long loop, which it specialises to the
 * closure's context — instead of once per machine. Each compiled function starts with
 * `if(vm!==VM)BIND(vm)`, which points the shared memory views, builtins and access sink at the
 * machine that called it; machines take turns (the VM is single-threaded), so that compare is all
 * a call pays.
 */
const instances = new Map<string, Map<string, Instance>>();
const MAX_SOURCES = 8;

/** `sink` is also the machine that calls the functions (their first argument, `vm`). */
export function instantiate(source: string, instrumented: boolean, mem: Memory, builtins: Builtins, sink: AccessSink): CompiledFn[] {
  const variant = `${instrumented ? 'i' : 'f'}${builtins.length}`;
  let bySource = instances.get(source);
  if (bySource) instances.delete(source);
  else bySource = new Map();
  instances.set(source, bySource);
  if (instances.size > MAX_SOURCES) instances.delete(instances.keys().next().value as string);
  let instance = bySource.get(variant);
  if (!instance) {
    const bindings = new WeakMap<object, Binding>();
    const names = builtins.map((_, i) => `B${i}`);
    const body = [
      '"use strict";',
      `let VM=null,mem,U8,I8,U16,I16,U32,I32,PT,DW,sink${names.map((n) => `,${n}`).join('')};`,
      `function BIND(vm){const b=lookup(vm);VM=vm;mem=b.mem;U8=mem.u8;I8=mem.i8;U16=mem.u16;I16=mem.i16;U32=mem.u32;I32=mem.i32;PT=mem.mapped;DW=mem.written;sink=b.sink;${names.map((n, i) => `${n}=b.builtins[${i}];`).join('')}}`,
      HELPERS,
      instrumented ? INSTRUMENTED : FAST,
      `return (()=>{\n${source}\n})();`,
    ].join('\n');
    const lookup = (vm: object): Binding => {
      const b = bindings.get(vm);
      if (!b) throw new Error('internal error: compiled code called by a machine that did not instantiate it');
      return b;
    };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function('SimFault', 'lookup', body) as Factory;
    instance = { fns: factory(SimFault, lookup), bindings };
    bySource.set(variant, instance);
  }
  instance.bindings.set(sink, { mem, builtins, sink });
  return instance.fns;
}
