// Extension-host tests of the manifest and the debug configurations: commands registered, the
// launch schema covering every attribute of the adapter contract, scenarios found for dynamic
// configurations, and launches refused BEFORE the adapter starts for a wrong attribute, a
// scenario that does not compile (its errors land in Problems) and a foreign schedule file;
// the configurations a new launch.json starts with, and the snippet, launch; F5 with
// no configuration runs the scenario in the editor.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { findScenarios, InitialConfigurationProvider, LAUNCH_DIAGNOSTIC_SOURCE } from '../../../src/debugConfig';
import { activateExtension, adapterMessages, EXTENSION_ID, inWorkspace, launchConfig, start, stopAll, workspaceFolder } from './support';

function manifest(): Record<string, unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  // the file itself: the loaded packageJSON has VS Code's common attributes merged in
  const parsed: unknown = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'package.json'), 'utf8'));
  assert.ok(typeof parsed === 'object' && parsed !== null);
  return parsed as Record<string, unknown>;
}

function at(value: unknown, ...keys: (string | number)[]): unknown {
  let v = value;
  for (const k of keys) v = typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

suite('SweepScope manifest and configurations', () => {
  suiteSetup(activateExtension);
  teardown(stopAll);

  test('registers every command its manifest contributes', async () => {
    const all = await vscode.commands.getCommands(true);
    const contributed = at(manifest(), 'contributes', 'commands');
    assert.ok(Array.isArray(contributed) && contributed.length >= 9, JSON.stringify(contributed));
    for (const c of contributed) {
      const id = String(at(c, 'command'));
      assert.ok(all.includes(id), `${id} ("${String(at(c, 'title'))}") is registered`);
    }
  });

  test('the launch schema covers every attribute of the adapter contract', () => {
    const debuggers = at(manifest(), 'contributes', 'debuggers');
    assert.ok(Array.isArray(debuggers) && debuggers.length === 1);
    const launch = at(debuggers, 0, 'configurationAttributes', 'launch', 'properties');
    const contract = ['gomaxprocs', 'maxSteps', 'program', 'runtime', 'schedule', 'stepping', 'stopOnEntry'];
    assert.deepEqual(Object.keys(launch as object).sort(), contract);
    for (const attribute of contract) assert.ok(at(launch, attribute, 'description'), `launch attribute "${attribute}" is described`);
    assert.deepEqual(at(debuggers, 0, 'configurationAttributes', 'launch', 'required'), ['program']);
    assert.deepEqual(Object.keys(at(launch, 'schedule', 'properties') as object).sort(), ['file', 'seed', 'strategy']);
    assert.deepEqual(at(launch, 'schedule', 'properties', 'strategy', 'enum'), ['roundrobin', 'random', 'pct']);
    assert.deepEqual(at(launch, 'stepping', 'enum'), ['thread', 'all']);
    assert.deepEqual(at(launch, 'runtime', 'anyOf', 0, 'enum'), ['f8e4a2e', 'before-f8e4a2e', 'none']);
    const program = at(debuggers, 0, 'program');
    assert.equal(program, './dist/adapter.js');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext && fs.existsSync(path.join(ext.extensionPath, String(program))), 'the standalone adapter is built');
  });

  test('finds one scenario per .simc file with void main(void)', async () => {
    const found = (await findScenarios(workspaceFolder())).map((u) => path.basename(u.fsPath));
    const expected = fs.readdirSync(workspaceFolder().uri.fsPath).filter((f) => f.endsWith('.simc') && /void\s+main\s*\(\s*void\s*\)/.test(fs.readFileSync(inWorkspace(f), 'utf8')));
    assert.ok(found.includes('finalizer-race.simc') && found.includes('churn.simc'), JSON.stringify(found));
    assert.deepEqual(found.sort(), expected.sort());
  });

  test('a new launch.json gets one configuration per scenario, and each, like the snippet, launches', async () => {
    const folder = workspaceFolder();
    const initial = await new InitialConfigurationProvider().provideDebugConfigurations(folder);
    const scenarios = (await findScenarios(folder)).map((u) => path.basename(u.fsPath));
    assert.deepEqual(initial.map((c) => c.name), scenarios.slice(0, 8).map((f) => `SweepScope: ${f}`));
    const snippets = at(manifest(), 'contributes', 'debuggers', 0, 'configurationSnippets');
    assert.ok(Array.isArray(snippets) && snippets.length > 0);
    const fromSnippet = at(snippets, 0, 'body') as vscode.DebugConfiguration;
    // the snippet's program is "${file}", the scenario in the editor
    assert.equal(fromSnippet.program, '^"\\${file}"');
    await vscode.window.showTextDocument(vscode.Uri.file(inWorkspace('hello-goroutines.simc')));
    for (const config of [...initial, { ...fromSnippet, program: '${file}' }]) {
      // through VS Code and the extension's own launch check, stopped on entry
      const session = await start({ ...config, stopOnEntry: true });
      assert.ok(session, `"${config.name}" launches`);
      await adapterMessages().event(session, 'stopped');
      await stopAll();
    }
  });

  const refused: [string, Record<string, unknown>][] = [
    ['gomaxprocs 0', { program: '${workspaceFolder}/churn.simc', gomaxprocs: 0 }],
    ['strategy fifo', { program: '${workspaceFolder}/churn.simc', schedule: { strategy: 'fifo' } }],
    ['stepping sideways', { program: '${workspaceFolder}/churn.simc', stepping: 'sideways' }],
    ['unknown runtime', { program: '${workspaceFolder}/churn.simc', runtime: 'go1.3' }],
    ['missing program', { program: '${workspaceFolder}/no-such-file.simc' }],
    ['misspelt attribute', { program: '${workspaceFolder}/churn.simc', gomaxproc: 4 }],
  ];
  for (const [what, attributes] of refused) {
    test(`refuses a launch with ${what} before the adapter starts`, async () => {
      const before = adapterMessages().sent.size;
      const session = await start(launchConfig(`bad: ${what}`, attributes));
      assert.equal(session, undefined, 'no session was started');
      assert.equal(adapterMessages().sent.size, before, 'no adapter was created');
    });
  }

  test('a scenario with a syntax error is refused and its error is in Problems', async () => {
    const broken = inWorkspace('broken-syntax.simc');
    fs.writeFileSync(broken, 'void\nmain(void)\n{\n\tint32 x\n\tx = 1;\n}\n');
    try {
      const session = await start(launchConfig('syntax error', { program: broken }));
      assert.equal(session, undefined);
      const problems = vscode.languages.getDiagnostics(vscode.Uri.file(broken)).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
      assert.ok(problems.length > 0, 'an error is shown in Problems');
      assert.ok(problems.some((d) => d.source === LAUNCH_DIAGNOSTIC_SOURCE || d.source === 'simc'), JSON.stringify(problems.map((d) => d.source)));
      assert.ok(problems.some((d) => d.range.start.line >= 3 && d.range.start.line <= 4), `points at line 4 or 5: ${JSON.stringify(problems.map((d) => [d.range.start.line + 1, d.message]))}`);
    } finally {
      fs.rmSync(broken, { force: true });
    }
  });

  test('a schedule recorded on another program is refused', async () => {
    const foreign = inWorkspace('foreign.schedule.json');
    fs.writeFileSync(foreign, JSON.stringify({ version: 1, programHash: 'not-this-program', gomaxprocs: 2, switches: [0, 10] }));
    try {
      const session = await start(launchConfig('foreign schedule', { program: '${workspaceFolder}/finalizer-race.simc', runtime: 'before-f8e4a2e', schedule: { file: foreign } }));
      assert.equal(session, undefined);
    } finally {
      fs.rmSync(foreign, { force: true });
    }
  });
});

suite('SweepScope F5 without a launch configuration', () => {
  suiteSetup(activateExtension);
  teardown(async () => {
    await stopAll();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  // VS Code hands an empty configuration to the debugger of the active editor's language
  test('with a .simc scenario in the editor, an empty configuration runs that scenario', async () => {
    const scenario = inWorkspace('hello-goroutines.simc');
    await vscode.window.showTextDocument(vscode.Uri.file(scenario));
    const session = await start({} as vscode.DebugConfiguration, 'SweepScope: run the current scenario');
    assert.ok(session, 'a session started');
    assert.equal(session.type, 'sweepscope');
    assert.equal(session.configuration.program, scenario);
    const end = await adapterMessages().event(session, ['terminated', 'exited', 'stopped']);
    assert.ok(end.index >= 0);
  });
});
