// The SimC TextMate grammar and language configuration: every pattern compiles as a regular
// expression, and a small TextMate tokenizer (first match by position, rule order on ties,
// begin/end rules with a stack across lines, captures) scopes SimC the way a reader expects —
// `runtime·` names, every VM builtin (kept in step with engine/lang/builtins.ts),
// `#pragma textflag NOSPLIT`, macros, members, thread variables, numbers with suffixes,
// comments. Also checks package.json wires the grammar and the language configuration.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BUILTIN_SIGNATURES } from '../../debug-adapter/engine/lang/builtins';

const root = path.resolve(__dirname, '..', '..');

type Captures = Record<string, { name?: string }>;
interface Rule {
  include?: string;
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  contentName?: string;
  captures?: Captures;
  beginCaptures?: Captures;
  endCaptures?: Captures;
  patterns?: Rule[];
}
interface Grammar {
  scopeName: string;
  patterns: Rule[];
  repository: Record<string, Rule>;
}

const grammar = JSON.parse(readFileSync(path.join(root, 'syntaxes', 'simc.tmLanguage.json'), 'utf8')) as Grammar;

/** The rules a pattern list stands for, with includes and plain containers expanded. */
function expand(rules: Rule[], seen = new Set<Rule>()): Rule[] {
  const out: Rule[] = [];
  for (const r of rules) {
    if (r.include) {
      const target = r.include === '$self' ? { patterns: grammar.patterns } : grammar.repository[r.include.slice(1)];
      assert.ok(target, `include ${r.include} exists`);
      if (!seen.has(target)) out.push(...expand([target], new Set([...seen, target])));
    } else if (r.match || r.begin) out.push(r);
    else if (r.patterns) out.push(...expand(r.patterns, seen));
  }
  return out;
}

const compiled = new Map<string, RegExp>();
function exec(source: string, line: string, from: number): RegExpExecArray | null {
  let re = compiled.get(source);
  if (!re) {
    re = new RegExp(source, 'dg');
    compiled.set(source, re);
  }
  re.lastIndex = from;
  return re.exec(line);
}

/** Scopes of every character of a text, line by line. */
function tokenize(text: string): string[][][] {
  const stack: { rule: Rule; scopes: string[] }[] = [];
  const base = [grammar.scopeName];
  return text.split('\n').map((line) => {
    const chars: string[][] = [];
    const paint = (from: number, to: number, scopes: string[]): void => {
      for (let i = from; i < to; i++) chars[i] = scopes;
    };
    const paintMatch = (m: RegExpExecArray, scopes: string[], captures: Captures | undefined): void => {
      paint(m.index, m.index + m[0].length, scopes);
      for (const [group, c] of Object.entries(captures ?? {})) {
        const span = m.indices?.[Number(group)];
        if (span && c.name) for (let i = span[0]; i < span[1]; i++) chars[i] = [...chars[i], c.name];
      }
    };
    let pos = 0;
    while (pos <= line.length) {
      const top = stack[stack.length - 1];
      const current = top ? top.scopes : base;
      let best: { m: RegExpExecArray; rule: Rule; kind: 'end' | 'match' | 'begin' } | undefined;
      if (top?.rule.end) {
        const m = exec(top.rule.end, line, pos);
        if (m) best = { m, rule: top.rule, kind: 'end' };
      }
      for (const rule of expand(top ? top.rule.patterns ?? [] : grammar.patterns)) {
        const m = exec((rule.match ?? rule.begin) as string, line, pos);
        if (m && (!best || m.index < best.m.index)) best = { m, rule, kind: rule.match ? 'match' : 'begin' };
      }
      if (!best) {
        paint(pos, line.length, current);
        break;
      }
      const { m, rule, kind } = best;
      paint(pos, m.index, current);
      const end = m.index + m[0].length;
      if (kind === 'end') {
        paintMatch(m, current, rule.endCaptures ?? rule.captures);
        stack.pop();
      } else if (kind === 'match') {
        paintMatch(m, rule.name ? [...current, rule.name] : current, rule.captures);
      } else {
        const scopes = rule.name ? [...current, rule.name] : current;
        paintMatch(m, scopes, rule.beginCaptures ?? rule.captures);
        stack.push({ rule, scopes: rule.contentName ? [...scopes, rule.contentName] : scopes });
      }
      if (end === m.index && kind !== 'begin') {
        if (pos < line.length) chars[pos] ??= current;
        pos = end + 1;
      } else pos = end === pos && kind === 'begin' ? end + 1 : end;
      if (pos > line.length) break;
    }
    return chars;
  });
}

/** Asserts every character of the n-th `needle` in a one- or multi-line text carries `scope`. */
function expectScope(text: string, needle: string, scope: string, n = 0): void {
  const lines = tokenize(text);
  const flat = text.split('\n');
  let count = 0;
  for (let l = 0; l < flat.length; l++) {
    let i = flat[l].indexOf(needle);
    while (i >= 0) {
      if (count++ === n) {
        for (let k = i; k < i + needle.length; k++) {
          assert.ok(lines[l][k]?.includes(scope), `'${needle}' in ${JSON.stringify(flat[l])}: char ${k} has [${lines[l][k]?.join(', ')}], not ${scope}`);
        }
        return;
      }
      i = flat[l].indexOf(needle, i + 1);
    }
  }
  assert.fail(`'${needle}' #${n} not found`);
}

function noScope(text: string, needle: string, scope: string): void {
  const lines = tokenize(text);
  const i = text.indexOf(needle);
  assert.ok(i >= 0 && !text.slice(0, i).includes('\n'));
  assert.ok(!lines[0][i]?.includes(scope), `'${needle}' should not be ${scope}`);
}

test('every pattern compiles as a regular expression', () => {
  const all: Rule[] = [];
  const walk = (r: Rule): void => {
    all.push(r);
    r.patterns?.forEach(walk);
  };
  grammar.patterns.forEach(walk);
  Object.values(grammar.repository).forEach(walk);
  for (const r of all) for (const src of [r.match, r.begin, r.end]) if (src) assert.doesNotThrow(() => new RegExp(src, 'd'), src);
});

test('every VM builtin is scoped as a builtin, other runtime· functions as functions', () => {
  for (const [name] of BUILTIN_SIGNATURES) {
    const line = `\tx = ${name}(p);`;
    expectScope(line, name.slice('runtime·'.length), 'support.function.builtin.simc');
    expectScope(line, 'runtime·', 'entity.name.namespace.runtime.simc');
  }
  const call = '\truntime·MSpan_Sweep(s);';
  expectScope(call, 'MSpan_Sweep', 'entity.name.function.runtime.simc');
  noScope(call, 'MSpan_Sweep', 'support.function.builtin.simc');
  noScope('\truntime·casual(p);', 'casual', 'support.function.builtin.simc');
});

test('#pragma textflag NOSPLIT, #define and #include', () => {
  const pragma = '#pragma textflag NOSPLIT\nvoid\nruntime·MSpan_EnsureSwept(MSpan *s)\n{\n}';
  expectScope(pragma, 'pragma', 'keyword.control.directive.pragma.simc');
  expectScope(pragma, 'NOSPLIT', 'constant.language.nosplit.simc');
  expectScope(pragma, 'MSpan_EnsureSwept', 'entity.name.function.runtime.simc');
  const define = '#define bitMarked\t\t((uintptr)1<<(bitShift*2))\t// reached during mark';
  expectScope(define, 'bitMarked', 'entity.name.function.preprocessor.simc');
  expectScope(define, 'uintptr', 'support.type.simc');
  expectScope(define, '// reached during mark', 'comment.line.double-slash.simc');
  expectScope('#include "../common/runtime-h.simc"', '"../common/runtime-h.simc"', 'string.quoted.other.include.simc');
});

test('names with the middle dot, members, thread variables, types and keywords', () => {
  const code = 'struct MSpan·x *s;\n\tif(s->sweepgen == sg-2 && m->locks == 0)\n\t\tgo ·helper(nil);';
  expectScope(code, 'MSpan·x', 'entity.name.type.struct.simc');
  expectScope(code, 'sweepgen', 'variable.other.member.simc');
  expectScope('\tif(m->locks == 0)', 'm', 'variable.language.threadvar.simc');
  noScope('\tmm->locks = 0;', 'mm', 'variable.language.threadvar.simc');
  expectScope(code, 'go', 'keyword.control.simc');
  expectScope(code, '·helper', 'entity.name.function.simc');
  expectScope(code, 'nil', 'constant.language.simc');
  expectScope('\tMSpan *s;\n\tuintptr n;', 'MSpan', 'support.type.runtime.simc');
  expectScope('\tMSpan *s;\n\tuintptr n;', 'uintptr', 'support.type.simc');
});

test('numbers with C suffixes, characters, strings with printf verbs, comments', () => {
  expectScope('x = 0xdeaddeaddeaddeadll;', '0xdeaddeaddeaddeadll', 'constant.numeric.hex.simc');
  expectScope('x = 1<<20UL;', '20UL', 'constant.numeric.decimal.simc');
  expectScope("c = '\\n';", "'\\n'", 'constant.character.simc');
  expectScope('runtime·printf("span %p sweepgen %d\\n", s, g);', '%p', 'constant.other.placeholder.simc');
  const block = 'x = 1; /* runtime·cas(\n   still a comment */ y = 2;';
  expectScope(block, 'runtime·cas(', 'comment.block.simc');
  expectScope(block, 'still a comment', 'comment.block.simc');
  noScope('y = 2; /* c */', 'y', 'comment.block.simc');
});

test('package.json wires the grammar and language configuration; the word pattern keeps runtime·names whole', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    contributes: { languages: { id: string; extensions: string[]; configuration: string }[]; grammars: { language: string; scopeName: string; path: string }[] };
  };
  const lang = pkg.contributes.languages.find((l) => l.id === 'simc');
  assert.ok(lang && lang.extensions.includes('.simc'));
  assert.ok(existsSync(path.join(root, lang.configuration)));
  const g = pkg.contributes.grammars.find((x) => x.language === 'simc');
  assert.ok(g && g.scopeName === grammar.scopeName && existsSync(path.join(root, g.path)));
  const config = JSON.parse(readFileSync(path.join(root, lang.configuration), 'utf8')) as { wordPattern: string; comments: { lineComment: string } };
  assert.equal(config.comments.lineComment, '//');
  const word = new RegExp(config.wordPattern, 'g');
  assert.deepEqual('x = runtime·mallocgc(size, 0, FlagNoScan);'.match(word), ['x', 'runtime·mallocgc', 'size', '0', 'FlagNoScan']);
});
