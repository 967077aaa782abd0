// The builtin functions the VM implements natively, with their C signatures. The checker
// resolves the type names against the program (Lock, Note, G, M, P are declared by the runtime
// model or the VM's prelude); the VM implements each by its index in this table.

/** [name, return type, parameter types…]; `...` marks a variadic builtin. Types use C spelling. */
export const BUILTIN_SIGNATURES: readonly (readonly string[])[] = [
  ['runtime·cas', 'bool', 'uint32*', 'uint32', 'uint32'],
  ['runtime·casp', 'bool', 'void**', 'void*', 'void*'],
  ['runtime·xadd', 'uint32', 'uint32*', 'int32'],
  ['runtime·xchg', 'uint32', 'uint32*', 'uint32'],
  ['runtime·atomicload', 'uint32', 'uint32*'],
  ['runtime·atomicloadp', 'void*', 'void**'],
  ['runtime·atomicstore', 'void', 'uint32*', 'uint32'],
  ['runtime·atomicstorep', 'void', 'void**', 'void*'],
  ['runtime·lock', 'void', 'Lock*'],
  ['runtime·unlock', 'void', 'Lock*'],
  ['runtime·notesleep', 'void', 'Note*'],
  ['runtime·notewakeup', 'void', 'Note*'],
  ['runtime·noteclear', 'void', 'Note*'],
  ['runtime·park', 'void', 'void(*)(Lock*)', 'Lock*', 'int8*'],
  ['runtime·ready', 'void', 'G*'],
  ['runtime·gosched', 'void'],
  ['runtime·osyield', 'void'],
  ['runtime·SysAlloc', 'void*', 'uintptr'],
  ['runtime·SysFree', 'void', 'void*', 'uintptr'],
  ['runtime·SysMap', 'void', 'void*', 'uintptr'],
  ['runtime·memclr', 'void', 'byte*', 'uintptr'],
  ['runtime·memmove', 'void', 'void*', 'void*', 'uintptr'],
  ['runtime·throw', 'void', 'int8*'],
  ['runtime·printf', 'int32', 'int8*', '...'],
  ['runtime·newproc', 'G*', 'void(*)(void*)', 'void*'],
  ['runtime·mcall', 'void', 'void(*)(G*)'],
  ['runtime·stoptheworld', 'void'],
  ['runtime·starttheworld', 'void'],
  ['runtime·semacquire', 'void', 'uint32*'],
  ['runtime·semrelease', 'void', 'uint32*'],
  ['runtime·nanotime', 'int64'],
  ['runtime·gcount', 'int32'],
  ['runtime·breakpoint', 'void'],
  ['runtime·getp', 'P*', 'int32'],
  ['runtime·gomaxprocs', 'int32'],
  ['runtime·getg', 'G*', 'int32'],
  ['runtime·allglen', 'int32'],
  ['runtime·getm', 'M*', 'int32'],
  ['runtime·mcount', 'int32'],
  ['runtime·datastart', 'byte*'],
  ['runtime·dataend', 'byte*'],
];

/**
 * Builtins after which the M may give up its run: they block, yield, switch goroutines, or
 * wake another M (which ends a run that had the machine to itself). Their call sites resume.
 */
export const YIELDING_BUILTINS: ReadonlySet<string> = new Set([
  'runtime·lock', 'runtime·notesleep', 'runtime·park', 'runtime·gosched', 'runtime·osyield',
  'runtime·mcall', 'runtime·stoptheworld', 'runtime·starttheworld', 'runtime·semacquire',
  'runtime·unlock', 'runtime·ready', 'runtime·newproc', 'runtime·semrelease', 'runtime·notewakeup',
]);
