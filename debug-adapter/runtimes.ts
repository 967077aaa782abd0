// Runtime selection and file access for the engine's callers (CLI, debug adapter, language
// server, tests). The engine does no I/O: this module maps a runtime name or folder to the list
// of .simc files to compile, and provides a SourceLoader over the file system.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceLoader } from './engine/api';

/** The built-in runtime names, as the CLI and the launch attribute accept them. */
export const BUILTIN_RUNTIMES = ['f8e4a2e', 'before-f8e4a2e', 'none'] as const;
export const DEFAULT_RUNTIME = 'f8e4a2e';

export interface ResolvedRuntime {
  name: string;
  files: string[];
}

/**
 * The folder holding the built-in models. From a bundle in dist/ it is ../debug-adapter/models;
 * from this source file (run through tsx) it is ./models.
 */
export function modelsRoot(): string {
  const candidates = [
    path.join(__dirname, '..', 'debug-adapter', 'models'),
    path.join(__dirname, 'models'),
  ];
  return candidates.find((c) => isDirectory(c)) ?? candidates[0];
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The .simc files directly inside a folder, in name order (absolute paths). */
function simcFilesIn(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.simc'))
    .map((e) => e.name)
    .sort()
    .map((n) => path.join(dir, n));
}

/**
 * Resolves a runtime: `none` (no files), a built-in model name, or a folder of .simc files.
 * Never throws; a bad argument gives `{ error }` naming it and the valid names.
 */
export function resolveRuntime(nameOrDir: string): ResolvedRuntime | { error: string } {
  const valid = `valid names: ${BUILTIN_RUNTIMES.join(', ')}, or a folder of .simc files`;
  if (nameOrDir === 'none') return { name: 'none', files: [] };
  if (nameOrDir === 'f8e4a2e' || nameOrDir === 'before-f8e4a2e') {
    const dir = path.join(modelsRoot(), nameOrDir);
    if (!isDirectory(dir)) return { error: `runtime '${nameOrDir}': model folder ${dir} is missing` };
    const files = simcFilesIn(dir);
    if (files.length === 0) return { error: `runtime '${nameOrDir}': no .simc files in ${dir}` };
    return { name: nameOrDir, files };
  }
  if (nameOrDir.trim() === '') return { error: `runtime '': empty name (${valid})` };
  const dir = path.resolve(nameOrDir);
  if (!isDirectory(dir)) return { error: `unknown runtime '${nameOrDir}' (${valid})` };
  try {
    const files = simcFilesIn(dir);
    if (files.length === 0) return { error: `runtime '${nameOrDir}': no .simc files in ${dir} (${valid})` };
    return { name: dir, files };
  } catch (e) {
    return { error: `runtime '${nameOrDir}': cannot read ${dir}: ${errorMessage(e)}` };
  }
}

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reads source files from disk; undefined when a file does not exist (or is not a file). */
export const fsLoader: SourceLoader = {
  read(p: string): string | undefined {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
      throw e;
    }
  },
};
