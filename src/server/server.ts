// The SimC language server: publishes the front end's diagnostics for open .simc documents.
// Sources come from open documents first, then the file system. A document inside a built-in
// model folder is checked as part of that model; any other document as a scenario on the
// default runtime, or — if that fails but it is a valid plain SimC program — on runtime `none`.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Diagnostic as LspDiagnostic,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compileProgram, type Diagnostic, type SourceLoader } from '../../debug-adapter/engine';
import { DEFAULT_RUNTIME, errorMessage, fsLoader, modelsRoot, resolveRuntime } from '../../debug-adapter/runtimes';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const pending = new Map<string, NodeJS.Timeout>();
/** A scenario stub used to check a model file on its own (models have no `main`). */
const MODEL_STUB = '<model-check>.simc';

function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/** Open documents' text first (unsaved edits count), then the disk. */
const loader: SourceLoader = {
  read(p: string): string | undefined {
    if (path.basename(p) === MODEL_STUB) return 'void main(void) {}\n';
    for (const doc of documents.all()) {
      if (uriToPath(doc.uri) === p) return doc.getText();
    }
    return fsLoader.read(p);
  },
};

function compile(runtime: string, scenario: string): Diagnostic[] | undefined {
  const resolved = resolveRuntime(runtime);
  if ('error' in resolved) return undefined;
  return compileProgram({ runtimeFiles: resolved.files, scenario, loader }).diagnostics;
}

/** The diagnostics of one document, by the rules of the header comment. */
function diagnose(file: string): Diagnostic[] {
  const models = modelsRoot();
  const rel = path.relative(models, file);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
    const variant = rel.split(path.sep)[0];
    const runtime = variant === 'before-f8e4a2e' ? variant : DEFAULT_RUNTIME;
    return compile(runtime, path.join(models, variant, MODEL_STUB)) ?? [];
  }
  const hasError = (ds: Diagnostic[] | undefined): boolean => ds === undefined || ds.some((d) => d.severity === 'error');
  const asScenario = compile(DEFAULT_RUNTIME, file);
  if (!hasError(asScenario)) return asScenario ?? [];
  const plain = compile('none', file);
  if (!hasError(plain) || asScenario === undefined) return plain ?? [];
  return asScenario;
}

function toLsp(d: Diagnostic): LspDiagnostic {
  const line = Math.max(0, d.line - 1);
  const character = Math.max(0, d.column - 1);
  return {
    range: { start: { line, character }, end: { line, character: character + 1 } },
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'simc',
    message: d.message,
  };
}

function validate(doc: TextDocument): void {
  const file = uriToPath(doc.uri);
  let diagnostics: LspDiagnostic[];
  try {
    diagnostics = diagnose(file)
      .filter((d) => d.file === file)
      .map(toLsp);
  } catch (e) {
    connection.console.error(`simc: checking ${file} failed: ${errorMessage(e)}`);
    diagnostics = [];
  }
  void connection.sendDiagnostics({ uri: doc.uri, diagnostics });
}

function schedule(doc: TextDocument): void {
  const old = pending.get(doc.uri);
  if (old) clearTimeout(old);
  pending.set(
    doc.uri,
    setTimeout(() => {
      pending.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) validate(current);
    }, 200),
  );
}

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
}));
documents.onDidOpen((e) => schedule(e.document));
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  const t = pending.get(e.document.uri);
  if (t) clearTimeout(t);
  pending.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});
documents.listen(connection);
connection.listen();
