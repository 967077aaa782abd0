// The pre-launch check the configuration provider runs (src/launchCheck.ts), in plain Node:
// each wrong attribute gets a message naming it and what is expected; a scenario that does
// not compile comes back with its diagnostics and a pointer to the Problems view; a good
// configuration passes with the adapter's settings.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkLaunchConfiguration, looksLikeScenario, scenarioSummary } from '../../src/launchCheck';
import { EXAMPLES_DIR } from './harness/paths';

const base = { type: 'sweepscope', request: 'launch', name: 't', program: 'finalizer-race.simc' };

test('a good configuration passes with the settings the adapter will use', () => {
  const r = checkLaunchConfiguration({ ...base, runtime: 'before-f8e4a2e', gomaxprocs: 3, schedule: { strategy: 'pct', seed: 7 } }, EXAMPLES_DIR);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.settings.program, path.join(EXAMPLES_DIR, 'finalizer-race.simc'));
  assert.deepEqual([r.settings.runtime, r.settings.gomaxprocs, r.settings.strategy, r.settings.seed], ['before-f8e4a2e', 3, 'pct', 7]);
});

const wrong: [Record<string, unknown>, RegExp][] = [
  [{ program: undefined }, /"program": expected the path of a \.simc file/],
  [{ program: 'nowhere.simc' }, /"program": file not found: .*nowhere\.simc/],
  [{ gomaxprocs: 65 }, /"gomaxprocs": expected an integer from 1 to 64/],
  [{ stopOnEntry: 'yes' }, /"stopOnEntry": expected true or false/],
  [{ stepping: 'sideways' }, /"stepping": expected "thread" or "all"/],
  [{ maxSteps: 0 }, /"maxSteps": expected a positive integer/],
  [{ schedule: { strategy: 'fifo' } }, /"schedule\.strategy": expected one of roundrobin, random, pct/],
  [{ schedule: { seed: -1 } }, /"schedule\.seed": expected a non-negative integer/],
  [{ schedule: { file: 'none.schedule.json' } }, /"schedule\.file": file not found/],
  [{ schedule: 3 }, /"schedule": expected \{ "strategy", "seed" \} or \{ "file" \}/],
  [{ runtime: 'go1.3' }, /"runtime": unknown runtime .*valid names: f8e4a2e, before-f8e4a2e, none, or a folder/],
  [{ gomaxproc: 2 }, /unknown attribute "gomaxproc"/],
];
for (const [attributes, message] of wrong) {
  test(`names the attribute: ${Object.entries(attributes).map(([k, v]) => `${k} = ${JSON.stringify(v) ?? 'missing'}`).join(', ')}`, () => {
    const r = checkLaunchConfiguration({ ...base, ...attributes }, EXAMPLES_DIR);
    assert.ok(!r.ok && r.kind === 'attribute', JSON.stringify(r));
    assert.match(r.message, message);
  });
}

test('a scenario that does not compile returns its diagnostics and points at Problems', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweepscope-check-'));
  try {
    fs.writeFileSync(path.join(dir, 'bad.simc'), 'void\nmain(void)\n{\n\tint32 x\n\tx = 1;\n}\n');
    const r = checkLaunchConfiguration({ ...base, program: 'bad.simc' }, dir);
    assert.ok(!r.ok && r.kind === 'compile', JSON.stringify(r));
    assert.match(r.message, /^bad\.simc does not compile on runtime "f8e4a2e": 1 error in bad\.simc\. Fix them \(see the Problems view\)/);
    assert.equal(r.diagnostics[0].file, path.join(dir, 'bad.simc'));
    assert.equal(r.diagnostics[0].line, 5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a schedule file of another scenario is refused, naming schedule.file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweepscope-check-'));
  try {
    const file = path.join(dir, 'other.schedule.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, programHash: 'aaaa.bbbb', gomaxprocs: 2, switches: [0, 5] }));
    const r = checkLaunchConfiguration({ ...base, runtime: 'before-f8e4a2e', schedule: { file } }, EXAMPLES_DIR);
    assert.ok(!r.ok && r.kind === 'schedule', JSON.stringify(r));
    assert.match(r.message, /^launch attribute "schedule\.file": schedule file other\.schedule\.json: recorded on another program/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('scenarios are told from runtime files, and summarised by their first comment', () => {
  const race = fs.readFileSync(path.join(EXAMPLES_DIR, 'finalizer-race.simc'), 'utf8');
  assert.equal(looksLikeScenario(race), true);
  assert.equal(looksLikeScenario('void\nruntime·main(void)\n{\n}\n'), false);
  assert.match(scenarioSummary(race), /^the race that f8e4a2e fixed/);
});

/** launch.json is JSON with // comments (none inside strings in ours). */
function readJsonc(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, ''));
}

test('every configuration of examples/.vscode/launch.json passes the check', () => {
  const launch = readJsonc(path.join(EXAMPLES_DIR, '.vscode', 'launch.json'));
  assert.ok(typeof launch === 'object' && launch !== null && 'configurations' in launch && Array.isArray(launch.configurations));
  const configs = launch.configurations as Record<string, unknown>[];
  const names = configs.map((c) => c.name);
  for (const story of ['See the race (schedule A)', 'Silent corruption (schedule B)', 'Same schedule on the fixed runtime']) assert.ok(names.includes(story), `story "${story}"`);
  for (const config of configs) {
    const substituted = JSON.parse(JSON.stringify(config).replaceAll('${workspaceFolder}', EXAMPLES_DIR.replaceAll('\\', '/'))) as Record<string, unknown>;
    const r = checkLaunchConfiguration(substituted, EXAMPLES_DIR);
    assert.ok(r.ok, `${String(config.name)}: ${r.ok ? '' : r.message}`);
  }
});
