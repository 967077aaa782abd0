// The SimC language server (LSP over stdio or IPC): diagnostics as you type (debounced),
// hover, go to definition, find references, highlights, document symbols, completion and
// signature help, for scenarios analysed together with the runtime model they run on and for
// the model's own files. The front end is the engine's; unsaved buffers overlay the disk.
// Every handler is guarded: an exception or malformed request is logged and answered with an
// empty result.
import * as path from 'node:path';
import {
  createConnection,
  DidChangeConfigurationNotification,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CompletionItem,
  type Diagnostic as LspDiagnostic,
  type DocumentHighlight,
  type DocumentSymbol,
  type Hover,
  type SignatureHelp,
  type Location,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { errorMessage } from '../../debug-adapter/runtimes';
import { Analyzer, type AnalysisResult, type Timing } from './analysis';
import { complete, resolveItem } from './completion';
import { DocumentStore } from './documents';
import { hoverMarkdown } from './hover';
import { definitionTarget, documentSymbols, includeTarget, lspRange, references, resolveAt, type Span } from './navigation';
import { RuntimeChooser } from './runtimeChoice';
import { signatureHelp } from './signatureHelp';
import type { Pos, SourceFile } from './sourceText';

const DEBOUNCE_MS = 200;
/** Documents that depend on a changed file (a model buffer under edit) are re-checked later. */
const DEPENDENT_DEBOUNCE_MS = 800;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const store = new DocumentStore();
let workspaceFolders: string[] = [];
const chooser = new RuntimeChooser((p) => store.read(p), () => workspaceFolders);
const analyzer = new Analyzer(store, chooser);
const pending = new Map<string, NodeJS.Timeout>();
const settings = new Map<string, string>();
let canPullConfiguration = false;
/** `sweepscope.runtime` as pushed by a client that cannot be asked (didChangeConfiguration settings). */
let pushedRuntime = '';
/** The last analysis that produced each open document's diagnostics. */
const lastResult = new Map<string, AnalysisResult>();

const log = (message: string): void => connection.console.error(`simc: ${message}`);

/** Runs a handler; an exception is logged and answered with `fallback`. */
function guarded<P, R>(name: string, fallback: R, fn: (params: P) => R | Promise<R>): (params: P) => Promise<R> {
  return async (params: P) => {
    try {
      return await fn(params);
    } catch (e) {
      log(`${name} failed: ${errorMessage(e)}${e instanceof Error && e.stack ? `\n${e.stack}` : ''}`);
      return fallback;
    }
  };
}

// ---- requests' common shape ----
interface DocPos {
  uri: string;
  file: string;
  pos: Pos;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/** The document URI of a request, or undefined for a malformed one. */
function uriOf(params: unknown): string | undefined {
  if (!isObject(params) || !isObject(params.textDocument)) return undefined;
  const uri = params.textDocument.uri;
  return typeof uri === 'string' && uri.length > 0 ? uri : undefined;
}

/** The document and 1-based position of a request, or undefined for a malformed one. */
function docPos(params: unknown): DocPos | undefined {
  const uri = uriOf(params);
  if (!uri || !isObject(params) || !isObject(params.position)) return undefined;
  const { line, character } = params.position;
  if (!isCount(line) || !isCount(character)) return undefined;
  return { uri, file: store.pathOf(uri), pos: { line: line + 1, column: character + 1 } };
}

// ---- settings ----
async function settingFor(uri: string): Promise<string> {
  const known = settings.get(uri);
  if (known !== undefined) return known;
  let value = pushedRuntime;
  if (canPullConfiguration) {
    try {
      const section: unknown = await connection.workspace.getConfiguration({ scopeUri: uri, section: 'sweepscope' });
      if (isObject(section) && typeof section.runtime === 'string') value = section.runtime;
    } catch (e) {
      log(`reading settings failed: ${errorMessage(e)}`);
    }
  }
  settings.set(uri, value);
  return value;
}

async function analysisFor(uri: string): Promise<AnalysisResult> {
  const file = store.pathOf(uri);
  return analyzer.forDocument(file, await settingFor(uri));
}

/** The position is inside the document's text (a line that exists, a column up to its end). */
const inText = (src: SourceFile, p: Pos): boolean => p.line <= src.lines.length && p.column <= src.line(p.line).length + 1;

/** The analysis and source of a position request, or undefined when the position is not in the document. */
async function positioned(at: DocPos): Promise<{ r: AnalysisResult; src: SourceFile } | undefined> {
  const r = await analysisFor(at.uri);
  const src = sourceOf(at.file);
  return src && inText(src, at.pos) ? { r, src } : undefined;
}

function sourceOf(file: string): SourceFile | undefined {
  const text = analyzer.text(file);
  return text === undefined ? undefined : analyzer.sources.get(file, text);
}

function location(s: Span): Location {
  return { uri: store.uriOf(s.file), range: lspRange(s, { line: s.line, column: s.column + s.length }) };
}

// ---- diagnostics ----
function diagnosticsOf(r: AnalysisResult, file: string): LspDiagnostic[] {
  const src = sourceOf(file);
  const out: LspDiagnostic[] = [];
  const elsewhere = r.analysis.diagnostics.filter((d) => d.file !== file && path.resolve(d.file) !== file);
  for (const d of r.analysis.diagnostics) {
    if (elsewhere.includes(d)) continue;
    const tok = src?.tokenAt({ line: d.line, column: d.column });
    const end = tok && tok.line === d.line && tok.column === d.column ? src?.tokenEnd(tok) ?? d.column + 1 : d.column + 1;
    out.push({
      range: lspRange(d, { line: d.line, column: end }),
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      source: 'simc',
      message: d.message,
    });
  }
  const first = elsewhere[0];
  if (first) {
    const where = `${path.basename(first.file)}:${first.line}:${first.column}`;
    out.push({
      range: lspRange({ line: 1, column: 1 }, { line: 1, column: 1 }),
      severity: DiagnosticSeverity.Error,
      source: 'simc',
      message: `${elsewhere.length} error${elsewhere.length > 1 ? 's' : ''} in other files of the program (runtime ${path.basename(r.target.runtime.name)}); first at ${where}: ${first.message}`,
      relatedInformation: elsewhere.slice(0, 10).map((d) => ({
        location: location({ file: d.file, line: d.line, column: d.column, length: 1 }),
        message: d.message,
      })),
    });
  }
  if (r.target.problem) {
    out.push({ range: lspRange({ line: 1, column: 1 }, { line: 1, column: 1 }), severity: DiagnosticSeverity.Warning, source: 'simc', message: r.target.problem });
  }
  return out;
}

/** Publishes a document's diagnostics; `edited`: the user opened or edited it (not a dependent's re-check). */
async function validate(uri: string, edited: boolean): Promise<void> {
  const version = documents.get(uri)?.version;
  if (version === undefined) return;
  let diagnostics: LspDiagnostic[] = [];
  try {
    const r = await analysisFor(uri);
    lastResult.set(uri, r);
    if (edited) chooser.follow(r.target);
    diagnostics = diagnosticsOf(r, store.pathOf(uri));
  } catch (e) {
    log(`checking ${uri} failed: ${errorMessage(e)}`);
    const message = `the SimC front end could not check this file: ${errorMessage(e)}${e instanceof RangeError ? ' (nesting too deep?)' : ''}`;
    diagnostics = [{ range: lspRange({ line: 1, column: 1 }, { line: 1, column: 1 }), severity: DiagnosticSeverity.Error, source: 'simc', message }];
  }
  // a newer edit has its own validation coming; an older result must not overwrite it
  if (documents.get(uri)?.version === version) await connection.sendDiagnostics({ uri, version, diagnostics });
}

function schedule(uri: string, delay: number, edited: boolean): void {
  const old = pending.get(uri);
  if (old) clearTimeout(old);
  pending.set(
    uri,
    setTimeout(() => {
      pending.delete(uri);
      void validate(uri, edited);
    }, delay),
  );
}

/** Schedules a document, and later the open documents whose last analysis read it. */
function changed(uri: string): void {
  schedule(uri, DEBOUNCE_MS, true);
  const file = store.pathOf(uri);
  for (const [other, r] of lastResult) {
    if (other !== uri && r.texts.has(file) && !pending.has(other)) schedule(other, DEPENDENT_DEBOUNCE_MS, false);
  }
}

// ---- lifecycle ----
connection.onInitialize((params) => {
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceFolders = folders.filter((u) => u.startsWith('file:')).map((u) => store.pathOf(u));
  if (workspaceFolders.length === 0 && typeof params.rootPath === 'string' && params.rootPath) workspaceFolders = [path.resolve(params.rootPath)];
  canPullConfiguration = params.capabilities.workspace?.configuration === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      completionProvider: { triggerCharacters: ['.', '>'], resolveProvider: true },
      signatureHelpProvider: { triggerCharacters: ['(', ','] },
      documentHighlightProvider: true,
    },
  };
});

connection.onInitialized(() => {
  if (canPullConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'sweepscope' }).catch((e: unknown) => log(`registering for settings failed: ${errorMessage(e)}`));
  }
});

connection.onDidChangeConfiguration(
  guarded('didChangeConfiguration', undefined, (params: unknown) => {
    const pushed = isObject(params) && isObject(params.settings) && isObject(params.settings.sweepscope) ? params.settings.sweepscope.runtime : undefined;
    if (typeof pushed === 'string') pushedRuntime = pushed;
    settings.clear();
    chooser.reset();
    analyzer.forget();
    for (const d of documents.all()) schedule(d.uri, DEBOUNCE_MS, false);
  }),
);

documents.onDidOpen((e) => {
  store.setOpen(e.document.uri, e.document.getText(), e.document.version);
  changed(e.document.uri);
});
documents.onDidChangeContent((e) => {
  store.setOpen(e.document.uri, e.document.getText(), e.document.version);
  changed(e.document.uri);
});
documents.onDidClose((e) => {
  const t = pending.get(e.document.uri);
  if (t) clearTimeout(t);
  pending.delete(e.document.uri);
  store.close(e.document.uri);
  settings.delete(e.document.uri);
  lastResult.delete(e.document.uri);
  changed(e.document.uri); // documents that read the closed buffer go back to the disk's text
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

// ---- features ----
connection.onHover(
  guarded('hover', null, async (params: unknown): Promise<Hover | null> => {
    const at = docPos(params);
    const got = at && (await positioned(at));
    if (!at || !got) return null;
    const { r, src } = got;
    const found = resolveAt(r.index, src, at.file, at.pos);
    if (!found) return null;
    const tok = src.tokenAt(at.pos);
    const range = tok ? lspRange(tok, { line: tok.line, column: src.tokenEnd(tok) }) : undefined;
    return { contents: { kind: 'markdown', value: hoverMarkdown(found.def, found.occ, r.index, r.analysis, sourceOf) }, range };
  }),
);

connection.onDefinition(
  guarded('definition', null, async (params: unknown): Promise<Location | null> => {
    const at = docPos(params);
    const got = at && (await positioned(at));
    if (!at || !got) return null;
    const included = includeTarget(got.src, at.file, at.pos);
    if (included) return analyzer.text(included) === undefined ? null : location({ file: included, line: 1, column: 1, length: 0 });
    const found = resolveAt(got.r.index, got.src, at.file, at.pos);
    const target = found ? definitionTarget(got.r.index, found.def) : undefined;
    return target ? location(target) : null;
  }),
);

connection.onReferences(
  guarded('references', [], async (params: unknown): Promise<Location[]> => {
    const at = docPos(params);
    const got = at && (await positioned(at));
    if (!at || !got) return [];
    const { r, src } = got;
    const found = resolveAt(r.index, src, at.file, at.pos);
    if (!found) return [];
    const includeDeclaration = isObject(params) && isObject(params.context) && params.context.includeDeclaration === true;
    const local = found.def.kind === 'local' || found.def.kind === 'parameter';
    const others = local ? [] : analyzer.sameRuntime(r.target.runtime.name).filter((o) => o !== r);
    return references([r.index, ...others.map((o) => o.index)], found.def, includeDeclaration).map(location);
  }),
);

connection.onDocumentHighlight(
  guarded('documentHighlight', [], async (params: unknown): Promise<DocumentHighlight[]> => {
    const at = docPos(params);
    const got = at && (await positioned(at));
    if (!at || !got) return [];
    const found = resolveAt(got.r.index, got.src, at.file, at.pos);
    if (!found) return [];
    return references([got.r.index], found.def, true)
      .filter((s) => s.file === at.file)
      .map((s) => ({ range: location(s).range }));
  }),
);

connection.onSignatureHelp(
  guarded('signatureHelp', null, async (params: unknown): Promise<SignatureHelp | null> => {
    const at = docPos(params);
    const got = at && (await positioned(at));
    if (!at || !got) return null;
    return signatureHelp(got.r.index, got.src, at.file, at.pos, sourceOf);
  }),
);

connection.onDocumentSymbol(
  guarded('documentSymbol', [], async (params: unknown): Promise<DocumentSymbol[]> => {
    const uri = uriOf(params);
    if (!uri) return [];
    const file = store.pathOf(uri);
    const r = await analysisFor(uri);
    const src = sourceOf(file);
    return src ? documentSymbols(r.index, src, file) : [];
  }),
);

connection.onCompletion(
  guarded('completion', [], async (params: unknown): Promise<CompletionItem[]> => {
    const at = docPos(params);
    const got = at && (await positioned(at));
    if (!at || !got) return [];
    const { r, src } = got;
    lastCompletion = r;
    const context = isObject(params) && isObject(params.context) ? params.context : undefined;
    const trigger = context?.triggerKind === 2 && typeof context.triggerCharacter === 'string' ? context.triggerCharacter : undefined;
    return complete({ index: r.index, analysis: r.analysis, src, file: at.file, source: sourceOf, trigger }, at.pos);
  }),
);

/** The analysis the last completion list came from, to document its items on resolve. */
let lastCompletion: AnalysisResult | undefined;
connection.onCompletionResolve((item: CompletionItem): CompletionItem => {
  try {
    return lastCompletion && isObject(item) ? resolveItem(item, lastCompletion.index, sourceOf) : item;
  } catch (e) {
    log(`completionResolve failed: ${errorMessage(e)}`);
    return item;
  }
});

/** Timings of recent analyses (for tests and `SweepScope: …` diagnostics). */
connection.onRequest('sweepscope/analysisStats', guarded('analysisStats', [] as Timing[], () => analyzer.timings.slice()));

// The last line of defence: nothing a document or a request does may end the server.
process.on('uncaughtException', (e) => log(`uncaught: ${errorMessage(e)}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${errorMessage(e)}`));

documents.listen(connection);
connection.listen();
