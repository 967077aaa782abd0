// Which runtime model the language server compiles a document with: the default f8e4a2e,
// the `sweepscope.runtime` setting (and its changes), the workspace launch.json, an unknown
// runtime name (a warning, then the default), and model files opened themselves — including an
// unsaved edit to a model file, which the model's and the scenario's diagnostics both reflect.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { LspClient, MODELS, positionOf, uriOf, type Location } from './lspClient';

const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-lsp-rt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = 'void\nmain(void)\n{\n\tMSpan *s;\n\n\ts = nil;\n\truntime·MSpan_Sweep(s);\n}\n';
const sweepCall = positionOf(SCENARIO, 'runtime·MSpan_Sweep', 10);

async function sweepDefinition(client: LspClient, file: string): Promise<string> {
  const loc = await client.at<Location | null>('textDocument/definition', file, sweepCall.line, sweepCall.character);
  assert.ok(loc, 'a definition');
  return loc.uri;
}

test('the default runtime is f8e4a2e; the setting chooses another, and a change of it applies', async () => {
  const settings: { runtime?: string } = {};
  const client = await LspClient.start({ settings });
  try {
    const file = path.join(dir, 'setting.simc');
    assert.deepEqual(await client.open(file, SCENARIO), []);
    assert.equal(await sweepDefinition(client, file), uriOf(path.join(MODELS, 'f8e4a2e', 'mgc0-sweep.simc')));
    settings.runtime = 'before-f8e4a2e';
    const seen = client.publishedCount(uriOf(file));
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(await client.nextDiagnostics(uriOf(file), seen), []);
    assert.equal(await sweepDefinition(client, file), uriOf(path.join(MODELS, 'before-f8e4a2e', 'mgc0-sweep.simc')));
  } finally {
    await client.stop();
  }
});

test('a client that cannot be asked for settings may push them', async () => {
  const client = await LspClient.start();
  try {
    const file = path.join(dir, 'pushed.simc');
    assert.deepEqual(await client.open(file, SCENARIO), []);
    const seen = client.publishedCount(uriOf(file));
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { sweepscope: { runtime: 'before-f8e4a2e' } } });
    await client.nextDiagnostics(uriOf(file), seen);
    assert.equal(await sweepDefinition(client, file), uriOf(path.join(MODELS, 'before-f8e4a2e', 'mgc0-sweep.simc')));
  } finally {
    await client.stop();
  }
});

test('a runtime folder (a copied model) named in launch.json with ${workspaceFolder}', async () => {
  const ws = path.join(dir, 'ws-folder');
  cpSync(path.join(MODELS, 'before-f8e4a2e'), path.join(ws, 'models', 'my-edit'), { recursive: true });
  cpSync(path.join(MODELS, 'common'), path.join(ws, 'models', 'common'), { recursive: true });
  mkdirSync(path.join(ws, '.vscode'));
  writeFileSync(
    path.join(ws, '.vscode', 'launch.json'),
    JSON.stringify({ configurations: [{ type: 'sweepscope', request: 'launch', name: 'edit', program: '${file}', runtime: '${workspaceFolder}/models/my-edit' }] }),
  );
  const client = await LspClient.start({ workspaceFolder: ws });
  try {
    const file = path.join(ws, 'race.simc');
    assert.deepEqual(await client.open(file, SCENARIO), []);
    const sweep = path.join(ws, 'models', 'my-edit', 'mgc0-sweep.simc');
    assert.equal(await sweepDefinition(client, file), uriOf(sweep));
    // the copied model's own file is analysed as part of that runtime
    assert.deepEqual(await client.open(sweep, readFileSync(sweep, 'utf8')), []);
  } finally {
    await client.stop();
  }
});

test('an unknown runtime in the setting is a warning naming it, and the default runtime is used', async () => {
  const client = await LspClient.start({ settings: { runtime: 'f8e4a2f' } });
  try {
    const file = path.join(dir, 'unknown.simc');
    const diags = await client.open(file, SCENARIO);
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.equal(diags[0].severity, 2);
    assert.match(diags[0].message, /setting sweepscope\.runtime: unknown runtime 'f8e4a2f' \(valid names: f8e4a2e, before-f8e4a2e, none/);
    assert.equal(await sweepDefinition(client, file), uriOf(path.join(MODELS, 'f8e4a2e', 'mgc0-sweep.simc')));
  } finally {
    await client.stop();
  }
});

test("without a setting, the workspace launch.json configuration of the program chooses the runtime", async () => {
  const ws = path.join(dir, 'ws');
  mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  writeFileSync(
    path.join(ws, '.vscode', 'launch.json'),
    `{
  // SweepScope stories
  "version": "0.2.0",
  "configurations": [
    { "type": "sweepscope", "request": "launch", "name": "race", "program": "\${workspaceFolder}/race.simc", "runtime": "before-f8e4a2e", },
    { "type": "sweepscope", "request": "launch", "name": "any", "program": "\${file}", "runtime": "f8e4a2e" }
  ]
}
`,
  );
  const client = await LspClient.start({ workspaceFolder: ws });
  try {
    const race = path.join(ws, 'race.simc');
    const other = path.join(ws, 'other.simc');
    assert.deepEqual(await client.open(race, SCENARIO), []);
    assert.deepEqual(await client.open(other, SCENARIO), []);
    assert.equal(await sweepDefinition(client, race), uriOf(path.join(MODELS, 'before-f8e4a2e', 'mgc0-sweep.simc')));
    assert.equal(await sweepDefinition(client, other), uriOf(path.join(MODELS, 'f8e4a2e', 'mgc0-sweep.simc')));

    // a shared model file follows the runtime of the last scenario: from common/ to before-f8e4a2e
    await client.change(race, SCENARIO + '\n', 2);
    const common = path.join(MODELS, 'common', 'mgc0-sweep-common.simc');
    const text = readFileSync(common, 'utf8');
    assert.deepEqual(await client.open(common, text), []);
    const call = positionOf(text, 'runtime·MSpan_Sweep(s)', 10);
    const loc = await client.at<Location>('textDocument/definition', common, call.line, call.character);
    assert.equal(loc.uri, uriOf(path.join(MODELS, 'before-f8e4a2e', 'mgc0-sweep.simc')));
    const refs = await client.at<Location[]>('textDocument/references', common, call.line, call.character, { context: { includeDeclaration: false } });
    assert.ok(refs.some((l) => l.uri === uriOf(race)), 'the scenario on the same runtime is among the references');
  } finally {
    await client.stop();
  }
});

test('every example in examples/ analyses cleanly with its launch.json runtime', async () => {
  const examples = path.resolve(__dirname, '..', '..', 'examples');
  const client = await LspClient.start({ workspaceFolder: examples });
  try {
    for (const name of readdirSync(examples).filter((f) => f.endsWith('.simc'))) {
      const file = path.join(examples, name);
      const errors = (await client.open(file, readFileSync(file, 'utf8'))).filter((d) => d.severity === 1);
      assert.deepEqual(errors, [], name);
    }
  } finally {
    await client.stop();
  }
});

test('a model file opened itself is checked as part of its runtime, with its unsaved edits', async () => {
  const client = await LspClient.start();
  try {
    const model = path.join(MODELS, 'f8e4a2e', 'mgc0-sweep.simc');
    const text = readFileSync(model, 'utf8');
    assert.deepEqual(await client.open(model, text), []);
    const scenario = path.join(dir, 'on-model.simc');
    assert.deepEqual(await client.open(scenario, SCENARIO), []);

    // hover and definition inside the model file itself
    const use = positionOf(text, 'runtime·MSpan_Sweep(s)', 0);
    const loc = await client.at<Location>('textDocument/definition', model, use.line, use.character + 3);
    assert.equal(loc.uri, uriOf(model));
    assert.deepEqual(loc.range.start, positionOf(text, '\nruntime·MSpan_Sweep(MSpan *s)', 1));

    // an unsaved edit breaking the model: the model shows the error, the scenario points at it
    const broken = text.replace('sg = runtime·mheap.sweepgen;', 'sg = runtime·mheap.sweepgenn;');
    const seenScenario = client.publishedCount(uriOf(scenario));
    const diags = await client.change(model, broken, 2);
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.match(diags[0].message, /no member named 'sweepgenn' in 'MHeap'; did you mean 'sweepgen'\?/);
    assert.deepEqual(diags[0].range.start, positionOf(broken, 'sweepgenn'));
    const scenarioDiags = await client.nextDiagnostics(uriOf(scenario), seenScenario);
    assert.equal(scenarioDiags.length, 1, JSON.stringify(scenarioDiags));
    assert.match(scenarioDiags[0].message, /1 error in other files of the program \(runtime f8e4a2e\); first at mgc0-sweep\.simc:\d+:\d+: no member named 'sweepgenn'/);
    assert.deepEqual(await client.change(model, text, 3), []);
  } finally {
    await client.stop();
  }
});
