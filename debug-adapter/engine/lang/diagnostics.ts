// Diagnostics: collecting compile-time errors with their original source positions, and
// formatting them the way a C programmer expects ("file:line:col: error: message").
import type { Diagnostic, SourceLocation } from '../api';

export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  error(at: SourceLocation, message: string): void {
    const key = `${at.file}:${at.line}:${at.column}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ file: at.file, line: at.line, column: at.column, severity: 'error', message });
  }

  get errorCount(): number {
    return this.list.length;
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
}

/** Edit distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `name`, if it is close enough to be a plausible typo. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const bare = (s: string) => s.slice(s.lastIndexOf('·') + 1).toLowerCase();
  const target = bare(name);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = editDistance(target, bare(c));
    if (score < bestScore || (score === bestScore && best !== undefined && c.length < best.length)) {
      best = c;
      bestScore = score;
    }
  }
  const limit = Math.max(1, Math.floor(target.length / 3));
  return best !== undefined && bestScore <= limit ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const s = suggest(name, candidates);
  return s ? `; did you mean '${s}'?` : '';
}
