// Shared helpers of the engine tests (preemption, determinism, mutation fuzz): compile SimC
// source on runtime `none` (the VM's prelude) from a file or from an in-memory string, and
// name goroutines and functions of a running Machine.
import { formatDiagnostic, compileProgram, type Diagnostic, type Machine, type Program, type SourceLoader } from '../../debug-adapter/engine';
import { fsLoader } from '../../debug-adapter/runtimes';

/** A loader that serves `text` for `scenario` and the real file system for everything else. */
export function overlayLoader(scenario: string, text: string): SourceLoader {
  return { read: (p) => (p === scenario ? text : fsLoader.read(p)) };
}

/** Compiles on runtime `none`; returns the program or the diagnostics. */
export function tryCompile(scenario: string, loader: SourceLoader = fsLoader): { program: Program | null; diagnostics: Diagnostic[] } {
  return compileProgram({ runtimeFiles: [], scenario, loader });
}

/** Compiles on runtime `none` and fails loudly with the diagnostics when it does not compile. */
export function compileOrThrow(scenario: string, text?: string): Program {
  const { program, diagnostics } = tryCompile(scenario, text === undefined ? fsLoader : overlayLoader(scenario, text));
  if (!program) throw new Error(`${scenario} does not compile:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return program;
}

type Gor = Machine['gs'][number];
type Frame = Gor['frames'][number];

/** The name of the function a frame runs. */
export function fnName(vm: Machine, fr: Frame | undefined): string {
  return fr ? vm.code.funcs[fr.fn].name : '?';
}

/** A goroutine is named by its entry function (its bottom frame); `g0` for scheduler stacks. */
export function goName(vm: Machine, g: Gor): string {
  return g.isG0 ? 'g0' : fnName(vm, g.frames[0]);
}

/** The function of a goroutine's top frame (where it is now). */
export function topFn(vm: Machine, g: Gor): string {
  return fnName(vm, g.frames[g.frames.length - 1]);
}
