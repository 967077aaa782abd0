// Debug configurations of type `sweepscope`: the initial launch.json content, one dynamic
// configuration per scenario in the workspace (the "SweepScope" entry of Run and Debug's
// dropdown), F5 without launch.json, and the check that runs before the adapter starts: every
// attribute by the adapter's own rules, then the scenario compiled with the engine's front end.
// A failure is a message naming the attribute (or pointing at the Problems view) and no launch.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic } from '../debug-adapter/engine';
import { checkLaunchConfiguration, looksLikeScenario } from './launchCheck';

export const DEBUG_TYPE = 'sweepscope';
/** The source name of the Problems entries this module publishes. */
export const LAUNCH_DIAGNOSTIC_SOURCE = 'SweepScope launch';
/** The language server's source name (src/server): its entries are not published twice. */
const LANGUAGE_SERVER_SOURCE = 'simc';
const SCENARIO_GLOB = '**/*.simc';
const EXCLUDE_GLOB = '**/{node_modules,.git,.cache,dist}/**';
const MAX_SCENARIOS = 200;

function launchFor(name: string, program: string, runtime = 'f8e4a2e'): vscode.DebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name, program, runtime, gomaxprocs: 2 };
}

/** The .simc files of a folder that declare `void main(void)`, in path order. */
export async function findScenarios(folder: vscode.WorkspaceFolder, token?: vscode.CancellationToken): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, SCENARIO_GLOB), EXCLUDE_GLOB, MAX_SCENARIOS, token);
  const found: vscode.Uri[] = [];
  for (const uri of files) {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      if (looksLikeScenario(text)) found.push(uri);
    } catch {
      // unreadable file: not offered
    }
  }
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

function workspaceRelative(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string {
  return path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
}

/**
 * Initial configurations (added to package.json's `${file}` one when launch.json is created):
 * one per scenario of the folder; and the F5-without-launch.json case.
 */
export class InitialConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined, token?: vscode.CancellationToken): Promise<vscode.DebugConfiguration[]> {
    if (!folder) return [];
    const scenarios = (await findScenarios(folder, token)).slice(0, 8);
    return scenarios.map((uri) => launchFor(`SweepScope: ${path.basename(uri.fsPath)}`, '${workspaceFolder}/' + workspaceRelative(folder, uri)));
  }

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (config.type === undefined && config.request === undefined && config.name === undefined) {
      const doc = vscode.window.activeTextEditor?.document;
      if (doc?.languageId !== 'simc') {
        void vscode.window.showErrorMessage('SweepScope: open a .simc scenario (a file with `void main(void)`) or add a "sweepscope" configuration to launch.json, then start debugging again.');
        return undefined;
      }
      return launchFor('SweepScope: run the current scenario', doc.uri.fsPath);
    }
    return config;
  }
}

/** One configuration per scenario of the folder, listed under "SweepScope" in Run and Debug. */
class DynamicConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined, token?: vscode.CancellationToken): Promise<vscode.DebugConfiguration[]> {
    if (!folder) return [];
    return (await findScenarios(folder, token)).map((uri) => launchFor(`SweepScope: ${workspaceRelative(folder, uri)}`, uri.fsPath));
  }
}

/** Validates after variable substitution, so `${workspaceFolder}` and `${file}` are real paths. */
class ValidatingConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly problems: vscode.DiagnosticCollection) {}

  resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (config.request !== 'launch') {
      void vscode.window.showErrorMessage(`SweepScope: launch configuration "${config.name}": attribute "request" must be "launch" (SweepScope starts its own simulated program; it cannot attach).`);
      return undefined;
    }
    const cwd = typeof config.cwd === 'string' ? config.cwd : folder?.uri.fsPath ?? path.dirname(String(config.program ?? ''));
    const check = checkLaunchConfiguration(config, cwd);
    this.problems.clear();
    if (check.ok) return { ...config, cwd };
    if (check.kind === 'compile') {
      this.publish(check.diagnostics);
      void vscode.window.showErrorMessage(`SweepScope: ${check.message}`, 'Show Problems').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    } else {
      void vscode.window.showErrorMessage(`SweepScope: ${check.message} (launch configuration "${config.name}")`, 'Open launch.json').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.debug.configure');
      });
    }
    return undefined;
  }

  /** Compile errors into Problems, except in files the language server already reports on. */
  private publish(diagnostics: readonly Diagnostic[]): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of diagnostics) {
      const uri = vscode.Uri.file(d.file);
      const reported = vscode.languages.getDiagnostics(uri).some((x) => x.source === LANGUAGE_SERVER_SOURCE && x.severity === vscode.DiagnosticSeverity.Error);
      if (reported) continue;
      const at = new vscode.Position(Math.max(0, d.line - 1), Math.max(0, d.column - 1));
      const entry = new vscode.Diagnostic(new vscode.Range(at, at.translate(0, 1)), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      entry.source = LAUNCH_DIAGNOSTIC_SOURCE;
      byFile.set(d.file, [...(byFile.get(d.file) ?? []), entry]);
    }
    for (const [file, entries] of byFile) this.problems.set(vscode.Uri.file(file), entries);
  }
}

/** Registers the three providers; the collection holds launch-time compile errors. */
export function registerDebugConfigurations(context: vscode.ExtensionContext): void {
  const problems = vscode.languages.createDiagnosticCollection('sweepscope-launch');
  context.subscriptions.push(
    problems,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new InitialConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Initial),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DynamicConfigurationProvider(), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ValidatingConfigurationProvider(problems)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (problems.has(e.document.uri)) problems.delete(e.document.uri);
    }),
  );
}
