// Tests of the SimC language server's features over its real process: diagnostics with exact
// positions, hover on model fields and macros (with sweepgen meanings), definition from a
// scenario into a model file, references across scenario and model, document symbols, and
// completion of members and names. The scenario is an unsaved buffer; the model is on disk.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient, MODELS, positionOf, uriOf, type Location, type Range } from './lspClient';

const dir = mkdtempSync(path.join(tmpdir(), 'sweepscope-lsp-'));
const scenario = path.join(dir, 'scan.simc');
const SCENARIO = `// A scenario for the language-server tests.
#define NOBJ (2*Two)
#define Two 2

MSpan *lastspan;

// Allocates n small objects and remembers a swept span.
void
alloc(int32 n)
{
	int32 i;
	void *p;
	MSpan *s;

	for(i = 0; i < n; i++) {
		p = runtime·mallocgc(16, 0, FlagNoScan);
		s = runtime·MHeap_LookupMaybe(&runtime·mheap, p);
		if(s != nil && s->sweepgen == runtime·mheap.sweepgen)
			lastspan = s;
	}
}

void
main(void)
{
	alloc(NOBJ);
	runtime·gc(1);
}
`;

interface Hover {
  contents: { kind: string; value: string };
  range?: Range;
}
interface CompletionItem {
  label: string;
  detail?: string;
  kind?: number;
  documentation?: { kind: string; value: string };
}
interface DocumentSymbol {
  name: string;
  kind: number;
  range: Range;
  selectionRange: Range;
  children?: DocumentSymbol[];
}

let client: LspClient;
before(async () => {
  client = await LspClient.start();
  const diags = await client.open(scenario, SCENARIO);
  assert.deepEqual(diags, [], 'the test scenario is valid on the default runtime');
});
after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

const at = (needle: string, offset = 0, n = 0) => positionOf(SCENARIO, needle, offset, n);

describe('diagnostics', () => {
  test('a syntax error is reported at its exact line and column', async () => {
    const broken = SCENARIO.replace('\tint32 i;\n', '\tint32 i\n');
    const diags = await client.change(scenario, broken, 2);
    const d = diags.find((x) => x.message.includes("expected ';'"));
    assert.ok(d, JSON.stringify(diags));
    // the parser stops at the next token: `void` at the start of the following line
    assert.deepEqual(d.range.start, positionOf(broken, 'void *p;'));
    assert.equal(d.severity, 1);
  });

  test('an unknown field is reported on the field name with a suggestion', async () => {
    const typo = SCENARIO.replace('s->sweepgen ==', 's->sweepgn ==');
    const diags = await client.change(scenario, typo, 3);
    assert.equal(diags.length, 1, JSON.stringify(diags));
    const d = diags[0];
    assert.equal(d.message, "no member named 'sweepgn' in 'MSpan'; did you mean 'sweepgen'?");
    const start = positionOf(typo, 'sweepgn');
    assert.deepEqual(d.range, { start, end: { line: start.line, character: start.character + 'sweepgn'.length } });
  });

  test('fixing the buffer clears the diagnostics', async () => {
    assert.deepEqual(await client.change(scenario, SCENARIO, 4), []);
  });
});

describe('hover', () => {
  test('on a model struct field used in the scenario: type, offset, doc and sweepgen meaning', async () => {
    const h = await client.at<Hover>('textDocument/hover', scenario, at('s->sweepgen', 4).line, at('s->sweepgen', 4).character);
    assert.ok(h, 'a hover');
    const v = h.contents.value;
    assert.match(v, /uint32 MSpan\.sweepgen/);
    assert.match(v, /offset 20, size 4/);
    assert.doesNotMatch(v, /list of free objects/, "the previous field's trailing comment is not sweepgen's doc");
    assert.match(v, /H−2\*\* needs sweeping · \*\*H−1\*\* being swept · \*\*H\*\* swept/);
    assert.match(v, /Tests whether the span is at \*\*H\*\* \(swept\)/);
  });

  test('on the CAS in the model: what the CAS does to the sweep state', async () => {
    const file = path.join(MODELS, 'common', 'mcentral.simc');
    const text = readFileSync(file, 'utf8');
    const p = positionOf(text, 'runtime·cas(&s->sweepgen', '&s->'.length + 'runtime·cas('.length);
    const h = await client.at<Hover>('textDocument/hover', file, p.line, p.character);
    assert.match(h.contents.value, /CAS \*\*H−2\*\* \(needs sweeping\) → \*\*H−1\*\* \(being swept\): whoever wins owns the span/);
  });

  test('on the heap sweepgen where a GC starts a cycle', async () => {
    const file = path.join(MODELS, 'common', 'mgc0.simc');
    const p = positionOf(readFileSync(file, 'utf8'), 'runtime·mheap.sweepgen += 2', 'runtime·mheap.'.length + 2);
    const h = await client.at<Hover>('textDocument/hover', file, p.line, p.character);
    assert.match(h.contents.value, /uint32 MHeap\.sweepgen/);
    assert.match(h.contents.value, /Here: H \+= 2 starts a new sweep cycle: every span that was swept \(old H\) now reads H−2, needs sweeping\./);
  });

  test('on a macro: its definition and computed value', async () => {
    const p = at('alloc(NOBJ)', 'alloc('.length);
    const h = await client.at<Hover>('textDocument/hover', scenario, p.line, p.character);
    assert.match(h.contents.value, /#define NOBJ \( 2 \* Two \)/);
    assert.match(h.contents.value, /= 4/);
  });

  test('on an enum constant of the model: its value', async () => {
    const p = at('FlagNoScan', 2);
    const h = await client.at<Hover>('textDocument/hover', scenario, p.line, p.character);
    assert.match(h.contents.value, /FlagNoScan = 1/);
    assert.match(h.contents.value, /GC doesn't have to scan object/);
  });

  test('on a scenario function: signature and the doc comment above it', async () => {
    const p = at('alloc(NOBJ)', 1);
    const h = await client.at<Hover>('textDocument/hover', scenario, p.line, p.character);
    assert.match(h.contents.value, /void alloc\(int32 n\)/);
    assert.match(h.contents.value, /Allocates n small objects and remembers a swept span\./);
  });

  test('on a type of the model: the struct layout and its doc comment', async () => {
    const p = at('MSpan *lastspan', 2);
    const h = await client.at<Hover>('textDocument/hover', scenario, p.line, p.character);
    assert.match(h.contents.value, /typedef struct MSpan MSpan;\nstruct MSpan\n\{\n\tMSpan\* next;  \/\/ \+0\n/);
    assert.match(h.contents.value, /\tuint32 sweepgen;  \/\/ \+20\n/);
    assert.match(h.contents.value, /A span: a run of pages/);
  });

  test('on a model function: its signature and documentation from the model', async () => {
    const p = at('runtime·mallocgc', 3);
    const h = await client.at<Hover>('textDocument/hover', scenario, p.line, p.character);
    assert.match(h.contents.value, /void\* runtime·mallocgc\(uintptr size, uintptr typ, uint32 flag\)/);
    assert.match(h.contents.value, /Allocate an object of at least size bytes\./);
  });
});

describe('navigation', () => {
  test('definition of runtime·mallocgc in the scenario lands in common/malloc.simc', async () => {
    const p = at('runtime·mallocgc', 3);
    const loc = await client.at<Location | null>('textDocument/definition', scenario, p.line, p.character);
    assert.ok(loc);
    assert.equal(loc.uri, uriOf(path.join(MODELS, 'common', 'malloc.simc')));
    const model = readFileSync(path.join(MODELS, 'common', 'malloc.simc'), 'utf8');
    assert.deepEqual(loc.range.start, positionOf(model, '\nruntime·mallocgc(', 1));
  });

  test('definition of a field goes to the struct member in malloc-h.simc; of a type to the struct', async () => {
    const p = at('s->sweepgen', 4);
    const loc = await client.at<Location>('textDocument/definition', scenario, p.line, p.character);
    assert.equal(loc.uri, uriOf(path.join(MODELS, 'common', 'malloc-h.simc')));
    const header = readFileSync(path.join(MODELS, 'common', 'malloc-h.simc'), 'utf8');
    assert.deepEqual(loc.range.start, positionOf(header, 'sweepgen;', 0, 0));
    const t = at('MSpan *lastspan');
    const typeLoc = await client.at<Location>('textDocument/definition', scenario, t.line, t.character);
    assert.deepEqual(typeLoc.range.start, positionOf(header, 'MSpan\n{', 0));
  });

  test('references of a local stay in its function; of a model function span scenario and model', async () => {
    const s = at('MSpan *s;', 'MSpan *'.length);
    const locals = await client.at<Location[]>('textDocument/references', scenario, s.line, s.character, { context: { includeDeclaration: true } });
    assert.deepEqual(
      locals.map((l) => l.range.start),
      [at('*s;', 1), at('s = runtime'), at('s != nil'), at('s->sweepgen'), at('= s;', 2)],
    );
    const m = at('runtime·mallocgc', 3);
    const refs = await client.at<Location[]>('textDocument/references', scenario, m.line, m.character, { context: { includeDeclaration: false } });
    assert.ok(refs.some((l) => l.uri === uriOf(scenario)), 'the scenario call');
    assert.ok(refs.some((l) => l.uri === uriOf(path.join(MODELS, 'common', 'malloc.simc'))), 'calls inside the model');
    assert.ok(refs.length >= 3, JSON.stringify(refs));
  });

  test('references of a macro include its #define and its uses', async () => {
    const p = at('#define Two', '#define '.length);
    const refs = await client.at<Location[]>('textDocument/references', scenario, p.line, p.character, { context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((l) => l.range.start), [at('Two)'), at('Two 2')]);
  });

  test('definition on an #include string opens the included file', async () => {
    const file = path.join(MODELS, 'f8e4a2e', 'runtime.simc');
    const p = positionOf(readFileSync(file, 'utf8'), '"../common/mheap.simc"', 5);
    const loc = await client.at<Location>('textDocument/definition', file, p.line, p.character);
    assert.deepEqual(loc, { uri: uriOf(path.join(MODELS, 'common', 'mheap.simc')), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
  });

  test('document symbols outline the scenario', async () => {
    const syms = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(scenario) } });
    assert.deepEqual(syms.map((s) => s.name), ['NOBJ', 'Two', 'lastspan', 'alloc', 'main']);
    const alloc = syms.find((s) => s.name === 'alloc');
    assert.ok(alloc);
    assert.deepEqual(alloc.range.start, at('void\nalloc'));
    assert.deepEqual(alloc.selectionRange.start, at('alloc(int32'));
  });

  test('document symbols of a model header list MSpan with its fields', async () => {
    const file = path.join(MODELS, 'common', 'malloc-h.simc');
    const syms = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(file) } });
    const mspan = syms.find((s) => s.name === 'MSpan' && s.children);
    assert.ok(mspan, syms.map((s) => s.name).join(' '));
    assert.ok(mspan.children?.some((c) => c.name === 'sweepgen'));
    assert.ok(syms.some((s) => s.name === 'FlagNoScan'));
  });
});

describe('signature help and highlights', () => {
  interface SignatureHelp {
    signatures: { label: string; parameters: { label: [number, number] }[]; documentation?: { value: string } }[];
    activeParameter: number;
  }

  test('inside a call of a model function: its signature, the argument under the cursor, its doc', async () => {
    const p = at('mallocgc(16, ', 'mallocgc(16, '.length);
    const h = await client.at<SignatureHelp>('textDocument/signatureHelp', scenario, p.line, p.character);
    const sig = h.signatures[0];
    assert.equal(sig.label, 'void* runtime·mallocgc(uintptr size, uintptr typ, uint32 flag)');
    assert.equal(h.activeParameter, 1);
    assert.equal(sig.label.slice(...sig.parameters[1].label), 'uintptr typ');
    assert.match(sig.documentation?.value ?? '', /Allocate an object/);
  });

  test('inside a nested call the innermost one counts; outside any call there is none', async () => {
    const p = at('runtime·MHeap_LookupMaybe(&runtime·mheap, ', 'runtime·MHeap_LookupMaybe(&runtime·mheap, '.length);
    const h = await client.at<SignatureHelp>('textDocument/signatureHelp', scenario, p.line, p.character);
    assert.match(h.signatures[0].label, /^MSpan\* runtime·MHeap_LookupMaybe\(MHeap\* h, void\* v\)$/);
    assert.equal(h.activeParameter, 1);
    const outside = at('\tint32 i;');
    assert.equal(await client.at('textDocument/signatureHelp', scenario, outside.line, outside.character + 1), null);
  });

  test('highlights of a local: every use in its function', async () => {
    const s = at('s != nil');
    const hs = await client.at<{ range: Range }[]>('textDocument/documentHighlight', scenario, s.line, s.character);
    assert.deepEqual(hs.map((h) => h.range.start), [at('*s;', 1), at('s = runtime'), at('s != nil'), at('s->sweepgen'), at('= s;', 2)]);
  });
});

describe('completion', () => {
  const typing = (line: string): { text: string; line: number; character: number } => {
    const text = SCENARIO.replace('\t\t\tlastspan = s;\n', `\t\t\tlastspan = s;\n${line}\n`);
    const p = positionOf(text, line, line.length);
    return { text, ...p };
  };

  test('after s-> on an MSpan* it lists the fields, sweepgen among them', async () => {
    const t = typing('\t\ts->');
    await client.change(scenario, t.text, 10);
    const items = await client.at<CompletionItem[]>('textDocument/completion', scenario, t.line, t.character);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('sweepgen'), labels.join(' '));
    assert.ok(labels.includes('freelist') && labels.includes('specials'));
    assert.match(items.find((i) => i.label === 'sweepgen')?.detail ?? '', /uint32 sweepgen {2}\(MSpan \+20\)/);
    assert.equal(items.find((i) => i.label === 'freelist')?.documentation?.value, 'list of free objects');
    assert.deepEqual(labels.slice(0, 3), ['next', 'prev', 'start'], 'fields in declaration order');
  });

  test('after a chain through the model (runtime·mheap.central[0].) it lists MCentral fields', async () => {
    const t = typing('\t\truntime·mheap.central[0].');
    await client.change(scenario, t.text, 11);
    const items = await client.at<CompletionItem[]>('textDocument/completion', scenario, t.line, t.character);
    assert.ok(items.some((i) => i.label === 'nonempty'), items.map((i) => i.label).join(' '));
  });

  test('names in scope: locals, model functions, macros, builtins; documentation on resolve', async () => {
    const t = typing('\t\tla');
    await client.change(scenario, t.text, 12);
    const items = await client.at<CompletionItem[]>('textDocument/completion', scenario, t.line, t.character);
    const labels = new Set(items.map((i) => i.label));
    for (const want of ['s', 'p', 'i', 'n', 'lastspan', 'runtime·mallocgc', 'NOBJ', 'runtime·cas', 'MSpanInUse']) assert.ok(labels.has(want), want);
    const malloc = items.find((i) => i.label === 'runtime·mallocgc');
    assert.equal(malloc?.detail, 'void* runtime·mallocgc(uintptr size, uintptr typ, uint32 flag)');
    const resolved = await client.request<CompletionItem>('completionItem/resolve', malloc);
    assert.match(resolved.documentation?.value ?? '', /^Allocate an object of at least size bytes\./);
  });

  test('locals of another function are not offered', async () => {
    const p = at('\talloc(NOBJ)');
    const items = await client.at<CompletionItem[]>('textDocument/completion', scenario, p.line, p.character + 1);
    const labels = new Set(items.map((i) => i.label));
    assert.ok(labels.has('alloc') && !labels.has('s') && !labels.has('i'));
  });

  test('nothing in comments and strings, nor after the > of a comparison', async () => {
    const t = typing('\t\tif(i > n) runtime·printf("s-> %d", i); // s->');
    await client.change(scenario, t.text, 14);
    assert.deepEqual(await client.at('textDocument/completion', scenario, t.line, t.character), []);
    const inString = positionOf(t.text, '"s->', 4);
    assert.deepEqual(await client.at('textDocument/completion', scenario, inString.line, inString.character), []);
    const gt = positionOf(t.text, 'i > ', 3);
    assert.deepEqual(await client.at('textDocument/completion', scenario, gt.line, gt.character, { context: { triggerKind: 2, triggerCharacter: '>' } }), []);
    await client.change(scenario, SCENARIO, 15);
  });
});
