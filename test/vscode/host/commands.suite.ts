// Extension-host tests of Open Example and Copy Runtime Model to Workspace: the files land where
// they should, bad arguments are refused with the argument named, and a copied model runs as
// "runtime": "<folder>".
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { activateExtension, adapterMessages, EXTENSION_ID, inWorkspace, launchConfig, start, stopAll } from './support';

function extensionPath(...parts: string[]): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  return path.join(ext.extensionPath, ...parts);
}

function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sweepscope-cmd-'));
}

suite('SweepScope commands', () => {
  suiteSetup(activateExtension);
  teardown(stopAll);

  test('Open Example copies one example into a folder', async () => {
    const dir = scratch();
    const copied = await vscode.commands.executeCommand<string>('sweepscope.openExample', { example: 'churn.simc', destination: dir, open: false });
    assert.equal(copied, path.join(dir, 'churn.simc'));
    assert.equal(fs.readFileSync(copied, 'utf8'), fs.readFileSync(extensionPath('examples', 'churn.simc'), 'utf8'));
  });

  test('Open Example copies the whole examples workspace with its launch configurations', async () => {
    const dir = scratch();
    const copied = await vscode.commands.executeCommand<string>('sweepscope.openExample', { example: 'workspace', destination: dir, open: false });
    assert.equal(path.dirname(copied), dir);
    assert.ok(fs.existsSync(path.join(copied, 'finalizer-race.simc')));
    assert.ok(fs.existsSync(path.join(copied, '.vscode', 'launch.json')));
    // a second copy does not overwrite the first
    const again = await vscode.commands.executeCommand<string>('sweepscope.openExample', { example: 'workspace', destination: dir, open: false });
    assert.notEqual(again, copied);
  });

  test('Open Example names an unknown example and the valid ones', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('sweepscope.openExample', { example: 'nope.simc', destination: scratch(), open: false })),
      /no example named "nope\.simc".*finalizer-race\.simc/,
    );
  });

  test('Copy Runtime Model copies the model with common/ and the copy runs as "runtime": "<folder>"', async () => {
    const target = await vscode.commands.executeCommand<string>('sweepscope.copyRuntimeModel', { runtime: 'before-f8e4a2e', name: 'my-sweep', open: false });
    assert.equal(target, inWorkspace('runtime-models', 'my-sweep'));
    assert.deepEqual(fs.readdirSync(target).sort(), fs.readdirSync(extensionPath('debug-adapter', 'models', 'before-f8e4a2e')).sort());
    assert.ok(fs.existsSync(inWorkspace('runtime-models', 'common', 'mheap.simc')), 'common/ is copied beside it');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('sweepscope.copyRuntimeModel', { runtime: 'before-f8e4a2e', name: 'my-sweep', open: false })),
      /already exists/,
    );

    const session = await start(launchConfig('copied model', { program: '${workspaceFolder}/finalizer-race.simc', runtime: '${workspaceFolder}/runtime-models/my-sweep', stopOnEntry: true }));
    assert.ok(session, 'a scenario starts on the copied model');
    const stop = await adapterMessages().event(session, 'stopped');
    assert.equal(stop.message.body?.reason, 'entry');
    await stopAll();

    // the copy is what compiles: an error put into it refuses the launch and shows in Problems there
    const edited = path.join(target, 'mgc0-sweep.simc');
    fs.appendFileSync(edited, '\nint32 broken = ;\n');
    const refused = await start(launchConfig('edited model', { program: '${workspaceFolder}/finalizer-race.simc', runtime: '${workspaceFolder}/runtime-models/my-sweep' }));
    assert.equal(refused, undefined);
    const errors = vscode.languages.getDiagnostics(vscode.Uri.file(edited)).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const lastLine = fs.readFileSync(edited, 'utf8').trimEnd().split('\n').length - 1;
    assert.ok(errors.some((d) => d.range.start.line === lastLine), `the error in the copied model is in Problems: ${JSON.stringify(errors.map((d) => [d.range.start.line, d.message]))}`);
  });

  test('Copy Runtime Model refuses an unknown model, naming the argument', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('sweepscope.copyRuntimeModel', { runtime: 'go1.3', open: false })), /argument "runtime" must be one of before-f8e4a2e, f8e4a2e/);
  });
});
