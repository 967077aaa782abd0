// Bad input to the engine (issue 2): 1,000 mutants of the conformance programs — a token
// deleted, duplicated or swapped with its neighbour — each either gets diagnostics with a
// file, line and column, or compiles and runs (a short step budget) to an outcome; no
// exception ever escapes the front end or the VM.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Machine } from '../../debug-adapter/engine';
import { Rng } from '../../debug-adapter/engine/vm/strategies';
import { overlayLoader, tryCompile } from './simcHarness';

const DIR = path.resolve(__dirname, '..', 'conformance');
const TOKEN = /[A-Za-z_\u00b7][\w\u00b7]*|0x[0-9a-fA-F]+|\d+|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*|->|\+\+|--|<<=|>>=|[<>=!&|^+\-*/%]=|&&|\|\||<<|>>|\S/g;

function mutate(text: string, rng: Rng): string {
  const tokens = [...text.matchAll(TOKEN)].filter((m) => !m[0].startsWith('//'));
  if (tokens.length < 2) return text;
  const i = rng.below(tokens.length - 1);
  const a = tokens[i];
  const b = tokens[i + 1];
  const at = a.index ?? 0;
  const bt = b.index ?? 0;
  switch (rng.below(3)) {
    case 0: return text.slice(0, at) + text.slice(at + a[0].length);
    case 1: return text.slice(0, at) + a[0] + ' ' + text.slice(at);
    default: return text.slice(0, at) + b[0] + text.slice(at + a[0].length, bt) + a[0] + text.slice(bt + b[0].length);
  }
}

test('1,000 mutated programs give diagnostics or outcomes, never an escaping exception', { timeout: 300_000 }, () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.simc')).sort();
  const rng = new Rng(1402);
  const tally = { diagnostics: 0, ran: 0 };
  for (let n = 0; n < 1000; n++) {
    const file = path.join(DIR, files[n % files.length]);
    const text = mutate(readFileSync(file, 'utf8'), rng);
    let outcome: string;
    try {
      const { program, diagnostics } = tryCompile(file, overlayLoader(file, text));
      if (!program) {
        assert.ok(diagnostics.length > 0, `${files[n % files.length]} mutant ${n}: no program and no diagnostic`);
        for (const d of diagnostics) assert.ok(d.file && d.line >= 1 && d.column >= 1 && d.message, `a diagnostic without a location: ${JSON.stringify(d)}`);
        tally.diagnostics++;
        continue;
      }
      const vm = new Machine(program, { maxSteps: 20_000, gomaxprocs: 2 });
      vm.run();
      outcome = vm.result().outcome;
      tally.ran++;
    } catch (e) {
      assert.fail(`${files[n % files.length]} mutant ${n} threw out of the engine: ${e instanceof Error ? e.stack : String(e)}\n--- mutant ---\n${text}`);
    }
    assert.ok(['exit', 'throw', 'fault', 'invariant', 'deadlock', 'livelock', 'budget'].includes(outcome));
  }
  assert.ok(tally.diagnostics > 100 && tally.ran > 30, JSON.stringify(tally));
});
