// What the debugger shows for a thread stopped AT a builtin call (`runtime·cas`): the builtin's
// parameter names (simc-language.md §5) and the call's evaluated arguments, read from the frame
// temporaries that the compiler records on the builtin's label.
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

/** The arguments of the builtin call a frame is stopped at (empty when unknown). */
export function builtinArgs(program: Program, fr: Frame, builtin: string, label: number = fr.pc): BuiltinArg[] {
  const sym = program.checked.builtins.find((b) => b.name === builtin);
  const slots = program.code.funcs[fr.fn].labels[label]?.args;
  if (!sym || !slots || !fr.t) return [];
  const names = PARAM_NAMES[builtin] ?? [];
  return sym.type.params.map((type, i) => {
    const raw = fr.t?.[slots[i]] ?? 0;
    return { name: names[i] ?? `arg${i}`, type, value: typeof raw === 'bigint' ? raw : BigInt(raw >>> 0) };
  });
}
