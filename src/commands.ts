// The extension host's own commands:
//   sweepscope.openExample        copy the examples workspace (or one example) out of the
//                                 extension and open it
//   sweepscope.copyRuntimeModel   copy a built-in runtime model (with the shared common/ folder)
//                                 into the workspace, so it can be edited and run with
//                                 "runtime": "<folder>"
//   sweepscope.runOnlyThisThread  Call Stack context menu: continue with only that M running
// Each takes optional arguments (used by the tests and by other commands) and otherwise asks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './debugConfig';
import { scenarioSummary } from './launchCheck';

export const MODEL_NAMES = ['before-f8e4a2e', 'f8e4a2e'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
/** Where copied models go inside a workspace folder (next to each other, with common/). */
export const MODELS_FOLDER = 'runtime-models';
const WORKSPACE_CHOICE = 'workspace';

export interface OpenExampleArgs {
  /** `workspace` (the whole examples folder) or a file name such as `finalizer-race.simc`. */
  example?: string;
  /** Parent folder for the copied workspace, or the folder receiving a single example. */
  destination?: string;
  /** Open the result (default true). */
  open?: boolean;
}

export interface CopyModelArgs {
  runtime?: ModelName;
  /** Workspace folder to copy into (default: the first one). */
  destination?: string;
  /** Name of the copy inside runtime-models/ (default: the model's name, or asked when taken). */
  name?: string;
  open?: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(args: Record<string, unknown>, key: string, command: string): string | undefined {
  const v = args[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new Error(`${command}: argument "${key}" must be a non-empty string`);
  return v;
}

/** A name in `dir` that does not exist yet: `base`, `base-2`, `base-3`, … */
function freeName(dir: string, base: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!fs.existsSync(path.join(dir, name))) return name;
  }
}

/** The example files shipped in the extension's examples/ folder (scenarios only). */
function exampleFiles(examplesDir: string): string[] {
  return fs.readdirSync(examplesDir).filter((f) => f.endsWith('.simc')).sort();
}

async function pickExample(examplesDir: string): Promise<string | undefined> {
  const items: (vscode.QuickPickItem & { value: string })[] = [
    { label: '$(folder-opened) All examples', description: 'copy the examples workspace (scenarios, schedules, launch configurations) and open it', value: WORKSPACE_CHOICE },
    ...exampleFiles(examplesDir).map((f) => ({ label: `$(file-code) ${f}`, detail: scenarioSummary(fs.readFileSync(path.join(examplesDir, f), 'utf8')), value: f })),
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'SweepScope: Open Example', placeHolder: 'Which example?' });
  return choice?.value;
}

async function askFolder(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title, openLabel: 'Copy here' });
  return picked?.[0]?.fsPath;
}

async function openExample(extensionPath: string, raw: unknown): Promise<string | undefined> {
  const args = isRecord(raw) ? raw : {};
  const examplesDir = path.join(extensionPath, 'examples');
  const example = optionalString(args, 'example', 'sweepscope.openExample') ?? (await pickExample(examplesDir));
  if (example === undefined) return undefined;
  const open = args.open !== false;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

  if (example !== WORKSPACE_CHOICE) {
    if (!exampleFiles(examplesDir).includes(example)) {
      throw new Error(`sweepscope.openExample: no example named "${example}" (choose one of ${exampleFiles(examplesDir).join(', ')})`);
    }
    const destination = optionalString(args, 'destination', 'sweepscope.openExample') ?? folder;
    if (destination !== undefined) {
      // into the open workspace, next to the user's files; an existing copy is opened, not overwritten
      const target = path.join(destination, example);
      if (!fs.existsSync(target)) fs.copyFileSync(path.join(examplesDir, example), target);
      if (open) await vscode.window.showTextDocument(vscode.Uri.file(target));
      return target;
    }
    // no folder open: fall through and copy the whole workspace, then show this example in it
  }
  const parent = optionalString(args, 'destination', 'sweepscope.openExample') ?? (await askFolder('Where should the SweepScope examples be copied?'));
  if (parent === undefined) return undefined;
  const target = path.join(parent, freeName(parent, 'sweepscope-examples'));
  fs.cpSync(examplesDir, target, { recursive: true });
  if (open) await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(target), { forceNewWindow: folder !== undefined });
  return target;
}

async function copyRuntimeModel(extensionPath: string, raw: unknown): Promise<string | undefined> {
  const args = isRecord(raw) ? raw : {};
  const command = 'sweepscope.copyRuntimeModel';
  const requested = optionalString(args, 'runtime', command);
  if (requested !== undefined && !(MODEL_NAMES as readonly string[]).includes(requested)) {
    throw new Error(`${command}: argument "runtime" must be one of ${MODEL_NAMES.join(', ')}`);
  }
  const runtime =
    requested ??
    (
      await vscode.window.showQuickPick(
        [
          { label: 'before-f8e4a2e', description: 'the racy sweep (the parent of the fix)' },
          { label: 'f8e4a2e', description: 'the fixed sweep' },
        ],
        { title: 'SweepScope: Copy Runtime Model to Workspace', placeHolder: 'Which runtime model?' },
      )
    )?.label;
  if (runtime === undefined) return undefined;
  const root = optionalString(args, 'destination', command) ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (root === undefined) {
    void vscode.window.showErrorMessage('SweepScope: open a folder first; the runtime model is copied into it (File → Open Folder).');
    return undefined;
  }
  const modelsDir = path.join(extensionPath, 'debug-adapter', 'models');
  const into = path.join(root, MODELS_FOLDER);
  fs.mkdirSync(into, { recursive: true });
  let name = optionalString(args, 'name', command);
  if (name === undefined) {
    const suggested = freeName(into, runtime);
    name = suggested === runtime ? runtime : await vscode.window.showInputBox({ title: `${MODELS_FOLDER}/${runtime} exists: name of the copy`, value: suggested, validateInput: (v) => (/^[\w.-]+$/.test(v) ? (fs.existsSync(path.join(into, v)) ? `${v} exists` : undefined) : 'letters, digits, ".", "-" and "_" only') });
    if (name === undefined) return undefined;
  }
  if (name === 'common' || !/^[\w.-]+$/.test(name)) throw new Error(`${command}: argument "name" must be a folder name other than "common" (letters, digits, ".", "-", "_")`);
  const target = path.join(into, name);
  if (fs.existsSync(target)) throw new Error(`${command}: ${target} already exists; choose another "name"`);
  fs.cpSync(path.join(modelsDir, runtime), target, { recursive: true });
  // the model includes "../common/…": copy the shared files once, never over the user's edits
  const common = path.join(into, 'common');
  if (!fs.existsSync(common)) fs.cpSync(path.join(modelsDir, 'common'), common, { recursive: true });
  const attribute = `\${workspaceFolder}/${MODELS_FOLDER}/${name}`;
  if (args.open !== false) {
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(target, 'mgc0-sweep.simc')));
    void vscode.window.showInformationMessage(`SweepScope: copied ${runtime} to ${MODELS_FOLDER}/${name}. Edit it, then run a scenario with "runtime": "${attribute}".`);
  }
  return target;
}

/** The thread id in what the Call Stack menu passes (a number, or an object with threadId). */
function threadIdOf(context: unknown): number | undefined {
  if (typeof context === 'number' && Number.isSafeInteger(context)) return context;
  if (isRecord(context) && typeof context.threadId === 'number') return context.threadId;
  const item = vscode.debug.activeStackItem;
  return item && 'threadId' in item ? item.threadId : undefined;
}

async function runOnlyThisThread(context: unknown): Promise<boolean> {
  const session = vscode.debug.activeDebugSession;
  if (!session || session.type !== DEBUG_TYPE) {
    void vscode.window.showErrorMessage('SweepScope: Run Only This Thread needs a stopped SweepScope debug session.');
    return false;
  }
  const threadId = threadIdOf(context);
  if (threadId === undefined) {
    void vscode.window.showErrorMessage('SweepScope: select an M thread in the Call Stack view, then choose Run Only This Thread.');
    return false;
  }
  try {
    await session.customRequest('sweepscope/runThread', { threadId });
    return true;
  } catch (e) {
    void vscode.window.showErrorMessage(`SweepScope: Run Only This Thread: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}

/** Runs a command body and turns a thrown error into a message (it is still thrown to callers). */
function guarded<T>(name: string, body: (arg: unknown) => Promise<T>): (arg: unknown) => Promise<T> {
  return async (arg) => {
    try {
      return await body(arg);
    } catch (e) {
      void vscode.window.showErrorMessage(`SweepScope: ${e instanceof Error ? e.message : String(e)}`);
      throw e instanceof Error ? e : new Error(`${name}: ${String(e)}`);
    }
  };
}

export function registerCommands(context: vscode.ExtensionContext): void {
  const ext = context.extensionPath;
  context.subscriptions.push(
    vscode.commands.registerCommand('sweepscope.openExample', guarded('sweepscope.openExample', (a) => openExample(ext, a))),
    vscode.commands.registerCommand('sweepscope.copyRuntimeModel', guarded('sweepscope.copyRuntimeModel', (a) => copyRuntimeModel(ext, a))),
    vscode.commands.registerCommand('sweepscope.runOnlyThisThread', guarded('sweepscope.runOnlyThisThread', (a) => runOnlyThisThread(a))),
  );
}
