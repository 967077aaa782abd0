// The SimC language client: starts the language server (dist/server.js, from src/server/) over
// IPC for .simc files, saved or untitled.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function startLanguageClient(context: vscode.ExtensionContext): LanguageClient {
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
  const client = new LanguageClient('sweepscope.simc', 'SimC Language Server', serverOptions, clientOptions);
  void client.start();
  return client;
}
