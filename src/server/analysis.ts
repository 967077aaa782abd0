// Runs the shared front end (engine `analyze()`) for a document's target — scenario plus
// runtime model, or a model with the empty scenario — over the document store, builds the
// symbol index, and caches each result by (runtime, scenario) for as long as every file it read
// still has the same text. Keeps the timings of recent analyses for the stats request.
import { analyze, type Analysis } from '../../debug-adapter/engine';
import type { DocumentStore } from './documents';
import { MODEL_STUB_TEXT, type RuntimeChooser, type Target } from './runtimeChoice';
import { buildIndex, type ProgramIndex } from './symbolIndex';
import { SourceCache } from './sourceText';

export interface AnalysisResult {
  target: Target;
  analysis: Analysis;
  index: ProgramIndex;
  /** Every file the analysis read, with the text it read. */
  texts: ReadonlyMap<string, string | undefined>;
  /** Milliseconds in the front end and in building the index. */
  frontEndMs: number;
  indexMs: number;
}

export interface Timing {
  file: string;
  runtime: string;
  frontEndMs: number;
  indexMs: number;
  cached: boolean;
}

const MAX_CACHED = 12;
const MAX_TIMINGS = 50;

export class Analyzer {
  private readonly cache = new Map<string, AnalysisResult>();
  readonly sources = new SourceCache();
  readonly timings: Timing[] = [];

  constructor(
    private readonly store: DocumentStore,
    private readonly chooser: RuntimeChooser,
  ) {}

  /** The analysis a document is served from, given its `sweepscope.runtime` setting. */
  forDocument(file: string, setting: string): AnalysisResult {
    const target = this.chooser.targetFor(file, setting);
    const result = this.run(target, file);
    if (target.isModel || target.explicit || target.runtime.name === 'none') return result;
    // a plain SimC program (no Go runtime) that does not fit the default runtime runs on `none`
    if (!result.analysis.diagnostics.some((d) => d.severity === 'error')) return result;
    const plain = this.run(this.chooser.plain(file), file);
    return plain.analysis.diagnostics.some((d) => d.severity === 'error') ? result : plain;
  }

  /** Cached analyses (other open documents') on the same runtime, for cross-document references. */
  sameRuntime(runtime: string): AnalysisResult[] {
    return [...this.cache.values()].filter((r) => r.target.runtime.name === runtime && this.valid(r));
  }

  /** Text of a file as the analyses see it. */
  text(file: string): string | undefined {
    return this.store.read(file);
  }

  forget(): void {
    this.cache.clear();
  }

  private valid(r: AnalysisResult): boolean {
    for (const [p, t] of r.texts) if (this.store.read(p) !== t) return false;
    return true;
  }

  private run(target: Target, file: string): AnalysisResult {
    const key = `${target.runtime.name}\u0000${target.scenario}`;
    const old = this.cache.get(key);
    if (old && this.valid(old)) {
      this.note({ file, runtime: target.runtime.name, frontEndMs: 0, indexMs: 0, cached: true });
      return old;
    }
    if (target.isModel) this.store.addSynthetic(target.scenario, MODEL_STUB_TEXT);
    const texts = new Map<string, string | undefined>();
    const loader = this.store.recordingLoader(texts);
    const t0 = performance.now();
    const analysis = analyze({ runtimeFiles: target.runtime.files, scenario: target.scenario, loader });
    const t1 = performance.now();
    const index = buildIndex(analysis, this.sources, (p) => (texts.has(p) ? texts.get(p) : this.store.read(p)));
    const t2 = performance.now();
    const result: AnalysisResult = { target, analysis, index, texts, frontEndMs: t1 - t0, indexMs: t2 - t1 };
    this.cache.delete(key);
    this.cache.set(key, result);
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.note({ file, runtime: target.runtime.name, frontEndMs: result.frontEndMs, indexMs: result.indexMs, cached: false });
    return result;
  }

  private note(t: Timing): void {
    this.timings.push(t);
    if (this.timings.length > MAX_TIMINGS) this.timings.shift();
  }
}
