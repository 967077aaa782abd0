// The extension host side of SweepScope. activate() only wires parts together, one register
// call per part (each part lives in its own module and pushes its disposables):
//   adapterFactory   where the debug adapter runs (inline, or dist/adapter.js as a process)
//   debugConfig      initial / dynamic configurations and the pre-launch check
//   commands         Open Example, Copy Runtime Model to Workspace, Run Only This Thread
//   languageClient   the SimC language server (src/server/)
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerAdapterFactory } from './adapterFactory';
import { registerCommands } from './commands';
import { registerDebugConfigurations } from './debugConfig';
import { registerExplorerCommands } from './explorer';
import { startLanguageClient } from './languageClient';
import { registerPanels } from './panels';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  registerAdapterFactory(context);
  registerDebugConfigurations(context);
  registerCommands(context);
  registerExplorerCommands(context);
  registerPanels(context);
  client = startLanguageClient(context);
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
