// Which program a document is analysed as. A file of a runtime model is analysed as that
// runtime with an empty scenario (a shared file of common/ as the runtime the setting names,
// else the one of the scenario last opened or edited, else the default). Any other .simc file is a
// scenario on the runtime chosen by the `sweepscope.runtime` setting, else by the first
// sweepscope configuration of the workspace launch.json whose `program` is that file (else the
// first whose program is `${file}`), else the default runtime.
import * as path from 'node:path';
import { virtualPath } from './documents';
import { BUILTIN_RUNTIMES, DEFAULT_RUNTIME, modelsRoot, resolveRuntime, type ResolvedRuntime } from '../../debug-adapter/runtimes';

/** What to analyse for one document. */
export interface Target {
  runtime: ResolvedRuntime;
  /** The scenario path: the document itself, or the empty scenario for a model file. */
  scenario: string;
  /** The document is a file of the runtime model. */
  isModel: boolean;
  /** The runtime was chosen by the user (setting or launch.json), not by default. */
  explicit: boolean;
  /** A problem with the user's choice (unknown runtime name…), reported on the document. */
  problem?: string;
}

/** Reads a file's current text (the server's document store). */
export type ReadText = (p: string) => string | undefined;

const isInside = (dir: string, file: string): boolean => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** The empty scenario a model file is analysed with (models have no `main`). */
export function modelStubPath(runtimeName: string): string {
  return virtualPath(`model-check-${runtimeName}`);
}
export const MODEL_STUB_TEXT = 'void\nmain(void)\n{\n}\n';

const isBuiltinModel = (name: string): boolean => name === 'f8e4a2e' || name === 'before-f8e4a2e';

export class RuntimeChooser {
  private readonly resolved = new Map<string, ResolvedRuntime | { error: string }>();
  /** The built-in model of the scenario last opened or edited (shared model files follow it). */
  private lastScenarioModel: string = DEFAULT_RUNTIME;

  /** Notes the target of a document the user opened or edited. */
  follow(target: Target): void {
    if (!target.isModel && isBuiltinModel(target.runtime.name)) this.lastScenarioModel = target.runtime.name;
  }

  constructor(
    private readonly read: ReadText,
    private readonly workspaceFolders: () => string[],
  ) {}

  /** Forgets resolved runtimes (a setting changed or model files were added). */
  reset(): void {
    this.resolved.clear();
  }

  private resolve(name: string): ResolvedRuntime | { error: string } {
    let r = this.resolved.get(name);
    if (!r) {
      r = resolveRuntime(name);
      this.resolved.set(name, r);
    }
    return r;
  }

  /** A setting or launch value made absolute: a folder relative to the workspace folder holding `file`. */
  private absolute(value: string, file: string): string {
    if ((BUILTIN_RUNTIMES as readonly string[]).includes(value) || path.isAbsolute(value)) return value;
    const folder = this.workspaceFolders().find((f) => isInside(f, file)) ?? this.workspaceFolders()[0];
    return folder ? path.resolve(folder, value) : value;
  }

  /** The target of a document, given the `sweepscope.runtime` setting for it ('' when unset). */
  targetFor(file: string, setting: string): Target {
    const models = modelsRoot();
    if (isInside(models, file)) {
      const variant = path.relative(models, file).split(path.sep)[0];
      const name = isBuiltinModel(variant) ? variant : isBuiltinModel(setting) ? setting : this.lastScenarioModel;
      const r = this.resolve(name);
      if (!('error' in r)) return { runtime: r, scenario: modelStubPath(r.name), isModel: true, explicit: true };
    }
    let chosen = setting.trim();
    let origin = 'setting sweepscope.runtime';
    if (!chosen) {
      chosen = this.fromLaunchJson(file) ?? '';
      origin = 'launch.json';
    }
    let problem: string | undefined;
    if (chosen) {
      const r = this.resolve(this.absolute(chosen, file));
      if (!('error' in r)) {
        const isModel = r.files.length > 0 && isInside(path.dirname(r.files[0]), file);
        return { runtime: r, scenario: isModel ? modelStubPath(r.name) : file, isModel, explicit: true };
      }
      problem = `${origin}: ${r.error}; using runtime ${DEFAULT_RUNTIME}`;
    }
    const r = this.resolve(DEFAULT_RUNTIME);
    if ('error' in r) {
      const none = this.resolve('none') as ResolvedRuntime;
      return { runtime: none, scenario: file, isModel: false, explicit: false, problem: r.error };
    }
    return { runtime: r, scenario: file, isModel: false, explicit: false, problem };
  }

  /** The alternative runtime for a plain SimC program (conformance-style files run on `none`). */
  plain(file: string): Target {
    return { runtime: this.resolve('none') as ResolvedRuntime, scenario: file, isModel: false, explicit: false };
  }

  /** The `runtime` of the sweepscope launch configuration for this program, if any. */
  private fromLaunchJson(file: string): string | undefined {
    let wildcard: string | undefined;
    for (const folder of this.workspaceFolders()) {
      if (!isInside(folder, file)) continue;
      const text = this.read(path.join(folder, '.vscode', 'launch.json'));
      if (text === undefined) continue;
      const expand = (v: string): string =>
        v.replace(/\$\{(?:workspaceFolder|workspaceRoot)\}/g, folder).replace(/\$\{workspaceFolderBasename\}/g, path.basename(folder));
      for (const c of launchConfigurations(text)) {
        const program = expand(c.program);
        if (program === '${file}') wildcard ??= expand(c.runtime);
        else if (path.resolve(folder, program) === file) return expand(c.runtime);
      }
    }
    return wildcard;
  }
}

/** The sweepscope configurations of a launch.json (JSON with comments and trailing commas). */
export function launchConfigurations(text: string): { program: string; runtime: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(text));
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null) return [];
  const configs = (parsed as { configurations?: unknown }).configurations;
  if (!Array.isArray(configs)) return [];
  const out: { program: string; runtime: string }[] = [];
  for (const c of configs as unknown[]) {
    if (typeof c !== 'object' || c === null) continue;
    const { type, program, runtime } = c as Record<string, unknown>;
    if (type === 'sweepscope' && typeof program === 'string' && typeof runtime === 'string') out.push({ program, runtime });
  }
  return out;
}

/** Removes `//` and `/* *\/` comments outside strings, and commas before `}` or `]`. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
