// Parser of the expectation header of a SimC conformance program (test/conformance/*.simc).
// The header is the file's leading `//` comment lines:
//   // expect: exit | deadlock | budget | livelock
//   // expect: fault <substring of the message>      // expect: throw <exact message>
//   // expect: compile-error <line>:<col or *> <substring>   (repeatable; each must match one error)
//   // expect-errors: N        exactly N error diagnostics
//   // expect-at: LINE         the fault/throw location's line (in this file)
//   // expect-output:          then one `// | text` line per output line (stdout exactly)
//   // max-steps: N            // gomaxprocs: N
// Any other `// expect…` key is an error, so a typo cannot silently disable a check.
import type { Outcome } from '../../debug-adapter/engine/api';

export interface ExpectedDiagnostic {
  line: number;
  /** undefined: any column */
  column: number | undefined;
  substring: string;
}

export interface ConformanceSpec {
  kind: Outcome | 'compile-error';
  /** fault: a substring of the message; throw: the exact message. */
  message?: string;
  diagnostics: ExpectedDiagnostic[];
  errorCount?: number;
  atLine?: number;
  /** Exact stdout, or undefined when the file does not say. */
  output?: string;
  maxSteps?: number;
  gomaxprocs?: number;
}

const SIMPLE_OUTCOMES: readonly Outcome[] = ['exit', 'deadlock', 'budget', 'livelock'];

function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim())) throw new Error(`${what}: '${text}' is not a non-negative integer`);
  return Number(text.trim());
}

/** Parses the header of `source`; throws an Error describing the first malformed line. */
export function parseSpec(source: string): ConformanceSpec {
  const lines = source.split(/\r?\n/);
  let kind: ConformanceSpec['kind'] | undefined;
  const spec: Omit<ConformanceSpec, 'kind'> = { diagnostics: [] };
  let outputLines: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith('//')) break;
    const where = `header line ${i + 1}`;
    if (line.startsWith('// |')) {
      if (outputLines === undefined) throw new Error(`${where}: output line before '// expect-output:'`);
      outputLines.push(line.startsWith('// | ') ? line.slice(5) : line.slice(4));
      continue;
    }
    const m = /^\/\/ ([a-z-]+):\s*(.*)$/.exec(line);
    if (!m) continue; // free-form description
    const [, key, rest] = m;
    switch (key) {
      case 'expect': {
        const [word, ...more] = rest.split(' ');
        const arg = more.join(' ');
        const setKind = (k: ConformanceSpec['kind']): void => {
          if (kind !== undefined && kind !== k) throw new Error(`${where}: conflicting expectations ${kind} and ${k}`);
          kind = k;
        };
        if ((SIMPLE_OUTCOMES as readonly string[]).includes(word) && arg === '') {
          setKind(word as Outcome);
        } else if ((word === 'fault' || word === 'throw') && arg !== '') {
          setKind(word);
          spec.message = arg;
        } else if (word === 'compile-error') {
          const d = /^(\d+):(\d+|\*) (.+)$/.exec(arg);
          if (!d) throw new Error(`${where}: expected 'compile-error LINE:COL substring'`);
          setKind('compile-error');
          spec.diagnostics.push({ line: Number(d[1]), column: d[2] === '*' ? undefined : Number(d[2]), substring: d[3] });
        } else {
          throw new Error(`${where}: unknown expectation '${rest}'`);
        }
        break;
      }
      case 'expect-errors':
        spec.errorCount = positiveInt(rest, where);
        break;
      case 'expect-at':
        spec.atLine = positiveInt(rest, where);
        break;
      case 'expect-output':
        if (rest !== '') throw new Error(`${where}: output goes on '// | ' lines below expect-output`);
        outputLines = [];
        break;
      case 'max-steps':
        spec.maxSteps = positiveInt(rest, where);
        break;
      case 'gomaxprocs':
        spec.gomaxprocs = positiveInt(rest, where);
        break;
      default:
        if (key.startsWith('expect')) throw new Error(`${where}: unknown key '${key}'`);
    }
  }
  if (kind === undefined) throw new Error('no "// expect:" line in the header');
  if (outputLines !== undefined) spec.output = outputLines.map((l) => l + '\n').join('');
  return { kind, ...spec };
}
