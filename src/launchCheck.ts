// Checks a `sweepscope` launch configuration before the debug adapter starts, with the same
// rules the adapter applies (debug-adapter/session/launchArgs.ts: one piece of code for the
// rules) and the engine's front end for the scenario itself. Knows nothing of the `vscode`
// module, so plain Node tests can run it; the configuration provider turns its answer into
// messages and Problems entries.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../debug-adapter/engine';
import { compileScenario, parseScheduleRecord } from '../debug-adapter/runSupport';
import { fsLoader } from '../debug-adapter/runtimes';
import { validateLaunchArgs, type LaunchSettings } from '../debug-adapter/session/launchArgs';

export type LaunchCheck =
  | { ok: true; settings: LaunchSettings }
  /** A wrong or missing attribute: `message` names it and the expected values. */
  | { ok: false; kind: 'attribute'; message: string }
  /** The scenario (or the runtime model it runs on) does not compile. */
  | { ok: false; kind: 'compile'; message: string; diagnostics: Diagnostic[] }
  /** The schedule file cannot be replayed on this program. */
  | { ok: false; kind: 'schedule'; message: string };

/**
 * Validates the attributes, compiles the scenario on its runtime and, when a schedule file is
 * given, checks it was recorded on that program. `cwd` is where relative paths start.
 */
export function checkLaunchConfiguration(config: Readonly<Record<string, unknown>>, cwd: string): LaunchCheck {
  const settings = validateLaunchArgs({ ...config, cwd: typeof config.cwd === 'string' ? config.cwd : cwd });
  if ('error' in settings) return { ok: false, kind: 'attribute', message: settings.error };
  const compiled = compileScenario(settings.program, settings.runtime, fsLoader);
  if (!compiled.ok) {
    if (compiled.diagnostics.length === 0) {
      // no source position: the runtime itself is wrong (unknown name, empty folder)
      return { ok: false, kind: 'attribute', message: `launch attribute "runtime": ${compiled.error}` };
    }
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    const files = [...new Set(errors.map((d) => path.basename(d.file)))];
    const message =
      `${path.basename(settings.program)} does not compile on runtime "${path.basename(settings.runtime)}": ` +
      `${errors.length} error${errors.length === 1 ? '' : 's'} in ${files.join(', ')}. ` +
      'Fix them (see the Problems view) and start again.';
    return { ok: false, kind: 'compile', message, diagnostics: compiled.diagnostics };
  }
  if (settings.scheduleFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(settings.scheduleFile, 'utf8');
    } catch (e) {
      return { ok: false, kind: 'attribute', message: `launch attribute "schedule.file": cannot read ${settings.scheduleFile}: ${e instanceof Error ? e.message : String(e)}` };
    }
    const record = parseScheduleRecord(text, path.basename(settings.scheduleFile), compiled.program.hash);
    if ('error' in record) return { ok: false, kind: 'schedule', message: `launch attribute "schedule.file": ${record.error}` };
  }
  return { ok: true, settings };
}

/** A scenario is a .simc file with `void main(void)` (runtime models and headers have none). */
export function looksLikeScenario(text: string): boolean {
  return /(^|[\s*;}])void\s+main\s*\(\s*void\s*\)/.test(text);
}

/** The first comment line of a scenario (`// name.simc — what it shows`), for pickers. */
export function scenarioSummary(text: string): string {
  const first = text.split('\n').find((l) => l.trim() !== '');
  if (first === undefined || !first.trim().startsWith('//')) return '';
  return first.trim().replace(/^\/\/\s*/, '').replace(/^[\w.-]+\.simc\s*[—-]\s*/, '');
}
