// The extension host side of SweepScope: activation, the debug adapter (run inline in the
// extension host), a configuration provider for F5 without launch.json, and the SimC language
// client (the server is dist/server.js).
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SweepScopeSession } from '../debug-adapter/session/session';

let client: LanguageClient | undefined;

/** Runs the debug session inside the extension host (no extra process). */
class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    return new vscode.DebugAdapterInlineImplementation(new SweepScopeSession());
  }
}

/** F5 on a .simc file with no launch.json: launch the active file on the default runtime. */
class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document.languageId !== 'simc') {
        void vscode.window.showInformationMessage('SweepScope: open a .simc scenario to debug it.');
        return undefined;
      }
      return { type: 'sweepscope', request: 'launch', name: 'SweepScope: run scenario', program: editor.document.uri.fsPath };
    }
    return config;
  }
}

function startLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'simc' },
      { scheme: 'untitled', language: 'simc' },
    ],
  };
  const c = new LanguageClient('sweepscope.simc', 'SimC Language Server', serverOptions, clientOptions);
  void c.start();
  return c;
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('sweepscope', new InlineAdapterFactory()),
    vscode.debug.registerDebugConfigurationProvider('sweepscope', new ConfigurationProvider()),
  );
  client = startLanguageClient(context);
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
