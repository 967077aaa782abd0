// What the debugger shows for a thread stopped AT a builtin call (`runtime·cas`): the builtin's
// parameter names (simc-language.md §5) and where the call's evaluated arguments are in the
// frame's temporaries. The engine's labels do not record the temporaries yet, so they are read
// once per program from the generated code (`fr.t[k]=B<id>(fr.t[i],…)` after the label's case).
import type { Program } from '../engine';
import type { Type } from '../engine/lang/types';
import type { Frame } from '../engine/vm/threads';

const PARAM_NAMES: Record<string, string[]> = {
  'runtime·cas': ['p', 'old', 'new'],
  'runtime·casp': ['p', 'old', 'new'],
  'runtime·xadd': ['p', 'delta'],
  'runtime·xchg': ['p', 'v'],
  'runtime·atomicload': ['p'],
  'runtime·atomicloadp': ['p'],
  'runtime·atomicstore': ['p', 'v'],
  'runtime·atomicstorep': ['p', 'v'],
  'runtime·lock': ['l'],
  'runtime·unlock': ['l'],
  'runtime·notesleep': ['n'],
  'runtime·notewakeup': ['n'],
  'runtime·noteclear': ['n'],
  'runtime·park': ['unlockf', 'lock', 'reason'],
  'runtime·ready': ['gp'],
  'runtime·SysAlloc': ['n'],
  'runtime·SysFree': ['v', 'n'],
  'runtime·SysMap': ['v', 'n'],
  'runtime·memclr': ['p', 'n'],
  'runtime·memmove': ['to', 'from', 'n'],
  'runtime·throw': ['s'],
  'runtime·printf': ['fmt'],
  'runtime·newproc': ['fn', 'arg'],
  'runtime·mcall': ['fn'],
  'runtime·semacquire': ['addr'],
  'runtime·semrelease': ['addr'],
  'runtime·getp': ['i'],
  'runtime·getg': ['i'],
  'runtime·getm': ['i'],
};

export interface BuiltinArg {
  name: string;
  type: Type;
  value: bigint;
}

/** fn index → label → temp indices of the arguments. */
const cache = new WeakMap<Program, Map<number, Map<number, number[]>>>();

function argSlots(program: Program): Map<number, Map<number, number[]>> {
  let all = cache.get(program);
  if (all) return all;
  all = new Map();
  const src = program.code.instrumentedSource;
  const fnRe = /^function F(\d+)\(vm,fr\)\{$/gm;
  const starts: { fn: number; at: number }[] = [];
  for (let m = fnRe.exec(src); m; m = fnRe.exec(src)) starts.push({ fn: Number(m[1]), at: m.index });
  starts.forEach((s, i) => {
    const body = src.slice(s.at, i + 1 < starts.length ? starts[i + 1].at : src.length);
    const perLabel = new Map<number, number[]>();
    const re = /case (\d+):pc=\1;if\(slice===0[^\n]*\n?fr\.t\[\d+\]=B\d+\(([^\n]*?)\);/g;
    for (let m = re.exec(body); m; m = re.exec(body)) {
      perLabel.set(Number(m[1]), [...m[2].matchAll(/fr\.t\[(\d+)\]/g)].map((x) => Number(x[1])));
    }
    all?.set(s.fn, perLabel);
  });
  cache.set(program, all);
  return all;
}

/** The arguments of the builtin call a frame is stopped at (empty when unknown). */
export function builtinArgs(program: Program, fr: Frame, builtin: string): BuiltinArg[] {
  const sym = program.checked.builtins.find((b) => b.name === builtin);
  const slots = argSlots(program).get(fr.fn)?.get(fr.pc);
  if (!sym || !slots || !fr.t) return [];
  const names = PARAM_NAMES[builtin] ?? [];
  return sym.type.params.map((type, i) => {
    const raw = fr.t?.[slots[i]] ?? 0;
    return { name: names[i] ?? `arg${i}`, type, value: typeof raw === 'bigint' ? raw : BigInt(raw >>> 0) };
  });
}
