// Where the SweepScope debug adapter runs, per the `sweepscope.adapter` setting: "inline" (the
// default) runs the session inside the extension host; "process" starts the standalone adapter
// (dist/adapter.js, the file contributes.debuggers[].program names) as a Node process over stdio.
import * as vscode from 'vscode';
import { SweepScopeSession } from '../debug-adapter/session/session';
import { DEBUG_TYPE } from './debugConfig';

export type AdapterMode = 'inline' | 'process';

/** The configured mode; an unknown value falls back to inline with a warning naming the setting. */
export function adapterMode(): AdapterMode {
  const value = vscode.workspace.getConfiguration('sweepscope').get<unknown>('adapter', 'inline');
  if (value === 'inline' || value === 'process') return value;
  void vscode.window.showWarningMessage(`SweepScope: setting "sweepscope.adapter" is ${JSON.stringify(value)}; expected "inline" or "process". Using "inline".`);
  return 'inline';
}

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly adapterScript: string) {}

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    if (adapterMode() === 'inline') return new vscode.DebugAdapterInlineImplementation(new SweepScopeSession());
    // process.execPath is Node in a server extension host and Electron on the desktop, where
    // ELECTRON_RUN_AS_NODE makes it behave as Node
    return new vscode.DebugAdapterExecutable(process.execPath, [this.adapterScript], { env: { ELECTRON_RUN_AS_NODE: '1' } });
  }
}

export function registerAdapterFactory(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(context.asAbsolutePath('dist/adapter.js'))));
}
